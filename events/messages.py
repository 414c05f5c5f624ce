"""Writing to everyone booked on an event, through the newsletters pipeline: a segmented send
to the private "Event delegates" list (its unsubscribe links and bounce handling apply)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from newsletters import sending
from newsletters.models import ErasedAddress, Issue, Newsletter, Send, Subscriber, Subscription

from .models import Booking, Delegate, Event


class MessageRefused(Exception):
    """Nothing to send, or nobody to send it to; the message says which, for staff."""


def delegates_list() -> Newsletter:
    """The list marked "for event delegates" (a migration makes it; made again if missing)."""
    return Newsletter.objects.marked(
        "for_event_delegates",
        slug="event-delegates",
        name="Event delegates",
        description="Messages about an event to the people booked on it.",
        is_public=False,
        in_archive=False,
    )


def _subscriber_for(delegate: Delegate, newsletter: Newsletter) -> Subscriber | None:
    """The delegate as a recipient of the delegates list: service messages about their place
    are the basis for someone not yet on file; nobody who opted out, bounced or asked to be
    erased is added back."""
    if ErasedAddress.objects.of(delegate.email).exists():
        return None
    subscriber = Subscriber.objects.filter(email__iexact=delegate.email).first()
    if subscriber is None or subscriber.status == Subscriber.Status.PENDING:
        subscriber = subscriber or Subscriber(
            email=delegate.email, name=delegate.name, organisation=delegate.organisation
        )
        subscriber.record_basis(
            Subscriber.Basis.CONTRACT,
            source=Subscriber.Source.EVENT,
            at=timezone.now(),
            where=f"Booking {delegate.booking.reference}: {delegate.booking.event}",
        )
        subscriber.save()
    if subscriber.is_suppressed:
        return None
    subscription, _ = Subscription.objects.get_or_create(
        subscriber=subscriber, newsletter=newsletter
    )
    return None if subscription.unsubscribed_at else subscriber


@transaction.atomic
def message_delegates(*, event: Event, subject: str, message: str, user=None) -> Send:
    """Email ``message`` (simple HTML) to every delegate holding a place at ``event``, now."""
    if not subject.strip() or not message.strip():
        raise MessageRefused("Write a subject and a message.")
    newsletter = delegates_list()
    places = Delegate.objects.filter(booking__event=event, booking__status__in=Booking.HOLDING)
    audience = {
        subscriber.pk
        for subscriber in (
            _subscriber_for(d, newsletter) for d in places.select_related("booking__event")
        )
        if subscriber is not None
    }
    if not audience:
        raise MessageRefused(f"Nobody booked on {event} can be written to.")
    issue = Issue.objects.create(newsletter=newsletter, title=subject.strip(), welcome=message)
    return sending.schedule_send(issue=issue, newsletter=newsletter, user=user, audience=audience)
