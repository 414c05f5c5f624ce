"""Every page of the demo data passes axe-core (WCAG 2.2 AA), for each kind of visitor.

Each test seeds the demo (``seed_demo``), follows the links from the home page and runs axe on
every page it reaches, then reports every violation at once, naming the page and the rule.
"""

import io
import re
from collections import deque
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.test import override_settings

from membership import services as membership_services
from membership.demo import MANAGER_EMAIL, MANAGER_PASSWORD
from membership.models import Invoice
from newsletters.models import Issue
from tasp.management.commands.seed_demo import STAFF_EMAIL, STAFF_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAX_PAGES = 150
# Staff pages are checked one by one in the staff test; logging out is a POST, never crawled.
SKIPPED_PREFIXES = ("/admin/", "/media/", "/static/", "/accounts/logout/")
# Feeds, calendars and file downloads (invoice PDFs, job packs) are not web pages.
NOT_A_PAGE = re.compile(r"/feed/|\.(pdf|ics|csv|json|xml|zip|docx?|txt)$|job-?pack", re.I)


@pytest.fixture
def demo():
    with override_settings(DEBUG=True):  # seed_demo refuses to make known passwords otherwise
        call_command("seed_demo", "--quiet-login", stdout=io.StringIO())


class Audit:
    """Runs axe on pages and keeps every violation (and every broken page) for one report."""

    def __init__(self, page):
        self.page = page
        self.axe = Axe()
        self.problems: list[str] = []
        self.visited: list[str] = []

    def check(self, url: str) -> list[str]:
        """Open the page, record its violations, and return the links on it."""
        response = self.page.goto(url)
        path = self.path_of(self.page.url)
        if path in self.visited:
            return []  # a redirect to a page already checked (a login page, say)
        self.visited.append(path)
        if response is None or response.status >= 400:
            self.problems.append(f"{path}: HTTP {response and response.status}")
            if response is None or response.status != 404:
                return []
        if not response.headers.get("content-type", "").startswith("text/html"):
            return []
        self.run_axe(path)
        return self.page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")

    def run_axe(self, path: str, *, not_applicable: tuple[str, ...] = ()) -> None:
        options = {"resultTypes": ["violations"]}
        if not_applicable:
            options["rules"] = {rule: {"enabled": False} for rule in not_applicable}
        for violation in self.axe.run(self.page, options=options).response["violations"]:
            targets = "; ".join(", ".join(node["target"]) for node in violation["nodes"][:5])
            self.problems.append(
                f"{path}: {violation['id']} ({violation['impact']}): {violation['help']}"
                f" [{targets}]"
            )

    def crawl(self, origin: str, start: str = "/") -> None:
        """Every same-origin page reachable by links from ``start``: one visit per path, plus one
        example of each path with a querystring (a filtered or paginated list)."""
        netloc = urlsplit(origin).netloc
        seen = {self.key(start)}
        queue = deque([start])
        while queue and len(seen) <= MAX_PAGES:
            for link in self.check(queue.popleft()):
                parts = urlsplit(link)
                if parts.scheme not in ("http", "https") or parts.netloc != netloc:
                    continue  # mailto:, tel:, other sites
                if parts.path.startswith(SKIPPED_PREFIXES) or NOT_A_PAGE.search(parts.path):
                    continue
                key = self.key(link)
                if key not in seen:
                    seen.add(key)
                    queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
        assert not queue, f"the crawl stopped at {MAX_PAGES} pages: raise MAX_PAGES"

    @staticmethod
    def key(url: str) -> str:
        parts = urlsplit(url)
        return parts.path + ("?" if parts.query else "")

    @staticmethod
    def path_of(url: str) -> str:
        parts = urlsplit(url)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def assert_clean(self) -> None:
        report = "\n".join(self.problems)
        assert not self.problems, (
            f"{len(self.problems)} problems on {len(self.visited)} pages:\n{report}"
        )


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
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(MANAGER_EMAIL)
    page.get_by_label("Password").fill(MANAGER_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/accounts/")

    audit.crawl(live_server.url)
    # The card payment page an emailed invoice links to, for an invoice due and one paid.
    for status in [Invoice.Status.ISSUED, Invoice.Status.PAID]:
        invoice = Invoice.objects.filter(status=status).first()
        token = membership_services.invoice_payment_token(invoice)
        audit.check(f"/membership/pay/{token}/")

    for path in ["/accounts/", "/membership/account/", "/membership/renew/"]:
        assert path in audit.visited
    audit.assert_clean()


def test_the_pages_staff_use_to_write_and_send_a_newsletter_are_accessible(page, live_server, demo):
    audit = Audit(page)
    audit.check("/admin/login/")
    page.get_by_label("Email").fill(STAFF_EMAIL)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")

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
