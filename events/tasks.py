from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task

RETRY = {"autoretry_for": (SMTPException, OSError), "retry_backoff": 30, "max_retries": 6}


def _ics(event) -> list[tuple[str, bytes, str]]:
    from .calendar import calendar_of

    return [("event.ics", calendar_of([event], name=event.title), "text/calendar")]


@shared_task(**RETRY)
def email_confirmation_task(booking_id: int) -> None:
    """Each delegate's confirmation, with their own link and the event's calendar file, and the
    booker's summary. Built here: the attachment never goes through the broker."""
    from tasp.mail import build_templated_email

    from .models import Booking

    booking = Booking.objects.select_related("event").filter(pk=booking_id).first()
    if booking is None or booking.status != Booking.Status.CONFIRMED:
        return
    delegates = list(booking.delegates.select_related("ticket_type").prefetch_related("sessions"))
    emails = [("events/place_confirmed", d.email, {"delegate": d}) for d in delegates]
    if booking.booker_email.lower() not in {d.email.lower() for d in delegates}:
        emails.append(("events/booking_confirmed", booking.booker_email, {"delegates": delegates}))
    for template, to, context in emails:
        context |= {"booking": booking, "event": booking.event}
        build_templated_email(
            template, to=[to], context=context, attachments=_ics(booking.event)
        ).send()


@shared_task(**RETRY)
def email_place_task(delegate_id: int) -> None:
    """One delegate's place (a colleague who took it over), with the calendar file."""
    from tasp.mail import build_templated_email

    from .models import Delegate

    delegate = (
        Delegate.objects.select_related("booking__event", "ticket_type")
        .filter(pk=delegate_id)
        .first()
    )
    if delegate is None:
        return
    booking = delegate.booking
    build_templated_email(
        "events/place_confirmed",
        to=[delegate.email],
        context={"delegate": delegate, "booking": booking, "event": booking.event},
        attachments=_ics(booking.event),
    ).send()


@shared_task
def offer_places_task(event_id: int) -> None:
    from .waiting import offer_places

    offer_places(event_id=event_id)


@shared_task
def offer_places_everywhere_task() -> None:
    """Beat: offers that ran out pass to the next person, for every event with a queue."""
    from django.utils import timezone

    from .models import Interest
    from .waiting import offer_places

    events = (
        Interest.objects.filter(
            kind=Interest.Kind.WAITING,
            status__in=[Interest.Status.WAITING, Interest.Status.OFFERED],
            event__starts_at__gt=timezone.now(),
        )
        .values_list("event_id", flat=True)
        .distinct()
    )
    for event_id in events:
        offer_places(event_id=event_id)


@shared_task
def daily_task() -> None:
    from . import notices

    notices.tell_booking_opened()
    notices.send_joining_and_reminders()
    notices.delete_access_requirements()
