"""Printables for the door: name badges (eight to an A4 page) and a sign-in sheet, for each day
of an event, with the delegates who come that day (a day ticket's holders on their day)."""

from __future__ import annotations

from io import BytesIO

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle
from reportlab.platypus.flowables import KeepInFrame

from .models import Booking, Delegate, Event

BADGE_WIDTH, BADGE_HEIGHT = 90 * mm, 60 * mm


def delegates_on(event: Event, day) -> list[Delegate]:
    return list(
        Delegate.objects.filter(
            booking__event=event,
            booking__status__in=Booking.HOLDING,
        )
        .exclude(ticket_type__day__isnull=False, ticket_type__day__lt=day)
        .exclude(ticket_type__day__gt=day)
        .select_related("ticket_type")
        .order_by("name")
    )


def render_door_pdf(event: Event) -> bytes:
    styles = getSampleStyleSheet()
    name_style = styles["Title"].clone("badge-name", fontSize=20, leading=24)
    organisation_style = styles["BodyText"].clone("badge-org", fontSize=12, alignment=1)
    small = styles["BodyText"].clone("badge-small", fontSize=9, alignment=1)
    buffer = BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=f"Badges and sign-in sheets: {event.title}",
    )
    story = []
    for day in event.days:
        people = delegates_on(event, day)
        badges = [
            KeepInFrame(
                BADGE_WIDTH - 6 * mm,
                BADGE_HEIGHT - 6 * mm,
                [
                    Paragraph(event.title, small),
                    Paragraph(p.name, name_style),
                    Paragraph(p.organisation, organisation_style),
                    Paragraph(f"{day:%-d %B %Y}", small),
                ],
                mode="shrink",
            )
            for p in people
        ]
        rows = [
            badges[i : i + 2] + [""] * (2 - len(badges[i : i + 2]))
            for i in range(0, len(badges), 2)
        ]
        if rows:
            grid = Table(rows, colWidths=[BADGE_WIDTH] * 2, rowHeights=[BADGE_HEIGHT] * len(rows))
            grid.setStyle(
                TableStyle(
                    [
                        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ]
                )
            )
            story += [grid, PageBreak()]
        story.append(
            Paragraph(f"Sign-in sheet: {event.title}, {day:%A %-d %B %Y}", styles["Heading2"])
        )
        sheet = Table(
            [["Name", "Organisation", "Ticket", "Signature"]]
            + [[p.name, p.organisation, p.ticket_type.name, ""] for p in people],
            colWidths=[50 * mm, 60 * mm, 30 * mm, 46 * mm],
            repeatRows=1,
        )
        sheet.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#1d3557")),
                    ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
                    (
                        "ROWBACKGROUNDS",
                        (0, 1),
                        (-1, -1),
                        [colors.white, colors.HexColor("#f3f5f8")],
                    ),
                    ("BOTTOMPADDING", (0, 1), (-1, -1), 9),
                ]
            )
        )
        story += [sheet, PageBreak()]
    if not story:
        story.append(Paragraph(f"No delegates for {event.title}.", styles["BodyText"]))
    doc.build(story)
    return buffer.getvalue()
