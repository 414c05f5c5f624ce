from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task


@shared_task(autoretry_for=(SMTPException, OSError), retry_backoff=30, max_retries=6)
def email_confirmation_task(booking_id: int) -> None:
    """Each delegate's confirmation, with their own link and the event's calendar file, and the
    booker's summary. Built here: the attachment never goes through the broker."""
    from tasp.mail import build_templated_email

    from .calendar import calendar_of
    from .models import Booking

    booking = Booking.objects.select_related("event").filter(pk=booking_id).first()
    if booking is None or booking.status != Booking.Status.CONFIRMED:
        return
    ics = [("event.ics", calendar_of([booking.event], name=booking.event.title), "text/calendar")]
    delegates = list(booking.delegates.select_related("ticket_type").prefetch_related("sessions"))
    emails = [("events/place_confirmed", d.email, {"delegate": d}) for d in delegates]
    if booking.booker_email.lower() not in {d.email.lower() for d in delegates}:
        emails.append(("events/booking_confirmed", booking.booker_email, {"delegates": delegates}))
    for template, to, context in emails:
        context |= {"booking": booking, "event": booking.event}
        build_templated_email(template, to=[to], context=context, attachments=ics).send()
