"""Invoice PDFs drawn with reportlab: everything a finance office needs to pay, on one page
(or, with a long list of representatives, on as many as it takes, each numbered)."""

from __future__ import annotations

from functools import partial
from io import BytesIO
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils.dateformat import format as format_date
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .models import Invoice


def money(value) -> str:
    return f"£{value:,.2f}"


def _day(value) -> str:
    return format_date(value, "j F Y")


def _lines(text: str) -> str:
    return "<br/>".join(escape(line) for line in text.splitlines() if line.strip())


def _vat(line) -> str:
    rate = f" {line.vat_rate.normalize():f}%" if line.vat_rate else ""
    return escape(line.get_vat_treatment_display() + rate)


MARGIN = 18 * mm
FRAME_PADDING = 6  # reportlab's default: the text column starts this far inside the margin
FOOTER_Y = 9 * mm  # in the bottom margin, below the lowest line the frame can hold


class _NumberedCanvas(Canvas):
    """Holds the pages back until the end, so each footer can say "Page 2 of 3"."""

    def __init__(self, *args, footer: str, **kwargs):
        super().__init__(*args, **kwargs)
        self._footer = footer
        self._held = []

    def showPage(self):
        self._held.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        for number, page in enumerate(self._held, start=1):
            self.__dict__.update(page)
            width, _ = self._pagesize
            self.setFont("Helvetica", 8)
            left, right = MARGIN + FRAME_PADDING, width - MARGIN - FRAME_PADDING
            self.drawString(left, FOOTER_Y, self._footer)
            self.drawRightString(right, FOOTER_Y, f"Page {number} of {len(self._held)}")
            super().showPage()
        super().save()


def render_invoice_pdf(invoice: Invoice) -> bytes:
    charity = settings.CHARITY
    bank = settings.INVOICE_BANK_DETAILS
    styles = getSampleStyleSheet()
    body, small = styles["BodyText"], styles["BodyText"].clone("small", fontSize=8, leading=10)
    buffer = BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=f"Invoice {invoice.number}",
        author=charity["name"],
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
    )
    story = [
        Paragraph(escape(charity["name"]), styles["Title"]),
        Paragraph(
            "<br/>".join(escape(line) for line in charity["address"])
            + f"<br/>{escape(charity['email'])} · {escape(charity['phone'])}"
            + f"<br/>Registered charity number {escape(charity['charity_number'])}"
            + (
                f"<br/>VAT registration number {escape(settings.INVOICE_VAT_NUMBER)}"
                if settings.INVOICE_VAT_NUMBER
                else ""
            ),
            body,
        ),
        Spacer(1, 6 * mm),
    ]
    status = {"paid": " (PAID)", "void": " (VOID)"}.get(invoice.status, "")
    story.append(Paragraph(f"Invoice {escape(invoice.number)}{status}", styles["Heading2"]))
    bill_to = f"<b>Bill to</b><br/>{escape(invoice.bill_to_name)}"
    if invoice.bill_to_contact:
        bill_to += f"<br/>For the attention of {escape(invoice.bill_to_contact)}"
    if invoice.bill_to_address:
        bill_to += f"<br/>{_lines(invoice.bill_to_address)}"
    details = (
        f"<b>Invoice number:</b> {escape(invoice.number)}<br/>"
        f"<b>Invoice date:</b> {_day(invoice.issued_on)}<br/>"
        f"<b>Due date:</b> {_day(invoice.due_on)}<br/>"
        f"<b>Purchase order:</b> {escape(invoice.po_number) or 'none given'}"
    )
    header = Table([[Paragraph(bill_to, body), Paragraph(details, body)]], colWidths=["55%", "45%"])
    header.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [header, Spacer(1, 6 * mm)]

    # Text that can run long (the description, the VAT treatment) goes in Paragraphs so it
    # wraps inside its column; figures stay on one line, in columns wide enough for
    # £999,999.99, and the VAT column for "Outside the scope of VAT" on one line.
    rows = [["Description", "Qty", "Unit price", "VAT", "Net", "VAT amount"]]
    for line in invoice.lines.all():
        rows.append(
            [
                Paragraph(escape(line.description), small),
                str(line.quantity),
                money(line.unit_price),
                Paragraph(_vat(line), small),
                money(line.net_amount),
                money(line.vat_amount),
            ]
        )
    rows += [
        ["", "", "", "", "Net total", money(invoice.net_total)],
        ["", "", "", "", "VAT", money(invoice.vat_total)],
        ["", "", "", "", "Total due", money(invoice.total)],
    ]
    # A line naming forty representatives is taller than a page: split it inside the row
    # and repeat the column headings on each page it continues onto.
    table = Table(
        rows,
        colWidths=[60 * mm, 10 * mm, 22 * mm, 38 * mm, 22 * mm, 22 * mm],
        repeatRows=1,
        splitInRow=1,
    )
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                ("ALIGN", (3, 0), (3, -1), "LEFT"),
                ("LINEABOVE", (4, -3), (-1, -3), 0.5, colors.black),
                ("FONTNAME", (4, -1), (-1, -1), "Helvetica-Bold"),
                ("NOSPLIT", (0, -3), (-1, -1)),
            ]
        )
    )
    story += [table, Spacer(1, 6 * mm)]
    story.append(
        Paragraph(
            f"<b>Please pay {money(invoice.total)} by {_day(invoice.due_on)}</b>, quoting "
            f"{escape(invoice.number)} as the reference.<br/>"
            f"Bank transfer (BACS) to {escape(bank['account_name'])}, {escape(bank['bank'])}, "
            f"sort code {escape(bank['sort_code'])}, account number "
            f"{escape(bank['account_number'])}.",
            body,
        )
    )
    if invoice.notes:
        story += [Spacer(1, 4 * mm), Paragraph(_lines(invoice.notes), body)]
    if invoice.status == Invoice.Status.VOID and invoice.void_reason:
        story += [Paragraph(f"Void: {escape(invoice.void_reason)}", body)]
    doc.build(story, canvasmaker=partial(_NumberedCanvas, footer=f"Invoice {invoice.number}"))
    return buffer.getvalue()
