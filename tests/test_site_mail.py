"""Every site email as a mail client and a spam filter read it: a title for the HTML part, a
Message-ID of the site's domain, and Auto-Submitted (RFC 3834)."""

import re

import pytest
from django.urls import reverse

from tasp.mail import build_templated_email, send_templated_email

pytestmark = pytest.mark.django_db


def title_of(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()


@pytest.mark.parametrize(
    ("name", "context"),
    [
        ("newsletters/confirm", {"name": "Sam", "newsletters": [], "link": "https://x.example"}),
        (
            "newsletters/send_paused",
            {"send": "Spring issue", "reason": "Paused", "progress": {"sent": 1}},
        ),
    ],
)
def test_emails_that_lacked_a_title_now_have_their_subject(name, context):
    message = build_templated_email(name, to=["sam@example.org"], context=context)

    assert title_of(message.alternatives[0][0]) == message.subject != ""


def test_site_mail_says_it_is_automatic_and_has_the_sites_message_id(
    settings, tasks, django_capture_on_commit_callbacks
):
    settings.DEFAULT_FROM_EMAIL = "TASP <office@tasp.example.org>"
    queued = tasks.view("send_email_task")

    with django_capture_on_commit_callbacks(execute=True):
        send_templated_email(
            "newsletters/confirm",
            to=["sam@example.org"],
            context={"name": "Sam", "newsletters": [], "link": "https://x.example"},
        )
    [message] = queued

    assert message["headers"]["Auto-Submitted"] == "auto-generated"
    assert message["headers"]["Message-ID"].endswith("@tasp.example.org>")


def test_account_emails_have_a_title_and_the_same_headers(
    client, user, tasks, django_capture_on_commit_callbacks
):
    queued = tasks.view("send_email_task")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": user.email})
    [message] = queued

    assert title_of(message["html"]) == message["subject"] != ""
    assert message["headers"]["Auto-Submitted"] == "auto-generated"
    assert "@localhost" not in message["headers"]["Message-ID"]
