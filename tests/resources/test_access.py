"""Who opens a resource: members (named representatives with member benefits today) and staff
always, everyone once it is public; the file leaves only through the download view."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.base import ContentFile

from resources.models import Resource
from tests.factories import MembershipFactory, UserFactory
from tests.helpers import log_in_with_second_factor

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 6, 15, 10, tzinfo=ZoneInfo("Europe/London"))
BODY = "The best reports used a range of evidence"


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


def resource(access=Resource.Access.MEMBERS, **fields) -> Resource:
    made = Resource.objects.create(
        title=fields.pop("title", "National reports: key points"),
        summary="The annual report of the Panel, in key points.",
        body=f"<p>{BODY}.</p>",
        access=access,
        published_on=fields.pop("published_on", date(2027, 6, 1)),
        **fields,
    )
    made.file.save("key-points.pdf", ContentFile(b"%PDF-1.4 the briefing"), save=True)
    return made


@pytest.fixture
def member(client, this_years_fees):
    user = UserFactory()
    MembershipFactory(active=True, managed_by=user)
    client.force_login(user)
    return user


def test_a_representative_of_a_member_reads_and_downloads_a_members_only_resource(client, member):
    briefing = resource()

    page = client.get(briefing.get_absolute_url()).content.decode()
    download = client.get(f"/resources/{briefing.slug}/download/")

    assert BODY in page and "Download key-points.pdf" in page
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="key-points.pdf"'
    assert b"".join(download.streaming_content) == b"%PDF-1.4 the briefing"
    assert download["Content-Security-Policy"] == "sandbox"
    assert "no-store" in download["Cache-Control"] and "private" in download["Cache-Control"]
    briefing.refresh_from_db()
    assert briefing.downloads == 1


def test_a_non_member_sees_the_summary_and_how_to_join_but_never_the_file(client):
    briefing = resource()
    client.force_login(UserFactory())

    page = client.get(briefing.get_absolute_url()).content.decode()

    assert "The annual report of the Panel, in key points." in page
    assert BODY not in page and "/download/" not in page
    assert 'href="/membership/"' in page
    assert client.get(f"/resources/{briefing.slug}/download/").status_code == 404
    briefing.refresh_from_db()
    assert briefing.downloads == 0


def test_an_anonymous_visitor_is_asked_to_log_in_for_the_file(client):
    briefing = resource()

    page = client.get(briefing.get_absolute_url()).content.decode()
    download = client.get(f"/resources/{briefing.slug}/download/")

    assert BODY not in page and "Log in</a> if you are a representative" in page
    assert download.status_code == 302
    assert download["Location"].startswith("/accounts/login/?next=/resources/")


def test_the_file_is_not_under_media(client, member):
    briefing = resource()

    assert client.get(f"/media/{briefing.file.name}").status_code == 404


def test_a_lapsed_member_no_longer_opens_it(client, this_years_fees):
    from membership.models import Membership

    user = UserFactory()
    MembershipFactory(status=Membership.Status.LAPSED, managed_by=user)
    client.force_login(user)

    assert client.get(f"/resources/{resource().slug}/download/").status_code == 404


def test_members_first_opens_to_everyone_on_its_public_day(client):
    guide = resource(Resource.Access.MEMBERS_FIRST, public_from=date(2027, 7, 1))

    assert client.get(f"/resources/{guide.slug}/download/").status_code == 302
    assert "Members until 1 July 2027" in client.get("/resources/").content.decode()
    with time_machine.travel(datetime(2027, 7, 1, 9, tzinfo=ZoneInfo("Europe/London"))):
        download = client.get(f"/resources/{guide.slug}/download/")
        assert download.status_code == 200
        assert "no-store" not in download["Cache-Control"]
        assert BODY in client.get(guide.get_absolute_url()).content.decode()


def test_a_public_resource_opens_for_anyone_and_staff_open_everything(client, staff_user):
    public = resource(Resource.Access.PUBLIC, title="A checklist")
    members_only = resource(title="Slides")

    assert client.get(f"/resources/{public.slug}/download/").status_code == 200
    log_in_with_second_factor(client, staff_user)
    assert client.get(f"/resources/{members_only.slug}/download/").status_code == 200


def test_a_resource_not_yet_published_is_not_there(client, member):
    later = resource(published_on=NOW.date() + timedelta(days=3))

    assert client.get(later.get_absolute_url()).status_code == 404
    assert client.get(f"/resources/{later.slug}/download/").status_code == 404
    assert later.title not in client.get("/resources/").content.decode()


def test_members_first_needs_its_public_day():
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Resource.objects.create(title="No date", summary="x", access=Resource.Access.MEMBERS_FIRST)
