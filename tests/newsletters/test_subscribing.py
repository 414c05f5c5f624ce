import re

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from newsletters.models import Subscriber, Subscription
from newsletters.models.subscribers import TOKEN_SALT, UNSUBSCRIBE_SALT, sign
from tests.newsletters.factories import NewsletterFactory, SubscriberFactory, subscribe

pytestmark = pytest.mark.django_db


def shown_text(page: str) -> str:
    """The page's text as read: tags (a link inside a sentence) taken out."""
    from django.utils.html import strip_tags

    return " ".join(strip_tags(page).split())


def post_subscribe(client, newsletter, **extra):
    data = {
        "name": "Sam Reader",
        "email": "sam@example.org",
        "organisation": "Example LSCP",
        "newsletters": [newsletter.pk],
        **extra,
    }
    # Following the redirect: the answer is shown at its own address (post, redirect, get).
    return client.post(reverse("newsletters:subscribe"), data, follow=True)


def test_the_answer_has_its_own_address_so_a_refresh_sends_nothing_again(
    client, newsletter, queued_emails, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("newsletters:subscribe"),
            {"name": "Sam", "email": "sam@example.org", "newsletters": [newsletter.pk]},
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("newsletters:subscribe-done")

    with django_capture_on_commit_callbacks(execute=True):
        refreshed = client.get(response["Location"])

    assert "We have sent a link to sam@example.org" in refreshed.content.decode()
    assert len(queued_emails) == 1  # the refresh asked for nothing


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


def test_the_confirm_page_names_the_address_and_lists_and_a_second_visit_says_it_is_done(
    client, newsletter, queued_emails, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_subscribe(client, newsletter)
    token = re.search(r"/newsletters/confirm/(\S+)/", queued_emails[0]["body"]).group(1)
    url = reverse("newsletters:confirm", args=[token])

    first = client.get(url).content.decode()
    assert "sam@example.org" in first and newsletter.name in first
    assert "Confirm subscription" in first

    done = client.post(url).content.decode()
    assert "Subscription confirmed" in done and 'href="/newsletters/"' in done

    again = client.get(url).content.decode()
    assert "You have already confirmed" in again and "Confirm subscription" not in again
    assert newsletter.name in again and 'href="/newsletters/"' in again


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


@pytest.mark.parametrize("salt", [TOKEN_SALT, UNSUBSCRIBE_SALT])
def test_links_are_signed_as_djangos_signer_signs_them(salt, settings):
    """Sends sign with a key made once; Django's Signer checks the links."""
    for value in ["1", "9876543", "9876543.12"]:
        assert sign(value, salt=salt) == signing.Signer(salt=salt).sign(value)
    settings.SECRET_KEY = "a-different-secret-key-for-this-test-0123456789abcdef"
    assert sign("1", salt=salt) == signing.Signer(salt=salt).sign("1")
    settings.SECRET_KEY = b"a-secret-key-given-as-bytes-0123456789abcdef"
    assert sign("1", salt=salt) == signing.Signer(salt=salt).sign("1")


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


def active_lists(subscriber):
    return set(
        Subscription.objects.filter(subscriber=subscriber, unsubscribed_at=None).values_list(
            "newsletter__slug", flat=True
        )
    )


@pytest.fixture
def alerts():
    return NewsletterFactory(name="Vacancy alerts", slug="vacancy-alerts")


def test_one_click_unsubscribe_leaves_only_the_list_the_email_came_from(newsletter, alerts):
    (reader,) = subscribe(newsletter, 1)
    Subscription.objects.create(subscriber=reader, newsletter=alerts)
    client = Client(enforce_csrf_checks=True)
    url = reverse("newsletters:unsubscribe", args=[reader.unsubscribe_token(alerts.pk)])
    assert url.startswith("/newsletters/unsubscribe/")

    response = client.post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 200
    assert "Vacancy alerts" in response.content.decode()
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.ACTIVE
    assert active_lists(reader) == {"tasp-newsletter"}


def test_the_unsubscribe_page_offers_the_list_and_everything(client, newsletter, alerts):
    (reader,) = subscribe(newsletter, 1)
    Subscription.objects.create(subscriber=reader, newsletter=alerts)
    url = reverse("newsletters:unsubscribe", args=[reader.unsubscribe_token(newsletter.pk)])

    page = client.get(url).content.decode()
    assert "Unsubscribe from TASP Newsletter" in page and "Unsubscribe from everything" in page
    assert reverse("newsletters:preferences", args=[reader.token]) in page
    assert active_lists(reader) == {"tasp-newsletter", "vacancy-alerts"}  # GET changes nothing

    client.post(url, {"everything": "1"})

    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.UNSUBSCRIBED and active_lists(reader) == set()


def test_a_tampered_list_unsubscribe_token_is_refused(client, newsletter, alerts):
    (reader,) = subscribe(newsletter, 1)
    other = subscribe(newsletter, 1)[0]
    token = reader.unsubscribe_token(newsletter.pk)
    _value, signature = token.split(":", 1)

    for forged in [
        f"{other.pk}.{newsletter.pk}:{signature}",
        f"{reader.pk}.{alerts.pk}:{signature}",
    ]:
        assert client.post(reverse("newsletters:unsubscribe", args=[forged])).status_code == 404
    assert active_lists(reader) == {"tasp-newsletter"} and active_lists(other) == {
        "tasp-newsletter"
    }


def test_a_subscriber_token_without_a_list_still_unsubscribes_from_everything(
    client, newsletter, alerts
):
    (reader,) = subscribe(newsletter, 1)
    Subscription.objects.create(subscriber=reader, newsletter=alerts)

    response = client.post(reverse("newsletters:unsubscribe", args=[reader.token]))

    assert response.status_code == 200
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.UNSUBSCRIBED and active_lists(reader) == set()


def test_preferences_offer_public_lists_and_the_subscribers_own(client, newsletter):
    from newsletters.models import Newsletter

    private = NewsletterFactory(name="Board papers", slug="board", is_public=False)
    theirs = NewsletterFactory(name="Members only", slug="members", is_public=False)
    (reader,) = subscribe(newsletter, 1)
    Subscription.objects.create(subscriber=reader, newsletter=theirs)
    url = reverse("newsletters:preferences", args=[reader.token])

    page = client.get(url).content.decode()
    assert "Members only" in page and "Board papers" not in page
    offered = set(Newsletter.objects.offered_to(reader))
    assert {newsletter, theirs} <= offered and private not in offered

    response = client.post(url, {"name": "Reader", "newsletters": [newsletter.pk, private.pk]})

    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert active_lists(reader) == {"tasp-newsletter", "members"}


def test_ticking_lists_again_after_unsubscribing_resubscribes_with_fresh_consent(
    client, newsletter
):
    from newsletters.subscriptions import CONSENT_WORDING

    (reader,) = subscribe(newsletter, 1, lawful_basis=Subscriber.Basis.SOFT_OPT_IN)
    client.post(reverse("newsletters:unsubscribe", args=[reader.token]))
    url = reverse("newsletters:preferences", args=[reader.token])

    page = client.get(url).content.decode()
    assert CONSENT_WORDING in shown_text(page)
    response = client.post(
        url, {"name": "Back Again", "newsletters": [newsletter.pk]}, REMOTE_ADDR="192.0.2.7"
    )

    assert response.status_code == 302
    assert "subscribed again" in client.get(url).content.decode()
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.ACTIVE and reader.unsubscribed_at is None
    assert reader.lawful_basis == Subscriber.Basis.CONSENT
    assert reader.source == Subscriber.Source.PREFERENCES
    assert reader.consent_ip == "192.0.2.7" and reader.consent_wording == CONSENT_WORDING
    assert reader.consent_at is not None
    assert active_lists(reader) == {"tasp-newsletter"}


@pytest.mark.parametrize(
    ("status", "said"),
    [(Subscriber.Status.BOUNCED, "bounced"), (Subscriber.Status.COMPLAINED, "reported as spam")],
)
def test_a_bounced_or_complained_address_cannot_resubscribe_from_preferences(
    client, newsletter, status, said
):
    (reader,) = subscribe(newsletter, 1, status=status)
    Subscription.objects.filter(subscriber=reader).update(unsubscribed_at="2026-01-01T00:00Z")
    url = reverse("newsletters:preferences", args=[reader.token])

    assert said in client.get(url).content.decode()
    response = client.post(url, {"name": "Reader", "newsletters": [newsletter.pk]})

    assert response.status_code == 200
    assert "We cannot send email to" in response.content.decode()
    reader.refresh_from_db()
    assert reader.status == status and active_lists(reader) == set()


def test_the_subscribe_form_shows_the_consent_wording_it_records(client, newsletter):
    from newsletters.subscriptions import CONSENT_WORDING

    page = client.get(reverse("newsletters:subscribe")).content.decode()

    assert CONSENT_WORDING in shown_text(page)
    assert page.index('id="consent-wording"') < page.index(">Subscribe</button>")
    assert "privacy notice</a>" in page and 'href="/privacy/"' in page


@pytest.mark.parametrize("name", ["Eve\r\nBcc: victim@example.com", "Eve\nBcc: x@example.com"])
def test_a_name_with_line_breaks_is_refused_on_the_forms(client, newsletter, name):
    response = post_subscribe(client, newsletter, name=name)

    assert "Give the name on one line." in response.content.decode()
    assert Subscriber.objects.count() == 0

    (reader,) = subscribe(newsletter, 1, name="Reader")
    url = reverse("newsletters:preferences", args=[reader.token])
    response = client.post(url, {"name": name, "newsletters": [newsletter.pk]})

    assert "Give the name on one line." in response.content.decode()
    reader.refresh_from_db()
    assert reader.name == "Reader"


def confirmation_link(queued_emails) -> str:
    token = re.search(r"/newsletters/confirm/(\S+)/", queued_emails[-1]["body"]).group(1)
    return reverse("newsletters:confirm", args=[token])


def test_an_old_confirmation_link_does_not_resubscribe_after_unsubscribing_from_everything(
    client, newsletter, queued_emails, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_subscribe(client, newsletter)
    link = confirmation_link(queued_emails)
    assert client.post(link).status_code == 200
    reader = Subscriber.objects.get()
    client.post(reverse("newsletters:unsubscribe", args=[reader.token]), {"everything": "1"})

    replay = client.post(link)

    assert replay.status_code == 400
    page = replay.content.decode()
    assert "You unsubscribed after we sent this confirmation link" in page
    assert "subscribe again" in page
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.UNSUBSCRIBED and reader.unsubscribed_at
    assert active_lists(reader) == set()


def test_an_old_confirmation_link_does_not_rejoin_a_list_left_since(
    client, newsletter, alerts, queued_emails, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_subscribe(client, newsletter, newsletters=[newsletter.pk, alerts.pk])
    link = confirmation_link(queued_emails)
    client.post(link)
    reader = Subscriber.objects.get()
    client.post(reverse("newsletters:unsubscribe", args=[reader.unsubscribe_token(alerts.pk)]))

    replay = client.post(link)

    assert replay.status_code == 400
    assert "You left Vacancy alerts after we sent this confirmation link" in (
        replay.content.decode()
    )
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.ACTIVE
    assert active_lists(reader) == {"tasp-newsletter"}


def test_confirming_twice_changes_nothing_the_second_time(
    client, newsletter, queued_emails, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_subscribe(client, newsletter)
    link = confirmation_link(queued_emails)
    client.post(link)
    first = Subscriber.objects.get()

    again = client.post(link)  # a double click, or a mail scanner replaying the POST

    assert again.status_code == 200 and "Subscription confirmed" in again.content.decode()
    reader = Subscriber.objects.get()
    assert (reader.consent_at, reader.confirmed_at) == (first.consent_at, first.confirmed_at)


def test_subscribing_again_after_unsubscribing_sends_a_link_that_works(
    client, newsletter, queued_emails, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_subscribe(client, newsletter)
    client.post(confirmation_link(queued_emails))
    reader = Subscriber.objects.get()
    client.post(reverse("newsletters:unsubscribe", args=[reader.token]))
    with django_capture_on_commit_callbacks(execute=True):
        post_subscribe(client, newsletter)

    response = client.post(confirmation_link(queued_emails))

    assert response.status_code == 200
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.ACTIVE and active_lists(reader) == {"tasp-newsletter"}


@pytest.mark.parametrize("value", [str(10**40), str(2**63), "abc", "1.5"])
def test_a_list_id_the_column_cannot_hold_is_a_form_error(client, newsletter, value):
    response = post_subscribe(client, newsletter, newsletters=[value])

    assert response.status_code == 200
    assert "is not a valid value." in response.content.decode()
    assert Subscriber.objects.count() == 0

    (reader,) = subscribe(newsletter, 1, name="Reader")
    url = reverse("newsletters:preferences", args=[reader.token])
    response = client.post(url, {"name": "Reader", "newsletters": [newsletter.pk, value]})

    assert response.status_code == 200
    assert "is not a valid value." in response.content.decode()
    assert active_lists(reader) == {"tasp-newsletter"}


@pytest.mark.parametrize("name", ["\u202eEve", "Eve\x00", "Eve\x1b[31m"])
def test_a_name_with_invisible_characters_is_refused_on_the_forms(client, newsletter, name):
    response = post_subscribe(client, newsletter, name=name)

    assert "Remove the invisible character" in response.content.decode()
    assert Subscriber.objects.count() == 0


def test_an_organisation_on_two_lines_is_refused(client, newsletter):
    response = post_subscribe(client, newsletter, organisation="LSCP\r\nBcc: x@example.com")

    assert "Give the name on one line." in response.content.decode()
    assert Subscriber.objects.count() == 0


def test_a_link_from_before_links_carried_their_time_still_opens(client):
    """Links signed before "issued" was added carry only the signature's time: read from it."""
    from tests.newsletters.factories import SubscriberFactory

    subscriber = SubscriberFactory(status=Subscriber.Status.PENDING)
    url = reverse("newsletters:confirm", args=[subscriber.confirmation_token()])

    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 200
