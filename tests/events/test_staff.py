"""Staff tools for an event: messaging every delegate through the newsletters pipeline, the
door PDF, the dietary summary and attendance."""

from datetime import datetime
from io import BytesIO

import pytest
import time_machine
from pypdf import PdfReader

from events import messages, services
from events.models import Delegate
from newsletters import subscriptions
from newsletters.models import Send, Subscriber
from tests.events.factories import LONDON, TicketTypeFactory
from tests.factories import SubscriberFactory, UserFactory
from tests.helpers import log_in_with_second_factor

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime(2027, 5, 10, 10, tzinfo=LONDON), tick=False):
        yield


def booked(ticket, *people):
    return services.book(
        event=ticket.event,
        booker=services.BookerData(name="Pat", email="pat@example.org", organisation="Northshire"),
        delegates=[
            services.DelegateData(
                name=name, email=email, organisation="Northshire", ticket_type=ticket, dietary=diet
            )
            for name, email, diet in people
        ],
        user=UserFactory(),
    )


def test_staff_message_the_delegates_through_a_segmented_send(
    mailoutbox, tasks, django_capture_on_commit_callbacks
):
    ticket = TicketTypeFactory()
    SubscriberFactory(email="left@example.org", status=Subscriber.Status.UNSUBSCRIBED)
    booked(ticket, ("Sam", "sam@example.org", ""), ("Lee", "left@example.org", ""))
    other = TicketTypeFactory(event__title="Another event")
    booked(other, ("Ola", "ola@example.org", ""))

    with django_capture_on_commit_callbacks(execute=True):
        send = messages.message_delegates(
            event=ticket.event, subject="Room change", message="We are in Room 2.\n\nSee you there."
        )
    while tasks.queued:  # the worker's part: start the send, then its batches (queued on commit)
        with django_capture_on_commit_callbacks(execute=True):
            tasks.run()

    assert send.newsletter.for_event_delegates and not send.newsletter.is_public
    assert Send.objects.get(pk=send.pk).status == Send.Status.SENT
    assert [m.to for m in mailoutbox] == [["Sam <sam@example.org>"]]  # not who left, nor others
    assert "<p>We are in Room 2.</p>" in mailoutbox[0].alternatives[0][0]
    assert "View in browser" not in mailoutbox[0].body
    subscriber = Subscriber.objects.get(email="sam@example.org")
    assert subscriber.lawful_basis == Subscriber.Basis.CONTRACT
    assert subscriber.collected_where.startswith("Booking BK-")


def test_a_delegate_who_unsubscribes_from_event_messages_gets_no_more(
    tasks, django_capture_on_commit_callbacks
):
    ticket = TicketTypeFactory()
    booked(ticket, ("Sam", "sam@example.org", ""))
    messages.message_delegates(event=ticket.event, subject="One", message="First.")
    subscriber = Subscriber.objects.get(email="sam@example.org")
    subscriptions.unsubscribe(subscriber=subscriber, newsletter=messages.delegates_list())

    with pytest.raises(messages.MessageRefused, match="Nobody booked"):
        messages.message_delegates(event=ticket.event, subject="Two", message="Second.")


def test_the_door_pdf_has_badges_and_a_sign_in_sheet_for_each_day():
    ticket = TicketTypeFactory()
    booked(ticket, ("Sam Scrutineer", "sam@example.org", ""), ("Ali Chair", "ali@example.org", ""))
    from events.pdf import render_door_pdf

    text = "".join(
        page.extract_text() for page in PdfReader(BytesIO(render_door_pdf(ticket.event))).pages
    )

    assert text.count("Sam Scrutineer") == 4  # a badge and a sign-in row, on each of two days
    assert "Sign-in sheet: Annual conference, Thursday 24 June 2027" in text
    assert "Friday 25 June 2027" in text


def test_staff_get_the_dietary_summary_and_mark_attendance(client, staff_user):
    ticket = TicketTypeFactory()
    booked(
        ticket,
        ("Sam", "sam@example.org", "Vegan"),
        ("Ali", "ali@example.org", "Vegan"),
        ("Bo", "bo@example.org", ""),
    )
    log_in_with_second_factor(client, staff_user)

    summary = client.post(
        "/admin/events/event/", {"action": "dietary_summary", "_selected_action": [ticket.event_id]}
    ).content.decode()
    assert "Annual conference,Vegan,2" in summary and "Annual conference,None given,1" in summary

    sam = Delegate.objects.get(email="sam@example.org")
    page = client.get(f"/admin/events/delegate/?booking__event__id__exact={ticket.event_id}")
    assert page.status_code == 200 and "Sam" in page.content.decode()
    form = page.context["cl"].formset
    data = {
        f"form-{n}-{k}": v
        for n, f in enumerate(form.forms)
        for k, v in {"id": f.instance.pk, "attended": "on" if f.instance == sam else ""}.items()
        if v != ""
    }
    data |= {
        "form-TOTAL_FORMS": len(form.forms),
        "form-INITIAL_FORMS": len(form.forms),
        "_save": "Save",
    }
    client.post(f"/admin/events/delegate/?booking__event__id__exact={ticket.event_id}", data)

    assert list(Delegate.objects.filter(attended=True).values_list("email", flat=True)) == [
        "sam@example.org"
    ]


def test_the_event_page_in_the_admin_shows_places_and_takings_per_ticket_type(client, staff_user):
    from billing import services as billing

    ticket = TicketTypeFactory(capacity=50)
    booking = booked(ticket, ("Sam", "sam@example.org", ""), ("Ali", "ali@example.org", ""))
    billing.mark_paid(invoice=booking.invoice, method="bacs", reference="BACS-1")
    log_in_with_second_factor(client, staff_user)

    page = client.get(f"/admin/events/event/{ticket.event_id}/change/").content.decode()

    assert "Full conference: 2 held of 50 · £790.00 taken (confirmed)" in page
