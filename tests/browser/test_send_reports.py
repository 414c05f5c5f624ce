"""After a real send (a Celery worker, an SMTP server), a reader opens the email and follows a
link in it; the send's report in the admin counts both without naming anyone."""

import re

import pytest

from newsletters import sending
from newsletters.models import Send
from tests.browser.pages import staff_page
from tests.newsletters.factories import IssueFactory, NewsletterFactory, subscribe
from tests.tasks import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONFERENCE = "https://tasp.example.org/conference"  # the factory issue's item link


def test_a_readers_open_and_click_show_in_the_report_counted_not_named(
    page, browser, live_server, axe, staff_user, settings, smtp_server, celery_worker
):
    settings.SITE_URL = live_server.url  # the email's links lead to this test's server
    newsletter = NewsletterFactory()
    readers = subscribe(newsletter, 3)
    issue = IssueFactory(newsletter=newsletter, title="Newsletter - Summer 2027")

    send = sending.schedule_send(issue=issue, newsletter=newsletter, user=staff_user)
    assert wait_until(lambda: Send.objects.get(pk=send.pk).status == Send.Status.SENT, 60)

    # The reader's mail app shows the email as it arrived over SMTP, images and all.
    email = smtp_server.message_to(readers[0].email, "Newsletter - Summer 2027")
    html = email.get_body(("html",)).get_content()
    assert re.search(r'<img src="[^"]+/newsletters/open/\d+/[\w-]+\.gif"', html)
    assert CONFERENCE not in html  # the link goes through the counting redirect
    page.route(  # the conference page is on another site: answered here
        CONFERENCE,
        lambda route: route.fulfill(
            status=200, content_type="text/html", body="<title>Conference</title><h1>Book</h1>"
        ),
    )
    with page.expect_response(re.compile(r"/newsletters/open/")) as opened:
        page.set_content(html)
    assert opened.value.status == 200
    page.get_by_role("link", name="Book a place").click()
    page.wait_for_url(CONFERENCE)
    page.get_by_role("heading", name="Book").wait_for()

    # Staff find the send's report from the list of sends.
    admin = staff_page(browser, live_server, staff_user)
    admin.goto("/admin/newsletters/send/")
    admin.get_by_role("link", name="Send report").click()
    admin.get_by_role(
        "heading", name=re.compile("^Send report: Newsletter - Summer 2027")
    ).wait_for()
    axe(admin)
    delivery = admin.locator("#delivery")
    assert delivery.get_by_role("row", name="Delivered").inner_text().split() == ["Delivered", "3"]
    assert delivery.get_by_role("row", name="Bounced").inner_text().split() == ["Bounced", "0"]
    engagement = admin.locator("#engagement")
    assert re.search(r"Unique opens\s+1 \(33\.3% of those delivered\)", engagement.inner_text())
    link_row = engagement.get_by_role("row", name=re.compile("Book a place"))
    assert link_row.inner_text().split("\t") == ["Book a place", CONFERENCE, "1"]
    # Counted, not named: no reader's address or name anywhere in what engagement shows.
    shown = engagement.inner_text()
    for reader in readers:
        assert reader.email not in shown and reader.name not in shown
    admin.context.close()
