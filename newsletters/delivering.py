"""Handing one batch's messages over: several mail-server connections at once, under a lease.

A batch is sent by whoever holds its lease (``Lease.take``): a committed stamp, renewed while
the batch runs, that runs out ``NEWSLETTER_BATCH_LEASE`` seconds after the holder last wrote.
A worker that dies leaves a lease that runs out; the sweeper (``sending.requeue_stale_batches``)
then queues the batch again and another worker takes it. Another worker never sends a batch
whose lease is live, so never a row someone else is sending.

Within a batch, messages are built in the calling thread and sent by ``ConcurrentSender``'s
threads, each with a connection of its own (``NEWSLETTER_SMTP_CONNECTIONS`` to an SMTP server;
one to any other email backend), so the wait for one server reply overlaps the others. The
threads only write to sockets; the calling thread records outcomes (``Recorder``) every few
hundred messages or seconds, in short transactions, and renews the lease as it does. A worker
killed mid-batch repeats at most what it sent since its last record.
"""

from __future__ import annotations

import queue
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from .models import Batch, Delivery, Send, Subscriber, backoff_seconds
from .rendering import MimeTemplate, Recipient
from .subscriptions import suppress
from .transport import SMTP_BACKEND, DeliveryError, open_transport

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


@dataclass
class Outcome:
    delivery: Delivery
    error: DeliveryError | None = None


class ConcurrentSender:
    """Threads that each hold a connection and send what ``submit`` is given, in any order.

    ``stopped`` holds the first error that is not about a recipient (no server, our sender
    refused): from then on nothing more is sent, and what was waiting stays unsent.
    """

    def __init__(self, connections: int):
        self.connections = connections
        self.jobs: queue.Queue = queue.Queue(maxsize=connections * 4)
        self.outcomes: queue.SimpleQueue = queue.SimpleQueue()
        self.stop = threading.Event()
        self.stopped: DeliveryError | None = None
        self.threads = [
            threading.Thread(target=self._run, name=f"smtp-{n}", daemon=True)
            for n in range(connections)
        ]

    def __enter__(self) -> ConcurrentSender:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        for _ in self.threads:
            self.jobs.put(None)
        for thread in self.threads:
            thread.join()

    def submit(self, delivery: Delivery, send_one) -> bool:
        """Queue ``send_one(transport)`` for ``delivery``; False once sending has stopped."""
        while not self.stop.is_set():
            try:
                self.jobs.put((delivery, send_one), timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def done(self) -> list[Outcome]:
        """The outcomes that came in since the last call."""
        outcomes = []
        while True:
            try:
                outcomes.append(self.outcomes.get_nowait())
            except queue.Empty:
                return outcomes

    def _halt(self, error: DeliveryError) -> None:
        if self.stopped is None:
            self.stopped = error
        self.stop.set()

    def _run(self) -> None:
        try:
            with open_transport() as transport:
                while (job := self.jobs.get()) is not None:
                    delivery, send_one = job
                    if self.stop.is_set():
                        continue  # left queued, untouched
                    try:
                        send_one(transport)
                    except DeliveryError as error:
                        if error.stops_batch:
                            self._halt(error)
                        else:
                            self.outcomes.put(Outcome(delivery, error))
                    else:
                        self.outcomes.put(Outcome(delivery))
        except DeliveryError as error:  # the backend's connection could not be opened
            self._halt(error)
            while self.jobs.get() is not None:  # let the caller's submit and exit finish
                pass


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
        self.lost = False
        self.last = time.monotonic()

    def skip(self, deliveries: list[Delivery]) -> None:
        """People who left after the send began: they get nothing, and the report says why."""
        for delivery in deliveries:
            delivery.set_status(Delivery.Status.SKIPPED)
            delivery.last_error = skip_reason(delivery)
        self.done.extend(deliveries)

    def take(self, outcomes: list[Outcome], *, force: bool = False) -> None:
        for outcome in outcomes:
            if outcome.error is None:
                self.sent_ids.append(outcome.delivery.pk)
            else:
                record_failure(
                    outcome.delivery, outcome.error, now=self.now, max_attempts=self.max_attempts
                )
                self.done.append(outcome.delivery)
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


def skip_reason(delivery: Delivery) -> str:
    """Why someone on the list when the send began was not sent it, in staff's words."""
    now = Subscriber.Status(delivery.subscriber.status)
    if now == Subscriber.Status.ACTIVE:
        return "Left this list after the send began"
    if now == Subscriber.Status.UNSUBSCRIBED:
        return "Unsubscribed from everything after the send began"
    return f"Address marked {now.label.lower()} after the send began"


def message_for(template: MimeTemplate, delivery: Delivery):
    """What a sender thread runs for one delivery: the message is built here, in the calling
    thread (it reads the subscriber, already loaded), and only handed over there."""
    subscriber = delivery.subscriber
    recipient = Recipient(
        email=delivery.email,
        name=subscriber.name,
        token=subscriber.token,
        unsubscribe_token=subscriber.unsubscribe_token(template.newsletter.pk),
        message_id=template.message_id_for(delivery.pk),
    )
    if settings.EMAIL_BACKEND == SMTP_BACKEND:
        message, sender = template.build(recipient), template.newsletter.from_email
        return lambda transport: transport.send(
            from_email=sender, to=recipient.email, message=message
        )
    email = template.build_email(recipient)
    return lambda transport: transport.send(message=email)


def connections() -> int:
    """How many connections a batch sends over at once."""
    if settings.EMAIL_BACKEND == SMTP_BACKEND:
        return max(1, settings.NEWSLETTER_SMTP_CONNECTIONS)
    return 1  # an ESP's API or a test outbox: one connection, messages in order
