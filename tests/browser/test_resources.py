"""Members' resources in Chromium: a representative opens one, others read the summary and how
to join, and the file stays closed to them; axe on every resources page."""

import pytest
from django.core.files.base import ContentFile

from resources.models import Resource
from tests.browser.pages import log_in
from tests.vacancies.conftest import make_member
from tests.vacancies.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-strong-poster-pass"
TITLE = "National reports: key points"


@pytest.fixture
def briefing(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    resource = Resource.objects.create(
        title=TITLE,
        summary="The annual report of the Panel, in key points.",
        body="<p>Only 11 of 68 yearly reports met the requirements in full.</p>",
    )
    resource.file.save("key-points.pdf", ContentFile(b"%PDF-1.4 briefing"), save=True)
    return resource


def test_a_representative_opens_a_members_only_resource(page, axe, briefing):
    rep = UserFactory(email="rep@northshire.example.org")
    make_member(rep)

    log_in(page, rep.email, PASSWORD, "/resources/")
    axe(page)
    page.get_by_role("link", name=TITLE).click()
    page.get_by_text("Only 11 of 68 yearly reports").wait_for()
    axe(page)
    with page.expect_download() as info:
        page.get_by_role("link", name="Download key-points.pdf").click()
    with open(info.value.path(), "rb") as file:
        assert file.read() == b"%PDF-1.4 briefing"


def test_others_read_the_summary_and_how_to_join_but_never_the_file(
    browser, live_server, axe, briefing
):
    download = f"/resources/{briefing.slug}/download/"
    anonymous = browser.new_context(base_url=live_server.url, locale="en-GB").new_page()
    anonymous.goto(briefing.get_absolute_url())
    anonymous.get_by_text("The annual report of the Panel, in key points.").wait_for()
    assert anonymous.get_by_text("Only 11 of 68").count() == 0
    assert (
        anonymous.locator("#members-only")
        .get_by_role("link", name="find out about membership")
        .count()
        == 1
    )
    axe(anonymous)
    anonymous.goto(download)
    assert "/accounts/login/" in anonymous.url  # the file asks who you are

    outsider = browser.new_context(base_url=live_server.url, locale="en-GB").new_page()
    log_in(
        outsider,
        UserFactory(email="hr@agency.example.com").email,
        PASSWORD,
        briefing.get_absolute_url(),
    )
    outsider.get_by_role("link", name="Find out how to join").wait_for()
    axe(outsider)
    assert outsider.goto(download).status == 404
    for page in (anonymous, outsider):
        page.context.close()
