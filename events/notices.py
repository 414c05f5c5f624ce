"""What events send by the calendar: booking-opened notices, joining instructions, the
day-before reminder; and deleting access requirements once an event is over."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tasp.mail import send_templated_email

from .models import Booking, Delegate, Interest


def tell_booking_opened(*, now=None) -> int:
    """Email everyone who asked to be told, once booking has opened to the public."""
    now = now or timezone.now()
    due = Interest.objects.filter(
        kind=Interest.Kind.OPENING,
        status=Interest.Status.WAITING,
        event__public_booking_opens_at__lte=now,
        event__ends_at__gt=now,
    ).select_related("event")
    told = 0
    for interest in due:
        with transaction.atomic():
            if not Interest.objects.filter(pk=interest.pk).move(Interest.Status.TOLD):
                continue
            send_templated_email(
                "events/booking_open",
                to=[interest.email],
                context={"interest": interest, "event": interest.event},
            )
            told += 1
    return told


def send_joining_and_reminders(*, now=None) -> int:
    """Joining instructions the set number of days before, and a reminder the day before, to
    each delegate of a held place, once each."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    places = Delegate.objects.filter(
        booking__status__in=Booking.HOLDING, booking__event__starts_at__gt=now
    ).select_related("booking__event")
    for delegate in places:
        event = delegate.booking.event
        days = (timezone.localdate(event.starts_at) - today).days
        for stamp, due, template in (
            ("joining_sent_at", days <= event.joining_days_before, "events/joining"),
            ("reminded_at", days <= 1, "events/reminder"),
        ):
            if not due or getattr(delegate, stamp):
                continue
            with transaction.atomic():
                if not Delegate.objects.filter(pk=delegate.pk, **{f"{stamp}__isnull": True}).update(
                    **{stamp: now}
                ):
                    continue
                send_templated_email(
                    template, to=[delegate.email], context={"delegate": delegate, "event": event}
                )
                sent += 1
    return sent


def delete_access_requirements(*, now=None) -> int:
    """Access requirements are personal data kept only for the event: deleted
    EVENTS_ACCESS_REQUIREMENTS_DAYS after it ends (the booking form says so)."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.EVENTS_ACCESS_REQUIREMENTS_DAYS)
    return (
        Delegate.objects.filter(booking__event__ends_at__lt=cutoff)
        .exclude(access_requirements="")
        .update(access_requirements="")
    )
