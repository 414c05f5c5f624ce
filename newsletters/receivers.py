"""Plumbing from other apps into newsletters: membership activations and ESP tracking events."""

from anymail.signals import tracking
from django.dispatch import receiver

from membership.signals import membership_activated, representatives_changed

from . import reports, subscriptions

# ESP events that mean: stop mailing this address.
SUPPRESSING_EVENTS = {
    "bounced": "bounced",
    "complained": "complained",
    "unsubscribed": "unsubscribed",
}


@receiver(membership_activated, dispatch_uid="newsletters.subscribe_representatives")
@receiver(representatives_changed, dispatch_uid="newsletters.subscribe_new_representatives")
def subscribe_representatives(sender, membership, **kwargs):
    subscriptions.subscribe_representatives(membership=membership)


@receiver(tracking, dispatch_uid="newsletters.esp_tracking")
def handle_esp_event(sender, event, esp_name, **kwargs):
    suppressed_as = SUPPRESSING_EVENTS.get(event.event_type)
    if suppressed_as and event.recipient:
        subscriptions.suppress(email=event.recipient, status=suppressed_as)
    if event.event_type == "bounced" and event.recipient:  # the send's report counts it
        reason = event.mta_response or event.description or ""
        reports.record_late_bounce(email=event.recipient, reason=reason)
