"""An issue's email, rendered once per send, then filled in per recipient as text.

Per recipient only the personal parts change (name, unsubscribe and preference links, Message-ID,
To), so the templates are rendered and CSS inlined once, and each message is the fixed parts with
those few strings replaced. The SMTP path goes further and builds the MIME bytes itself: a
message object per recipient costs milliseconds, string replacement and base64 microseconds.
"""

from __future__ import annotations

import base64
import email.policy
import uuid
from dataclasses import dataclass
from email.header import Header
from email.utils import formataddr, formatdate

import css_inline
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape

NAME = "%%TASP_NAME%%"
UNSUBSCRIBE_URL = "%%TASP_UNSUBSCRIBE_URL%%"
PREFERENCES_URL = "%%TASP_PREFERENCES_URL%%"
OPEN_CODE = "%%TASP_OPEN%%"  # a tracked send's pixel: a random code per message (engagement.py)
CRLF = b"\r\n"


# A test email's preferences and unsubscribe links carry this token, whoever the test went to:
# they open a page that says so and changes nothing (newsletters.views).
TEST_TOKEN = "test"


class NewsletterPolicy(email.policy.EmailPolicy):
    """Header lines up to 998 characters: a long List-Unsubscribe URL stays one line (RFC 2369),
    not RFC 2047 encoded words, which is what the email package makes of an unbreakable line
    past 78. Body lines at most 76 (RFC 2045): bodies are encoded to ``max_line_length``, so
    that stays 76 and only header folding is widened."""

    def fold(self, name, value):
        return email.policy.EmailPolicy.fold(self.clone(max_line_length=998), name, value)

    def fold_binary(self, name, value):
        return email.policy.EmailPolicy.fold_binary(self.clone(max_line_length=998), name, value)


NEWSLETTER_POLICY = NewsletterPolicy(max_line_length=76)


class NewsletterEmail(EmailMultiAlternatives):
    def message(self, *, policy=NEWSLETTER_POLICY):
        # A backend passes its own policy (Django's SMTP backend: email.policy.SMTP, which folds
        # at 78 and encodes to 78): its line ends are kept, with this policy's line lengths.
        return super().message(policy=NEWSLETTER_POLICY.clone(linesep=policy.linesep))


def issue_context(issue, *, newsletter, email: bool, test: bool = False) -> dict:
    """A test email's "View in browser" opens the staff preview: the issue has no public web
    version before it is sent."""
    sections = issue.sections.prefetch_related("items__image")
    web_path = (
        reverse("admin:newsletters_issue_preview", args=[issue.pk, "web"])
        if test
        else issue.get_absolute_url()
    )
    return {
        "issue": issue,
        "newsletter": newsletter,
        "sections": sections,
        "email": email,
        "test": test,
        "charity": settings.CHARITY,
        "site_url": settings.SITE_URL,
        "web_url": f"{settings.SITE_URL}{web_path}",
        "recipient_name": NAME,
        "unsubscribe_url": UNSUBSCRIBE_URL,
        "preferences_url": PREFERENCES_URL,
    }


@dataclass(frozen=True)
class RenderedIssue:
    subject: str
    html: str
    text: str

    @classmethod
    def render(cls, issue, newsletter, *, test: bool = False) -> RenderedIssue:
        context = issue_context(issue, newsletter=newsletter, email=True, test=test)
        html = render_to_string("emails/newsletters/issue.html", context)
        return cls(
            subject=issue.title,
            html=css_inline.inline(html),
            text=render_to_string("emails/newsletters/issue.txt", context),
        )

    def personalise(
        self, *, name: str, token: str, unsubscribe_token: str | None = None
    ) -> tuple[str, str]:
        return self.fill(name=name, urls=personal_urls(token, unsubscribe_token))

    def fill(self, *, name: str, urls: tuple[str, str]) -> tuple[str, str]:
        """HTML and text with the recipient's name and (unsubscribe, preferences) links."""
        unsubscribe, preferences = urls
        html = (
            self.html.replace(NAME, escape(name or "subscriber"))
            .replace(UNSUBSCRIBE_URL, unsubscribe)
            .replace(PREFERENCES_URL, preferences)
        )
        text = (
            self.text.replace(NAME, name or "subscriber")
            .replace(UNSUBSCRIBE_URL, unsubscribe)
            .replace(PREFERENCES_URL, preferences)
        )
        return html, text


def personal_urls(token: str, unsubscribe_token: str | None = None) -> tuple[str, str]:
    """The unsubscribe link (for the list the email came from, when its token names one) and
    the preferences link (the subscriber's own token)."""
    return (
        f"{settings.SITE_URL}{reverse('newsletters:unsubscribe', args=[unsubscribe_token or token])}",
        f"{settings.SITE_URL}{reverse('newsletters:preferences', args=[token])}",
    )


def one_line(text: str) -> str:
    """No line breaks in a header value: a name with CR/LF in it cannot add headers."""
    return " ".join(text.splitlines()).strip() if text else text


def new_message_id(domain: str) -> str:
    return f"<{uuid.uuid4().hex}@{domain}>"


def list_headers(*, newsletter, send_header: str) -> list[tuple[str, str]]:
    """The list headers every message of a send carries (RFC 2369, RFC 8058, RFC 3834)."""
    headers = [
        ("List-Id", newsletter.list_id),
        ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
        ("Auto-Submitted", "auto-generated"),
        ("Precedence", "bulk"),
        ("X-TASP-Send", send_header),
        # Gmail's feedback loop groups complaints by these (campaign:list:sender).
        ("Feedback-ID", f"{send_header}:{newsletter.slug}:tasp"),
    ]
    if newsletter.reply_to:
        headers.append(("Reply-To", newsletter.reply_to))
    return headers


