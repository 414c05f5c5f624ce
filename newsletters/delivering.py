"""Handing one batch's messages over: several mail-server connections at once, under a lease.

A batch is sent by whoever holds its lease (``Lease.take``): a committed stamp, renewed while
the batch runs, that runs out ``NEWSLETTER_BATCH_LEASE`` seconds after the holder last wrote.
A worker that dies leaves a lease that runs out; the sweeper (``sending.requeue_stale_batches``)
then queues the batch again and another worker takes it. Another worker never sends a batch
whose lease is live, so never a row someone else is sending.

Within a batch, one thread builds each message and hands it to the sender (``open_sender``):
``NEWSLETTER_SMTP_CONNECTIONS`` pipelined connections to an SMTP server driven together
(newsletters/pipelining.py), or one connection to any other email backend. The same thread
records outcomes (``Recorder``) every few hundred messages or seconds, in short transactions,
and renews the lease as it does. A worker killed mid-batch repeats at most what it sent since
its last record.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from .models import Batch, Delivery, Send, Subscriber, Subscription, backoff_seconds
from .pipelining import PipelinedSMTP
from .rendering import MimeTemplate, Recipient
from .subscriptions import suppress
from .transport import SMTP_BACKEND, BackendSender, DeliveryError, Outcome

RECORD_EVERY_MESSAGES = 250
RECORD_EVERY_SECONDS = 2.0


@dataclass
class Lease:
    batch: Batch
    token: str
    renewed: float = field(default_factory=time.monotonic)

    @classmethod
    def take(cls, batch_id: int) -> Lease | None:
        """The batch's lease, or None when it is done, its send is not running, or another
        worker's lease on it is live."""
        now = timezone.now()
        token = uuid.uuid4().hex
        taken = (
            Batch.objects.filter(pk=batch_id, done=False, send__status=Send.Status.SENDING)
            .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
            .update(lease_until=now + lease_length(), lease_token=token, started_at=now)
        )
        if not taken:
            return None
        batch = Batch.objects.select_related("send__newsletter").get(pk=batch_id)
        return cls(batch=batch, token=token)

    def renew(self) -> bool:
        """Stretch the lease if a third of it has gone; False when it was lost (it ran out and
        another worker took the batch): the holder must stop sending."""
        if time.monotonic() - self.renewed < lease_length().total_seconds() / 3:
            return True
        self.renewed = time.monotonic()
        return bool(
            Batch.objects.filter(pk=self.batch.pk, lease_token=self.token).update(
                lease_until=timezone.now() + lease_length()
            )
        )

    def release(self, **fields) -> None:
        Batch.objects.filter(pk=self.batch.pk, lease_token=self.token).update(
            lease_until=None, lease_token="", **fields
        )


def lease_length() -> timedelta:
    return timedelta(seconds=settings.NEWSLETTER_BATCH_LEASE)


@dataclass(slots=True, frozen=True)
class Queued:
    """One queued delivery of a batch as read for sending: a row's values, not a Delivery and
    a Subscriber instance per message."""

    pk: int
    email: str
    attempts: int
    subscriber_id: int
    name: str
    subscriber_status: str
    still_subscribed: bool

    FIELDS = (
        "pk",
        "email",
        "attempts",
        "subscriber_id",
        "subscriber__name",
        "subscriber__status",
        "still_subscribed",
    )

    @property
    def leaving(self) -> bool:
        """Left the list, or stopped getting mail, after the send began."""
        return self.subscriber_status != Subscriber.Status.ACTIVE or not self.still_subscribed

    def delivery(self) -> Delivery:
        """The row as a model instance, for recording what became of it."""
        return Delivery(
            pk=self.pk,
            email=self.email,
            attempts=self.attempts,
            subscriber_id=self.subscriber_id,
            status=Delivery.Status.QUEUED,
        )


def claim(batch: Batch, *, now: datetime) -> list[Queued]:
    """The batch's deliveries to send now: queued, and due if they wait for a retry."""
    subscribed = Subscription.objects.filter(
        subscriber=OuterRef("subscriber_id"),
        newsletter=batch.send.newsletter_id,
        unsubscribed_at__isnull=True,
    )
    rows = (
        Delivery.objects.in_batch(batch)
        .queued()
        .due(now)
        .annotate(still_subscribed=Exists(subscribed))
        .order_by("pk")
        .values_list(*Queued.FIELDS)
    )
    return [Queued(*row) for row in rows]


