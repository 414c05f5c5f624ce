"""Booking the conference: the price from live membership, members first, capacity, the
invoice through billing, and the confirmation when it is paid."""

import threading
from datetime import datetime
from decimal import Decimal

import icalendar
import pytest
import time_machine
from django.db import connection

from billing import services as billing
from events import services
from events.models import Booking
from tests.events.factories import LONDON, EventFactory, TicketTypeFactory, WorkshopFactory
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

MEMBERS_ONLY = datetime(2027, 3, 15, 10, tzinfo=LONDON)
PUBLIC = datetime(2027, 5, 10, 10, tzinfo=LONDON)


def booker(organisation="Northshire Safeguarding Partnership", po=""):
    return services.BookerData(
        name="Pat Manager", email="pat@example.org", organisation=organisation, po_number=po
    )


def delegate(ticket, name="Sam Scrutineer", email="sam@example.org", **fields):
    return services.DelegateData(
        name=name, email=email, organisation="Northshire", ticket_type=ticket, **fields
    )


@pytest.fixture
def member_user(this_years_fees):
    user = UserFactory()
    MembershipFactory(active=True, managed_by=user)
    return user


def test_a_member_books_two_delegates_in_the_members_window_at_the_early_member_price(
    member_user, tasks, django_capture_on_commit_callbacks
):
    ticket = TicketTypeFactory()
    with (
        time_machine.travel(MEMBERS_ONLY, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        booking = services.book(
            event=ticket.event,
            booker=booker(po="PO-4471"),
            delegates=[delegate(ticket), delegate(ticket, "Ali Chair", "ali@example.org")],
            user=member_user,
        )

    assert booking.status == Booking.Status.AWAITING_PAYMENT and booking.at_member_price
    assert booking.total == Decimal("490.00")
    invoice = booking.invoice
    assert invoice.total == Decimal("490.00") and invoice.po_number == "PO-4471"
    [line] = invoice.lines.all()
    assert line.quantity == 2 and line.unit_price == Decimal("245.00")
    assert "member early-bird price" in line.description and "Ali Chair" in line.description
    queued = [t.name.rsplit(".", 1)[-1] for t in tasks.queued]
    assert "email_invoice_task" in queued and "send_email_task" in queued


def test_a_non_member_is_refused_before_public_booking_and_pays_the_non_member_price_after():
    ticket = TicketTypeFactory()
    outsider = UserFactory()
    with (
        time_machine.travel(MEMBERS_ONLY, tick=False),
        pytest.raises(services.BookingRefused, match="Booking opens to everyone on 1 April"),
    ):
        services.book(
            event=ticket.event, booker=booker(), delegates=[delegate(ticket)], user=outsider
        )
    assert not Booking.objects.exists()
    with time_machine.travel(PUBLIC, tick=False):
        booking = services.book(
            event=ticket.event, booker=booker(), delegates=[delegate(ticket)], user=outsider
        )
    assert booking.total == Decimal("395.00") and not booking.at_member_price


def test_paying_the_invoice_confirms_the_booking_and_each_delegate_gets_a_calendar_file(
    member_user, tasks, mailoutbox, django_capture_on_commit_callbacks
):
    ticket = TicketTypeFactory()
    with time_machine.travel(MEMBERS_ONLY, tick=False):
        booking = services.book(
            event=ticket.event,
            booker=booker(),
            delegates=[delegate(ticket), delegate(ticket, "Ali Chair", "ali@example.org")],
            user=member_user,
        )
        tasks.eager = True
        with django_capture_on_commit_callbacks(execute=True):
            billing.mark_paid(invoice=booking.invoice, method="bacs", reference="BACS-1")

    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    places = [m for m in mailoutbox if m.subject == "Your place at Annual conference"]
    assert sorted(m.to[0] for m in places) == ["ali@example.org", "sam@example.org"]
    [(name, ics, kind)] = places[0].attachments
    assert name == "event.ics" and kind == "text/calendar"
    [entry] = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    assert entry["SUMMARY"] == "Annual conference"
    assert entry.decoded("DTSTART") == datetime(2027, 6, 24, 9, 30, tzinfo=LONDON)
    assert "/events/delegates/" in places[0].body


def test_a_free_webinar_is_confirmed_at_once_with_no_invoice(tasks):
    ticket = TicketTypeFactory(
        name="Registration",
        member_price=0,
        non_member_price=0,
        early_member_price=None,
        early_non_member_price=None,
    )
    with time_machine.travel(PUBLIC, tick=False):
        booking = services.book(
            event=ticket.event, booker=booker(), delegates=[delegate(ticket)], user=UserFactory()
        )
    assert booking.status == Booking.Status.CONFIRMED and booking.invoice is None


def test_a_delegate_cannot_hold_two_places_or_two_workshops_at_once(member_user):
    ticket = TicketTypeFactory()
    first = WorkshopFactory(event=ticket.event)
    clash = WorkshopFactory(event=ticket.event, title="Reporting that shows impact")
    with time_machine.travel(MEMBERS_ONLY, tick=False):
        with pytest.raises(services.BookingRefused, match="run at the same time"):
            services.book(
                event=ticket.event,
                booker=booker(),
                delegates=[delegate(ticket, sessions=[first, clash])],
                user=member_user,
            )
        services.book(
            event=ticket.event, booker=booker(), delegates=[delegate(ticket)], user=member_user
        )
        with pytest.raises(services.BookingRefused, match="already has a place"):
            services.book(
                event=ticket.event,
                booker=booker(),
                delegates=[delegate(ticket, email="SAM@example.org")],
                user=member_user,
            )


@pytest.mark.django_db(transaction=True)
def test_two_bookers_for_the_last_workshop_place_one_gets_it(this_years_fees):
    assert connection.vendor == "postgresql", "the lock is PostgreSQL's, as in production"
    ticket = TicketTypeFactory()
    workshop = WorkshopFactory(event=ticket.event, capacity=1)
    users = [UserFactory(), UserFactory()]
    results, barrier = [], threading.Barrier(2)

    def attempt(n):
        try:
            barrier.wait(timeout=10)
            with time_machine.travel(PUBLIC, tick=False):
                services.book(
                    event=ticket.event,
                    booker=booker(),
                    delegates=[
                        delegate(ticket, f"Booker {n}", f"b{n}@example.org", sessions=[workshop])
                    ],
                    user=users[n],
                )
            results.append("booked")
        except services.NoPlaces as full:
            results.append(("full", full.what))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(map(str, results)) == sorted(["booked", str(("full", workshop))])
    assert workshop.delegates.count() == 1


def test_voiding_an_unpaid_invoice_releases_the_places(member_user, staff_user):
    ticket = TicketTypeFactory(capacity=1)
    with time_machine.travel(MEMBERS_ONLY, tick=False):
        booking = services.book(
            event=ticket.event, booker=booker(), delegates=[delegate(ticket)], user=member_user
        )
        assert services.places_left(ticket.event)["tickets"][ticket.pk] == 0
        billing.void_invoice(
            invoice=booking.invoice, reason="Not paid by the due date", user=staff_user
        )

        booking.refresh_from_db()
        assert booking.status == Booking.Status.RELEASED
        assert services.places_left(ticket.event)["tickets"][ticket.pk] == 1


def test_a_day_ticket_holder_chooses_workshops_on_that_day_only(member_user):
    event = EventFactory()
    day_two = TicketTypeFactory(event=event, name="Day 2", day=event.ends_at.date())
    first_day_workshop = WorkshopFactory(event=event)
    with (
        time_machine.travel(MEMBERS_ONLY, tick=False),
        pytest.raises(services.BookingRefused, match="is not on the day of the “Day 2” ticket"),
    ):
        services.book(
            event=event,
            booker=booker(),
            delegates=[delegate(day_two, sessions=[first_day_workshop])],
            user=member_user,
        )
