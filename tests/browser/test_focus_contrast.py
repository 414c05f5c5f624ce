"""Keyboard focus shows on every public page, and the renewal and vacancy forms: each link, nav
link, button, input, select, text area, checkbox and radio Tab reaches has a focus outline at least
2 px wide with 3:1 contrast against the background around it (white pages, the navy header, the
grey footer), and every input, select and checkbox an edge with 3:1 contrast (WCAG 2.2 1.4.11,
2.4.7, 2.4.13). The colour arithmetic is in tests/browser/focus.py, tested first here."""

import io

import pytest
from django.core.management import call_command
from django.test import override_settings

from membership.demo import MANAGER_EMAIL, MANAGER_PASSWORD
from tests.browser.focus import (
    active_focus_style,
    border_problems,
    composite,
    contrast_ratio,
    focus_problems,
    outline_problem,
)
from tests.browser.pages import Audit, log_in


@pytest.mark.parametrize(
    "first, second, ratio",
    [
        ("#000000", "#ffffff", 21.0),
        ("#ffffff", "#ffffff", 1.0),
        ("#767676", "#ffffff", 4.54),  # the lightest grey that passes for text on white
        ("#dee2e6", "#ffffff", 1.30),  # Bootstrap's input border: fails 3:1
        ("rgb(255, 191, 71)", "#ffffff", 1.64),  # the old yellow focus outline on white: fails
        ("rgb(11, 110, 105)", "#ffffff", 6.09),  # the accent on white
        ("#7dd3c8", "#1d3557", 7.08),  # the light accent on the navy header
        ("#0b6e69", "#1d3557", 2.03),  # the accent itself on the navy: fails, hence the light one
    ],
)
def test_contrast_ratios_are_wcags(first, second, ratio):
    assert contrast_ratio(first, second) == pytest.approx(ratio, abs=0.01)
    assert contrast_ratio(second, first) == pytest.approx(ratio, abs=0.01)


def test_translucent_backgrounds_are_seen_over_what_is_under_them():
    assert composite(["rgba(0, 0, 0, 0)", "rgb(29, 53, 87)"]) == (29, 53, 87)
    assert composite(["rgba(0, 0, 0, 0.5)", "rgba(0, 0, 0, 0)"]) == (127.5, 127.5, 127.5)
    assert composite([]) == (255, 255, 255)  # the page's canvas


def test_a_thin_missing_or_faint_outline_is_a_problem():
    good = {
        "focused": True,
        "outlineStyle": "solid",
        "outlineWidth": 3.0,
        "outlineColor": "rgb(11, 110, 105)",
        "behind": ["rgb(255, 255, 255)"],
    }

    assert outline_problem(good) == ""
    assert "1px" in outline_problem({**good, "outlineWidth": 1.0})
    assert "none" in outline_problem({**good, "outlineStyle": "none", "outlineWidth": 0.0})
    assert "1.30:1" in outline_problem({**good, "outlineColor": "rgb(222, 226, 230)"})
    assert "2.03:1" in outline_problem({**good, "behind": ["rgba(0, 0, 0, 0)", "rgb(29, 53, 87)"]})
    assert "does not take focus" in outline_problem({**good, "focused": False})


class FocusAudit(Audit):
    """The demo crawl, checking focus outlines and control edges instead of running axe."""

    def __init__(self, page):
        super().__init__(page)
        self.kinds: set[str] = set()

    def inspect(self, path: str) -> None:
        self.problems += border_problems(self.page, path)
        self.problems += focus_problems(self.page, path, kinds=self.kinds)


@pytest.fixture
def demo():
    with override_settings(DEBUG=True):  # seed_demo refuses to make known passwords otherwise
        call_command("seed_demo", "--quiet-login", stdout=io.StringIO())


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_keyboard_focus_and_control_edges_show_on_every_public_page(page, live_server, demo):
    audit = FocusAudit(page)
    audit.crawl(live_server.url)
    for path in ["/vacancies/?q=no+such+vacancy", "/membership/?representatives=12"]:
        audit.check(path)

    for path in ["/", "/newsletters/subscribe/", "/membership/join/", "/accounts/login/"]:
        assert path in audit.visited
    # Every kind of control the public site has (it has no radios or <details>: see below).
    assert audit.kinds >= {"link", "nav link", "button", "input", "select", "textarea", "checkbox"}
    audit.assert_clean()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_keyboard_focus_and_control_edges_show_on_the_renewal_and_vacancy_forms(
    page, live_server, demo
):
    audit = FocusAudit(page)
    log_in(page, MANAGER_EMAIL, MANAGER_PASSWORD, "/accounts/")
    for path in ["/membership/renew/", "/vacancies/post/", "/membership/account/", "/accounts/"]:
        audit.check(path)

    assert audit.visited == [
        "/membership/renew/",
        "/vacancies/post/",
        "/membership/account/",
        "/accounts/",
    ]
    audit.assert_clean()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_tab_shows_focus_on_each_kind_of_control_in_turn(page, live_server, demo):
    """Real Tab presses, from the top of the vacancy form: the skip link, the logo, the navigation
    on the navy header, then inputs, selects, a text area and the buttons on white."""
    log_in(page, MANAGER_EMAIL, MANAGER_PASSWORD, "/accounts/")
    page.goto("/vacancies/post/")
    seen, problems = set(), []
    for _ in range(80):
        page.keyboard.press("Tab")
        found = active_focus_style(page)
        if found["kind"] == "body":
            break  # past the last control
        seen.add(found["kind"])
        if problem := outline_problem(found):
            problems.append(f"{found['kind']} {found['element']}: {problem}")

    assert not problems, "\n".join(problems)
    assert {"link", "nav link", "button", "input", "select", "textarea"} <= seen


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_radios_and_details_would_show_focus_too(page, live_server, demo):
    """No public page has a radio button or a <details> yet (the admin's radios are Django's):
    one of each, as crispy-forms and a template would write them, put on a form page."""
    page.goto("/newsletters/subscribe/")
    page.locator("form").evaluate(
        """form => form.insertAdjacentHTML("afterbegin", `
          <div class="form-check"><input class="form-check-input" type="radio" name="x" id="x1">
            <label class="form-check-label" for="x1">Radio</label></div>
          <details><summary>More about this</summary><p>Hidden text.</p></details>`)"""
    )
    kinds = set()

    problems = border_problems(page, "subscribe") + focus_problems(page, "subscribe", kinds=kinds)

    assert {"radio", "summary"} <= kinds
    assert not problems, "\n".join(problems)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_checks_catch_bootstraps_own_faint_focus_and_pale_borders(page, live_server, demo):
    """Without the site's stylesheet, Bootstrap's defaults show: a glow instead of an outline on
    inputs, buttons and checkboxes, and #dee2e6 borders (1.3:1 on white). The checks say so."""
    page.route("**/css/site.css*", lambda route: route.fulfill(body="", content_type="text/css"))
    page.goto("/newsletters/subscribe/")

    problems = border_problems(page, "subscribe") + focus_problems(page, "subscribe")

    report = "\n".join(problems)
    assert (
        'input#id_email[type=email] "Email address*": border rgb(222, 226, 230) is 1.30:1' in report
    )
    assert 'input input#id_email[type=email] "Email address*": focus outline none 0px' in report
    assert 'button button "Subscribe": focus outline none 0px' in report
    assert 'nav link a "Newsletters": focus outline none 0px' in report
    assert 'checkbox input#id_newsletters_0[type=checkbox] "TASP Newsletter"' in report