def personal_headers(*, message_id: str, unsubscribe_url: str) -> list[tuple[str, str]]:
    """The headers that differ per recipient, besides To."""
    return [("Message-ID", message_id), ("List-Unsubscribe", f"<{unsubscribe_url}>")]


@dataclass(frozen=True, slots=True)
class Recipient:
    """Who one message is for, and what makes it theirs."""

    email: str
    name: str
    token: str  # the subscriber's: their preferences link
    message_id: str
    unsubscribe_token: str | None = None  # the list's unsubscribe link (else ``token``)


class MimeTemplate:
    """One send's message: the raw bytes of a multipart/alternative message with per-recipient
    holes for the SMTP fast path, and the same message as a Django email for other backends.
    Both take their headers from ``list_headers`` and ``personal_headers``."""

    def __init__(
        self,
        rendered: RenderedIssue,
        *,
        newsletter,
        send_header: str,
        test: bool = False,
        open_code=None,
    ):
        self.rendered = rendered
        self.open_code = open_code  # makes each message's OPEN_CODE, when the send is tracked
        self.newsletter = newsletter
        self.send_header = send_header
        self.domain = newsletter.from_email.rsplit("@", 1)[-1]
        self.from_header = formataddr((newsletter.from_name, newsletter.from_email))
        self.subject = subject = ("[TEST] " if test else "") + rendered.subject
        self.boundary = f"=_tasp_{uuid.uuid4().hex}"
        fixed = [
            ("From", self.from_header),
            ("Subject", Header(subject, "utf-8").encode()),
            ("MIME-Version", "1.0"),
            *list_headers(newsletter=newsletter, send_header=send_header),
        ]
        self.fixed_headers = CRLF.join(f"{k}: {v}".encode() for k, v in fixed)
        self.content_type = (
            f'Content-Type: multipart/alternative; boundary="{self.boundary}"'.encode()
        )
        part = "--{b}\r\nContent-Type: text/{kind}; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        self.text_head = part.format(b=self.boundary, kind="plain").encode()
        self.html_head = part.format(b=self.boundary, kind="html").encode()
        self.closing = f"--{self.boundary}--\r\n".encode()

    def _personal(self, recipient: Recipient) -> tuple[str, str, str, list[tuple[str, str]]]:
        """One recipient's parts, each link reversed once: (To, html, text, their headers)."""
        name = one_line(recipient.name)
        urls = personal_urls(recipient.token, recipient.unsubscribe_token)
        html, text = self.rendered.fill(name=name, urls=urls)
        if self.open_code:
            html = html.replace(OPEN_CODE, self.open_code())
        to = formataddr((name, one_line(recipient.email)))
        return (
            to,
            html,
            text,
            personal_headers(message_id=recipient.message_id, unsubscribe_url=urls[0]),
        )

    @property
    def _message_id_ends(self) -> tuple[str, str]:
        return f"<{self.send_header}.", f"@{self.domain}>"

    def message_id_for(self, delivery_id: int) -> str:
        """Stable per delivery: a batch sent again after a crash repeats the same Message-ID,
        which lets mail systems drop the duplicate."""
        start, end = self._message_id_ends
        return f"{start}{delivery_id}{end}"

    def message_id_sql(self) -> Concat:
        """``message_id_for`` as SQL over a delivery's id, for recording a batch in one UPDATE."""
        start, end = self._message_id_ends
        return Concat(Value(start), Cast("pk", CharField()), Value(end))

    def build(self, recipient: Recipient) -> bytes:
        """The message as the bytes an SMTP server is given (the fast path)."""
        to, html, text, headers = self._personal(recipient)
        personal = [("To", to), ("Date", formatdate(localtime=False)), *headers]
        return b"".join(
            [
                self.fixed_headers,
                CRLF,
                CRLF.join(f"{k}: {v}".encode() for k, v in personal),
                CRLF,
                self.content_type,
                CRLF,
                CRLF,
                self.text_head,
                _b64(text),
                self.html_head,
                _b64(html),
                self.closing,
            ]
        )

    def build_email(self, recipient: Recipient) -> EmailMultiAlternatives:
        """The same message as a Django email, for backends that need one (ESPs, tests)."""
        to, html, text, headers = self._personal(recipient)
        message = NewsletterEmail(
            subject=self.subject,
            body=text,
            from_email=self.from_header,
            to=[to],
            headers=dict(
                [*list_headers(newsletter=self.newsletter, send_header=self.send_header), *headers]
            ),
        )
        message.attach_alternative(html, "text/html")
        return message

    def send(self, transport, recipient: Recipient) -> None:
        """Send one recipient's message: raw bytes where the transport takes them (SMTP), a
        Django email otherwise."""
        if transport.raw:
            message = self.build(recipient)
            transport.send(
                from_email=self.newsletter.from_email, to=recipient.email, message=message
            )
        else:
            transport.send(message=self.build_email(recipient))


def _b64(text: str) -> bytes:
    # One C call, then 76-character lines: several times faster than base64.encodebytes. Base64
    # never starts a line with ".", so the body needs no SMTP dot-stuffing.
    encoded = base64.b64encode(text.encode("utf-8"))
    return CRLF.join([encoded[i : i + 76] for i in range(0, len(encoded), 76)]) + CRLF
