"""Opens and clicks, counted per send and never per reader.

When a send starts with ``NEWSLETTER_TRACKING`` on, ``track`` rewrites its HTML once: every web
link goes through a redirect whose signed token names the send and the link's position in the
email (not the reader), and a one-pixel image is added whose address holds ``OPEN_CODE``. Each
message gets a fresh random code there as it is built (``OpenCodes``): it is not derived from
the reader and is stored nowhere at sending time, so an open says which message was opened
without saying whose. The first request for a code adds a ``SendOpen`` row (later ones find it
and count nothing), so the rows' count is the send's unique opens. The plain-text part keeps
the real addresses: clicks from it are not counted.

With tracking off nothing is added to new sends, and the redirects of emails already sent still
lead where they led, counting nothing.
"""

from __future__ import annotations

import binascii
import hmac
import os
import re
from base64 import urlsafe_b64decode, urlsafe_b64encode
from dataclasses import replace
from html import unescape
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.html import escape, strip_tags
from django.utils.text import Truncator

from .models import Send, SendLink, SendOpen
from .rendering import OPEN_CODE, RenderedIssue

CLICK_SALT = "newsletters.click"
OPEN_SALT = "newsletters.open"
NONCE_BYTES = MAC_BYTES = 9  # 72 bits each: 12 URL-safe base64 characters, no padding

LINK = re.compile(r'(<a\b[^>]*?\shref=")([^"]*)("[^>]*>)(.*?)(</a>)', re.S | re.I)
PERSONAL = "%%TASP_"  # the placeholders of a reader's own links (unsubscribe, preferences)


def track(rendered: RenderedIssue, *, send: Send) -> RenderedIssue:
    """The send's email with counted links and an open pixel; records the send's links and
    marks it tracked (unsaved: the caller saves it). Once per send, when it starts."""
    links: dict[str, SendLink] = {}

    def counted(match: re.Match) -> str:
        start, href, end, inner, close = match.groups()
        url = unescape(href)
        if PERSONAL in url or urlsplit(url).scheme not in ("http", "https"):
            return match.group(0)
        link = links.get(url)
        if link is None:
            link = links[url] = SendLink(
                send=send, position=len(links) + 1, url=url, label=label_of(inner)
            )
        return f"{start}{escape(click_url(send.pk, link.position))}{end}{inner}{close}"

    html = LINK.sub(counted, rendered.html)
    SendLink.objects.bulk_create(links.values())
    send.tracked = True
    return replace(rendered, html=with_pixel(html, send_id=send.pk))


def label_of(inner_html: str) -> str:
    text = " ".join(unescape(strip_tags(inner_html)).split())
    return Truncator(text).chars(200)


def click_url(send_id: int, position: int) -> str:
    token = signing.Signer(salt=CLICK_SALT).sign(f"{send_id}.{position}")
    return f"{settings.SITE_URL}{reverse('newsletters:click', args=[token])}"


def pixel_url(send_id: int) -> str:
    """The pixel's address, with ``OPEN_CODE`` where each message's own code goes."""
    path = reverse("newsletters:open", args=[send_id, "code"])
    return f"{settings.SITE_URL}{path.removesuffix('code.gif')}{OPEN_CODE}.gif"


def with_pixel(html: str, *, send_id: int) -> str:
    image = (
        f'<img src="{escape(pixel_url(send_id))}" width="1" height="1" alt="" '
        'style="display:block;width:1px;height:1px;border:0;">'
    )
    head, body_end, tail = html.rpartition("</body>")
    return f"{head}{image}{body_end}{tail}" if body_end else html + image


class OpenCodes:
    """Codes for one send's pixels: random, with a MAC so that only codes made here count."""

    def __init__(self, send_id: int):
        self.key = salted_hmac(OPEN_SALT, str(send_id), algorithm="sha256").digest()

    def _mac(self, nonce: bytes) -> bytes:
        return hmac.digest(self.key, nonce, "sha256")[:MAC_BYTES]

    def new(self) -> str:
        """A fresh code for one message (microseconds: it runs per recipient)."""
        nonce = os.urandom(NONCE_BYTES)
        return urlsafe_b64encode(nonce + self._mac(nonce)).decode()

    def nonce_of(self, code: str) -> str | None:
        """The code's random part, as stored; None for a code not made here."""
        try:
            raw = urlsafe_b64decode(code.encode("ascii"))
        except (binascii.Error, ValueError, UnicodeEncodeError):
            return None
        nonce, mac = raw[:NONCE_BYTES], raw[NONCE_BYTES:]
        if len(raw) != NONCE_BYTES + MAC_BYTES or not hmac.compare_digest(mac, self._mac(nonce)):
            return None
        return code[: len(code) // 2]


def open_codes(send: Send):
    """What a send's messages take their pixel codes from (None when it is not tracked)."""
    return OpenCodes(send.pk).new if send.tracked else None


def record_open(*, send_id: int, code: str) -> bool:
    """Count a message's first open; True when this was it. Nothing is counted with tracking
    off, or for a code this site did not make."""
    if not settings.NEWSLETTER_TRACKING:
        return False
    nonce = OpenCodes(send_id).nonce_of(code)
    if nonce is None:
        return False
    try:
        with transaction.atomic():
            _, created = SendOpen.objects.get_or_create(send_id=send_id, code=nonce)
    except IntegrityError:  # the send is gone (foreign keys are checked at commit)
        return False
    return created


def follow_link(*, token: str, count: bool = True) -> str | None:
    """Where a counted link leads, counting the click (with ``count`` and tracking on); None
    for a token this site did not sign. Only a link recorded from the send's own email is
    ever the answer, so the redirect cannot be sent anywhere else."""
    try:
        value = signing.Signer(salt=CLICK_SALT).unsign(token)
    except signing.BadSignature:
        return None
    send_id, _, position = value.partition(".")
    link = SendLink.objects.filter(send_id=send_id, position=position).first()
    if link is None or urlsplit(link.url).scheme not in ("http", "https"):
        return None
    if count and settings.NEWSLETTER_TRACKING:
        SendLink.objects.filter(pk=link.pk).update(clicks=F("clicks") + 1)
    return link.url
