import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

LOGIN = "accounts:login"


def test_logs_in_with_email_in_any_case(client, user):
    response = client.post(
        reverse(LOGIN), {"username": "Manager@Example.org", "password": "a-strong-user-pass"}
    )

    assert response.status_code == 302
    assert response.url == reverse("accounts:account")
    assert client.get(reverse("accounts:account")).context["user"] == user


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"username": "", "password": ""}, "This field is required."),
        ({"username": "not-an-email", "password": "x"}, "Enter a valid email address."),
        (
            {"username": "manager@example.org", "password": "wrong"},
            "The password is case-sensitive.",
        ),
        ({"username": "nobody@example.org", "password": "x"}, "The password is case-sensitive."),
        ({"username": "a" * 300 + "@example.org", "password": "x"}, "at most 254 characters"),
    ],
)
def test_bad_login_input_gives_form_errors(client, user, data, message):
    response = client.post(reverse(LOGIN), data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_is_locked_after_repeated_failures(client, user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse(LOGIN), {"username": user.email, "password": "wrong"})

    response = client.post(
        reverse(LOGIN), {"username": user.email, "password": "a-strong-user-pass"}
    )

    assert response.status_code == 429
    assert "Too many failed attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_is_a_post(client, user):
    client.force_login(user)

    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_account_page_needs_login(client):
    response = client.get(reverse("accounts:account"))

    assert response.status_code == 302
    assert response.url.startswith(reverse(LOGIN))
