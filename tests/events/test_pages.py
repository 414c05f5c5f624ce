"""The public pages: listing, an event with its JSON-LD, the calendar feed, and booking through
the form without JavaScript."""

import json
import re
from datetime import datetime

import icalendar
import pytest
import time_machine
from django.utils import timezone

from events.models import Booking, Event
from tests.events.factories import LONDON, EventFactory, TicketTypeFactory, WorkshopFactory
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

MEMBERS_ONLY = datetime(2027, 3, 15, 10, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(MEMBERS_ONLY, tick=False):
        yield


def jsonld(page: str) -> dict:
    return json.loads(
        re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', page, re.S).group(1)
    )


def test_the_listing_shows_upcoming_then_past_events(client):
    EventFactory(title="Annual conference")
    EventFactory(
        title="Advisory group",
        kind=Event.Kind.MEETING,
        starts_at=datetime(2026, 10, 2, 10, tzinfo=LONDON),
        ends_at=datetime(2026, 10, 2, 13, tzinfo=LONDON),
    )

    page = client.get("/events/").content.decode()

    assert (
        page.index("Annual conference") < page.index("Past events") < page.index("Advisory group")
    )


def test_an_event_page_carries_schema_org_event_with_offers(client):
    ticket = TicketTypeFactory()

    data = jsonld(client.get(ticket.event.get_absolute_url()).content.decode())

    assert data["@type"] == "Event" and data["name"] == "Annual conference"
    assert data["startDate"] == "2027-06-24T08:30:00+00:00"
    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert data["location"]["@type"] == "Place" and "Birmingham" in data["location"]["address"]
    assert data["offers"][0]["price"] == "395.00" and data["offers"][0]["priceCurrency"] == "GBP"


def test_an_online_event_has_a_virtual_location_without_its_joining_link(client):
    event = EventFactory(
        title="Webinar",
        kind=Event.Kind.WEBINAR,
        venue_name="",
        online_url="https://meet.example.org/secret",
    )

    page = client.get(event.get_absolute_url()).content.decode()

    assert jsonld(page)["location"]["@type"] == "VirtualLocation"
    assert "meet.example.org" not in page


def test_the_calendar_feed_parses_and_lists_upcoming_events(client):
    EventFactory(title="Annual conference")

    response = client.get("/events/calendar.ics")

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    [entry] = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert entry["SUMMARY"] == "Annual conference"


def test_anonymous_visitors_are_asked_to_log_in_and_non_members_are_told_when_booking_opens(client):
    ticket = TicketTypeFactory()
    url = ticket.event.get_absolute_url()

    assert "Log in to book" not in client.get(url).content.decode()  # not open to the public yet
    client.force_login(UserFactory())
    page = client.get(url).content.decode()
    assert "Booking opens to everyone on 1 April 2027" in page and 'id="book"' not in page


def test_a_members_representative_books_two_delegates_through_the_form(client, this_years_fees):
    ticket = TicketTypeFactory()
    workshop = WorkshopFactory(event=ticket.event)
    user = UserFactory()
    MembershipFactory(active=True, managed_by=user)
    client.force_login(user)
    url = ticket.event.get_absolute_url()

    form_page = client.get(f"{url}?delegates=2").content.decode()
    assert "Delegate 2" in form_page and "member price" in form_page
    data = {
        "delegates-TOTAL_FORMS": "2",
        "delegates-INITIAL_FORMS": "0",
        "delegates-MIN_NUM_FORMS": "1",
        "delegates-MAX_NUM_FORMS": "20",
        "booker-name": "Pat Manager",
        "booker-email": "pat@example.org",
        "booker-organisation": "Northshire Safeguarding Partnership",
        "booker-po_number": "PO-1",
    }
    for n, (name, email) in enumerate(
        [("Sam Scrutineer", "sam@example.org"), ("Ali Chair", "ali@example.org")]
    ):
        data |= {
            f"delegates-{n}-name": name,
            f"delegates-{n}-email": email,
            f"delegates-{n}-organisation": "Northshire",
            f"delegates-{n}-ticket_type": str(ticket.pk),
            f"delegates-{n}-sessions": [str(workshop.pk)],
        }

    response = client.post(url, data)

    booking = Booking.objects.get()
    assert (
        response.status_code == 302
        and response["Location"] == f"/events/bookings/{booking.reference}/"
    )
    assert booking.total == 490 and workshop.delegates.count() == 2
    page = client.get(response["Location"]).content.decode()
    assert booking.invoice.number in page and "Sam Scrutineer" in page


def test_a_refused_booking_says_why_and_changes_nothing(client, this_years_fees):
    ticket = TicketTypeFactory(capacity=0)
    user = UserFactory()
    MembershipFactory(active=True, managed_by=user)
    client.force_login(user)
    data = {
        "delegates-TOTAL_FORMS": "1",
        "delegates-INITIAL_FORMS": "0",
        "delegates-0-name": "Sam Scrutineer",
        "delegates-0-email": "sam@example.org",
        "delegates-0-organisation": "Northshire",
        "delegates-0-ticket_type": str(ticket.pk),
        "booker-name": "Pat Manager",
        "booker-email": "pat@example.org",
        "booker-organisation": "Northshire",
    }

    page = client.post(ticket.event.get_absolute_url(), data).content.decode()

    assert "is full: no places left" in page and "<title>Error:" in page
    assert not Booking.objects.exists()
    assert timezone.now() == MEMBERS_ONLY


def test_an_events_address_has_its_year_once():
    assert EventFactory(title="Annual conference").slug == "annual-conference-2027"
    assert EventFactory(title="Annual conference 2027").slug == "annual-conference-2027-2"
