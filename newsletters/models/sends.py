"""Sending an issue to a list: the send, its batches and one delivery per recipient."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Self

from django.conf import settings
from django.db import models, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from tasp.states import Moves, MovesQuerySet

from .content import Issue, Newsletter
from .subscribers import Subscriber


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
    # Set when the send starts with NEWSLETTER_TRACKING on: its email then carries a pixel and
    # counted links, and its report shows opens and clicks (newsletters/engagement.py).
    tracked = models.BooleanField("opens and clicks counted", default=False, editable=False)

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
        from ..tasks import send_batch_task

        ids = list(self.values_list("pk", flat=True))
        Batch.objects.filter(pk__in=ids).update(
            queued_at=timezone.now() + timedelta(seconds=delay), **fields
        )

        def dispatch():
            for pk in ids:
                send_batch_task.apply_async((pk,), countdown=delay or None)

        transaction.on_commit(dispatch)
        return len(ids)

    def unattended(self, now=None) -> Self:
        """Unfinished batches of running sends that nobody is sending and nothing will bring
        back: a lease that ran out, or due (queued a lease's length ago) with no lease while no
        batch of the send holds a live one."""
        now = now or timezone.now()
        length = timedelta(seconds=settings.NEWSLETTER_BATCH_LEASE)
        busy = Batch.objects.filter(send=OuterRef("send"), lease_until__gte=now)
        return self.filter(done=False, send__status=Send.Status.SENDING).filter(
            Q(lease_until__lt=now)
            | Q(lease_until__isnull=True, queued_at__lt=now - length) & ~Exists(busy)
        )


class Batch(models.Model):
    """A range of deliveries sent by one worker at a time, under a lease."""

    send = models.ForeignKey(Send, on_delete=models.CASCADE, related_name="batches")
    first_id = models.BigIntegerField()
    last_id = models.BigIntegerField()
    done = models.BooleanField(default=False)
    queued_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    # Who is sending it, until when (newsletters/delivering.py): renewed while it runs; once it
    # has run out, the sweeper queues the batch again.
    lease_until = models.DateTimeField(null=True, blank=True)
    lease_token = models.CharField(max_length=32, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    # Runs in a row that could not reach the mail server; past a limit the send pauses.
    connection_failures = models.PositiveIntegerField(default=0)

    objects = BatchQuerySet.as_manager()

    class Meta:
        ordering = ["first_id"]
        indexes = [models.Index(fields=["done", "queued_at"])]

    def __str__(self) -> str:
        return f"{self.send_id}:{self.first_id}-{self.last_id}"


class DeliveryQuerySet(MovesQuerySet):
    def queued(self) -> Self:
        return self.filter(status=Delivery.Status.QUEUED)

    def in_batch(self, batch: Batch) -> Self:
        return self.filter(send=batch.send_id, pk__range=(batch.first_id, batch.last_id))

    def due(self, now: datetime) -> Self:
        """Not waiting for a retry later than ``now``."""
        return self.filter(Q(retry_after__isnull=True) | Q(retry_after__lte=now))


class Delivery(Moves, models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped (unsubscribed or bounced before sending)"

    # A recipient waiting for a retry stays queued (with retry_after).
    MOVES = {Status.QUEUED: frozenset({Status.SENT, Status.FAILED, Status.SKIPPED})}

    # No index of its own: the two below start with it.
    send = models.ForeignKey(
        Send, on_delete=models.CASCADE, related_name="deliveries", db_index=False
    )
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
    # The address was refused for good: a "no such mailbox" reply to this message, or an ESP's
    # bounce report after it was sent. The subscriber is suppressed either way.
    bounced = models.BooleanField(default=False)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["send", "subscriber"], name="one_delivery_per_recipient"
            ),
        ]
        # A send's counts by status, and a batch's queued rows (an id range) without reading
        # the rest of the send's queue: a batch costs the same at 1,000 readers or 1,000,000.
        indexes = [models.Index(fields=["send", "status", "id"], name="delivery_send_status_id")]

    def __str__(self) -> str:
        return f"{self.email} ({self.get_status_display()})"
