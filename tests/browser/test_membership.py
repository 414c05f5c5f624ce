import re
from datetime import timedelta
from importlib import import_module
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.utils import timezone
from playwright.sync_api import expect

from billing import cards
from billing.models import Invoice
from membership import renewals, services
from membership.models import Membership
from tests.browser.pages import log_in
from tests.membership.factories import MembershipFactory, representatives

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def fee_schedules(this_years_fees):
    # live_server tests truncate tables; the schedules come from a data migration, which stops
    # at 2026/27, so this year's is made too (this_years_fees).
    import_module("membership.migrations.0002_seed_fees_and_reminders").seed(apps, None)


@pytest.fixture
def eager_mail(mailoutbox, tasks):
    """Queued emails are sent in-process (on commit, which is immediate here) to mailoutbox."""
    tasks.eager = True
    return mailoutbox


def log_in_from(page, email) -> str:
    """Follow a renewal email's one-time login link to the renewal form, as the manager does;
    the link's path, to open again later."""
    link = re.search(r"https?://\S+/accounts/magic-link/login/\S+", email.body).group(0)
    parts = urlsplit(link)
    path = f"{parts.path}?{parts.query}"
    page.goto(path)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/membership/renew/")
    return path


def test_a_business_manager_renews_from_the_email_link(page, axe, user, eager_mail):
    membership = MembershipFactory(renewal_due=True, managed_by=user, reps=5)
    renewals.send_renewal_email(membership=membership)
    [email] = eager_mail
    link = log_in_from(page, email)
    axe(page)
    fee = page.locator("#renewal-fee [data-quote-total]")
    assert fee.inner_text() == "£1,500.00"

    # A sixth representative moves the fee into the next band, live.
    page.get_by_role("button", name="Add another representative").click()
    page.get_by_role("textbox", name="Name").last.fill("Sam Scrutineer")
    page.get_by_role("textbox", name="Email").last.fill("sam@example.org")
    page.get_by_role("combobox", name="Role").last.select_option("independent")
    # A locator wait, not wait_for_function: the site's policy refuses the eval that a polling
    # string predicate needs.
    expect(fee).to_have_text("£2,500.00")
    axe(page)
    page.get_by_label("Purchase order number").fill("PO-2027-55")
    page.get_by_role("button", name="Continue").click()

    # Check your answers: nothing is invoiced until the manager confirms.
    page.wait_for_url("**/membership/renew/check/")
    page.get_by_role("heading", name="Check your answers before you renew").wait_for()
    assert page.locator("#check-fee").inner_text().startswith("£2,500.00")
    assert page.locator("#check-po").inner_text() == "PO-2027-55"
    assert not Invoice.objects.exists()
    axe(page)
    page.get_by_role("button", name="Confirm renewal and get invoice").click()

    page.wait_for_url("**/membership/account/")
    invoice = Invoice.objects.get()
    page.get_by_text(f"invoice {invoice.number} has been emailed").wait_for()
    axe(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name=f"PDF of invoice {invoice.number}").click()
    download = download_info.value
    assert download.suggested_filename == f"{invoice.number}.pdf"
    with open(download.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"
    assert invoice.total == 2500
    assert invoice.po_number == "PO-2027-55"
    assert Membership.objects.get().status == Membership.Status.INVOICED

    # The emailed link opened again, days later: the confirmed renewal and its invoice.
    page.goto(link)
    page.wait_for_url("**/membership/account/")
    page.get_by_text(f"is confirmed: invoice {invoice.number}").wait_for()
    axe(page)


def test_a_business_manager_saves_the_renewal_and_finishes_it_when_the_po_comes(
    page, axe, user, eager_mail, settings
):
    settings.INVOICE_PAYMENT_TERMS_DAYS = 30
    membership = MembershipFactory(renewal_due=True, managed_by=user, reps=3)

    log_in(page, user.email, "a-strong-user-pass", "/membership/renew/")
    # This year's three, and one spare box; nothing marked required, the page says what is.
    rows = page.locator("fieldset[data-rep-row]")
    assert rows.count() == 4
    assert page.locator("[data-rep-rows] .asteriskField").count() == 0
    page.get_by_text("the job title is optional").wait_for()
    spare = rows.nth(3)
    spare.get_by_label("Name").fill("Kim Added")
    spare.get_by_label("Email").fill("kim@example.org")
    spare.get_by_label("Role").select_option("health")
    page.get_by_role("button", name="Save and come back later").click()

    page.wait_for_url("**/membership/account/")
    page.get_by_text("Your renewal is saved, not confirmed").wait_for()
    axe(page)
    assert not Invoice.objects.exists()
    page.get_by_role("button", name="Log out").click()

    # Days later the purchase order number has come, and so has the renewal reminder.
    renewals.send_renewal_email(membership=membership, template="renewal_reminder")
    [reminder] = eager_mail
    log_in_from(page, reminder)
    page.locator("#renewal-saved").wait_for()
    assert page.locator("fieldset[data-rep-row]").nth(3).get_by_label("Email").input_value() == (
        "kim@example.org"
    )
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/membership/renew/check/")
    assert page.locator("#check-po").inner_text() == "None: the invoice will not quote one"
    page.get_by_role("link", name="Change the purchase order number").click()
    page.wait_for_url("**/membership/renew/#purchase-order")
    page.get_by_label("Purchase order number").fill("PO-LATE-9")
    page.get_by_role("button", name="Continue").click()

    page.wait_for_url("**/membership/renew/check/")
    today = timezone.localdate()
    assert page.locator("#check-po").inner_text() == "PO-LATE-9"
    assert page.locator("#check-invoice-date").inner_text() == f"{today:%-d %B %Y}"
    due = today + timedelta(days=30)
    assert page.locator("#check-due-date").inner_text() == f"{due:%-d %B %Y}"
    page.get_by_text("By bank transfer, using the details on the invoice.").wait_for()
    axe(page)
    page.get_by_role("button", name="Confirm renewal and get invoice").click()

    page.wait_for_url("**/membership/account/")
    invoice = Invoice.objects.get()
    page.get_by_text(f"invoice {invoice.number} has been emailed").wait_for()
    assert (invoice.po_number, invoice.issued_on, invoice.due_on) == ("PO-LATE-9", today, due)
    assert Membership.objects.get().representatives.count() == 4


def test_the_quote_updates_as_you_type_and_pages_pass_axe(page, axe):
    page.goto("/membership/")
    axe(page)
    page.get_by_label("Number of named representatives").fill("11")
    expect(page.locator("#quote-result [data-quote-total]")).to_have_text("£3,375.00")
    page.get_by_label("Number of named representatives").fill("0")
    page.get_by_role("button", name="Show fee").click()
    page.get_by_text("A membership names at least 1 representative.").wait_for()
    axe(page)
    page.goto("/membership/join/")
    axe(page)


def test_membership_pages_fit_a_320_pixel_screen(browser, live_server, user):
    MembershipFactory(renewal_due=True, managed_by=user, reps=5)
    context = browser.new_context(base_url=live_server.url, viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill("manager@example.org")
    page.get_by_label("Password").fill("a-strong-user-pass")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/accounts/")
    for path in [
        "/membership/",
        "/membership/?representatives=26",
        "/membership/join/",
        "/membership/renew/",
        "/membership/account/",
    ]:
        page.goto(path)
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        assert not overflow, path
    context.close()


def test_join_thanks_and_card_payment_pages_pass_axe(
    page, axe, user, settings, monkeypatch, eager_mail
):
    settings.STRIPE_SECRET_KEY = "sk_test_browser"
    membership = MembershipFactory(renewal_due=True, managed_by=user)
    invoice = services.submit_renewal(
        membership=membership,
        representatives=representatives(5),
        po_number="PO-AXE",
        user=user,
    )
    paid_session = {
        "id": "cs_test_browser",
        "payment_status": "paid",
        "client_reference_id": str(invoice.pk),
        "amount_total": int(invoice.total * 100),
    }
    monkeypatch.setattr(cards, "retrieve_checkout_session", lambda session_id: paid_session)

    page.goto("/membership/join/thanks/")
    axe(page)
    page.goto(urlsplit(cards.invoice_payment_link(invoice)).path)
    page.get_by_role("button", name="Pay £1,500.00 by card").wait_for()
    axe(page)
    page.goto("/membership/pay/success/?session_id=cs_test_browser")
    page.get_by_text(f"Your payment for invoice {invoice.number} has been received.").wait_for()
    axe(page)
