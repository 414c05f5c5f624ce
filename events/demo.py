"""Demo events, dated from today so the demo works in any year: TASP's two-day annual conference
(members booking now, the public in two weeks, early-bird prices for a month), an advisory
group meeting, a free webinar, and two other organisations' events."""

from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from .models import Event, Session, TicketType

LONDON = ZoneInfo("Europe/London")


def at(day, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


def seed_demo(*, staff):
    today = timezone.localdate()
    now = timezone.now()
    # The conference: the last Thursday and Friday about six months from now.
    first = today + timedelta(days=180)
    first += timedelta(days=(3 - first.weekday()) % 7)
    second = first + timedelta(days=1)
    conference = _event(
        title=f"TASP annual conference {first.year}: strengthening safeguarding partnerships",
        kind=Event.Kind.CONFERENCE,
        summary="Two days on the role of the three safeguarding partners, the National Panel, "
        "independent scrutiny and reporting, with keynotes and practical workshops.",
        description="<p>The annual conference for all lead safeguarding partners: the latest "
        "thinking from national figures, and practical workshops on the key challenges facing "
        "partnerships.</p>",
        starts_at=at(first, 9, 30),
        ends_at=at(second, 16, 30),
        venue_name="The Studio, Birmingham",
        venue_address="7 Cannon Street\nBirmingham B2 5EP",
        capacity=180,
        member_booking_opens_at=now - timedelta(days=7),
        public_booking_opens_at=now + timedelta(days=14),
        changes_close_at=at(first - timedelta(days=14), 17),
        joining_instructions="Registration opens at 9:00 on both days. The Studio is five "
        "minutes' walk from Birmingham New Street.",
    )
    early = now + timedelta(days=30)
    _tickets(
        conference,
        [
            ("Full conference (both days)", None, "295", "395", "245", "345", early, None),
            (f"Day 1 ({first:%-d %B})", first, "165", "215", None, None, None, 60),
            (f"Day 2 ({second:%-d %B})", second, "165", "215", None, None, None, 60),
        ],
    )
    # Workshops have a capacity; the keynotes and panels are for everyone.
    _sessions(
        conference,
        [
            (
                first,
                "10:00",
                "11:00",
                "Keynote: the three safeguarding partners, five years on",
                None,
            ),
            (first, "11:30", "12:30", "The National Panel: what the reviews are telling us", None),
            (
                first,
                "14:00",
                "15:30",
                "Workshop: a day in the life of an Independent Scrutineer",
                30,
            ),
            (first, "14:00", "15:30", "Workshop: a day in the life of a Business Manager", 30),
            (first, "14:00", "15:30", "Workshop: a day in the life of a Statutory Partner", 30),
            (second, "10:00", "11:30", "Workshop: yearly reports that show impact", 40),
            (second, "10:00", "11:30", "Workshop: engaging children and families", 40),
            (
                second,
                "14:00",
                "15:00",
                "Panel: independent scrutiny and the future of partnerships",
                None,
            ),
        ],
    )
    meeting_day = today + timedelta(days=40)
    meeting = _event(
        title="TASP advisory group meeting",
        kind=Event.Kind.MEETING,
        summary="Members' representatives shape TASP's work for the year ahead. Free, by video call.",
        starts_at=at(meeting_day, 10),
        ends_at=at(meeting_day, 12),
        online_url="https://meet.example.org/tasp-advisory-group",
        capacity=40,
        member_booking_opens_at=now - timedelta(days=3),
        public_booking_opens_at=None,
    )
    _tickets(meeting, [("Members' representatives", None, "0", "0", None, None, None, None)])
    webinar_day = today + timedelta(days=21)
    webinar = _event(
        title="Webinar: what the yearly reports tell us",
        kind=Event.Kind.WEBINAR,
        summary="An hour on the emerging learning from partnerships' yearly reports. Free, open to all.",
        starts_at=at(webinar_day, 12, 30),
        ends_at=at(webinar_day, 13, 30),
        online_url="https://meet.example.org/tasp-webinar",
        capacity=300,
        member_booking_opens_at=now - timedelta(days=10),
        public_booking_opens_at=now - timedelta(days=7),
    )
    _tickets(webinar, [("Registration", None, "0", "0", None, None, None, None)])
    for title, organiser, days, url in [
        (
            "NPCC Multi-Agency Safeguarding Hub conference",
            "National Police Chiefs' Council",
            75,
            "https://www.example.org/mash-conference",
        ),
        (
            "ADCS annual conference",
            "Association of Directors of Children's Services",
            120,
            "https://www.example.org/adcs-conference",
        ),
    ]:
        day = today + timedelta(days=days)
        _event(
            title=title,
            kind=Event.Kind.EXTERNAL,
            organiser=organiser,
            external_url=url,
            summary=f"Organised by {organiser}; book on their site.",
            starts_at=at(day, 9, 30),
            ends_at=at(day, 16, 30),
            venue_name="Manchester Central",
        )
    yield f"the annual conference ({first:%-d %B %Y}), a meeting, a webinar, two signposted events"


def _event(**fields) -> Event:
    title = fields.pop("title")
    event, _ = Event.objects.update_or_create(title=title, defaults=fields)
    return event


def _tickets(event: Event, rows) -> None:
    for position, (
        name,
        day,
        member,
        other,
        early_member,
        early_other,
        early_until,
        capacity,
    ) in enumerate(rows):
        TicketType.objects.update_or_create(
            event=event,
            name=name,
            defaults={
                "day": day,
                "member_price": Decimal(member),
                "non_member_price": Decimal(other),
                "early_member_price": Decimal(early_member) if early_member else None,
                "early_non_member_price": Decimal(early_other) if early_other else None,
                "early_until": early_until,
                "capacity": capacity,
                "position": position,
            },
        )


def _sessions(event: Event, rows) -> None:
    for day, starts, ends, title, capacity in rows:
        Session.objects.update_or_create(
            event=event,
            title=title,
            defaults={
                "starts_at": at(day, *map(int, starts.split(":"))),
                "ends_at": at(day, *map(int, ends.split(":"))),
                "is_workshop": capacity is not None,
                "capacity": capacity,
            },
        )
