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


def test_an_issue_titled_like_a_page_of_the_list_gets_its_own_address():
    from tests.newsletters.factories import IssueFactory

    assert IssueFactory(title="Subscribe").slug == "subscribe-issue"


def test_images_are_relative_on_the_site_and_absolute_in_the_email(client, settings, tmp_path):
    from django.core.files.base import ContentFile
    from PIL import Image

    from newsletters.models import IssueImage, Item, Send
    from newsletters.rendering import RenderedIssue
    from tests.newsletters.factories import IssueFactory

    settings.MEDIA_ROOT = tmp_path
    buffer = __import__("io").BytesIO()
    Image.new("RGB", (4, 4), "navy").save(buffer, "PNG")
    image = IssueImage(alt_text="Delegates at the conference")
    image.image.save("conference.png", ContentFile(buffer.getvalue()))
    issue = IssueFactory(status=Issue.Status.SENT)
    Item.objects.filter(section__issue=issue).update(image=image)
    Send.objects.create(issue=issue, newsletter=issue.newsletter, status=Send.Status.SENT)

    web = client.get(issue.get_absolute_url()).content.decode()
    email_html = RenderedIssue.render(issue, issue.newsletter).html

    assert f'src="{image.image.url}" alt="Delegates at the conference"' in web
    assert f'src="http://127.0.0.1:8000{image.image.url}"' in email_html


def test_the_demos_sent_issues_record_whom_they_went_to(demo):
    """Their pages count who each went to, not "0 sent of 0 (100%)" (seeded twice: no more)."""
    from newsletters.demo import ISSUES

    readers = Subscriber.objects.filter(email__startswith="reader").count()
    for data in ISSUES:
        send = Issue.objects.get(title=data["title"]).sends.get()
        assert send.progress()["total"] == send.progress()["sent"] == readers
