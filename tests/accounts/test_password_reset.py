import re

import pytest
from django.urls import reverse

from tasp.tasks import send_email_task

pytestmark = pytest.mark.django_db

RESET = "account_reset_password"


@pytest.fixture
def queued(tasks):
    return tasks.view("send_email_task")


def test_reset_email_is_queued_and_its_link_sets_a_new_password(
    client, user, mailoutbox, django_capture_on_commit_callbacks, queued
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse(RESET), {"email": "MANAGER@example.org"})

    assert response.status_code == 302
    assert len(queued) == 1 and mailoutbox == []  # nothing is sent inside the request
    send_email_task(**queued[0])  # what the worker does
    assert mailoutbox[0].to == ["manager@example.org"]
    assert mailoutbox[0].alternatives[0][1] == "text/html"
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", mailoutbox[0].body)

    form_url = client.get(link.group(1)).url  # allauth swaps the key for a session
    response = client.post(
        form_url, {"password1": "fresh-horse-battery", "password2": "fresh-horse-battery"}
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("fresh-horse-battery")


def test_the_reset_link_uses_site_url_not_the_requests_host(
    client, user, settings, django_capture_on_commit_callbacks, queued
):
    """Item 13: a forged Host header must not send the reset key to another site."""
    settings.ALLOWED_HOSTS = ["testserver", "evil.example.com"]
    settings.SITE_URL = "https://www.tasp.example.org"

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse(RESET), {"email": user.email}, HTTP_HOST="evil.example.com")

    assert "https://www.tasp.example.org/accounts/password/reset/key/" in queued[0]["body"]
    assert "evil.example.com" not in queued[0]["body"] + (queued[0]["html"] or "")


def test_reset_for_an_unknown_address_does_the_same_work(
    client, user, django_capture_on_commit_callbacks, queued
):
    """Item 13: known and unknown addresses each queue one email, so timing tells nothing."""
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(reverse(RESET), {"email": user.email})
    with django_capture_on_commit_callbacks(execute=True):
        unknown = client.post(reverse(RESET), {"email": "nobody@example.org"})

    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url == reverse("account_reset_password_done")
    assert [message["to"] for message in queued] == [[user.email], ["nobody@example.org"]]
    assert "no account" in queued[1]["body"].lower() or "not" in queued[1]["body"].lower()


@pytest.mark.parametrize(
    ("email", "message"),
    [("", "This field is required."), ("nonsense", "Enter a valid email address.")],
)
def test_bad_reset_input_gives_form_errors(client, email, message):
    response = client.post(reverse(RESET), {"email": email})

    assert response.status_code == 200
    assert message in response.content.decode()


def test_a_tampered_reset_link_says_it_is_invalid(client, user):
    response = client.get(
        reverse("account_reset_password_from_key", kwargs={"uidb36": "1", "key": "bad-token"})
    )

    assert response.status_code == 200
    assert "invalid" in response.content.decode().lower()
