"""The waiting list: someone who finds an event, ticket or workshop full waits in turn; a freed
place is offered to the next person for EVENTS_OFFER_HOURS, then to the one after."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tasp.mail import send_templated_email

from .models import Event, Interest, Session, TicketType
from .services import places_freed, places_left


def join_interest(
    *,
    event: Event,
    kind: str,
    name: str,
    email: str,
    ticket_type: TicketType | None = None,
    session: Session | None = None,
) -> Interest:
    """Put someone on the waiting list, or on the list to be told when booking opens; asking
    again changes nothing. Their place in the queue is their first request."""
    email = email.strip()
    existing = (
        Interest.objects.filter(
            event=event,
            kind=kind,
            email__iexact=email,
            status__in=[Interest.Status.WAITING, Interest.Status.OFFERED],
        )
        .order_by("pk")
        .first()
    )
    if existing is not None:
        return existing
    interest = Interest.objects.create(
        event=event, kind=kind, name=name, email=email, ticket_type=ticket_type, session=session
    )
    if kind == Interest.Kind.WAITING:
        places_freed(event.pk)  # a place may be free already (an offer that ran out)
    return interest


@transaction.atomic
def offer_places(*, event_id: int, now=None) -> list[Interest]:
    """Close offers that ran out, then offer each place that is free to the next person waiting
    for it, for EVENTS_OFFER_HOURS; returns the new offers. Safe to run any time (beat runs it)."""
    now = now or timezone.now()
    event = Event.objects.select_for_update().get(pk=event_id)
    for expired in Interest.objects.filter(
        event=event, status=Interest.Status.OFFERED, offer_expires_at__lte=now
    ):
        expired.move_to(Interest.Status.EXPIRED)
    if now >= event.starts_at:
        return []
    left = places_left(event)
    offered = []
    for interest in Interest.objects.filter(
        event=event, kind=Interest.Kind.WAITING, status=Interest.Status.WAITING
    ):
        if interest.ticket_type_id is None:  # any ticket: the first with a place
            interest.ticket_type_id = next(
                (pk for pk, free in left["tickets"].items() if free is None or free > 0), None
            )
            if interest.ticket_type_id is None:
                continue
            interest.save(update_fields=["ticket_type"])
        wanted = [
            left["event"],
            left["tickets"].get(interest.ticket_type_id) if interest.ticket_type_id else None,
            left["sessions"].get(interest.session_id) if interest.session_id else None,
        ]
        if any(free == 0 for free in wanted):
            continue
        interest.move_to(
            Interest.Status.OFFERED,
            offered_at=now,
            offer_expires_at=now + timedelta(hours=settings.EVENTS_OFFER_HOURS),
        )
        offered.append(interest)
        for key, pk in (("tickets", interest.ticket_type_id), ("sessions", interest.session_id)):
            if pk and left[key].get(pk) is not None:
                left[key][pk] -= 1
        if left["event"] is not None:
            left["event"] -= 1
        send_templated_email(
            "events/place_offered",
            to=[interest.email],
            context={"interest": interest, "event": event},
        )
    return offered
