import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

LOGIN = "account_login"


def test_logs_in_with_email_in_any_case(client, user):
    response = client.post(
        reverse(LOGIN), {"login": "Manager@Example.org", "password": "a-strong-user-pass"}
    )

    assert response.status_code == 302
    assert response.url == reverse("accounts:account")
    assert client.get(reverse("accounts:account")).context["user"] == user


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"login": "", "password": ""}, "This field is required."),
        ({"login": "not-an-email", "password": "x"}, "Enter a valid email address."),
        (
            {"login": "manager@example.org", "password": "wrong"},
            "The email address and/or password you specified are not correct.",
        ),
        (
            {"login": "nobody@example.org", "password": "x"},
            "The email address and/or password you specified are not correct.",
        ),
        ({"login": "a" * 330 + "@example.org", "password": "x"}, "at most 320 characters"),
    ],
)
def test_bad_login_input_gives_form_errors(client, user, data, message):
    response = client.post(reverse(LOGIN), data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_is_locked_after_repeated_failures(client, user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse(LOGIN), {"login": user.email, "password": "wrong"})

    response = client.post(reverse(LOGIN), {"login": user.email, "password": "a-strong-user-pass"})

    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session


def test_an_unverified_address_cannot_log_in_until_confirmed(client, django_user_model, mailoutbox):
    django_user_model.objects.create_user(email="new@example.org", password="a-strong-new-pass")

    response = client.post(
        reverse(LOGIN), {"login": "new@example.org", "password": "a-strong-new-pass"}
    )

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


def test_logout_is_a_post(client, user):
    client.force_login(user)

    client.get(reverse("account_logout"))
    assert "_auth_user_id" in client.session  # a GET only asks
    response = client.post(reverse("account_logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_account_page_needs_login(client):
    response = client.get(reverse("accounts:account"))

    assert response.status_code == 302
    assert response.url.startswith(reverse(LOGIN))


def test_the_emailed_code_limit_counts_an_address_in_any_case(client, user):
    """Item 7: changing the case of the address does not dodge the per-address limit."""
    addresses = ["manager@example.org", "MANAGER@example.org", "Manager@Example.org"]
    for attempt in range(5):
        response = client.post(
            reverse("account_request_login_code"), {"email": addresses[attempt % 3]}
        )
        assert response.status_code == 302
        client.cookies.clear()  # a fresh visitor each time: only the address links them

    response = client.post(reverse("account_request_login_code"), {"email": "MaNaGeR@example.org"})

    assert response.status_code == 200
    assert "Too many" in response.content.decode(), response.content.decode()[-3000:]
