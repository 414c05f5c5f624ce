"""Events as iCalendar (RFC 5545): one event for a booking's confirmation, all upcoming events
for the feed."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from .models import Event


def calendar_of(events: Iterable[Event], *, name: str = "TASP events") -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//The Association of Safeguarding Partners//Events//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    domain = settings.SITE_URL.split("//", 1)[-1].split("/", 1)[0] or "tasp.example.org"
    for event in events:
        entry = CalendarEvent()
        entry.add("uid", f"event-{event.pk}@{domain}")
        entry.add("dtstamp", timezone.now())
        entry.add("dtstart", event.starts_at)
        entry.add("dtend", event.ends_at)
        entry.add("summary", event.title)
        entry.add("description", event.summary)
        entry.add("url", f"{settings.SITE_URL}{event.get_absolute_url()}")
        location = ", ".join(
            filter(None, [event.venue_name, " ".join(event.venue_address.split())])
        )
        entry.add("location", location or "Online")
        entry.add(
            "organizer", f"mailto:{settings.CHARITY['email']}", parameters={"CN": event.organiser}
        )
        calendar.add_component(entry)
    return calendar.to_ical()
