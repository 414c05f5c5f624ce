"""Booking: one way to book places, confirm them when paid, and release or cancel them."""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.formats import date_format

from billing.services import BillTo, LineData, issue_invoice, send_invoice
from membership.services import is_member
from tasp.mail import send_templated_email

from .models import ZERO, Booking, Delegate, Event, Session, TicketType


class BookingRefused(Exception):
    """A booking that cannot be made; the message says why, for the booker."""


class NoPlaces(BookingRefused):
    """Fewer places are left than asked for; ``what`` names the event, ticket or workshop."""

    def __init__(self, message: str, *, what):
        super().__init__(message)
        self.what = what


@dataclass(frozen=True)
class DelegateData:
    name: str
    email: str
    organisation: str
    ticket_type: TicketType
    job_title: str = ""
    dietary: str = ""
    access_requirements: str = ""
    sessions: list[Session] = field(default_factory=list)


@dataclass(frozen=True)
class BookerData:
    name: str
    email: str
    organisation: str
    billing_address: str = ""
    po_number: str = ""


def member_price_for(user, when=None) -> bool:
    """A named representative of an organisation with member benefits that day."""
    return bool(user and user.is_authenticated and is_member(user=user, on=when))


def when_booking_opens(event: Event, *, member: bool) -> str:
    """The booker's answer when booking is not open to them yet."""
    opens = event.opens_at(member=member)
    if opens is None:
        return "Booking for this event has not opened yet."
    said = date_format(timezone.localtime(opens), "j F Y, H:i")
    if not member and event.member_booking_opens_at and event.member_booking_opens_at < opens:
        return (
            f"Booking opens to everyone on {said}; members' representatives book first. "
            "Ask to be told when it opens."
        )
    return f"Booking opens on {said}."


def places_left(event: Event) -> dict:
    """Places left for the event, each ticket type and each workshop (None: no limit)."""
    holding = Delegate.objects.filter(booking__event=event, booking__status__in=_HOLDING)
    by_ticket = dict(holding.values_list("ticket_type").annotate(n=Count("pk")))
    by_session = dict(
        Session.objects.filter(event=event, delegates__booking__status__in=_HOLDING)
        .values_list("pk")
        .annotate(n=Count("delegates"))
    )
    taken = holding.count()
    return {
        "event": None if event.capacity is None else max(0, event.capacity - taken),
        "tickets": {
            t.pk: None if t.capacity is None else max(0, t.capacity - by_ticket.get(t.pk, 0))
            for t in event.ticket_types.all()
        },
        "sessions": {
            s.pk: None if s.capacity is None else max(0, s.capacity - by_session.get(s.pk, 0))
            for s in event.sessions.all()
        },
    }


_HOLDING = [Booking.Status.AWAITING_PAYMENT, Booking.Status.CONFIRMED]


def _check_places(event: Event, delegates: list[DelegateData]) -> None:
    left = places_left(event)
    if left["event"] is not None and len(delegates) > left["event"]:
        raise NoPlaces(
            f"{event} is full: {_places(left['event'])} left for {len(delegates)} delegates.",
            what=event,
        )
    for ticket_type, wanted in Counter(d.ticket_type for d in delegates).items():
        free = left["tickets"].get(ticket_type.pk)
        if free is not None and wanted > free:
            raise NoPlaces(
                f"“{ticket_type}” is full: {_places(free)} left for {wanted} delegates.",
                what=ticket_type,
            )
    for session, wanted in Counter(s for d in delegates for s in d.sessions).items():
        free = left["sessions"].get(session.pk)
        if free is not None and wanted > free:
            raise NoPlaces(
                f"The workshop “{session.title}” is full: {_places(free)} left for {wanted}.",
                what=session,
            )


def _places(count: int) -> str:
    return "no places" if count == 0 else f"{count} place{'s' if count != 1 else ''}"


def _check_choices(event: Event, delegates: list[DelegateData]) -> None:
    if not delegates:
        raise BookingRefused("Name at least one delegate.")
    emails = [d.email.strip().lower() for d in delegates]
    if len(set(emails)) != len(emails):
        raise BookingRefused("Each delegate needs an email address of their own.")
    booked = set(
        Delegate.objects.filter(booking__event=event, booking__status__in=_HOLDING).values_list(
            "email", flat=True
        )
    )
    again = sorted(set(emails) & {b.lower() for b in booked})
    if again:
        raise BookingRefused(f"{', '.join(again)} already has a place at {event}.")
    for delegate in delegates:
        if delegate.ticket_type.event_id != event.pk:
            raise BookingRefused("Choose a ticket for this event.")
        for session in delegate.sessions:
            if session.event_id != event.pk or not session.is_workshop:
                raise BookingRefused("Choose workshops from this event's programme.")
        chosen = sorted(delegate.sessions, key=lambda s: s.starts_at)
        for first, second in itertools.pairwise(chosen):
            if second.starts_at < first.ends_at:
                raise BookingRefused(
                    f"{delegate.name}: “{first.title}” and “{second.title}” run at the same "
                    "time; choose one."
                )


