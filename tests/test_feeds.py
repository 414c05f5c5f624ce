"""Both Atom feeds meet RFC 4287's MUSTs as a validator reads them: an author for the feed, and
for every entry an id, a title and an updated date; summaries end on a whole word."""

import xml.etree.ElementTree as ET

import pytest

from newsletters.models import Issue
from tests.factories import IssueFactory, NewsletterFactory, VacancyFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def feed(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return ET.fromstring(response.content)


@pytest.mark.parametrize("url", ["/newsletters/feed/", "/vacancies/feed/"])
def test_a_feed_has_an_author_and_every_entry_its_required_elements(client, url):
    IssueFactory(newsletter=NewsletterFactory(), status=Issue.Status.SENT)
    VacancyFactory(published=True)

    root = feed(client, url)

    assert root.find(f"{ATOM}author/{ATOM}name").text == "The Association of Safeguarding Partners"
    assert root.find(f"{ATOM}updated") is not None and root.find(f"{ATOM}id") is not None
    entries = root.findall(f"{ATOM}entry")
    assert entries
    for entry in entries:
        for required in ("id", "title", "updated"):
            assert entry.find(f"{ATOM}{required}") is not None, required


def test_a_long_welcome_is_summarised_to_whole_words(client):
    words = " ".join(f"partnership{n}" for n in range(200))
    IssueFactory(
        newsletter=NewsletterFactory(), status=Issue.Status.SENT, welcome=f"<p>{words}</p>"
    )

    [entry] = feed(client, "/newsletters/feed/").findall(f"{ATOM}entry")
    summary = entry.find(f"{ATOM}summary").text

    assert summary.endswith("partnership79…")
