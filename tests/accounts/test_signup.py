"""Anyone can sign up; nobody logs in until the address is confirmed from the email."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

DETAILS = {
    "full_name": "Hana Recruiter",
    "email": "Hana@Agency.example.com",
    "password1": "a-strong-agency-pass",
    "password2": "a-strong-agency-pass",
}


@pytest.fixture
def queued(tasks):
    return tasks.view("send_email_task")


def sign_up(client, django_capture_on_commit_callbacks, **changes):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("account_signup"), {**DETAILS, **changes})


def test_a_visitor_signs_up_confirms_the_address_and_logs_in(
    client, django_user_model, django_capture_on_commit_callbacks, queued, settings
):
    settings.SITE_URL = "https://www.tasp.example.org"
    response = sign_up(client, django_capture_on_commit_callbacks)

    assert response.url == reverse("account_email_verification_sent")
    user = django_user_model.objects.get(email="hana@agency.example.com")
    assert user.full_name == "Hana Recruiter"
    assert "_auth_user_id" not in client.session  # not until the address is confirmed
    (email,) = queued
    assert email["to"] == ["hana@agency.example.com"] and email["html"]
    link = re.search(
        r"https://www\.tasp\.example\.org(/accounts/confirm-email/\S+/)", email["body"]
    )

    page = client.get(link.group(1))  # a mail scanner's GET confirms nothing
    assert page.status_code == 200
    assert not user.emailaddress_set.get().verified
    client.post(link.group(1))

    assert user.emailaddress_set.get().verified
    response = client.post(
        reverse("account_login"),
        {"login": "hana@agency.example.com", "password": "a-strong-agency-pass"},
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_signing_up_with_a_taken_address_changes_nothing_and_tells_its_owner(
    client, user, django_user_model, django_capture_on_commit_callbacks, queued
):
    response = sign_up(client, django_capture_on_commit_callbacks, email="MANAGER@example.org")

    assert response.url == reverse("account_email_verification_sent")  # the same answer
    assert django_user_model.objects.count() == 1
    user.refresh_from_db()
    assert user.check_password("a-strong-user-pass")
    assert [message["to"] for message in queued] == [["manager@example.org"]]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"email": "not-an-address"}, "Enter a valid email address."),
        ({"password2": "something-else"}, "You must type the same password each time."),
        ({"password1": "short", "password2": "short"}, "This password is too short."),
        ({"full_name": ""}, "This field is required."),
        ({"email": "a" * 300 + "@example.org"}, "at most 254 characters"),
    ],
)
def test_bad_sign_up_input_gives_form_errors_and_makes_no_account(
    client, django_user_model, django_capture_on_commit_callbacks, queued, changes, message
):
    response = sign_up(client, django_capture_on_commit_callbacks, **changes)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not django_user_model.objects.exists() and queued == []
