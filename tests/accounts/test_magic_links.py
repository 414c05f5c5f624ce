from urllib.parse import urlsplit

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


def test_asking_for_a_link_answers_the_same_for_unknown_addresses(
    client, user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as known:
        first = client.post(reverse("accounts:magic-link"), {"email": "manager@example.org"})
    with django_capture_on_commit_callbacks() as unknown:
        second = client.post(reverse("accounts:magic-link"), {"email": "nobody@example.org"})

    assert first.status_code == second.status_code == 200
    for response in (first, second):
        assert "accounts/magic_link_sent.html" in [t.name for t in response.templates]
    assert len(known) == 1 and unknown == []


def test_a_bad_address_is_a_form_error(client):
    response = client.post(reverse("accounts:magic-link"), {"email": "not an email"})

    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()


def test_asking_for_links_is_rate_limited(client, user):
    for _ in range(5):
        client.post(reverse("accounts:magic-link"), {"email": "manager@example.org"})

    response = client.post(reverse("accounts:magic-link"), {"email": "manager@example.org"})

    assert response.status_code == 429
