from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Self

from django.conf import settings
from django.core import signing
from django.db import models, transaction
from django.db.models import Count, Q
from django.db.models.functions import Coalesce, Greatest, Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import slugify

from tasp.html import clean_html
from tasp.states import Moves, MovesQuerySet


def sanitise_html(html: str) -> str:
    """Whatever an editor lets through, only simple formatting and http(s)/mailto links stay."""
    return clean_html(html)


def html_to_text(html: str) -> str:
    """Plain text from sanitised HTML: paragraphs become blank lines, links keep their address."""
    import re

    text = re.sub(r'<a [^>]*href="([^"]+)"[^>]*>(.*?)</a>', r"\2 (\1)", html, flags=re.S)
    text = re.sub(r"<li[^>]*>", "- ", text)
    text = re.sub(r"</(p|li|h3|h4|blockquote)>|<br\s*/?>", "\n", text)
    text = strip_tags(text)
    from html import unescape

    lines = [line.strip() for line in unescape(text).splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


RESERVED_SLUGS = {"feed", "subscribe", "confirm", "unsubscribe", "preferences"}

# The two lists the site relies on; migrations make both (newsletters 0005, vacancies 0003).
MAIN_NEWSLETTER_SLUG = "tasp-newsletter"


class NewsletterQuerySet(models.QuerySet):
    def offered_to(self, subscriber: Subscriber) -> Self:
        """What a subscriber may choose on their preferences page: the public lists, and any
        list they are on now (a private list they were put on stays theirs to leave)."""
        current = Subscription.objects.filter(subscriber=subscriber, unsubscribed_at__isnull=True)
        return self.filter(Q(is_public=True) | Q(pk__in=current.values("newsletter")))


class Newsletter(models.Model):
    """A mailing list: 'TASP Newsletter', 'Vacancy alerts'."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(unique=True)
    description = models.TextField(blank=True)
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

    objects = NewsletterQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["for_vacancy_alerts"],
                condition=Q(for_vacancy_alerts=True),
                name="one_vacancy_alerts_list",
            )
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


UNSUBSCRIBE_SALT = "newsletters.unsubscribe"


class SubscriberQuerySet(MovesQuerySet):
    def active(self) -> Self:
        return self.filter(status=Subscriber.Status.ACTIVE)


class Subscriber(Moves, models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending confirmation"
        ACTIVE = "active", "Active"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"
        BOUNCED = "bounced", "Bounced"
        COMPLAINED = "complained", "Complained"

    # Someone who unsubscribed comes back only by their own new consent; an address that
    # bounced or complained is never made active again.
    MOVES = {
        Status.PENDING: frozenset(
            {Status.ACTIVE, Status.UNSUBSCRIBED, Status.BOUNCED, Status.COMPLAINED}
        ),
        Status.ACTIVE: frozenset({Status.UNSUBSCRIBED, Status.BOUNCED, Status.COMPLAINED}),
        Status.UNSUBSCRIBED: frozenset({Status.ACTIVE, Status.BOUNCED, Status.COMPLAINED}),
        Status.BOUNCED: frozenset({Status.COMPLAINED}),
        Status.COMPLAINED: frozenset({Status.BOUNCED}),
    }

    class Basis(models.TextChoices):
        CONSENT = "consent", "Consent"
        SOFT_OPT_IN = "soft_opt_in", "Charitable-purpose soft opt-in (PECR)"

    class Source(models.TextChoices):
        FORM = "form", "Subscribe form"
        IMPORT = "import", "Import"
        MEMBERSHIP = "membership", "Membership"
        ADMIN = "admin", "Added by staff"
        PREFERENCES = "preferences", "Preferences page"

    email = models.EmailField(max_length=254)
    name = models.CharField(max_length=150, blank=True)
    organisation = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=20, choices=Status, default=Status.PENDING)
    lawful_basis = models.CharField(max_length=20, choices=Basis, default=Basis.CONSENT)
    source = models.CharField(max_length=20, choices=Source, default=Source.FORM)
    consent_at = models.DateTimeField(null=True, blank=True)
    consent_ip = models.GenericIPAddressField(null=True, blank=True)
    consent_wording = models.TextField(
        blank=True, help_text="What the person saw when they agreed."
    )
    collected_at = models.DateTimeField(
        null=True, blank=True, help_text="Soft opt-in: when the details were collected."
    )
    collected_where = models.CharField(max_length=200, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    newsletters = models.ManyToManyField(
        Newsletter, through="Subscription", related_name="subscribers"
    )

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="subscriber_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.email

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    @property
    def token(self) -> str:
        """Signed per subscriber for unsubscribe and preference links: unguessable, unalterable."""
        return signing.Signer(salt="newsletters.subscriber").sign(str(self.pk))

    @classmethod
    def from_token(cls, token: str) -> Subscriber | None:
        try:
            pk = signing.Signer(salt="newsletters.subscriber").unsign(token)
        except signing.BadSignature:
            return None
        return cls.objects.filter(pk=pk).first()

    def unsubscribe_token(self, newsletter_id: int) -> str:
        """Signed per subscriber and list: an email's unsubscribe link leaves that list only."""
        return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(f"{self.pk}.{newsletter_id}")

    @classmethod
    def from_unsubscribe_token(cls, token: str) -> tuple[Subscriber | None, Newsletter | None]:
        """The subscriber and the list an unsubscribe link names. Links from before lists were
        named carry the subscriber's token alone, which means every list (list is None)."""
        try:
            value = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token)
        except signing.BadSignature:
            return cls.from_token(token), None
        pk, _, newsletter_id = value.partition(".")
        subscriber = cls.objects.filter(pk=pk).first()
        # A list since deleted: its mail has stopped anyway, so the link leaves everything.
        return subscriber, Newsletter.objects.filter(pk=newsletter_id).first()

    def confirmation_token(self) -> str:
        return signing.TimestampSigner(salt="newsletters.confirm").sign_object(
            {"id": self.pk, "email": self.email}
        )

    def record_basis(
        self, basis: str, *, source: str, at, ip: str | None = None, wording: str = "", where=""
    ) -> None:
        """The one place the evidence for emailing someone is written, and they become active
        (unsaved: the caller saves it with its other changes). Consent: when, from which
        address, the words they agreed to. Soft opt-in: when and where their details were
        collected."""
        self.lawful_basis, self.source = basis, source
        if basis == self.Basis.CONSENT:
            self.consent_at, self.consent_ip, self.consent_wording = at, ip, wording
        else:
            self.collected_at, self.collected_where = at, where
        self.unsubscribed_at = None
        if self.status != self.Status.ACTIVE:
            self.set_status(self.Status.ACTIVE)

    @property
    def is_suppressed(self) -> bool:
        return self.status in {
            self.Status.UNSUBSCRIBED,
            self.Status.BOUNCED,
            self.Status.COMPLAINED,
        }


