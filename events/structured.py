"""schema.org ``Event`` for search engines, from what the page shows."""

from __future__ import annotations

from django.conf import settings

from .models import Event

MODES = {
    "offline": "https://schema.org/OfflineEventAttendanceMode",
    "online": "https://schema.org/OnlineEventAttendanceMode",
    "mixed": "https://schema.org/MixedEventAttendanceMode",
}


def event_jsonld(event: Event, *, url: str) -> dict:
    online, in_person = bool(event.online_url), bool(event.venue_name)
    mode = "mixed" if online and in_person else ("online" if online else "offline")
    locations = []
    if in_person:
        locations.append(
            {
                "@type": "Place",
                "name": event.venue_name,
                "address": " ".join(event.venue_address.split()) or event.venue_name,
            }
        )
    if online:
        # The joining link itself is for delegates only: the event's page stands for it.
        locations.append({"@type": "VirtualLocation", "url": url})
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "description": event.summary,
        "startDate": event.starts_at.isoformat(),
        "endDate": event.ends_at.isoformat(),
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": MODES[mode],
        "location": locations[0] if len(locations) == 1 else locations,
        "organizer": {
            "@type": "Organization",
            "name": settings.CHARITY["name"] if event.organiser == "TASP" else event.organiser,
            "url": settings.SITE_URL if event.organiser == "TASP" else event.external_url or url,
        },
        "url": url,
    }
    if not event.is_external:
        data["offers"] = [
            {
                "@type": "Offer",
                "name": ticket.name,
                "price": f"{ticket.non_member_price:.2f}",
                "priceCurrency": "GBP",
                "url": url,
                **(
                    {"validFrom": event.public_booking_opens_at.isoformat()}
                    if event.public_booking_opens_at
                    else {}
                ),
                "availability": "https://schema.org/InStock",
            }
            for ticket in event.ticket_types.all()
        ]
    return data
