import re
from urllib.parse import urlsplit

import pytest

from newsletters.models import Issue, Send, Subscriber
from tests.browser.pages import log_in
from tests.helpers import give_authenticator_app
from tests.newsletters.factories import NewsletterFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_subscribe_confirm_then_staff_write_preview_and_send_an_issue(
    page, axe, staff_user, smtp_server, celery_worker
):
    NewsletterFactory()
    NewsletterFactory(name="Vacancy alerts", slug="vacancy-alerts")

    # Someone subscribes and confirms from the email the SMTP server received.
    page.goto("/newsletters/subscribe/")
    axe(page)
    page.get_by_label("Your name").fill("Sam Reader")
    page.get_by_label("Email address").fill("sam@example.org")
    page.get_by_label("TASP Newsletter").check()
    page.get_by_role("button", name="Subscribe").click()
    page.get_by_role("heading", name="Check your email").wait_for()
    axe(page)
    (confirmation,) = smtp_server.wait_for(1)
    link = re.search(
        r"http://\S+/newsletters/confirm/\S+/",
        confirmation["message"].get_body(("plain",)).get_content(),
    )
    page.goto(path_of(link.group(0)))
    axe(page)
    page.get_by_role("button", name="Confirm subscription").click()
    page.get_by_role("heading", name="Subscription confirmed").wait_for()
    axe(page)
    # The link opened again (from the email, days later) says it is done and leads on.
    page.goto(path_of(link.group(0)))
    page.get_by_role("heading", name="You have already confirmed").wait_for()
    assert page.get_by_role("button", name="Confirm subscription").count() == 0
    axe(page)
    page.get_by_role("link", name="Read past issues in the archive").click()
    page.wait_for_url("**/newsletters/")
    subscriber = Subscriber.objects.get(email="sam@example.org")
    assert subscriber.status == Subscriber.Status.ACTIVE

    # The footer's pages: preferences, and unsubscribing from the list an email came from.
    page.goto(f"/newsletters/preferences/{subscriber.token}/")
    page.get_by_role("heading", name="Your email preferences").wait_for()
    axe(page)
    newsletter = subscriber.newsletters.get()
    page.goto(f"/newsletters/unsubscribe/{subscriber.unsubscribe_token(newsletter.pk)}/")
    axe(page)
    page.get_by_role("button", name="Unsubscribe from TASP Newsletter").click()
    page.get_by_role("heading", name="You have been unsubscribed").wait_for()
    axe(page)
    assert not subscriber.subscriptions.filter(unsubscribed_at=None).exists()
    page.goto(f"/newsletters/preferences/{subscriber.token}/")
    page.get_by_label("TASP Newsletter").check()
    page.get_by_role("button", name="Save preferences").click()
    page.get_by_text("Your preferences have been saved.").wait_for()
    assert subscriber.subscriptions.filter(unsubscribed_at=None).count() == 1

    # Staff build an issue in the admin: a section with an item, on one page.
    log_in(
        page,
        staff_user.email,
        "a-strong-staff-pass",
        "/admin/newsletters/issue/add/",
        totp_secret=give_authenticator_app(staff_user),
    )
    page.get_by_label("Newsletter:").select_option(label="TASP Newsletter")
    page.locator("#id_title").fill("Newsletter - Winter 2026")
    # The welcome and an item's text are written in the editor (newsletters/editor.py).
    page.get_by_role("textbox", name="Editorial welcome").fill("Welcome to the winter issue.")
    page.get_by_text("Add another Section").click()
    page.locator("input[name^='sections-0'][name$='-heading']").fill("TASP Update")
    page.get_by_text("Add another Item").first.click()
    page.locator("input[name^='sections-0-items-0'][name$='-title']").fill(
        "Conference 2027 announced"
    )
    page.get_by_role("textbox", name="Body").fill("Book your place.")
    page.get_by_role("button", name="Save and continue editing").click()
    page.get_by_text("was added successfully").wait_for()
    issue = Issue.objects.get(title="Newsletter - Winter 2026")
    assert issue.sections.get().items.get().title == "Conference 2027 announced"

    # Preview the email as a recipient sees it.
    with page.context.expect_page() as preview:
        page.get_by_role("link", name="Preview email (HTML)").click()
    assert "Conference 2027 announced" in preview.value.content()
    preview.value.close()

    # Send now: the confirmation page names the list and the number of recipients.
    page.get_by_role("link", name="Send or schedule…").click()
    page.get_by_label("Send now").check()
    page.get_by_role("button", name="Continue").click()
    confirm = page.get_by_role("button", name="Yes, send to 1 recipient")
    confirm.click()
    # Progress updates on the issue's page without reloading, until everything is sent.
    page.get_by_text(
        re.compile(r"Sent — 1 sent, 0 failed, 0 remaining of 1 \(100(\.0)?%\)")
    ).wait_for(timeout=30_000)
    # The issue's own status above follows, still without a reload.
    page.locator(".field-status .readonly").get_by_text("Sent", exact=True).wait_for()
    assert Send.objects.get(issue=issue).status == Send.Status.SENT
    assert issue.sections.get().items.get().body == "<p>Book your place.</p>"
    assert any(m["message"]["Subject"] == "Newsletter - Winter 2026" for m in smtp_server.messages)

    # The archive shows it.
    page.goto("/newsletters/")
    page.get_by_role("link", name="Newsletter - Winter 2026").click()
    page.get_by_role("heading", name="Conference 2027 announced").wait_for()
    axe(page)
    page.goto("/newsletters/")
    axe(page)
