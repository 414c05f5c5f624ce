import re

import pytest
from django.urls import reverse

from tasp.tasks import send_email_task

pytestmark = pytest.mark.django_db


def test_reset_email_is_queued_and_its_link_sets_a_new_password(
    client, user, mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    monkeypatch.setattr(send_email_task, "delay", lambda **kwargs: queued.append(kwargs))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password_reset"), {"email": "MANAGER@example.org"})

    assert response.status_code == 302
    assert len(queued) == 1 and mailoutbox == []  # nothing is sent inside the request
    send_email_task(**queued[0])  # what the worker does
    assert mailoutbox[0].to == ["manager@example.org"]
    assert mailoutbox[0].alternatives[0][1] == "text/html"
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", mailoutbox[0].body).group(1)

    form_url = client.get(link).url  # Django swaps the token for a session and redirects
    response = client.post(
        form_url, {"new_password1": "fresh-horse-battery", "new_password2": "fresh-horse-battery"}
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("fresh-horse-battery")


def test_reset_for_an_unknown_address_looks_the_same(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})

    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_done")
    assert callbacks == []


@pytest.mark.parametrize(
    ("email", "message"),
    [("", "This field is required."), ("nonsense", "Enter a valid email address.")],
)
def test_bad_reset_input_gives_form_errors(client, email, message):
    response = client.post(reverse("accounts:password_reset"), {"email": email})

    assert response.status_code == 200
    assert message in response.content.decode()


def test_mismatched_new_passwords_are_a_form_error(client, user):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    form_url = client.get(reverse("accounts:password_reset_confirm", args=[uid, token])).url

    response = client.post(form_url, {"new_password1": "one-long-pass", "new_password2": "two"})

    assert response.status_code == 200
    assert "The two password fields didn’t match." in response.content.decode()


def test_a_tampered_reset_link_says_it_has_expired(client, user):
    response = client.get(reverse("accounts:password_reset_confirm", args=["MQ", "bad-token"]))

    assert response.status_code == 200
    assert "This link has expired" in response.content.decode()
