"""Finding resources: full-text search on PostgreSQL, filters by topic, role and type, and the
newsletter announcement staff may choose."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsletters.models import Issue
from resources.models import Audience, Resource, Topic
from resources.services import MEMBERS_SECTION, AnnounceRefused, announce_in_newsletter
from tests.factories import IssueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(
        datetime(2027, 6, 15, 10, tzinfo=ZoneInfo("Europe/London")), tick=False
    ):
        yield


def made(title, summary, body="", **fields):
    topics = fields.pop("topics", [])
    audiences = fields.pop("audiences", [])
    resource = Resource.objects.create(
        title=title, summary=summary, body=body, published_on=date(2027, 6, 1), **fields
    )
    resource.topics.set(topics)
    resource.audiences.set(audiences)
    return resource


def titles(client, query: str) -> list[str]:
    return [resource.title for resource, _ in client.get(f"/resources/?{query}").context["rows"]]


def test_search_finds_words_in_the_body_and_ranks_the_title_first(client):
    made("Scrutiny in practice", "How scrutineers work.", "<p>Reviews and audits.</p>")
    made("Yearly reports", "What a report covers.", "<p>Independent scrutiny of the evidence.</p>")
    made("Conference slides", "Keynotes.")

    assert titles(client, "q=scrutiny") == ["Scrutiny in practice", "Yearly reports"]
    assert titles(client, "q=audits") == ["Scrutiny in practice"]
    assert titles(client, "q=nothing+like+it") == []


def test_filters_by_topic_role_and_type(client):
    scrutiny = Topic.objects.create(name="Independent scrutiny", slug="independent-scrutiny")
    # get_or_create: a transactional test elsewhere may have emptied the seeded roles.
    managers, _ = Audience.objects.get_or_create(
        slug="business-managers", defaults={"name": "Business managers"}
    )
    made("A guide", "x", kind=Resource.Kind.GUIDE, topics=[scrutiny], audiences=[managers])
    made("Slides", "x", kind=Resource.Kind.SLIDES, topics=[scrutiny])
    made("A briefing", "x", kind=Resource.Kind.BRIEFING, audiences=[managers])

    assert titles(client, "topic=independent-scrutiny") == ["A guide", "Slides"]
    assert titles(client, "role=business-managers") == ["A briefing", "A guide"]
    assert titles(client, "kind=slides") == ["Slides"]
    assert titles(client, "topic=independent-scrutiny&role=business-managers") == ["A guide"]
    assert titles(client, "topic=no-such-topic") == ["A briefing", "A guide", "Slides"]


@pytest.mark.parametrize("url", ["/resources/", "/resources/the-first/"])
def test_a_page_costs_the_same_queries_for_one_resource_or_fifty(client, url, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0  # what rendering costs, not the page cache
    topic = Topic.objects.create(name="Reporting", slug="reporting")
    made("The first", "x", topics=[topic])
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(49):
        made(f"Resource {n}", "x", topics=[Topic.objects.create(name=f"T{n}", slug=f"t{n}")])
    with CaptureQueriesContext(connection) as fifty:
        assert client.get(url).status_code == 200
    assert len(fifty) == len(one)


def test_staff_announce_resources_in_the_draft_issue_once():
    issue = IssueFactory(status=Issue.Status.DRAFT)
    briefing = made("National reports", "The key points.")

    announce_in_newsletter(resources=[briefing])
    announce_in_newsletter(resources=[briefing])

    section = issue.sections.get(heading=MEMBERS_SECTION)
    [item] = section.items.all()
    assert item.title == "National reports" and item.link_url.endswith(
        "/resources/national-reports/"
    )


def test_announcing_needs_a_draft_issue():
    with pytest.raises(AnnounceRefused, match="no draft issue"):
        announce_in_newsletter(resources=[made("National reports", "x")])


def test_without_postgresql_every_word_must_appear(client, monkeypatch):
    """make run's SQLite has no full-text search: the plain fallback."""
    made("Scrutiny in practice", "How scrutineers work.", "<p>Reviews and audits.</p>")
    made("Yearly reports", "What a report covers.")
    monkeypatch.setattr(connection, "vendor", "sqlite")

    assert titles(client, "q=scrutin+audits") == ["Scrutiny in practice"]
    assert titles(client, "q=report") == ["Yearly reports"]
