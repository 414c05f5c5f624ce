"""Each list says what it is and how often it comes where people choose it, and the
preferences page says what someone gets now."""

import pytest
from django.urls import reverse

from newsletters.models import MAIN_NEWSLETTER_SLUG, Newsletter, Subscription
from tests.newsletters.factories import NewsletterFactory, subscribe

pytestmark = pytest.mark.django_db


@pytest.fixture
def described():
    """The two lists (as migrations make them, or made here), described."""
    main = NewsletterFactory()
    alerts = NewsletterFactory(name="Vacancy alerts", slug="vacancy-alerts")
    Newsletter.objects.filter(pk=main.pk).update(
        description="News for safeguarding partnerships.", frequency="Quarterly"
    )
    Newsletter.objects.filter(pk=alerts.pk).update(
        name="Vacancy alerts",
        description="New Independent Scrutineer and other posts.",
        frequency="When a vacancy is published",
        is_public=True,
    )
    return Newsletter.objects.get(pk=main.pk), Newsletter.objects.get(pk=alerts.pk)


def test_the_subscribe_form_describes_each_list_beside_its_box(client, described):
    main, alerts = described

    page = client.get(reverse("newsletters:subscribe")).content.decode()

    for n, newsletter in enumerate([main, alerts]):
        box = page[page.index(f'id="id_newsletters_{n}"') :].split(">", 1)[0]
        assert f'aria-describedby="id_newsletters_{n}_about"' in box
        about = page[page.index(f'id="id_newsletters_{n}_about"') :]
        assert about.index(newsletter.frequency) < about.index(newsletter.description) < 200
    assert '<label class="form-check-label" for="id_newsletters_0">TASP Newsletter</label>' in page


def test_a_list_without_a_description_has_nothing_to_point_at(client):
    Newsletter.objects.update(is_public=False)
    NewsletterFactory(name="Plain", slug="plain")

    page = client.get(reverse("newsletters:subscribe")).content.decode()

    assert (
        'id="id_newsletters_0"' in page and 'aria-describedby="id_newsletters_0_about' not in page
    )


def test_a_missing_choice_is_still_an_error_beside_the_lists(client, described):
    response = client.post(reverse("newsletters:subscribe"), {"email": "sam@example.org"})

    page = response.content.decode()
    assert 'aria-describedby="id_newsletters_error"' in page
    assert '<div id="id_newsletters_error" class="invalid-feedback d-block">' in page
    assert "Choose at least one list." in page


def test_the_preferences_page_says_what_someone_gets_now(client, described):
    main, alerts = described
    (reader,) = subscribe(main, 1)
    url = reverse("newsletters:preferences", args=[reader.token])

    page = client.get(url).content.decode()
    now = page[page.index("What you get now") : page.index("Change your preferences")]
    assert "<li>TASP Newsletter (quarterly)</li>" in now and "Vacancy alerts" not in now
    assert "When a vacancy is published" in page  # described where it can be chosen

    client.post(url, {"name": "Reader", "newsletters": [alerts.pk]})

    page = client.get(url).content.decode()
    now = page[page.index("What you get now") : page.index("Change your preferences")]
    assert "<li>Vacancy alerts (when a vacancy is published)</li>" in now
    assert "TASP Newsletter" not in now


def test_the_preferences_page_says_when_someone_gets_nothing(client, described):
    main, _ = described
    (reader,) = subscribe(main, 1)
    Subscription.objects.filter(subscriber=reader).delete()

    page = client.get(reverse("newsletters:preferences", args=[reader.token])).content.decode()

    assert "Nothing: you are not on any of our lists." in page


def test_the_migration_says_the_main_newsletter_comes_quarterly():
    from importlib import import_module

    from django.apps import apps

    migration = import_module(
        "newsletters.migrations.0011_send_reports_engagement_and_pending_signups"
    )
    main, other = NewsletterFactory(), NewsletterFactory(name="Other", slug="other")
    Newsletter.objects.update(frequency="")

    migration.say_how_often_the_main_newsletter_comes(apps, None)

    assert Newsletter.objects.get(slug=MAIN_NEWSLETTER_SLUG).frequency == "Quarterly"
    assert Newsletter.objects.get(pk=other.pk).frequency == ""
    assert main.slug == MAIN_NEWSLETTER_SLUG
