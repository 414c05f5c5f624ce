"""The error summary in Chromium: a form sent with errors comes back with "There is a problem" at
the top, focused, the title starting "Error: ", and each link in it moving focus to its field."""

import re
from importlib import import_module

import pytest
from django.apps import apps
from playwright.sync_api import expect

from tests.browser.pages import log_in
from tests.membership.factories import MembershipFactory
from tests.vacancies.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The summary comes before the page's heading (Node.DOCUMENT_POSITION_FOLLOWING is 4).
SUMMARY_FIRST = """() => {
  const summary = document.querySelector("[data-error-summary]");
  const heading = document.querySelector("main h1");
  return Boolean(summary.compareDocumentPosition(heading) & 4);
}"""


def check_summary(page, axe) -> list[tuple[str, str]]:
    """Check the summary as a keyboard or screen reader user meets it; returns its links
    (target id, text), after following each one."""
    summary = page.locator("[data-error-summary]")
    summary.get_by_role("heading", name="There is a problem").wait_for()
    assert page.title().startswith("Error: ")
    expect(summary).to_be_focused()  # once the page's deferred script has run
    assert page.evaluate(SUMMARY_FIRST)
    axe(page)
    links = []
    for link in summary.get_by_role("link").all():
        target = link.get_attribute("href").removeprefix("#")
        links.append((target, link.inner_text()))
        link.click()
        assert page.evaluate("document.activeElement.id") == target, link.inner_text()
        assert page.locator(f"#{target}").is_visible() or target.endswith("_0")
    return links


def test_the_vacancy_form_sent_with_errors(page, axe):
    UserFactory(email="hr@agency.example.com")
    log_in(page, "hr@agency.example.com", "a-strong-poster-pass", "/vacancies/post/")
    page.fill("#id_title", "Independent Scrutineer")
    page.fill("#id_billing_email", "")
    page.fill("#id_apply_url", "not a web address")
    page.get_by_role("button", name="Save and preview").click()

    links = check_summary(page, axe)

    assert ("id_location", "Location: This field is required.") in links
    assert ("id_apply_url", "Apply online at: Enter a valid URL.") in links
    targets = {target for target, _ in links}
    assert {"id_region", "id_closes_on", "id_description", "id_billing_email"} <= targets
    assert "id_title" not in targets  # given


def test_the_renewal_form_sent_with_errors(page, axe, user, this_years_fees):
    import_module("membership.migrations.0002_seed_fees_and_reminders").seed(apps, None)
    MembershipFactory(renewal_due=True, managed_by=user, reps=3)
    log_in(page, user.email, "a-strong-user-pass", "/membership/renew/")
    rows = page.locator("fieldset[data-rep-row]")
    rows.nth(1).get_by_label("Email").fill("not-an-address")
    rows.nth(3).get_by_label("Name").fill("Half Filled")  # the spare box: no email, no role
    page.get_by_role("button", name="Continue").click()

    links = check_summary(page, axe)

    assert links == [
        ("id_reps-1-email", "Representative 2, Email: Enter a valid email address."),
        ("id_reps-3-email", "Representative 4, Email: Enter the representative's email address."),
        ("id_reps-3-role", "Representative 4, Role: Choose the representative's role."),
    ]
    assert re.match(r"Error: Renew membership \d{4}/\d\d", page.title())
