"""Every page of the demo data passes axe-core (WCAG 2.2 AA), for each kind of visitor.

Each test seeds the demo (``seed_demo``), follows the links from the home page and runs axe on
every page it reaches, then reports every violation at once, naming the page and the rule.
"""

import io
import re

import pytest
from django.core.management import call_command
from django.test import override_settings

from billing import cards
from billing.models import Invoice
from membership.demo import MANAGER_EMAIL, MANAGER_PASSWORD
from newsletters.models import Issue
from tasp.management.commands.seed_demo import STAFF_EMAIL, STAFF_PASSWORD, STAFF_TOTP_SECRET
from tests.browser.pages import Audit, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo():
    with override_settings(DEBUG=True):  # seed_demo refuses to make known passwords otherwise
        call_command("seed_demo", "--quiet-login", stdout=io.StringIO())


def test_every_public_page_of_the_demo_is_accessible(page, live_server, demo):
    audit = Audit(page)
    audit.crawl(live_server.url)
    # The demo's lists fit on one page, so no link has a querystring: the filter forms' results
    # (a filtered list, one with nothing found, a fee quote) stand in for them.
    for path in [
        "/vacancies/?q=&role_type=independent_scrutineer&region=&sort=newest",
        "/vacancies/?q=no+such+vacancy",
        "/membership/?representatives=12",
    ]:
        audit.check(path)
    audit.check("/no-such-page/")
    audit.problems.remove("/no-such-page/: HTTP 404")  # the 404 page itself must pass axe

    for path in ["/", "/newsletters/all-change/", "/vacancies/", "/accounts/login/"]:
        assert path in audit.visited
    audit.assert_clean()


def test_every_page_a_business_manager_sees_is_accessible(page, live_server, demo, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_demo"  # card payment links and pages are on
    audit = Audit(page)
    log_in(page, MANAGER_EMAIL, MANAGER_PASSWORD, "/accounts/")

    audit.crawl(live_server.url)
    # The card payment page an emailed invoice links to, for an invoice due and one paid.
    for status in [Invoice.Status.ISSUED, Invoice.Status.PAID]:
        invoice = Invoice.objects.filter(status=status).first()
        token = cards.invoice_payment_token(invoice)
        audit.check(f"/membership/pay/{token}/")

    for path in ["/accounts/", "/membership/account/", "/membership/renew/"]:
        assert path in audit.visited
    audit.assert_clean()


def test_the_pages_staff_use_to_write_and_send_a_newsletter_are_accessible(page, live_server, demo):
    audit = Audit(page)
    audit.check("/admin/login/")  # the site's log-in page, then the authenticator code
    log_in(page, STAFF_EMAIL, STAFF_PASSWORD, "/admin/", totp_secret=STAFF_TOTP_SECRET)
    audit.check("/accounts/2fa/")

    issue = Issue.objects.get(slug="all-change")
    for path in [
        "/admin/",
        "/admin/newsletters/issue/",
        "/admin/newsletters/issue/add/",
        f"/admin/newsletters/issue/{issue.pk}/change/",
        f"/admin/newsletters/issue/{issue.pk}/preview/web/",
        f"/admin/newsletters/issue/{issue.pk}/test-send/",
        f"/admin/newsletters/issue/{issue.pk}/send/",
    ]:
        audit.check(path)
    # The email as subscribers get it. A mail client shows it inside its own page, whose main
    # landmark it sits in, so the rules that every page has one main landmark holding all its
    # content do not apply to an email (a <main> in it would be a second one in webmail).
    email = f"/admin/newsletters/issue/{issue.pk}/preview/html/"
    page.goto(email)
    audit.run_axe(email, not_applicable=("landmark-one-main", "region"))

    page.goto(f"/admin/newsletters/issue/{issue.pk}/send/")
    # The send page's second step: the confirmation, naming the list and the number of readers.
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name=re.compile(r"^Yes, send to")).wait_for()
    audit.run_axe(f"/admin/newsletters/issue/{issue.pk}/send/ (confirm)")
    audit.assert_clean()
