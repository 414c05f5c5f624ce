"""Members' resources: briefings, guides and slides, each open to members only, to members first
(public after an embargo date) or to everyone. Files live in private storage and leave only
through ``views.download``, which checks access."""

from __future__ import annotations

import posixpath
from datetime import date
from typing import Self

from django.db import connection, models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from tasp.html import clean_html
from tasp.storage import PrivateStorage

RESOURCE_FOLDER = "resources"


def resource_path(resource: Resource, filename: str) -> str:
    base, extension = posixpath.splitext(posixpath.basename(filename))
    return (
        f"{RESOURCE_FOLDER}/{timezone.now():%Y}/{slugify(base)[:80] or 'file'}{extension.lower()}"
    )


class Topic(models.Model):
    """What a resource is about: independent scrutiny, the National Panel, reporting..."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Audience(models.Model):
    """Who a resource is for: business managers, independent scrutineers, statutory partners."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "role it is for"
        verbose_name_plural = "roles it is for"

    def __str__(self) -> str:
        return self.name


class ResourceQuerySet(models.QuerySet):
    def listed(self) -> Self:
        """Published resources: everyone sees their title and summary."""
        return self.filter(published_on__lte=timezone.localdate())

    def search(self, text: str) -> Self:
        """PostgreSQL full-text search over title, summary and body, best match first; on
        SQLite (make run) every word must appear somewhere."""
        text = " ".join(text.split()[:8])
        if not text:
            return self
        if connection.vendor == "postgresql":
            from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

            vector = (
                SearchVector("title", weight="A", config="english")
                + SearchVector("summary", weight="B", config="english")
                + SearchVector("body", weight="C", config="english")
            )
            query = SearchQuery(text, config="english", search_type="websearch")
            return (
                self.annotate(document=vector, rank=SearchRank(vector, query))
                .filter(document=query)
                .order_by("-rank", "-published_on")
            )
        words = Q()
        for word in text.split():
            words &= Q(title__icontains=word) | Q(summary__icontains=word) | Q(body__icontains=word)
        return self.filter(words)


class Resource(models.Model):
    class Kind(models.TextChoices):
        BRIEFING = "briefing", "Briefing"
        GUIDE = "guide", "Guide"
        SLIDES = "slides", "Conference slides"
        REPORT = "report", "Report"
        PAGE = "page", "Page"

    class Access(models.TextChoices):
        MEMBERS = "members", "Members only"
        MEMBERS_FIRST = "members_first", "Members first, then public"
        PUBLIC = "public", "Public"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, blank=True)
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.BRIEFING)
    summary = models.TextField(help_text="Shown to everyone, members or not: two or three lines.")
    body = models.TextField(
        blank=True, help_text="The page itself, for members (simple formatting and links)."
    )
    file = models.FileField(
        upload_to=resource_path,
        storage=PrivateStorage(),
        blank=True,
        help_text="A document or slides for members to download; never served from /media/.",
    )
    access = models.CharField(max_length=20, choices=Access, default=Access.MEMBERS)
    public_from = models.DateField(
        null=True,
        blank=True,
        help_text="Members first: the day everyone may open it.",
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="resources")
    audiences = models.ManyToManyField(
        Audience, blank=True, related_name="resources", verbose_name="roles it is for"
    )
    published_on = models.DateField(
        default=timezone.localdate, help_text="Listed from this day (a later day holds it back)."
    )
    downloads = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ResourceQuerySet.as_manager()

    class Meta:
        ordering = ["-published_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(access="members_first") | Q(public_from__isnull=False),
                name="members_first_has_a_public_date",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.body = clean_html(self.body)
        if not self.slug:
            base = slugify(self.title)[:180] or "resource"
            slug, n = base, 2
            while Resource.objects.filter(slug=slug).exclude(pk=self.pk).exists():
                slug, n = f"{base}-{n}", n + 1
            self.slug = slug
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("resources:detail", args=[self.slug])

    def is_public_on(self, day: date | None = None) -> bool:
        day = day or timezone.localdate()
        if self.access == self.Access.PUBLIC:
            return True
        return self.access == self.Access.MEMBERS_FIRST and self.public_from <= day

    def opens_for(self, *, is_member: bool, is_staff: bool = False) -> bool:
        """Whether the body and file open for someone (a member, staff, or anyone once public)."""
        return is_member or is_staff or self.is_public_on()

    @property
    def filename(self) -> str:
        return posixpath.basename(self.file.name) if self.file else ""

    def count_download(self) -> None:
        """One more download, counted in the database (no record of who)."""
        Resource.objects.filter(pk=self.pk).update(downloads=F("downloads") + 1)
