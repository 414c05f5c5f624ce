"""The issue's email: a table layout Outlook keeps to, a preheader and the date, lines of at most
76 characters on either way out, and a test email whose every link works and changes nothing."""

import email
import email.policy
import re
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from newsletters.delivering import submit
from newsletters.models import Subscriber
from newsletters.pipelining import PipelinedSMTP
from newsletters.rendering import MimeTemplate, Recipient, RenderedIssue, new_message_id
from newsletters.sending import send_test
from newsletters.transport import BackendSender
from tests.conftest import start_smtp_server
from tests.newsletters.factories import IssueFactory, subscribe

pytestmark = pytest.mark.django_db

LONG_WELCOME = (
    "<p>"
    + " ".join(["Safeguarding partners — £1,500 a year — meet in Leeds."] * 40)
    + "</p><p>Second paragraph.</p>"
)


@pytest.fixture
def issue():
    return IssueFactory(
        title="Newsletter - Spring 2027", issued_on=date(2027, 3, 16), welcome=LONG_WELCOME
    )


class RawRecorder:
    """Keeps each message's bytes as the SMTP server received them."""

    def __init__(self):
        self.messages: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.content)
        return "250 Message accepted for delivery"


@pytest.fixture
def raw_smtp(settings):
    recorder = RawRecorder()
    controller, port = start_smtp_server(recorder)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield recorder
    controller.stop()


def test_the_email_is_a_600_pixel_table_with_a_preheader_and_the_date(issue):
    html = RenderedIssue.render(issue, issue.newsletter).html

    tables = re.findall(r"<table [^>]*>", html)
    assert len(tables) == 2 and all('role="presentation"' in table for table in tables)
    [column] = [table for table in tables if 'width="600"' in table]
    assert re.search(r'style="[^"]*width: ?600px', column)
    preheader = re.search(r'<div style="display: ?none;[^"]*">(.*?)</div>', html).group(1)
    words = preheader.split("\u034f")[0]  # then padding, so the body's first words stay out
    assert words.startswith("Safeguarding partners — £1,500 a year — meet in Leeds.")
    assert len(words) <= 140
    assert "16 March 2027" in html
    assert html.index("Safeguarding partners") < html.index("View this email in your browser")


def test_site_emails_share_the_table_layout(client, settings):
    from tasp.mail import build_templated_email

    message = build_templated_email(
        "newsletters/confirm",
        to=["sam@example.org"],
        context={"name": "Sam", "newsletters": [], "link": "https://tasp.example.org/c/"},
    )

    html = message.alternatives[0][0]
    assert '<table role="presentation" width="600"' in html
    assert "Confirm subscription" in html


def body_lines(raw: bytes) -> list[bytes]:
    """The lines after the message's headers: the MIME parts with their own short headers."""
    return raw.split(b"\r\n\r\n", 1)[1].split(b"\r\n")


def assert_lines_fit(raw: bytes) -> None:
    message = email.message_from_bytes(raw, policy=email.policy.strict)
    html = message.get_body(("html",))
    text = message.get_body(("plain",))
    assert "Second paragraph." in html.get_content()
    assert "Safeguarding partners — £1,500" in text.get_content()
    assert html["Content-Transfer-Encoding"] in ("quoted-printable", "base64")
    long = [line for line in body_lines(raw) if len(line) > 76]
    assert long == [], f"{len(long)} lines over 76 characters, the first {long[0][:100]!r}"
    # The list's headers are as before: List-Unsubscribe one line, however long.
    unsubscribe = re.search(rb"\r\nList-Unsubscribe: <[^\r\n]+>\r\n", raw)
    assert unsubscribe and b"/newsletters/unsubscribe/" in unsubscribe.group(0)


def recipient(template, subscriber, newsletter) -> Recipient:
    return Recipient(
        email=subscriber.email,
        name=subscriber.name,
        token=subscriber.token,
        unsubscribe_token=subscriber.unsubscribe_token(newsletter.pk) + "x" * 120,
        message_id=new_message_id(template.domain),
    )


@pytest.mark.parametrize(
    "way_out", [lambda: PipelinedSMTP(1), BackendSender], ids=["smtp", "django"]
)
def test_no_encoded_line_is_over_76_characters_on_either_way_out(issue, raw_smtp, way_out):
    (subscriber,) = subscribe(issue.newsletter)
    rendered = RenderedIssue.render(issue, issue.newsletter)
    template = MimeTemplate(rendered, newsletter=issue.newsletter, send_header="tasp-send-1")
    assert max(len(line) for line in rendered.html.splitlines()) > 998  # what needs encoding

    with way_out() as sender:
        submit(sender, template, recipient(template, subscriber, issue.newsletter), "one")
    assert [(o.item, o.error) for o in sender.done()] == [("one", None)]

    (raw,) = raw_smtp.messages
    assert_lines_fit(raw)


def test_a_test_emails_links_open_the_staff_preview_and_a_page_that_changes_nothing(
    staff_client, issue, smtp_server
):
    client = Client()  # anyone who has the email
    (subscriber,) = subscribe(issue.newsletter)

    send_test(issue=issue, newsletter=issue.newsletter, emails=[subscriber.email])

    (received,) = smtp_server.wait_for(1)
    html = received["message"].get_body(("html",)).get_content()
    hrefs = set(re.findall(r'href="([^"]+)"', html))
    preview = f"/admin/newsletters/issue/{issue.pk}/preview/web/"
    assert {h.split("/", 3)[3] for h in hrefs if "/newsletters/" in h or "/admin/" in h} >= {
        preview.lstrip("/"),
        "newsletters/preferences/test/",
        "newsletters/unsubscribe/test/",
    }
    assert staff_client.get(preview).status_code == 200  # a draft: no public page yet
    assert client.get(preview).status_code == 302  # anyone else is asked to log in
    for path in ("/newsletters/preferences/test/", "/newsletters/unsubscribe/test/"):
        page = client.get(path)
        assert page.status_code == 200
        assert "This was a test email" in page.content.decode()
        assert "Nothing was changed" in page.content.decode()
    one_click = client.post(
        "/newsletters/unsubscribe/test/",
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert one_click.status_code == 200
    assert (
        Subscriber.objects.get(pk=subscriber.pk).subscriptions.filter(unsubscribed_at=None).exists()
    )
    assert "This is a test email." in html


def test_a_real_emails_view_in_browser_link_is_the_public_page(issue, settings):
    settings.SITE_URL = "https://tasp.example.org"

    html = RenderedIssue.render(issue, issue.newsletter).html

    assert f'href="https://tasp.example.org/newsletters/{issue.slug}/"' in html
    assert "/admin/" not in html and "test email" not in html


def test_the_progress_of_a_send_names_the_issues_status(staff_client, issue):
    from newsletters.models import Send

    send = Send.objects.create(issue=issue, newsletter=issue.newsletter)

    data = staff_client.get(reverse("admin:newsletters_send_progress", args=[send.pk])).json()

    assert data["issue_status_display"] == "Draft"
    assert data["total"] == 0
