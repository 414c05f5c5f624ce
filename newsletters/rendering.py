"""An issue's email, rendered once per send, then filled in per recipient as text.

Per recipient only the personal parts change (name, unsubscribe and preference links, Message-ID,
To), so the templates are rendered and CSS inlined once, and each message is the fixed parts with
those few strings replaced. The SMTP path goes further and builds the MIME bytes itself: the
bodies are encoded (quoted-printable) once per send, cut at the personal parts, and each message
joins those bytes with its own few encoded strings: microseconds, where a message object per
recipient costs milliseconds.
"""

from __future__ import annotations

import binascii
import email.policy
import functools
import re
import uuid
from dataclasses import dataclass
from email.header import Header
from email.utils import formataddr, formatdate
from urllib.parse import quote

import css_inline
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat
from django.template.loader import render_to_string
from django.urls import get_urlconf, reverse
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
    the preferences link (the subscriber's own token): what ``reverse`` gives."""
    return PersonalLinks()(token, unsubscribe_token)


class PersonalLinks:
    """``personal_urls`` with the links' fixed parts found once (a send's template keeps one):
    per message only the tokens are quoted in, without ``reverse``."""

    def __init__(self):
        unsubscribe, preferences = _personal_paths(get_urlconf())
        self.unsubscribe = (f"{settings.SITE_URL}{unsubscribe[0]}", unsubscribe[1])
        self.preferences = (f"{settings.SITE_URL}{preferences[0]}", preferences[1])

    def __call__(self, token: str, unsubscribe_token: str | None = None) -> tuple[str, str]:
        (u_start, u_end), (p_start, p_end) = self.unsubscribe, self.preferences
        return (
            f"{u_start}{quote(unsubscribe_token or token, safe=PATH_SAFE)}{u_end}",
            f"{p_start}{quote(token, safe=PATH_SAFE)}{p_end}",
        )


# What django.urls.reverse leaves unquoted in a path argument (RFC 3986 sub-delims and /~:@).
PATH_SAFE = "!$&'()*+,;=/~:@"


@functools.lru_cache
def _personal_paths(urlconf) -> tuple[tuple[str, str], tuple[str, str]]:
    """The two links' paths, cut where the token goes."""
    marker = "TASPTOKENMARK"
    return tuple(
        tuple(reverse(name, args=[marker]).split(marker))
        for name in ("newsletters:unsubscribe", "newsletters:preferences")
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
        part = (
            "--{b}\r\nContent-Type: text/{kind}; charset=utf-8\r\n"
            "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        )
        self.text_head = part.format(b=self.boundary, kind="plain").encode()
        self.html_head = part.format(b=self.boundary, kind="html").encode()
        self.closing = f"--{self.boundary}--\r\n".encode()
        self.text_body = EncodedBody(rendered.text)
        self.html_body = EncodedBody(rendered.html)
        self.links = PersonalLinks()

    def _personal(self, recipient: Recipient) -> tuple[str, str, str, list[tuple[str, str]]]:
        """One recipient's parts, each link made once: (To, html, text, their headers)."""
        name = one_line(recipient.name)
        urls = self.links(recipient.token, recipient.unsubscribe_token)
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
        """The message as the bytes an SMTP server is given (the fast path): the bodies encoded
        once, with this recipient's name and links encoded into their places (each value
        encoded once, for both bodies)."""
        name = one_line(recipient.name)
        unsubscribe, preferences = self.links(recipient.token, recipient.unsubscribe_token)
        to = formataddr((name, one_line(recipient.email)))
        headers = personal_headers(message_id=recipient.message_id, unsubscribe_url=unsubscribe)
        personal = [("To", to), ("Date", formatdate(localtime=False)), *headers]
        shown_name = name or "subscriber"
        html_name = escape(shown_name)
        parts = {
            NAME: personal_part(shown_name),
            UNSUBSCRIBE_URL: personal_part(unsubscribe),
            PREFERENCES_URL: personal_part(preferences),
        }
        text = self.text_body.fill(parts)
        if html_name != shown_name:
            parts[NAME] = personal_part(html_name)
        if self.open_code:
            parts[OPEN_CODE] = personal_part(self.open_code())
        html = self.html_body.fill(parts)
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
                text,
                self.html_head,
                html,
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


PLACES = re.compile(
    "({})".format("|".join(map(re.escape, [NAME, UNSUBSCRIBE_URL, PREFERENCES_URL, OPEN_CODE])))
)
SOFT_BREAK = b"=\r\n"


def quoted_printable(text: str) -> bytes:
    """RFC 2045 quoted-printable in one C call: CRLF lines of at most 76 characters, and no line
    starting with "." (written =2E), so the body needs no SMTP dot-stuffing."""
    encoded = binascii.b2a_qp(text.replace("\r\n", "\n").encode("utf-8"), istext=True)
    lines = encoded.split(b"\n")
    if all(len(line) <= 76 and not line.startswith(b".") for line in lines):
        return CRLF.join(lines)
    return CRLF.join(_fitted(lines))


def _fitted(lines: list[bytes]):
    """Lines as SMTP and RFC 2045 want them. (binascii lets a line whose trailing space it
    encodes run to 78, and leaves a leading dot.)"""
    for line in lines:
        while True:
            if line.startswith(b"."):
                line = b"=2E" + line[1:]
            if len(line) <= 76:
                yield line
                break
            cut = 75  # and a soft break, never inside an =XX
            if line[cut - 1 : cut] == b"=":
                cut -= 1
            elif line[cut - 2 : cut - 1] == b"=":
                cut -= 2
            yield line[:cut] + b"="
            line = line[cut:]


def ending_softly(encoded: bytes) -> bytes:
    """Encoded text that goes on in the next piece: a soft line break after it, its last line
    cut first if the "=" would take it past 76."""
    start = encoded.rfind(CRLF) + 2 if CRLF in encoded else 0
    if len(encoded) - start < 76:
        return encoded + SOFT_BREAK
    cut = len(encoded) - 3  # never inside an =XX
    if encoded[cut - 1 : cut] == b"=":
        cut -= 1
    elif encoded[cut - 2 : cut - 1] == b"=":
        cut -= 2
    rest = encoded[cut:]
    if rest.startswith(b"."):
        rest = b"=2E" + rest[1:]
    return encoded[:cut] + SOFT_BREAK + rest + SOFT_BREAK


# Printable ASCII without "=", not ending in a space: text quoted-printable leaves as it is.
AS_IS = re.compile(r"[ -<>-~]*[!-<>-~]")


def personal_part(value: str) -> bytes:
    """One recipient's value (a name, a link) encoded to go on in the next piece: it decodes as
    ``ending_softly(quoted_printable(value))`` does, but a value the encoding leaves as it is
    (every link, most names) is only cut into lines, which is a tenth of the work per message."""
    if AS_IS.fullmatch(value):
        raw = value.encode()
        lines = [raw[start : start + 75] for start in range(0, len(raw), 75)]
        if not any(line.startswith(b".") for line in lines):
            return SOFT_BREAK.join(lines) + SOFT_BREAK
    return ending_softly(quoted_printable(value))


class EncodedBody:
    """A body encoded once, cut where the personal parts go: each piece ends in a line break (a
    soft one where the text goes on), so a personal part starts a line of its own and no line
    passes 76 characters. The last CRLF is the one before the MIME boundary (RFC 2046: it
    belongs to the boundary, so the body's own last line break is kept before it)."""

    def __init__(self, text: str):
        self.pieces: list[bytes | str] = []
        pieces = PLACES.split(text)
        for n, piece in enumerate(pieces):
            if n % 2:
                self.pieces.append(piece)  # a place: filled per recipient
            elif n == len(pieces) - 1:
                self.pieces.append(quoted_printable(piece) + CRLF)
            elif piece:
                encoded = quoted_printable(piece)
                self.pieces.append(encoded if encoded.endswith(CRLF) else ending_softly(encoded))

    def fill(self, parts: dict[str, bytes]) -> bytes:
        """The body with each place's ``personal_part`` put in."""
        return b"".join([piece if type(piece) is bytes else parts[piece] for piece in self.pieces])
