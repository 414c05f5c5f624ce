"""Page helpers shared by the browser suite and the production stage (tests/production/)."""

import re
from collections import deque
from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe


def log_in(page, email: str, password: str, next_path: str, *, totp_secret: str = "") -> None:
    """Log in through the site's login form (and, for staff, the authenticator-code step) and
    wait to land on ``next_path``."""
    page.goto(f"/accounts/login/?next={next_path}")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    if totp_secret:
        page.wait_for_url("**/accounts/2fa/authenticate/")
        page.get_by_label("Code").fill(totp_code(totp_secret))
        page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"**{next_path}")


def staff_page(browser, live_server, staff_user, **context_options):
    """A page of its own for the test's staff member, logged in to the admin with a second factor
    (the password is the ``staff_user`` fixture's)."""
    from tests.helpers import give_authenticator_app

    admin = browser.new_context(
        base_url=live_server.url, locale="en-GB", **context_options
    ).new_page()
    log_in(
        admin,
        staff_user.email,
        "a-strong-staff-pass",
        "/admin/",
        totp_secret=give_authenticator_app(staff_user),
    )
    return admin


_LAST_PERIOD: dict[str, int] = {}


def totp_code(secret: str) -> str:
    """The authenticator app's current code for ``secret``; waits for a fresh period when the
    current one has less than five seconds left, so the code is still good when it arrives, or
    when this session already used this period's code (allauth refuses a code used before)."""
    import time

    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    period = app_settings.TOTP_PERIOD
    while (
        period - time.time() % period < 5 or _LAST_PERIOD.get(secret) == int(time.time()) // period
    ):
        time.sleep(0.5)
    _LAST_PERIOD[secret] = counter = int(time.time()) // period
    return format_hotp_value(hotp_value(secret, counter))


MAX_PAGES = 150
# Staff pages are checked one by one in the staff test; logging out is a POST, never crawled.
SKIPPED_PREFIXES = ("/admin/", "/media/", "/static/", "/accounts/logout/")
# Feeds, calendars and file downloads (invoice PDFs, job packs, resources) are not web pages.
NOT_A_PAGE = re.compile(
    r"/feed/|/download/$|\.(pdf|ics|csv|json|xml|zip|docx?|txt)$|job-?pack", re.I
)


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
        self.inspect(path)
        return self.page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")

    def inspect(self, path: str) -> None:
        """What ``check`` looks for on each page it opens: axe's violations (a subclass can look
        for something else, with the same crawl)."""
        self.run_axe(path)

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


def sign_up(page, *, name: str, email: str, password: str, read_confirmation) -> None:
    """Sign up on the site, then confirm the address from the email ``read_confirmation()``
    returns (its plain text), as a new visitor does."""
    page.goto("/accounts/signup/")
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=False).first.fill(password)
    page.get_by_label("Password (again)").fill(password)
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_url("**/accounts/confirm-email/")
    link = re.search(r"https?://\S+(/accounts/confirm-email/[^/\s]+/)", read_confirmation())
    page.goto(link.group(1))
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/accounts/login/*")


def post_advert_as_non_member(page, *, title: str, closes_on: str) -> None:
    """Fill in the advert form as a non-member (with billing details), save and submit it."""
    page.goto("/vacancies/post/")
    assert page.locator("#vacancy-price").inner_text().startswith("Price: £650.00")
    page.fill("#id_title", title)
    page.select_option("#id_role_type", "independent_scrutineer")
    page.fill("#id_organisation_name", "Agency Recruitment Ltd")
    page.fill("#id_location", "Leeds")
    page.select_option("#id_region", "yorkshire")
    page.fill("#id_remuneration", "£450 per day")
    page.fill("#id_closes_on", closes_on)
    page.fill("#id_description", "Scrutinise the partnership.\n\nThree days a month.")
    page.fill("#id_apply_url", "https://jobs.example.org/scrutineer")
    page.get_by_label("Organisation to invoice").fill("Agency Recruitment Ltd")
    page.fill("#id_billing_address", "1 High Street\nExample Town")
    page.fill("#id_billing_email", "accounts@agency.example.com")
    page.get_by_role("button", name="Save and preview").click()
    page.wait_for_url("**/manage/")
    page.get_by_role("button", name="Submit and get the invoice (£650.00)").click()
    page.wait_for_url("**/manage/")