class Recorder:
    """Writes outcomes as they come: sent rows in one UPDATE, failures in one bulk update."""

    def __init__(self, *, lease: Lease, message_id_sql, now):
        self.lease = lease
        self.message_id_sql = message_id_sql
        self.now = now
        self.max_attempts = settings.NEWSLETTER_MAX_ATTEMPTS
        self.sent_ids: list[int] = []
        self.done: list[Delivery] = []
        self.sent_any = False
        self.failed_any = False  # a delivery charged with a failure (not a skip)
        self.lost = False
        self.last = time.monotonic()

    def skip(self, rows: list[Queued]) -> None:
        """People who left after the send began: they get nothing, and the report says why."""
        for row in rows:
            delivery = row.delivery()
            delivery.set_status(Delivery.Status.SKIPPED)
            delivery.last_error = skip_reason(row.subscriber_status)
            self.done.append(delivery)

    def take(self, outcomes: list[Outcome], *, force: bool = False) -> None:
        for outcome in outcomes:
            if outcome.error is None:
                self.sent_ids.append(outcome.item.pk)
            else:
                delivery = outcome.item.delivery()
                self.failed_any = True
                record_failure(
                    delivery, outcome.error, now=self.now, max_attempts=self.max_attempts
                )
                self.done.append(delivery)
        pending = len(self.sent_ids) + len(self.done)
        if force or (
            pending
            and (
                pending >= RECORD_EVERY_MESSAGES
                or time.monotonic() - self.last >= RECORD_EVERY_SECONDS
            )
        ):
            self.flush()

    def flush(self) -> None:
        self.last = time.monotonic()
        if self.sent_ids:  # one UPDATE for every message sent; Message-IDs follow from the ids
            Delivery.objects.filter(pk__in=self.sent_ids).move(
                Delivery.Status.SENT,
                sent_at=timezone.now(),
                attempts=F("attempts") + 1,
                message_id=self.message_id_sql,
            )
            self.sent_any = True
            self.sent_ids = []
        if self.done:  # failures and skips: few, so a bulk update is cheap
            Delivery.objects.bulk_update(
                self.done, ["status", "attempts", "last_error", "retry_after", "bounced"]
            )
            self.done = []
        if not self.lease.renew():
            self.lost = True


def record_failure(delivery: Delivery, error: DeliveryError, *, now, max_attempts) -> None:
    delivery.attempts += 1
    delivery.last_error = str(error)[:500]
    if error.permanent or delivery.attempts >= max_attempts:
        delivery.set_status(Delivery.Status.FAILED)
        delivery.retry_after = None
        if error.hard_bounce:
            delivery.bounced = True
            suppress(email=delivery.email, status=Subscriber.Status.BOUNCED)
    else:
        delivery.retry_after = now + timedelta(seconds=backoff_seconds(delivery.attempts))


def skip_reason(subscriber_status: str) -> str:
    """Why someone on the list when the send began was not sent it, in staff's words."""
    now = Subscriber.Status(subscriber_status)
    if now == Subscriber.Status.ACTIVE:
        return "Left this list after the send began"
    if now == Subscriber.Status.UNSUBSCRIBED:
        return "Unsubscribed from everything after the send began"
    return f"Address marked {now.label.lower()} after the send began"


def open_sender(connections: int | None = None):
    """The way out for one batch (or a test email): several pipelined connections to an SMTP
    server, or the configured email backend (an ESP's API, a test outbox) one message at a
    time."""
    if settings.EMAIL_BACKEND == SMTP_BACKEND:
        return PipelinedSMTP(connections or settings.NEWSLETTER_SMTP_CONNECTIONS)
    return BackendSender()


def submit(sender, template: MimeTemplate, recipient: Recipient, item) -> bool:
    """Build one recipient's message in the form ``sender`` takes and hand it over."""
    if sender.raw:
        return sender.submit(
            item,
            sender=template.newsletter.from_email,
            recipient=recipient.email,
            data=template.build(recipient),
        )
    return sender.submit(item, message=template.build_email(recipient))


def recipient_of(template: MimeTemplate, row: Queued) -> Recipient:
    return Recipient(
        email=row.email,
        name=row.name,
        token=Subscriber.token_for(row.subscriber_id),
        unsubscribe_token=Subscriber.unsubscribe_token_for(
            row.subscriber_id, template.newsletter.pk
        ),
        message_id=template.message_id_for(row.pk),
    )
