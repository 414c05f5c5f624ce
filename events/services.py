"""Booking: one way to book places, confirm them when paid, and release or cancel them."""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from billing.services import BillTo, LineData, issue_invoice, send_invoice
from membership.services import is_member
from tasp.mail import send_templated_email

from .models import ZERO, Booking, Delegate, Event, Interest, Session, TicketType


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


def places_left(event: Event, *, excluding: Interest | None = None) -> dict:
    """Places left for the event, each ticket type and each workshop (None: no limit). A place
    offered to someone on the waiting list is held for them until the offer runs out (except
    for ``excluding``: the offer being taken up)."""
    holding = Delegate.objects.filter(booking__event=event, booking__status__in=Booking.HOLDING)
    by_ticket = Counter(holding.values_list("ticket_type", flat=True))
    by_session = Counter(
        Session.delegates.through.objects.filter(
            session__event=event, delegate__booking__status__in=Booking.HOLDING
        ).values_list("session", flat=True)
    )
    offers = Interest.objects.live_offers().filter(event=event)
    if excluding is not None:
        offers = offers.exclude(pk=excluding.pk)
    offers = list(offers.values_list("ticket_type", "session"))
    by_ticket.update(ticket for ticket, _ in offers if ticket)
    by_session.update(session for _, session in offers if session)
    taken = holding.count() + len(offers)
    return {
        "event": None if event.capacity is None else max(0, event.capacity - taken),
        "tickets": {
            t.pk: None if t.capacity is None else max(0, t.capacity - by_ticket[t.pk])
            for t in event.ticket_types.all()
        },
        "sessions": {
            s.pk: None if s.capacity is None else max(0, s.capacity - by_session[s.pk])
            for s in event.sessions.all()
        },
    }


def _check_places(event: Event, delegates: list[DelegateData], offer=None) -> None:
    left = places_left(event, excluding=offer)
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


def _check_workshops(event: Event, delegate: DelegateData) -> None:
    day = delegate.ticket_type.day
    for session in delegate.sessions:
        if session.event_id != event.pk or not session.is_workshop:
            raise BookingRefused("Choose workshops from this event's programme.")
        if day and timezone.localdate(session.starts_at) != day:
            raise BookingRefused(
                f"{delegate.name}: “{session.title}” is not on the day of the "
                f"“{delegate.ticket_type}” ticket."
            )
    chosen = sorted(delegate.sessions, key=lambda s: s.starts_at)
    for first, second in itertools.pairwise(chosen):
        if second.starts_at < first.ends_at:
            raise BookingRefused(
                f"{delegate.name}: “{first.title}” and “{second.title}” run at the same "
                "time; choose one."
            )


def _check_choices(event: Event, delegates: list[DelegateData]) -> None:
    if not delegates:
        raise BookingRefused("Name at least one delegate.")
    emails = [d.email.strip().lower() for d in delegates]
    if len(set(emails)) != len(emails):
        raise BookingRefused("Each delegate needs an email address of their own.")
    booked = set(
        Delegate.objects.filter(
            booking__event=event, booking__status__in=Booking.HOLDING
        ).values_list("email", flat=True)
    )
    again = sorted(set(emails) & {b.lower() for b in booked})
    if again:
        raise BookingRefused(f"{', '.join(again)} already has a place at {event}.")
    for delegate in delegates:
        if delegate.ticket_type.event_id != event.pk:
            raise BookingRefused("Choose a ticket for this event.")
        _check_workshops(event, delegate)


