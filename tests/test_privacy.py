"""The privacy notice at /privacy/: what subscribing keeps, what reading an email counts (and
does not), how long things are kept, and who to ask; linked from every page and the forms."""

import xml.etree.ElementTree as ET

import pytest
from django.utils.html import strip_tags

pytestmark = pytest.mark.django_db


def text_of(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return " ".join(strip_tags(response.content.decode()).split())


def test_the_notice_says_what_subscribing_keeps_counts_and_for_how_long(client, settings):
    settings.EVENTS_ACCESS_REQUIREMENTS_DAYS = 9

    text = text_of(client, "/privacy/")

    for said in [
        # Subscribing: consent evidence, the soft opt-in, the waiting sign-up.
        "we keep a record of your consent: when you confirmed, the IP address",
        "the words you agreed to",
        "soft opt-in",
        "If you do not confirm within 7 days",
        "the link itself carries only a random code, not your details",
        # Engagement: per email, never per person.
        "For each email we send as a whole, we count two things",
        "we can tell that a message was opened, but not whose",
        "never you",
        "We do not record who opened an email or who followed a link",
        "clicks from it are not counted",
        # Retention, rights and contact.
        "A sign-up you never confirm: 7 days",
        "deleted 9 days after the event ends",
        "keeping only a one-way fingerprint",
        "Information Commissioner's Office",
        settings.CHARITY["email"],
    ]:
        assert said in text, said


def test_with_tracking_off_the_notice_says_nothing_is_counted(client, settings):
    settings.NEWSLETTER_TRACKING = False

    text = text_of(client, "/privacy/")

    assert "Counting is switched off on this site" in text
    assert "tiny invisible image" not in text


def test_every_page_links_to_the_notice_and_the_sitemap_lists_it(client):
    from tests.newsletters.factories import NewsletterFactory

    NewsletterFactory()
    for url in ["/", "/newsletters/subscribe/", "/vacancies/"]:
        assert 'href="/privacy/">Privacy notice</a>' in client.get(url).content.decode()

    root = ET.fromstring(client.get("/sitemap.xml").content)
    namespace = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    assert any(loc.text.endswith("/privacy/") for loc in root.iter(f"{namespace}loc"))


def test_the_consent_wording_on_the_forms_links_to_the_notice(client):
    from tests.newsletters.factories import NewsletterFactory

    NewsletterFactory()
    for url in ["/newsletters/subscribe/", "/vacancies/alerts/"]:
        page = client.get(url).content.decode()
        consent = page[page.index('id="consent-wording"') :].split("</p>", 1)[0]
        assert '<a href="/privacy/">privacy notice</a>' in consent, url