class ErasedAddressQuerySet(models.QuerySet):
    def of(self, email: str) -> Self:
        return self.filter(digest=ErasedAddress.digest_of(email))


class ErasedAddress(models.Model):
    """Someone erased at their request, kept only as a one-way digest of the address, so that
    membership or an import never quietly adds them back. Their own double opt-in removes it."""

    digest = models.CharField(max_length=64, unique=True)
    erased_at = models.DateTimeField(default=timezone.now)

    objects = ErasedAddressQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "erased addresses"

    def __str__(self) -> str:
        return f"Erased {self.erased_at:%Y-%m-%d}"

    @staticmethod
    def digest_of(email: str) -> str:
        return hashlib.sha256(email.strip().lower().encode()).hexdigest()


class Subscription(models.Model):
    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="subscriptions"
    )
    newsletter = models.ForeignKey(
        Newsletter, on_delete=models.CASCADE, related_name="subscriptions"
    )
    subscribed_at = models.DateTimeField(default=timezone.now)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "newsletter"], name="one_subscription_per_list"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subscriber} → {self.newsletter}"

    @property
    def is_active(self) -> bool:
        return self.unsubscribed_at is None


class SendQuerySet(MovesQuerySet):
    def due(self, now=None) -> Self:
        return self.filter(status=Send.Status.SCHEDULED, scheduled_at__lte=now or timezone.now())