@transaction.atomic
def book(
    *,
    event: Event,
    booker: BookerData,
    delegates: list[DelegateData],
    user,
    offer: Interest | None = None,
) -> Booking:
    """Book places for ``delegates``: the price is decided here from the booker's membership
    today, places are checked with the event locked (two bookers for the last place: one gets
    it), a free booking is confirmed at once and anything else is invoiced (PO or card).
    ``offer``: a waiting-list offer being taken up, whose held place this booking may use."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    if offer is not None:
        offer = Interest.objects.live_offers().filter(pk=offer.pk, event=event).first()
        if offer is None:
            raise BookingRefused("This offer has run out or been taken up already.")
    now = timezone.now()
    member = is_member(user=user)  # a named representative with member benefits today
    if not event.is_bookable(member=member, now=now):
        if event.is_external:
            raise BookingRefused(f"Book {event} with {event.organiser}.")
        if event.booking_closes_at and now >= event.booking_closes_at:
            raise BookingRefused(f"Booking for {event} has closed.")
        raise BookingRefused(when_booking_opens(event, member=member))
    _check_choices(event, delegates)
    _check_places(event, delegates, offer)
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
        price = data.ticket_type.price_for(member=member, now=now)
        booking.total += price
        delegate = Delegate.objects.create(
            booking=booking,
            ticket_type=data.ticket_type,
            name=data.name,
            email=data.email.strip(),
            organisation=data.organisation,
            job_title=data.job_title,
            dietary=data.dietary,
            access_requirements=data.access_requirements,
            price=price,
        )
        delegate.sessions.set(data.sessions)
    booking.save(update_fields=["total"])
    if offer is not None:
        offer.move_to(Interest.Status.BOOKED)
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
    """A booking's invoice voided unpaid (staff releasing it): its places free up and go to
    the waiting list."""
    for booking in Booking.objects.filter(invoice=invoice):
        if Booking.objects.filter(pk=booking.pk).move(
            Booking.Status.RELEASED, cancelled_at=timezone.now()
        ):
            places_freed(booking.event_id)


def places_freed(event_id: int) -> None:
    """Offer freed places to the waiting list once this transaction commits."""
    from .tasks import offer_places_task

    offer_places_task.delay_on_commit(event_id)


class ChangeRefused(BookingRefused):
    """A change a delegate or booker may not make now; the message says why."""


def _changes_open(event: Event) -> None:
    if not event.changes_open():
        closed = date_format(timezone.localtime(event.changes_close_at or event.starts_at), "j F Y")
        raise ChangeRefused(
            f"Changes to places at {event} closed on {closed}. Write to us if something is wrong."
        )


def _locked_delegate(delegate: Delegate) -> tuple[Event, Delegate]:
    event = Event.objects.select_for_update().get(pk=delegate.booking.event_id)
    delegate = Delegate.objects.select_related("booking").get(pk=delegate.pk)
    if delegate.booking.status not in Booking.HOLDING:
        raise ChangeRefused("This place has been cancelled.")
    return event, delegate


@transaction.atomic
def change_workshops(*, delegate: Delegate, sessions: list[Session]) -> Delegate:
    """A delegate chooses other workshops before changes close, where places are left."""
    event, delegate = _locked_delegate(delegate)
    _changes_open(event)
    data = DelegateData(
        name=delegate.name,
        email=delegate.email,
        organisation=delegate.organisation,
        ticket_type=delegate.ticket_type,
        sessions=sessions,
    )
    _check_workshops(event, data)
    left = places_left(event)["sessions"]
    current = set(delegate.sessions.values_list("pk", flat=True))
    for session in sessions:
        if session.pk not in current and left.get(session.pk) == 0:
            raise NoPlaces(f"The workshop “{session.title}” is full.", what=session)
    delegate.sessions.set(sessions)
    places_freed(event.pk)  # a workshop left may be someone's on the waiting list
    return delegate


@transaction.atomic
def substitute(
    *, delegate: Delegate, name: str, email: str, organisation: str, job_title: str = ""
) -> Delegate:
    """Pass a place to a colleague before changes close: the colleague gets the place (a new
    personal link, the calendar file); the old link stops working. Dietary and access
    requirements were the previous delegate's, so they are cleared."""
    event, delegate = _locked_delegate(delegate)
    _changes_open(event)
    email = email.strip()
    if (
        Delegate.objects.filter(
            booking__event=event, booking__status__in=Booking.HOLDING, email__iexact=email
        )
        .exclude(pk=delegate.pk)
        .exists()
    ):
        raise ChangeRefused(f"{email} already has a place at {event}.")
    previous = delegate.name
    delegate.substituted_for = previous
    delegate.name, delegate.email = name, email
    delegate.organisation, delegate.job_title = organisation, job_title
    delegate.dietary = delegate.access_requirements = ""
    delegate.token = ""  # save() makes a new one
    delegate.save()
    if delegate.booking.status == Booking.Status.CONFIRMED:
        from .tasks import email_place_task

        email_place_task.delay_on_commit(delegate.pk)
    return delegate


@transaction.atomic
def cancel_booking(*, booking: Booking, user=None) -> Booking:
    """The booker cancels before changes close: an unpaid invoice is voided (its credit note
    cancels it), a paid one is credited in full (the refund is staff's to make, and they are
    told); the places go to the waiting list."""
    from billing.models import Invoice
    from billing.services import credit_invoice, void_invoice

    booking = Booking.objects.select_for_update().select_related("event").get(pk=booking.pk)
    if booking.status not in Booking.HOLDING:
        raise ChangeRefused(
            f"Booking {booking.reference} is {booking.get_status_display().lower()}."
        )
    _changes_open(booking.event)
    reason = f"Booking {booking.reference} cancelled by the booker"
    booking.move_to(Booking.Status.CANCELLED, cancelled_at=timezone.now())
    invoice = booking.invoice
    if invoice is not None and invoice.status == Invoice.Status.ISSUED:
        void_invoice(invoice=invoice, reason=reason, user=user)
    elif (
        invoice is not None
        and invoice.status == Invoice.Status.PAID
        and invoice.balance < invoice.total
    ):
        credit_invoice(
            invoice=invoice,
            amount=invoice.total - invoice.amount_credited,
            reason=reason,
            user=user,
        )
        send_templated_email(
            "events/refund_due",
            to=settings.STAFF_NOTIFICATION_EMAILS,
            context={"booking": booking, "invoice": invoice},
        )
    places_freed(booking.event_id)
    return booking
