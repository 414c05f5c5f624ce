from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from accounts.services import magic_link_for

pytestmark = pytest.mark.django_db


def test_a_magic_link_logs_in_once_by_post_not_by_get(client, user):
    link = urlsplit(magic_link_for(user, next_url="/membership/"))

    page = client.get(f"{link.path}?{link.query}")  # what a link scanner does
    assert page.status_code == 200
    assert "_auth_user_id" not in client.session

    response = client.post(
        reverse("accounts:magic-login"),
        {"token": page.context["token"], "next": page.context["next"]},
    )
    assert response.status_code == 302
    assert response.url == "/membership/"
    assert client.session["_auth_user_id"] == str(user.pk)

    client.logout()
    again = client.post(reverse("accounts:magic-login"), {"token": page.context["token"]})
    assert again.status_code == 302
    assert "_auth_user_id" not in client.session


def test_an_altered_token_logs_nobody_in(client, user):
    response = client.post(reverse("accounts:magic-login"), {"token": "forged-token"}, follow=True)

    assert "_auth_user_id" not in client.session
    assert "expired or has already been used" in response.content.decode()


def test_next_cannot_send_people_off_site(client, user):
    token = magic_link_for(user).split("token=")[1]

    response = client.post(
        reverse("accounts:magic-login"), {"token": token, "next": "https://evil.example.com/"}
    )

    assert response.url == reverse("accounts:account")


def test_the_old_link_request_form_leads_to_the_emailed_code(client):
    response = client.get("/accounts/magic-link/?next=/membership/renew/")

    assert response.status_code == 302
    assert response.url == reverse("account_request_login_code") + "?next=/membership/renew/"


def test_bad_magic_link_tokens_do_not_lock_an_office_out_of_valid_links(client, user, settings):
    """Item 6: stale or forged links from one address never lock everyone else's links there."""
    for _ in range(settings.AXES_FAILURE_LIMIT + 3):
        client.post(reverse("accounts:magic-login"), {"token": "stale-token"})

    token = magic_link_for(user).split("token=")[1]
    response = client.post(reverse("accounts:magic-login"), {"token": token})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_magic_link_for_a_staff_address_logs_nobody_in(client, staff_user):
    """Item 5: a mailbox alone never gives staff rights, so staff get no emailed links."""
    from sesame.utils import get_query_string

    assert "token=" not in magic_link_for(staff_user, next_url="/admin/")
    token = get_query_string(staff_user, scope="login").split("token=")[1]

    response = client.post(reverse("accounts:magic-login"), {"token": token, "next": "/admin/"})

    assert "_auth_user_id" not in client.session
    assert response.url == reverse("account_request_login_code")


def test_following_a_magic_link_verifies_the_address(client, django_user_model):
    from allauth.account.models import EmailAddress

    person = django_user_model.objects.create_user(email="rep@example.org")
    token = magic_link_for(person).split("token=")[1]

    client.post(reverse("accounts:magic-login"), {"token": token})

    assert EmailAddress.objects.get(user=person).verified


def test_a_link_opened_again_when_logged_in_goes_where_it_was_going(client, user):
    link = magic_link_for(user, next_url="/membership/renew/")
    parts = urlsplit(link)
    client.post(
        parts.path, {"token": parse_qs(parts.query)["token"][0], "next": "/membership/renew/"}
    )

    again = client.get(f"{parts.path}?{parts.query}")

    assert again.status_code == 302 and again["Location"] == "/membership/renew/"
