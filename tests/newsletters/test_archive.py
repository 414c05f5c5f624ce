import pytest
from django.core.management import call_command
from django.urls import reverse

from newsletters.models import Issue, Subscriber

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo", "--quiet-login")
    call_command("seed_demo", "--quiet-login")  # idempotent


def test_demo_data_has_the_seed_issues_and_subscribers(demo):
    assert Issue.objects.filter(status=Issue.Status.SENT).count() == 3
    spring = Issue.objects.get(title="Newsletter - Spring 2020")
    assert spring.sections.first().heading == "TASP Update"
    assert Subscriber.objects.filter(email__startswith="reader").count() == 300


def test_archive_issue_feed_and_home(client, demo, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        archive = client.get(reverse("newsletters:index"))
    titles = [issue.title for issue in archive.context["page"].object_list]
    assert titles == [
        "Newsletter - Spring 2020",
        "What will a good new arrangement look like?",
        "All change?",
    ]

    issue = client.get(reverse("newsletters:issue-detail", args=["newsletter-spring-2020"]))
    assert "TASP Conference" in issue.content.decode()
    assert "/unsubscribe/" not in issue.content.decode()  # no personal links in the web version

    feed = client.get(reverse("newsletters:feed"))
    assert feed["Content-Type"].startswith("application/atom+xml")
    assert "Newsletter - Spring 2020" in feed.content.decode()

    assert "Newsletter - Spring 2020" in client.get("/").content.decode()


def test_drafts_are_not_in_the_archive(client, demo):
    Issue.objects.filter(title="All change?").update(status=Issue.Status.DRAFT)

    assert client.get(reverse("newsletters:issue-detail", args=["all-change"])).status_code == 404
