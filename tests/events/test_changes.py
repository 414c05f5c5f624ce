"""After booking: the waiting list and its offers, opening notices, a delegate's changes, the
booker's cancellation, the calendar's emails and deleting access requirements."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from billing import services as billing
from billing.models import Invoice
from events import notices, services, waiting
from events.models import Booking, Delegate, Interest
from tests.events.factories import LONDON, TicketTypeFactory, WorkshopFactory, book_one
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PUBLIC = datetime(2027, 5, 10, 10, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(PUBLIC, tick=False) as traveller:
        yield traveller


def book(ticket, name="Sam Scrutineer", email="sam@example.org", **fields):
    return book_one(ticket, name=name, email=email, **fields)


def test_a_freed_place_is_offered_in_turn_for_a_limited_time(clock, mailoutbox, tasks, settings):
    settings.EVENTS_OFFER_HOURS = 48
    ticket = TicketTypeFactory(capacity=1)
    taken = book(ticket)
    first = waiting.join_interest(
        event=ticket.event, kind=Interest.Kind.WAITING, name="Ann First", email="ann@example.org"
    )
    second = waiting.join_interest(
        event=ticket.event, kind=Interest.Kind.WAITING, name="Bo Second", email="bo@example.org"
    )
    assert waiting.offer_places(event_id=ticket.event_id) == []  # still full

    services.cancel_booking(booking=taken)
    [offer] = waiting.offer_places(event_id=ticket.event_id)
    assert offer == first and offer.offer_expires_at == timezone.now() + timedelta(hours=48)
    assert services.places_left(ticket.event)["tickets"][ticket.pk] == 0  # held for Ann
    with pytest.raises(services.NoPlaces):
        book(ticket, "Someone Else", "else@example.org")

    clock.shift(timedelta(hours=49))
    [offer] = waiting.offer_places(event_id=ticket.event_id)
    assert offer == second
    first.refresh_from_db()
    assert first.status == Interest.Status.EXPIRED

    booking = services.book(
        event=ticket.event,
        booker=services.BookerData(name="Bo", email="bo@example.org", organisation="Riverton"),
        delegates=[
            services.DelegateData(
                name="Bo Second",
                email="bo@example.org",
                organisation="Riverton",
                ticket_type=ticket,
            )
        ],
        user=UserFactory(),
        offer=second,
    )
    second.refresh_from_db()
    assert booking.status == Booking.Status.AWAITING_PAYMENT
    assert second.status == Interest.Status.BOOKED


def test_the_last_workshop_place_goes_to_the_waiting_list_when_one_moves(tasks):
    ticket = TicketTypeFactory()
    workshop = WorkshopFactory(event=ticket.event, capacity=1)
    other = WorkshopFactory(
        event=ticket.event, title="Reporting", starts_at=workshop.starts_at + timedelta(hours=3)
    )
    booking = book(ticket, sessions=[workshop])
    wanting = waiting.join_interest(
        event=ticket.event,
        kind=Interest.Kind.WAITING,
        name="Ann",
        email="ann@example.org",
        session=workshop,
    )

    services.change_workshops(delegate=booking.delegates.get(), sessions=[other])

    assert waiting.offer_places(event_id=ticket.event_id) == [wanting]


def test_people_who_asked_are_told_once_when_booking_opens(
    clock, tasks, django_capture_on_commit_callbacks
):
    ticket = TicketTypeFactory(
        event__public_booking_opens_at=datetime(2027, 5, 20, 9, tzinfo=LONDON)
    )
    waiting.join_interest(
        event=ticket.event, kind=Interest.Kind.OPENING, name="Nia", email="nia@example.org"
    )
    queued = tasks.view("send_email_task")

    assert notices.tell_booking_opened() == 0
    clock.move_to(datetime(2027, 5, 20, 9, 5, tzinfo=LONDON))
    with django_capture_on_commit_callbacks(execute=True):
        assert notices.tell_booking_opened() == 1
        assert notices.tell_booking_opened() == 0
    assert [m["subject"] for m in queued] == ["Booking is open: Annual conference"]


def test_a_delegate_passes_the_place_to_a_colleague_from_their_link(client, tasks):
    ticket = TicketTypeFactory(
        member_price=0, non_member_price=0, early_member_price=None, early_non_member_price=None
    )
    booking = book(ticket, access_requirements="Step-free access")
    place = booking.delegates.get()
    old_link = place.get_absolute_url()

    response = client.post(
        old_link,
        {
            "action": "substitute",
            "name": "Cam Colleague",
            "email": "cam@example.org",
            "organisation": "Northshire",
        },
    )

    place.refresh_from_db()
    assert response.status_code == 302
    assert (place.name, place.email, place.substituted_for) == (
        "Cam Colleague",
        "cam@example.org",
        "Sam Scrutineer",
    )
    assert place.access_requirements == ""  # the previous delegate's personal data
    assert client.get(old_link).status_code == 404
    assert client.get(place.get_absolute_url()).status_code == 200
    assert [t.args for t in tasks.named("email_place_task")] == []  # queued on commit


def test_changes_close_at_their_deadline(clock):
    ticket = TicketTypeFactory()
    place = book(ticket).delegates.get()
    clock.move_to(ticket.event.changes_close_at + timedelta(minutes=1))

    with pytest.raises(services.ChangeRefused, match="closed on 10 June 2027"):
        services.substitute(delegate=place, name="Cam", email="cam@example.org", organisation="N")


def test_cancelling_an_unpaid_booking_voids_its_invoice(tasks):
    booking = book(TicketTypeFactory())

    services.cancel_booking(booking=booking)

    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert booking.invoice.status == Invoice.Status.VOID
    assert booking.invoice.credit_notes.get().total == booking.total


def test_cancelling_a_paid_booking_credits_it_and_tells_staff_to_refund(
    tasks, settings, django_capture_on_commit_callbacks
):
    settings.STAFF_NOTIFICATION_EMAILS = ["office@example.org"]
    booking = book(TicketTypeFactory())
    billing.mark_paid(invoice=booking.invoice, method="bacs", reference="BACS-9")
    queued = tasks.view("send_email_task")

    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_booking(booking=Booking.objects.get(pk=booking.pk))

    invoice = Invoice.objects.get(pk=booking.invoice_id)
    assert invoice.status == Invoice.Status.PAID
    assert invoice.amount_credited == Decimal("395.00")
    assert any("Refund due" in m["subject"] for m in queued)


def test_joining_instructions_and_the_reminder_are_sent_once_each(
    clock, tasks, django_capture_on_commit_callbacks
):
    ticket = TicketTypeFactory(event__joining_days_before=7)
    book(ticket)
    queued = tasks.view("send_email_task")

    with django_capture_on_commit_callbacks(execute=True):
        clock.move_to(datetime(2027, 6, 16, 8, tzinfo=LONDON))
        assert notices.send_joining_and_reminders() == 0
        clock.move_to(datetime(2027, 6, 17, 8, tzinfo=LONDON))
        assert notices.send_joining_and_reminders() == 1
        clock.move_to(datetime(2027, 6, 23, 8, tzinfo=LONDON))
        assert notices.send_joining_and_reminders() == 1
        assert notices.send_joining_and_reminders() == 0
    assert [m["subject"] for m in queued] == [
        "Joining instructions: Annual conference",
        "Tomorrow: Annual conference",
    ]


def test_access_requirements_are_deleted_a_week_after_the_event(clock, settings):
    settings.EVENTS_ACCESS_REQUIREMENTS_DAYS = 7
    book(TicketTypeFactory(), access_requirements="Hearing loop", dietary="Vegan")

    clock.move_to(datetime(2027, 7, 1, 9, tzinfo=LONDON))
    assert notices.delete_access_requirements() == 0
    clock.move_to(datetime(2027, 7, 3, 9, tzinfo=LONDON))
    assert notices.delete_access_requirements() == 1
    delegate = Delegate.objects.get()
    assert delegate.access_requirements == "" and delegate.dietary == "Vegan"


def test_staff_download_the_delegate_list(client, staff_user):
    from tests.helpers import log_in_with_second_factor

    booking = book(TicketTypeFactory(), dietary="=HYPERLINK(1)")
    log_in_with_second_factor(client, staff_user)

    response = client.post(
        "/admin/events/event/",
        {"action": "delegate_list", "_selected_action": [booking.event_id]},
    )

    text = response.content.decode()
    assert response["Content-Type"].startswith("text/csv")
    assert "Sam Scrutineer" in text and "'=HYPERLINK(1)" in text
