"""The email of someone who asks to log in carries the code and a one-time link that lands where
they were going; links in every plain-text email keep their "&" (never "&amp;")."""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tasp.mail import build_templated_email

pytestmark = pytest.mark.django_db

GOING_TO = "/resources/annual-report/?section=2"


@pytest.fixture
def asked(client, user, tasks, mailoutbox, django_capture_on_commit_callbacks):
    """A visitor sent to log in from ``GOING_TO`` asks for a login code: the email they get."""
    tasks.eager = True
    url = reverse("account_request_login_code") + "?next=" + GOING_TO.replace("?", "%3F")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"email": user.email, "next": GOING_TO})
    [email] = mailoutbox
    return email


def links(email) -> tuple[str, str]:
    """The login link in the plain-text part, and the one in the HTML part (as a browser reads
    its href: ``&amp;`` is how HTML writes ``&``)."""
    text = re.search(r"https?://\S+/accounts/magic-link/login/\S+", email.body).group(0)
    html = email.alternatives[0][0]
    href = re.search(r'href="(https?://[^"]+/accounts/magic-link/login/[^"]+)"', html).group(1)
    return text, href.replace("&amp;", "&")


def follow(client, link: str):
    """Open the link (a page with a button), then press the button."""
    parts = urlsplit(link)
    page = client.get(f"{parts.path}?{parts.query}")
    assert page.status_code == 200
    return client.post(
        reverse("accounts:magic-login"),
        {"token": page.context["token"], "next": page.context["next"]},
    )


def test_the_email_has_the_code_and_a_link_back_to_where_the_visitor_was_going(client, asked):
    text, href = links(asked)

    assert "&amp;" not in asked.body
    assert text == href
    assert parse_qs(urlsplit(text).query)["next"] == [GOING_TO]
    assert re.search(r"^[A-Z0-9]+(?:-[A-Z0-9]+)+$", asked.body, re.M)  # the code, as before

    response = follow(client, text)

    assert response.status_code == 302 and response.url == GOING_TO
    assert "_auth_user_id" in client.session


def test_the_link_in_the_html_part_lands_there_too(client, asked):
    _, href = links(asked)

    assert follow(client, href).url == GOING_TO


def test_the_requested_link_works_once_and_only_as_long_as_the_code(client, asked, settings):
    text, _ = links(asked)
    later = timezone.now() + timedelta(seconds=settings.ACCOUNT_LOGIN_BY_CODE_TIMEOUT + 60)

    with time_machine.travel(later):
        expired = follow(client, text)
    assert expired.url == reverse("account_request_login_code")
    assert "_auth_user_id" not in client.session


def test_staff_are_sent_the_code_and_no_link(
    client, staff_user, tasks, mailoutbox, django_capture_on_commit_callbacks
):
    tasks.eager = True
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_request_login_code"), {"email": staff_user.email})

    [email] = mailoutbox
    assert "/accounts/magic-link/login/" not in email.body
    assert "/accounts/magic-link/login/" not in email.alternatives[0][0]


def test_plain_text_emails_never_html_escape_a_link_or_a_name():
    """Whether or not a text template turns escaping off itself (this one does not)."""
    link = "https://tasp.example.org/newsletters/confirm/abc/?a=1&next=%2Fnewsletters%2F"

    message = build_templated_email(
        "newsletters/confirm",
        to=["reader@example.org"],
        context={"name": "Sam & Jo O'Neil", "newsletters": [], "link": link},
    )

    assert link in message.body and "Sam & Jo O'Neil" in message.body
    assert "&amp;" not in message.body and "&#x27;" not in message.body
    assert "&amp;" in message.alternatives[0][0]  # the HTML part escapes, as HTML must
