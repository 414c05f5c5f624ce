"""Lists and their issues: what is written and where it goes."""

from __future__ import annotations

import re
from html import unescape
from typing import TYPE_CHECKING, Self
from urllib.parse import unquote

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator, slugify

from tasp.html import clean_html
from tasp.states import Moves, MovesQuerySet

if TYPE_CHECKING:
    from collections.abc import Iterable

    from .subscribers import Subscriber

# The email's column (templates/emails/_layout.html) is 600 pixels wide with 24 pixels of padding.
EMAIL_COLUMN_WIDTH = 552


def sanitise_html(html: str) -> str:
    """Whatever an editor lets through, only what the email shows stays: simple formatting,
    http(s)/mailto links and images uploaded for newsletters (tasp/html.py's policy)."""
    return clean_html(html, images_from=IssueImage.uploads_url())


def html_to_text(html: str) -> str:
    """Plain text from sanitised HTML: paragraphs, headings and lists stand apart by a blank
    line, list items start with "- ", links keep their address and images their description."""
    text = _LINK.sub(_link_as_text, html)
    text = _IMAGE.sub(_image_as_text, text)
    text = re.sub(r"<li[^>]*>", "- ", text)
    text = re.sub(r"</li>|<br\s*/?>", "\n", text)
    text = re.sub(r"</(p|h3|h4|ul|ol|blockquote|figure|figcaption)>", "\n\n", text)
    lines = [line.strip() for line in unescape(strip_tags(text)).splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


_LINK = re.compile(r'<a [^>]*href="([^"]+)"[^>]*>(.*?)</a>', re.S)
_IMAGE = re.compile(r"<img\b[^>]*>")
_ALT = re.compile(r'\salt="([^"]*)"')


def _link_as_text(match: re.Match) -> str:
    href, label = unescape(match.group(1)), match.group(2)
    if unescape(strip_tags(label)).strip() in (href, href.removeprefix("mailto:")):
        return label  # the address is the text already
    return f"{label} ({match.group(1)})"  # still escaped: the whole text is unescaped once


def _image_as_text(match: re.Match) -> str:
    alt = _ALT.search(match.group(0))
    return f"\n\n[Image: {alt.group(1)}]\n\n" if alt and alt.group(1).strip() else ""


RESERVED_SLUGS = {"feed", "subscribe", "confirm", "unsubscribe", "preferences"}

# The two lists the site relies on; migrations make both (newsletters 0005, vacancies 0003).
MAIN_NEWSLETTER_SLUG = "tasp-newsletter"


class NewsletterQuerySet(models.QuerySet):
    def offered_to(self, subscriber: Subscriber) -> Self:
        """What a subscriber may choose on their preferences page: the public lists, and any
        list they are on now (a private list they were put on stays theirs to leave)."""
        from .subscribers import Subscription

        current = Subscription.objects.filter(subscriber=subscriber, unsubscribed_at__isnull=True)
        return self.filter(Q(is_public=True) | Q(pk__in=current.values("newsletter")))

    def marked(self, flag: str, *, slug: str, **defaults) -> Newsletter:
        """The list another app relies on, found by its ``flag`` field (``for_vacancy_alerts``,
        ``for_event_delegates``); a migration makes it, and it is made again (with ``defaults``)
        if staff ever delete or unmark it, so the app never fails for want of it."""
        newsletter = self.filter(**{flag: True}).first()
        if newsletter is not None:
            return newsletter
        base, number = slug, 2
        while self.filter(slug=slug).exists():
            slug, number = f"{base}-{number}", number + 1
        return self.create(**{flag: True}, slug=slug, **defaults)


class Newsletter(models.Model):
    """A mailing list: 'TASP Newsletter', 'Vacancy alerts'."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(unique=True)
    description = models.TextField(blank=True)
    frequency = models.CharField(
        max_length=60,
        blank=True,
        help_text="How often it is sent, as readers see it: “Quarterly”, “When a vacancy is "
        "published”. Shown on the subscribe form and preferences page.",
    )
    from_name = models.CharField(max_length=120, default="TASP")
    from_email = models.EmailField(default="newsletter@tasp.example.org")
    reply_to = models.EmailField(blank=True)
    is_public = models.BooleanField(
        "public", default=True, help_text="Offered on the subscribe form."
    )
    in_archive = models.BooleanField(
        "in the archive",
        default=True,
        help_text="Its sent issues are listed in the public archive, the feed and the home page "
        "(their web versions work either way).",
    )
    options_url_name = models.CharField(
        "options page",
        max_length=100,
        blank=True,
        help_text="URL name of a page where subscribers choose this list's own options; it is "
        "given the subscriber's token and linked from their preferences page.",
    )
    for_representatives = models.BooleanField(
        "for members' representatives",
        default=False,
        help_text="Members' representatives join this list when their membership becomes active.",
    )
    for_vacancy_alerts = models.BooleanField(
        "for vacancy alerts",
        default=False,
        help_text="New vacancy adverts are sent to this list (one list at most).",
    )
    for_event_delegates = models.BooleanField(
        "for event delegates",
        default=False,
        help_text="Messages to an event's delegates go through this list (one list at most).",
    )

    objects = NewsletterQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["for_vacancy_alerts"],
                condition=Q(for_vacancy_alerts=True),
                name="one_vacancy_alerts_list",
            ),
            models.UniqueConstraint(
                fields=["for_event_delegates"],
                condition=Q(for_event_delegates=True),
                name="one_event_delegates_list",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def list_id(self) -> str:
        domain = self.from_email.rsplit("@", 1)[-1]
        return f"{self.name} <{self.slug}.{domain}>"


class IssueQuerySet(MovesQuerySet):
    def published(self) -> Self:
        """Issues with a public web version: sent (or being sent) to a public list."""
        return self.filter(
            status__in=[Issue.Status.SENT, Issue.Status.SENDING], newsletter__is_public=True
        )

    def archived(self) -> Self:
        """Published issues of lists kept in the archive (not, say, one-off vacancy alerts)."""
        return self.published().filter(newsletter__in_archive=True)


class Issue(Moves, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"

    # An issue sent to a second list after the first goes from sent to sending again; one
    # whose send was made directly (not scheduled: the benchmark, a shell) from draft.
    MOVES = {
        Status.DRAFT: frozenset({Status.SCHEDULED, Status.SENDING}),
        Status.SCHEDULED: frozenset({Status.SENDING, Status.DRAFT}),
        Status.SENDING: frozenset({Status.SENT}),
        Status.SENT: frozenset({Status.SENDING}),
    }

    newsletter = models.ForeignKey(Newsletter, on_delete=models.PROTECT, related_name="issues")
    title = models.CharField(max_length=200, help_text="For example “Newsletter - Spring 2020”.")
    slug = models.SlugField(max_length=200, unique=True, blank=True)
    issued_on = models.DateField("date", default=timezone.localdate)
    welcome = models.TextField("editorial welcome", blank=True)
    signoff_name = models.CharField("sign-off name", max_length=120, blank=True)
    signoff_role = models.CharField("sign-off role", max_length=120, blank=True)
    status = models.CharField(max_length=20, choices=Status, default=Status.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = IssueQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_on", "-pk"]
        # The archive, the home page's latest issue, the feed and the sitemap read published
        # issues newest first in index order.
        indexes = [
            models.Index(
                fields=["-issued_on", "-id"],
                condition=Q(status__in=["sent", "sending"]),
                name="issue_published_newest",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.welcome = sanitise_html(self.welcome)
        if not self.slug:
            base = slugify(self.title)[:180] or "issue"
            if base in RESERVED_SLUGS:  # would be hidden behind the list's own pages
                base = f"{base}-issue"
            slug, n = base, 2
            while Issue.objects.filter(slug=slug).exclude(pk=self.pk).exists():
                slug, n = f"{base}-{n}", n + 1
            self.slug = slug
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("newsletters:issue-detail", args=[self.slug])

    @property
    def signoff(self) -> str:
        return ", ".join(part for part in (self.signoff_name, self.signoff_role) if part)

    @property
    def welcome_text(self) -> str:
        return html_to_text(self.welcome)

    @property
    def summary(self) -> str:
        """The welcome's first words, without image descriptions: the line mail clients show
        beside the subject (the email's preheader)."""
        words = re.sub(r"\[Image: [^\]]*\]", " ", self.welcome_text)
        return Truncator(" ".join(words.split())).chars(140)


class Section(models.Model):
    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="sections")
    heading = models.CharField(max_length=200)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.heading


class Item(models.Model):
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="items")
    title = models.CharField(max_length=250)
    body = models.TextField(
        blank=True, help_text="Simple formatting and links; anything else is removed."
    )
    link_url = models.URLField("link", max_length=500, blank=True)
    link_text = models.CharField(max_length=120, blank=True)
    image = models.ForeignKey(
        "IssueImage", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.body = sanitise_html(self.body)
        super().save(*args, **kwargs)

    @property
    def body_text(self) -> str:
        return html_to_text(self.body)


class IssueImage(models.Model):
    image = models.ImageField(upload_to="newsletters/%Y/%m/")
    alt_text = models.CharField(
        max_length=250, help_text="Describe the image for people who cannot see it."
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.alt_text

    def absolute_url(self) -> str:
        return f"{settings.SITE_URL}{self.image.url}"

    @property
    def email_width(self) -> int:
        """Its width in an email, in pixels: its own, up to the width of the email's column."""
        try:
            width = self.image.width
        except (OSError, ValueError):
            width = None
        # A file gone or unreadable: the column's width, as a guess.
        return min(width or EMAIL_COLUMN_WIDTH, EMAIL_COLUMN_WIDTH)

    @classmethod
    def by_address(cls, addresses: Iterable[str]) -> dict[str, IssueImage]:
        """The uploads these addresses point to (by the site's own path, "/media/newsletters/…",
        or the full address), keyed by address; an address of anything else is left out."""
        storage = cls._meta.get_field("image").storage
        names = {}
        for address in addresses:
            path = address.strip().removeprefix(settings.SITE_URL)
            if path.startswith(cls.uploads_url()):
                names[address] = unquote(path.removeprefix(storage.url("")))
        found = {image.image.name: image for image in cls.objects.filter(image__in=names.values())}
        return {address: found[name] for address, name in names.items() if name in found}

    @classmethod
    def uploads_url(cls) -> str:
        """Where uploaded images are served from ("/media/newsletters/"): an image in an
        issue's text must have its address here."""
        field = cls._meta.get_field("image")
        return field.storage.url(field.upload_to.split("%", 1)[0])