@transaction.atomic
def book(*, event: Event, booker: BookerData, delegates: list[DelegateData], user) -> Booking:
    """Book places for ``delegates``: the price is decided here from the booker's membership
    today, places are checked with the event locked (two bookers for the last place: one gets
    it), a free booking is confirmed at once and anything else is invoiced (PO or card)."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    now = timezone.now()
    member = member_price_for(user)
    if not event.is_bookable(member=member, now=now):
        if event.is_external:
            raise BookingRefused(f"Book {event} with {event.organiser}.")
        if event.booking_closes_at and now >= event.booking_closes_at:
            raise BookingRefused(f"Booking for {event} has closed.")
        raise BookingRefused(when_booking_opens(event, member=member))
    _check_choices(event, delegates)
    _check_places(event, delegates)
    booking = Booking.objects.create(
        event=event,
        booked_by=user if user and user.is_authenticated else None,
        booker_name=booker.name,
        booker_email=booker.email,
        organisation_name=booker.organisation,
        billing_address=booker.billing_address,
        po_number=booker.po_number.strip(),
        at_member_price=member,
    )
    for data in delegates:
        delegate = Delegate.objects.create(
            booking=booking,
            ticket_type=data.ticket_type,
            name=data.name,
            email=data.email.strip(),
            organisation=data.organisation,
            job_title=data.job_title,
            dietary=data.dietary,
            access_requirements=data.access_requirements,
            price=data.ticket_type.price_for(member=member, now=now),
        )
        delegate.sessions.set(data.sessions)
    booking.total = sum((d.price for d in booking.delegates.all()), ZERO)
    booking.save(update_fields=["total"])
    if booking.total == ZERO:
        confirm_booking(booking=booking)
        booking.refresh_from_db()
        return booking
    invoice = issue_invoice(
        bill_to=BillTo(
            name=booker.organisation,
            address=booker.billing_address,
            contact=booker.name,
            email=booker.email,
        ),
        lines=invoice_lines(booking),
        po_number=booking.po_number,
    )
    booking.invoice = invoice
    booking.save(update_fields=["invoice"])
    send_invoice(invoice=invoice)
    send_templated_email(
        "events/booking_received",
        to=[booking.booker_email],
        context={
            "booking": booking,
            "delegates": list(booking.delegates.all()),
            "invoice": invoice,
        },
    )
    return booking


def invoice_lines(booking: Booking) -> list[LineData]:
    """One line per ticket type and price: “Annual conference 2027, Full conference (member
    early-bird)”, with the delegates' names."""
    groups: dict[tuple, list[Delegate]] = {}
    for delegate in booking.delegates.select_related("ticket_type"):
        groups.setdefault((delegate.ticket_type, delegate.price), []).append(delegate)
    lines = []
    for (ticket_type, price), people in groups.items():
        if price == ZERO:
            continue
        rate = "member" if booking.at_member_price else "non-member"
        early = " early-bird" if ticket_type.is_early(booking.created_at) else ""
        names = ", ".join(p.name for p in people)
        lines.append(
            LineData(
                description=f"{booking.event}: {ticket_type} ({rate}{early} price)\n"
                f"Delegates: {names}. Booking {booking.reference}.",
                quantity=len(people),
                unit_price=price,
            )
        )
    return lines


def confirm_booking(*, booking: Booking) -> bool:
    """Confirm a booking (paid, or free) and email each delegate their place with the event's
    calendar file; False when it was confirmed already."""
    if not Booking.objects.filter(pk=booking.pk).move(
        Booking.Status.CONFIRMED, confirmed_at=timezone.now()
    ):
        return False
    from .tasks import email_confirmation_task

    email_confirmation_task.delay_on_commit(booking.pk)
    return True


def record_invoice_payment(*, invoice) -> None:
    for booking in Booking.objects.filter(invoice=invoice):
        confirm_booking(booking=booking)


def record_invoice_void(*, invoice, reason: str = "") -> None:
    """A booking's invoice voided unpaid (staff releasing it): its places free up."""
    Booking.objects.filter(invoice=invoice).move(
        Booking.Status.RELEASED, cancelled_at=timezone.now()
    )
