"""The GOV.UK error summary on every public form page: a POST with errors gets "There is a
problem" at the top of the main content, a link to each field in error (formset rows and errors
of no one field too), a focusable box with its script, and "Error: " before the page title."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from membership.forms import representative_formset
from tests.vacancies.factories import today
from vacancies.forms import VacancyForm

pytestmark = pytest.mark.django_db


def summary(html: str) -> list[tuple[str, str]]:
    """The summary's (link target, text) pairs, checking it sits before the page's heading."""
    box = re.search(r'<div class="error-summary[^"]*" tabindex="-1"[^>]*>(.*?)</ul>', html, re.S)
    assert box is not None, "no error summary"
    assert html.index("error-summary") < html.index("<h1"), "the summary is not at the top"
    assert "There is a problem" in box.group(1)
    links = re.findall(r'<a class="alert-link" href="#([^"]*)">([^<]*)</a>', box.group(1))
    return [(target, unescape(text)) for target, text in links]


def title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()


def test_a_vacancy_posted_with_errors_lists_each_field_and_says_error_in_the_title(
    client, django_user_model
):
    client.force_login(django_user_model.objects.create_user(email="poster@example.com"))
    data = {
        "title": "",
        "closes_on": (today() - timedelta(days=1)).isoformat(),
        "description": "x",
        "website": "",
    }

    html = client.post(reverse("vacancies:post"), data).content.decode()

    links = dict(summary(html))
    assert links["id_title"] == "Title: This field is required."
    assert links["id_closes_on"] == "Closing date: The closing date must be in the future."
    assert "id_billing_email" in links and "id_region" in links
    for target in links:
        assert f'id="{target}"' in html, target  # every link lands on a field of the page
    assert title(html).startswith("Error: Post a vacancy")
    assert "Please correct the errors below" not in html
    assert "/static/js/error-summary" in html


def test_a_page_without_errors_has_no_summary_and_a_plain_title(client, django_user_model):
    client.force_login(django_user_model.objects.create_user(email="poster@example.com"))

    html = client.get(reverse("vacancies:post")).content.decode()

    assert "There is a problem" not in html and "error-summary" not in html
    assert title(html).startswith("Post a vacancy")


def test_login_errors_are_summarised_on_the_allauth_page(client, user):
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": "not-the-password"}
    )

    html = response.content.decode()
    [(target, text)] = summary(html)
    assert target == "id_login" and "not correct" in text
    assert title(html).startswith("Error: Log in")


def test_signup_lists_each_field(client):
    response = client.post(reverse("account_signup"), {"email": "not-an-address"})

    targets = [target for target, _ in summary(response.content.decode())]
    assert {"id_full_name", "id_email", "id_password1"} <= set(targets)


@pytest.mark.parametrize(
    ("url", "data", "target"),
    [
        ("newsletters:subscribe", {"email": "nope", "website": ""}, "id_email"),
        ("vacancies:alerts", {"email": "", "website": ""}, "id_email"),
        ("membership:join", {"name": ""}, "id_name"),
    ],
)
def test_public_forms_share_the_summary(client, url, data, target):
    html = client.post(reverse(url), data).content.decode()

    assert target in dict(summary(html))
    assert title(html).startswith("Error: ")


def render_summary(**context) -> str:
    request = RequestFactory().post("/")
    return Template("{% load form_errors %}{% error_summary %}").render(
        Context({"request": request, **context})
    )


def test_formset_rows_and_errors_of_no_one_field_link_to_the_fields_they_concern():
    data = {
        "reps-TOTAL_FORMS": "2",
        "reps-INITIAL_FORMS": "0",
        "reps-MIN_NUM_FORMS": "0",
        "reps-MAX_NUM_FORMS": "1000",
        "reps-0-name": "Pat Manager",
        "reps-0-email": "pat@example.org",
        "reps-0-role": "police",
        "reps-1-name": "Sam",
        "reps-1-email": "not-an-email",
        "reps-1-role": "police",
    }
    rows = representative_formset(data)
    rows.is_valid()
    whole = representative_formset({**data, "reps-1-email": "sam@example.org"})
    whole.is_valid()  # no business manager: an error of the whole formset

    html = render_summary(rows=rows, whole=whole)

    assert summary(f"{html}<h1>") == [
        ("id_reps-1-email", "Representative 2, Email: Enter a valid email address."),
        ("id_reps-0-name", whole.non_form_errors()[0]),
    ]


def test_a_form_error_of_no_field_links_to_its_first_field():
    form = VacancyForm({"title": "x"}, is_member=True)
    form.is_valid()
    form.add_error(None, "Something about the whole advert.")

    links = summary(render_summary(form=form) + "<h1>")

    assert links[0] == ("id_title", "Something about the whole advert.")


def test_forms_nobody_checked_or_a_get_show_nothing():
    unchecked = VacancyForm({"title": ""}, is_member=True)
    checked = VacancyForm({"title": ""}, is_member=True)
    checked.is_valid()
    get = Template("{% load form_errors %}{% error_title_prefix %}{% error_summary %}").render(
        Context({"request": RequestFactory().get("/"), "form": checked})
    )

    assert render_summary(form=unchecked).strip() == ""
    assert get.strip() == ""
    assert unchecked._errors is None  # the summary did not validate it
