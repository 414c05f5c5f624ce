"""The enforced Content Security Policy blocks nothing the site, the admin or django-nested-admin
needs: every page here is used the way people use it while the browser reports violations."""

from importlib import import_module

import pytest
from django.apps import apps

from tests.browser.pages import log_in
from tests.helpers import give_authenticator_app
from tests.newsletters.factories import IssueFactory
from tests.vacancies.factories import VacancyFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Runs before any page script (through the DevTools protocol, which the policy does not govern).
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


@pytest.fixture
def watched(page):
    page.add_init_script(RECORD_VIOLATIONS)
    console = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )

    def violations() -> list[str]:
        return page.evaluate("window.__cspViolations") + console

    page.violations = violations
    return page


def test_public_pages_and_their_scripts_run_under_the_policy(watched, live_server):
    import_module("membership.migrations.0002_seed_fees_and_reminders").seed(apps, None)
    vacancy = VacancyFactory(published=True, title="Independent Scrutineer for Northshire")
    page = watched

    response = page.goto(vacancy.get_absolute_url())
    # Its JSON-LD is a data block, which the policy leaves alone: no nonce, no unsafe-inline.
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]
    page.get_by_role("heading", name="Independent Scrutineer for Northshire").wait_for()
    assert page.locator("script[type='application/ld+json']").count() == 1

    # membership.js fetches a quote as you type.
    page.goto("/membership/")
    page.get_by_label("Number of named representatives").fill("12")
    page.locator("[data-quote-total]").filter(has_text="£3,375.00").wait_for()

    for path in ["/", "/newsletters/", "/vacancies/", "/newsletters/subscribe/"]:
        page.goto(path)
    assert page.violations() == []


def test_staff_build_preview_and_send_an_issue_in_the_admin_under_the_policy(
    watched, live_server, staff_user
):
    issue = IssueFactory(title="Newsletter - Spring 2020")
    page = watched

    log_in(
        page,
        staff_user.email,
        "a-strong-staff-pass",
        f"/admin/newsletters/issue/{issue.pk}/change/",
        totp_secret=give_authenticator_app(staff_user),
    )
    # django-nested-admin adds inline forms with its script, inside a form of another inline.
    page.get_by_text("Add another Section").click()
    page.locator("input[name^='sections-1'][name$='-heading']").fill("National News")
    page.get_by_text("Add another Item").filter(visible=True).last.click()
    page.locator("input[name^='sections-1-items-0'][name$='-title']").fill("A new report")
    page.get_by_role("button", name="Save and continue editing").click()
    page.get_by_text("was changed successfully").wait_for()
    assert issue.sections.get(heading="National News").items.get().title == "A new report"

    # The HTML email preview keeps its inlined styles (its own policy allows them, nothing else).
    with page.context.expect_page() as opened:
        page.get_by_role("link", name="Preview email (HTML)").click()
    preview = opened.value
    preview.get_by_role("heading", name="TASP Update").wait_for()
    background = preview.locator("h2").first.evaluate("h => getComputedStyle(h).backgroundColor")
    assert background == "rgb(29, 53, 87)"
    preview.close()

    page.get_by_role("link", name="Send or schedule…").click()
    page.get_by_label("Send now").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_text("An issue goes to a list once").wait_for()
    font_size = page.locator(".tasp-confirm").evaluate("p => getComputedStyle(p).fontSize")
    assert font_size != page.locator("#content p").last.evaluate(
        "p => getComputedStyle(p).fontSize"
    )  # admin.css loaded: the question stands out
    assert page.violations() == []
