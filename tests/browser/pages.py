"""Page helpers shared by the browser suite and the production stage (tests/production/)."""

import re
from collections import deque
from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe


def log_in(page, email: str, password: str, next_path: str) -> None:
    """Log in through the site's login form and wait to land on ``next_path``."""
    page.goto(f"/accounts/login/?next={next_path}")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"**{next_path}")


MAX_PAGES = 150
# Staff pages are checked one by one in the staff test; logging out is a POST, never crawled.
SKIPPED_PREFIXES = ("/admin/", "/media/", "/static/", "/accounts/logout/")
# Feeds, calendars and file downloads (invoice PDFs, job packs) are not web pages.
NOT_A_PAGE = re.compile(r"/feed/|\.(pdf|ics|csv|json|xml|zip|docx?|txt)$|job-?pack", re.I)


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