class Send(Moves, models.Model):
    """One issue to one list at one time; its Delivery rows are the recipients, fixed at start."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        SENDING = "sending", "Sending"
        PAUSED = "paused", "Paused"
        SENT = "sent", "Sent"
        CANCELLED = "cancelled", "Cancelled"

    MOVES = {
        Status.SCHEDULED: frozenset({Status.SENDING, Status.CANCELLED}),
        Status.SENDING: frozenset({Status.PAUSED, Status.SENT}),
        Status.PAUSED: frozenset({Status.SENDING}),
    }

    issue = models.ForeignKey(Issue, on_delete=models.PROTECT, related_name="sends")
    newsletter = models.ForeignKey(Newsletter, on_delete=models.PROTECT, related_name="sends")
    status = models.CharField(max_length=20, choices=Status, default=Status.SCHEDULED)
    scheduled_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    paused_reason = models.CharField(max_length=250, blank=True)
    # Rendered once when the send starts; workers fill in the personal parts.
    subject = models.CharField(max_length=250, blank=True)
    html_template = models.TextField(blank=True)
    text_template = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # A segment: when set, only these subscribers of the list (those still subscribed when the
    # send starts) receive it. Other apps use it to send a list different content per reader.
    is_segmented = models.BooleanField(default=False)
    audience = models.ManyToManyField(Subscriber, blank=True, related_name="+")

    objects = SendQuerySet.as_manager()

    class Meta:
        ordering = ["-scheduled_at"]
        constraints = [
            # An issue goes to a list once: a second send is refused, not repeated by accident.
            models.UniqueConstraint(
                fields=["issue", "newsletter"],
                condition=~Q(status="cancelled"),
                name="one_send_per_issue_and_list",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.issue} → {self.newsletter}"

    @property
    def header_id(self) -> str:
        return f"tasp-send-{self.pk}"

    def progress(self) -> dict:
        counts = dict(
            self.deliveries.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
        )
        total = sum(counts.values())
        sent = counts.get(Delivery.Status.SENT, 0)
        failed = counts.get(Delivery.Status.FAILED, 0)
        # People who left after the send started: nothing went wrong, so not failures.
        skipped = counts.get(Delivery.Status.SKIPPED, 0)
        remaining = counts.get(Delivery.Status.QUEUED, 0)
        elapsed = (
            ((self.finished_at or timezone.now()) - self.started_at).total_seconds()
            if self.started_at
            else 0
        )
        rate = sent / elapsed if elapsed > 0 else 0.0
        return {
            "status": self.status,
            "status_display": self.get_status_display(),
            "total": total,
            "sent": sent,
            "failed": failed,
            "skipped": skipped,
            "remaining": remaining,
            "percent": round(100 * (total - remaining) / total, 1) if total else 100.0,
            "rate": round(rate, 1),
            "eta_seconds": round(remaining / rate) if rate and remaining else None,
            "paused_reason": self.paused_reason,
        }


def backoff_seconds(attempt: int) -> float:
    """How long to wait before try number ``attempt + 1``: NEWSLETTER_RETRY_BASE_SECONDS,
    doubling each time. Used for a recipient's retries and for an unreachable mail server."""
    return settings.NEWSLETTER_RETRY_BASE_SECONDS * 2 ** (attempt - 1)


class BatchQuerySet(models.QuerySet):
    def requeue(self, *, delay: float = 0.0, **fields) -> int:
        """The one way a batch goes (back) on the queue: its first run, a retry, a backoff, a
        resume, the sweeper. Stamps ``queued_at`` (when it is due) with ``fields``, and sends
        the tasks once the transaction commits; returns how many batches."""
        from .tasks import send_batch_task

        ids = list(self.values_list("pk", flat=True))
        Batch.objects.filter(pk__in=ids).update(
            queued_at=timezone.now() + timedelta(seconds=delay), **fields
        )

        def dispatch():
            for pk in ids:
                send_batch_task.apply_async((pk,), countdown=delay or None)

        transaction.on_commit(dispatch)
        return len(ids)

    def stale(self, timeout: timedelta) -> Self:
        """Unfinished batches of running sends with no word (queued or started) past the timeout."""
        return (
            self.filter(done=False, send__status=Send.Status.SENDING)
            .annotate(last_word=Greatest("queued_at", Coalesce("started_at", "queued_at")))
            .filter(last_word__lt=timezone.now() - timeout)
        )


class Batch(models.Model):
    """A range of deliveries handled by one task; the sweeper re-queues batches that stall."""

    send = models.ForeignKey(Send, on_delete=models.CASCADE, related_name="batches")
    first_id = models.BigIntegerField()
    last_id = models.BigIntegerField()
    done = models.BooleanField(default=False)
    queued_at = models.DateTimeField(default=timezone.now)
    # Stamped (and committed) when a worker takes the batch: a batch is stale when neither its
    # queueing nor its latest start is recent, so the sweeper leaves a running batch alone.
    started_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    # Runs in a row that could not reach the mail server; past a limit the send pauses.
    connection_failures = models.PositiveIntegerField(default=0)

    objects = BatchQuerySet.as_manager()

    class Meta:
        ordering = ["first_id"]
        indexes = [models.Index(fields=["done", "queued_at"])]

    def __str__(self) -> str:
        return f"{self.send_id}:{self.first_id}-{self.last_id}"

    def is_stale(self, timeout: timedelta) -> bool:
        last_word = max(self.queued_at, self.started_at or self.queued_at)
        return not self.done and last_word < timezone.now() - timeout


class DeliveryQuerySet(MovesQuerySet):
    def queued(self) -> Self:
        return self.filter(status=Delivery.Status.QUEUED)


class Delivery(Moves, models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped (unsubscribed or bounced before sending)"

    # A recipient waiting for a retry stays queued (with retry_after).
    MOVES = {Status.QUEUED: frozenset({Status.SENT, Status.FAILED, Status.SKIPPED})}

    send = models.ForeignKey(Send, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    email = models.EmailField(
        max_length=254, help_text="The address at the moment the send started."
    )
    status = models.CharField(max_length=20, choices=Status, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    retry_after = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField(max_length=250, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["send", "subscriber"], name="one_delivery_per_recipient"
            ),
        ]
        indexes = [models.Index(fields=["send", "status"])]

    def __str__(self) -> str:
        return f"{self.email} ({self.get_status_display()})"
