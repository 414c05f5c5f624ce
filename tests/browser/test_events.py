"""Booking events in Chromium, as members, non-members, delegates and staff; axe on every events
page. Events are dated from now: the live server runs on the real clock."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from events.models import Booking, Event, Interest
from tests.browser.pages import log_in, staff_page
from tests.events.factories import EventFactory, TicketTypeFactory, WorkshopFactory, book_one
from tests.vacancies.conftest import make_member
from tests.vacancies.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-strong-poster-pass"


def conference(**fields) -> Event:
    """Two days in two months; members book since yesterday, everyone in ten days; early-bird
    prices for three weeks; changes close a fortnight before."""
    now = timezone.now()
    start = (now + timedelta(days=60)).replace(hour=9, minute=30, second=0, microsecond=0)
    return EventFactory(
        starts_at=start,
        ends_at=start + timedelta(days=1, hours=7),
        member_booking_opens_at=now - timedelta(days=1),
        public_booking_opens_at=now + timedelta(days=10),
        changes_close_at=start - timedelta(days=14),
        **fields,
    )


def ticket_for(event, **fields):
    return TicketTypeFactory(event=event, early_until=timezone.now() + timedelta(days=21), **fields)


def member(email: str):
    user = UserFactory(email=email, full_name=email.split("@")[0].title())
    make_member(user, name=f"{email.split('@')[0].title()} Safeguarding Partnership")
    return user


def fill_delegate(page, number: int, name: str, email: str, workshop: str = ""):
    delegate = page.locator("fieldset").filter(has_text=f"Delegate {number}")
    delegate.get_by_label("Name").fill(name)
    delegate.get_by_label("Email").fill(email)
    delegate.get_by_label("Organisation").fill("Northshire Safeguarding Partnership")
    if workshop:
        delegate.get_by_label(workshop).check()


def fill_booker(page, po: str = ""):
    booker = page.locator("fieldset").filter(has_text="Booked by")
    booker.get_by_label("Organisation").fill("Northshire Safeguarding Partnership")
    if po:
        booker.get_by_label("Purchase order number").fill(po)


def test_a_representative_books_two_delegates_early_at_the_member_price_by_po_invoice(
    page, axe, tasks
):
    event = conference()
    ticket = ticket_for(event)
    rep = member("rep@northshire.example.org")

    page.goto("/events/")
    axe(page)
    log_in(page, rep.email, PASSWORD, event.get_absolute_url())
    page.get_by_text("You book at the member price").wait_for()
    page.get_by_label("Number of delegates").select_option("2")
    page.get_by_role("button", name="Change").click()
    page.locator("fieldset").filter(has_text="Delegate 2").wait_for()
    axe(page)
    fill_delegate(page, 1, "Sam Scrutineer", "sam@example.org")
    fill_delegate(page, 2, "Ali Chair", "ali@example.org")
    fill_booker(page, po="PO-2027-77")
    page.get_by_role("button", name="Book", exact=True).click()

    page.wait_for_url("**/events/bookings/**")
    axe(page)
    booking = Booking.objects.get()
    assert booking.at_member_price and booking.total == 2 * ticket.early_member_price
    assert booking.invoice.po_number == "PO-2027-77"
    assert "Waiting for payment" in page.locator("#booking-status").inner_text()
    assert [t.name.rsplit(".", 1)[-1] for t in tasks.named("email_invoice_task")]


def test_a_non_member_waits_for_public_booking_then_pays_the_non_member_price(page, axe, tasks):
    event = conference()
    ticket = ticket_for(event, early_non_member_price=None)
    outsider = UserFactory(email="hr@agency.example.com")

    log_in(page, outsider.email, PASSWORD, event.get_absolute_url())
    page.get_by_text("Booking opens to everyone on").wait_for()
    assert page.locator("#book").count() == 0
    axe(page)
    page.locator("#tell-me").get_by_role("button", name="Tell me").click()
    page.get_by_text("We will email you when booking opens").wait_for()
    assert Interest.objects.get().kind == Interest.Kind.OPENING

    Event.objects.filter(pk=event.pk).update(public_booking_opens_at=timezone.now())
    page.reload()
    page.get_by_text("You book at the non-member price").wait_for()
    fill_delegate(page, 1, "Nia Agency", "nia@agency.example.com")
    fill_booker(page)
    page.get_by_role("button", name="Book", exact=True).click()
    page.wait_for_url("**/events/bookings/**")
    assert Booking.objects.get().total == ticket.non_member_price == Decimal("395.00")


def test_the_last_workshop_place_goes_to_one_of_two_bookers_and_then_to_the_waiting_list(
    browser, live_server, axe, tasks
):
    event = conference()
    ticket_for(event)
    workshop = WorkshopFactory(
        event=event,
        title="A day in the life of a Business Manager",
        starts_at=event.starts_at + timedelta(hours=5),
        capacity=1,
    )
    pages = []
    for n, email in enumerate(["one@northshire.example.org", "two@riverton.example.org"]):
        user = member(email)
        context = browser.new_context(base_url=live_server.url, locale="en-GB")
        page = context.new_page()
        page.set_default_timeout(15_000)
        log_in(page, user.email, PASSWORD, event.get_absolute_url())
        fill_delegate(page, 1, f"Delegate {n}", f"delegate{n}@example.org", workshop.title)
        fill_booker(page)
        pages.append(page)

    for page in pages:  # both press Book at once; the server takes one at a time
        page.get_by_role("button", name="Book", exact=True).click(no_wait_after=True)
    for page in pages:
        page.wait_for_load_state()
        page.locator("#booking-status, #booking-error").first.wait_for()
    booked = [p for p in pages if "/events/bookings/" in p.url]
    refused = [p for p in pages if "/events/bookings/" not in p.url]
    assert len(booked) == len(refused) == 1
    assert "is full" in refused[0].locator("#booking-error").inner_text()
    assert workshop.delegates.count() == 1

    loser = refused[0]
    loser.goto(event.get_absolute_url())
    axe(loser)
    waiting_form = loser.locator("#waiting-list")
    waiting_form.get_by_label("Workshop you want").select_option(label=str(workshop))
    waiting_form.get_by_role("button", name="Join the waiting list").click()
    loser.get_by_text("You are on the waiting list").wait_for()

    winner = booked[0]
    winner.get_by_role("button", name=re.compile(r"^Cancel booking")).click()
    winner.get_by_text(re.compile(r"Booking \S+ is cancelled")).wait_for()
    tasks.eager = False
    tasks.run("offer_places_task")
    [offer_email] = [
        t.kwargs for t in tasks.named("send_email_task") if "place is free" in t.kwargs["subject"]
    ]
    link = re.search(r"https?://\S+/events/offers/\S+/", offer_email["body"]).group(0)

    loser.goto("/" + link.split("://", 1)[1].split("/", 1)[1])
    loser.locator("#offer").wait_for()
    axe(loser)
    fill_delegate(loser, 1, "Dee Waiting", "waiting@example.org", workshop.title)
    fill_booker(loser)
    loser.get_by_role("button", name="Book", exact=True).click()
    loser.wait_for_url("**/events/bookings/**")
    assert Interest.objects.get().status == Interest.Status.BOOKED
    holding = workshop.delegates.filter(booking__status__in=Booking.HOLDING)
    assert list(holding.values_list("email", flat=True)) == ["waiting@example.org"]
    for page in pages:
        page.context.close()


def test_a_delegate_passes_the_place_to_a_colleague(page, axe, tasks):
    event = conference()
    ticket = ticket_for(event)
    booking = book_one(ticket, user=member("pat@northshire.example.org"))
    place = booking.delegates.get()

    page.goto(place.get_absolute_url())
    axe(page)
    form = page.locator("form").filter(has_text="Send a colleague in your place")
    form.get_by_label("Colleague's name").fill("Cam Colleague")
    form.get_by_label("Colleague's email").fill("cam@example.org")
    form.get_by_label("Organisation").fill("Northshire")
    form.get_by_role("button", name="Pass my place on").click()
    page.get_by_text("Your place is now Cam Colleague's").wait_for()
    place.refresh_from_db()
    assert (place.name, place.substituted_for) == ("Cam Colleague", "Sam Scrutineer")


def test_staff_download_the_delegate_list_and_the_badges(browser, live_server, staff_user, tasks):
    event = conference()
    ticket = ticket_for(event)
    book_one(ticket, user=member("pat@northshire.example.org"))
    admin = staff_page(browser, live_server, staff_user, accept_downloads=True)

    downloads = {}
    for action in ("delegate_list", "door_pdf"):
        admin.goto("/admin/events/event/")
        admin.locator(f"input[name=_selected_action][value='{event.pk}']").check()
        admin.locator("select[name=action]").select_option(action)
        with admin.expect_download() as info:
            admin.get_by_role("button", name="Run").click()
        with open(info.value.path(), "rb") as file:
            downloads[action] = file.read()

    assert b"Sam Scrutineer" in downloads["delegate_list"]
    assert downloads["door_pdf"].startswith(b"%PDF")
    admin.context.close()
