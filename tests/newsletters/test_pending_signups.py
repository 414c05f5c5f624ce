"""A sign-up waits on the server and its emailed link carries only a random token; links sent
in the old signed format (the details inside, base64) keep working until they expire."""

import base64
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from newsletters import subscriptions
from newsletters.models import PendingSignup, Subscriber, Subscription
from newsletters.tasks import purge_expired_signups_task
from tests.newsletters.factories import NewsletterFactory, SubscriberFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 5, 3, 9, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def ask(client, newsletters, *, email="sam@example.org", **extra):
    return client.post(
        reverse("newsletters:subscribe"),
        {
            "name": "Sam Reader",
            "email": email,
            "organisation": "Example LSCP",
            "newsletters": [n.pk for n in newsletters],
            **extra,
        },
        REMOTE_ADDR="192.0.2.10",
    )


def token_in(email: dict) -> str:
    return re.search(r"/newsletters/confirm/(\S+)/", email["body"]).group(1)


@pytest.fixture
def asked(client, newsletter, queued_emails, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, [newsletter])
    return token_in(queued_emails[-1])


def test_the_link_carries_a_random_token_and_the_details_stay_on_the_server(asked, newsletter):
    assert re.fullmatch(r"[\w-]{43}", asked)
    padded = asked + "=" * (-len(asked) % 4)
    decoded = base64.urlsafe_b64decode(padded)
    for detail in [b"sam@example.org", b"Sam Reader", b"Example LSCP", b"192.0.2.10"]:
        assert detail not in decoded
    signup = PendingSignup.objects.get()
    assert signup.token_digest != asked and asked not in signup.token_digest  # a digest only
    assert (signup.email, signup.name, signup.organisation, signup.ip) == (
        "sam@example.org",
        "Sam Reader",
        "Example LSCP",
        "192.0.2.10",
    )
    assert list(signup.newsletters.all()) == [newsletter]
    assert signup.expires_at == NOW + timedelta(days=7)


def test_confirming_reads_the_details_kept_for_the_token(client, asked, newsletter):
    url = reverse("newsletters:confirm", args=[asked])

    page = client.get(url).content.decode()
    assert "sam@example.org" in page and newsletter.name in page
    client.post(url)

    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.ACTIVE
    assert (subscriber.name, subscriber.organisation) == ("Sam Reader", "Example LSCP")
    assert subscriber.consent_ip == "192.0.2.10"
    assert subscriber.consent_wording == subscriptions.CONSENT_WORDING
    again = client.get(url).content.decode()
    assert "You have already confirmed" in again and 'href="/newsletters/"' in again


def test_options_wait_with_the_details_and_reach_the_listeners(newsletter, queued_emails):
    from newsletters.signals import subscription_confirmed

    heard = []

    def listener(sender, subscriber, newsletters, options, **kwargs):
        heard.append((subscriber.email, [n.pk for n in newsletters], options))

    subscription_confirmed.connect(listener)
    try:
        subscriptions.request_subscription(
            email="sam@example.org",
            name="",
            organisation="",
            newsletters=[newsletter],
            ip=None,
            options={"regions": ["north-west"]},
        )
        token = PendingSignup.objects.get()
        assert token.options == {"regions": ["north-west"]}
        subscriptions.confirm_subscription(token=_token_for(token))
    finally:
        subscription_confirmed.disconnect(listener)

    assert heard == [("sam@example.org", [newsletter.pk], {"regions": ["north-west"]})]


def _token_for(signup: PendingSignup) -> str:
    """A token whose digest is the row's: the row is given a known token for the test."""
    token = PendingSignup.new_token()
    PendingSignup.objects.filter(pk=signup.pk).update(token_digest=PendingSignup.digest_of(token))
    return token


@pytest.mark.parametrize("token", ["not-a-token", "x" * 43, "a" * 200])
def test_an_unknown_token_is_a_bad_link(client, asked, token):
    url = reverse("newsletters:confirm", args=[token])

    assert client.get(url).status_code == 400
    assert client.post(url).status_code == 400
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING


def test_the_link_expires_after_a_week(client, asked, clock):
    url = reverse("newsletters:confirm", args=[asked])
    clock.shift(timedelta(days=7, minutes=1))

    assert client.get(url).status_code == 400
    response = client.post(url)

    assert response.status_code == 400 and "This link is not valid" in response.content.decode()
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING


def test_expired_signups_are_purged_with_the_address_if_it_never_confirmed(
    client, newsletter, queued_emails, clock, django_capture_on_commit_callbacks
):
    known = SubscriberFactory(email="known@example.org")
    Subscription.objects.create(subscriber=known, newsletter=newsletter)
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, [newsletter], email="stranger@example.org")
        ask(client, [newsletter], email="known@example.org")
    clock.shift(timedelta(days=6))
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, [newsletter], email="later@example.org")
    clock.shift(timedelta(days=1, minutes=1))

    purge_expired_signups_task()

    assert list(PendingSignup.objects.values_list("email", flat=True)) == ["later@example.org"]
    emails = set(Subscriber.objects.values_list("email", flat=True))
    # The stranger never confirmed: gone. Someone on a list stays; a live sign-up stays.
    assert emails == {"known@example.org", "later@example.org"}


def test_a_link_in_the_old_signed_format_works_until_it_expires(client, newsletter, clock):
    """Links emailed before the change carry the details, signed: they still confirm, and
    still expire a week after they were sent."""
    from django.core import signing

    subscriber = SubscriberFactory(email="old@example.org", status=Subscriber.Status.PENDING)
    token = signing.TimestampSigner(salt="newsletters.confirm").sign_object(
        {
            "id": subscriber.pk,
            "email": subscriber.email,
            "lists": [newsletter.pk],
            "name": "Old Link",
            "organisation": "",
            "ip": "192.0.2.20",
            "options": {},
            "issued": NOW.isoformat(),
        }
    )
    url = reverse("newsletters:confirm", args=[token])
    clock.shift(timedelta(days=6))

    assert "old@example.org" in client.get(url).content.decode()
    assert client.post(url).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.ACTIVE and subscriber.name == "Old Link"
    assert "You have already confirmed" in client.get(url).content.decode()

    clock.shift(timedelta(days=1, minutes=1))
    assert client.get(url).status_code == 400


def test_erasing_a_subscriber_erases_their_waiting_signups(asked):
    subscriptions.erase_subscribers(subscribers=Subscriber.objects.all())

    assert not PendingSignup.objects.exists()


def test_two_lists_asked_for_are_both_confirmed(
    client, newsletter, queued_emails, django_capture_on_commit_callbacks
):
    alerts = NewsletterFactory(name="Vacancy alerts", slug="vacancy-alerts")
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, [newsletter, alerts])

    client.post(reverse("newsletters:confirm", args=[token_in(queued_emails[-1])]))

    assert set(
        Subscription.objects.filter(unsubscribed_at=None).values_list("newsletter__slug", flat=True)
    ) == {"tasp-newsletter", "vacancy-alerts"}
