"""What search engines and browsers ask every site for: robots.txt, the sitemap, the favicon,
and one canonical address per page."""

import re
import xml.etree.ElementTree as ET

import pytest

from newsletters.models import Issue
from tests.events.factories import EventFactory
from tests.factories import IssueFactory, NewsletterFactory, VacancyFactory

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def test_robots_txt_keeps_private_pages_out_and_names_the_sitemap(client, settings):
    settings.SITE_URL = "https://tasp.example.org"

    response = client.get("/robots.txt")
    text = response.content.decode()

    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "Disallow: /admin/" in text and "Disallow: /events/delegates/" in text
    assert "Sitemap: https://tasp.example.org/sitemap.xml" in text


def test_the_sitemap_lists_public_pages_and_content_only(client, settings):
    settings.SITE_URL = "https://tasp.example.org"
    issue = IssueFactory(newsletter=NewsletterFactory(), status=Issue.Status.SENT)
    draft = IssueFactory(newsletter=NewsletterFactory(), status=Issue.Status.DRAFT)
    vacancy = VacancyFactory(published=True)
    event = EventFactory()

    root = ET.fromstring(client.get("/sitemap.xml").content)
    urls = {loc.text for loc in root.iter(f"{SITEMAP}loc")}

    assert "https://testserver/" in urls and "https://testserver/events/" in urls
    for public in (issue, vacancy, event):
        assert f"https://testserver{public.get_absolute_url()}" in urls
    assert f"https://testserver{draft.get_absolute_url()}" not in urls


def test_the_favicon_is_found_where_browsers_look(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 301 and response["Location"].endswith("favicon.ico")


@pytest.mark.parametrize("kind", ["issue", "vacancy", "event"])
def test_content_pages_name_their_canonical_address(client, settings, kind):
    settings.SITE_URL = "https://tasp.example.org"
    page = {
        "issue": lambda: IssueFactory(newsletter=NewsletterFactory(), status=Issue.Status.SENT),
        "vacancy": lambda: VacancyFactory(published=True),
        "event": lambda: EventFactory(),
    }[kind]()

    html = client.get(page.get_absolute_url() + "?utm_source=newsletter").content.decode()

    [canonical] = re.findall(r'<link rel="canonical" href="([^"]+)">', html)
    assert canonical == f"https://tasp.example.org{page.get_absolute_url()}"
