import re

import pytest
from django.test import Client
from django.urls import reverse

from newsletters.models import Subscriber, Subscription
from tasp.tasks import send_email_task
from tests.newsletters.factories import NewsletterFactory, SubscriberFactory, subscribe

pytestmark = pytest.mark.django_db


@pytest.fixture
def newsletter():
    return NewsletterFactory()


@pytest.fixture
def queued_emails(monkeypatch):
    queued = []
    monkeypatch.setattr(send_email_task, "delay", lambda **kw: queued.append(kw))
    return queued


def post_subscribe(client, newsletter, **extra):
    data = {
        "name": "Sam Reader",
        "email": "sam@example.org",
        "organisation": "Example LSCP",
        "newsletters": [newsletter.pk],
        **extra,
    }
    return client.post(reverse("newsletters:subscribe"), data)


def test_double_opt_in(client, newsletter, queued_emails, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_subscribe(client, newsletter)

    assert response.status_code == 200
    subscriber = Subscriber.objects.get(email="sam@example.org")
    assert subscriber.status == Subscriber.Status.PENDING
    link = re.search(r"http://\S+/newsletters/confirm/(\S+)/", queued_emails[0]["body"])
    confirm_url = reverse("newsletters:confirm", args=[link.group(1)])

    assert client.get(confirm_url).status_code == 200  # a link scanner's GET changes nothing
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING
    client.post(confirm_url)

    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.ACTIVE
    assert (
        subscriber.consent_at
        and subscriber.consent_ip == "127.0.0.1"
        and subscriber.consent_wording
    )
    assert Subscription.objects.filter(
        subscriber=subscriber, newsletter=newsletter, unsubscribed_at=None
    ).exists()


def test_a_known_address_gets_the_same_answer(client, newsletter, queued_emails):
    subscribe(newsletter, 1, email="sam@example.org")

    response = post_subscribe(client, newsletter)

    assert response.status_code == 200
    assert "We have sent a link to sam@example.org" in response.content.decode()


def test_the_honeypot_holds_off_bots(client, newsletter, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        response = post_subscribe(client, newsletter, website="http://spam.example.com")

    assert response.status_code == 200
    assert Subscriber.objects.count() == 0 and callbacks == []


def test_subscribing_is_rate_limited(client, newsletter, queued_emails):
    for n in range(20):
        post_subscribe(client, newsletter, email=f"n{n}@example.org")

    assert post_subscribe(client, newsletter, email="last@example.org").status_code == 429


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"email": "nope"}, "Enter a valid email address."),
        ({"newsletters": []}, "Choose at least one list."),
    ],
)
def test_bad_subscribe_input_gives_form_errors(client, newsletter, data, error):
    response = post_subscribe(client, newsletter, **data)

    assert error in response.content.decode()
    assert Subscriber.objects.count() == 0


def test_a_tampered_confirmation_link_is_refused(client, newsletter):
    subscriber = SubscriberFactory(status=Subscriber.Status.PENDING)
    token = subscriber.confirmation_token()

    response = client.post(reverse("newsletters:confirm", args=[token[:-2] + "xx"]))

    assert response.status_code == 400
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING


def test_one_click_unsubscribe_by_post_without_cookies_or_csrf(newsletter):
    (reader,) = subscribe(newsletter, 1)
    client = Client(enforce_csrf_checks=True)

    page = client.get(reverse("newsletters:unsubscribe", args=[reader.token]))
    reader.refresh_from_db()
    assert page.status_code == 200 and reader.status == Subscriber.Status.ACTIVE

    response = client.post(
        reverse("newsletters:unsubscribe", args=[reader.token]), {"List-Unsubscribe": "One-Click"}
    )

    assert response.status_code == 200
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.UNSUBSCRIBED


def test_a_tampered_unsubscribe_token_is_refused(client, newsletter):
    (reader,) = subscribe(newsletter, 1)
    other = SubscriberFactory()
    forged = f"{other.pk}:{reader.token.split(':', 1)[1]}"

    for token in [forged, "123", reader.token + "x"]:
        assert client.post(reverse("newsletters:unsubscribe", args=[token])).status_code == 404
    other.refresh_from_db()
    assert other.status == Subscriber.Status.ACTIVE


def test_preferences_change_lists_and_name(client, newsletter):
    alerts = NewsletterFactory(name="Vacancy alerts", slug="vacancy-alerts")
    (reader,) = subscribe(newsletter, 1)
    url = reverse("newsletters:preferences", args=[reader.token])

    response = client.post(url, {"name": "New Name", "newsletters": [alerts.pk]})

    assert response.status_code == 302
    reader.refresh_from_db()
    assert reader.name == "New Name"
    active = set(
        Subscription.objects.filter(subscriber=reader, unsubscribed_at=None).values_list(
            "newsletter__slug", flat=True
        )
    )
    assert active == {"vacancy-alerts"}
    assert reader.status == Subscriber.Status.ACTIVE


def test_a_confirmation_link_expires_after_a_week(
    client, newsletter, queued_emails, django_capture_on_commit_callbacks
):
    import time_machine

    with time_machine.travel("2026-11-01 09:00Z", tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            post_subscribe(client, newsletter)
        token = re.search(r"/newsletters/confirm/(\S+)/", queued_emails[0]["body"]).group(1)
    with time_machine.travel("2026-11-08 09:01Z", tick=False):
        response = client.post(reverse("newsletters:confirm", args=[token]))

    assert response.status_code == 400
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING
