"""Sending an issue: schedule, fix the recipients, cut them into batches, send each batch over
one SMTP connection (crash-safe: every delivery is recorded), pause, resume, cancel, requeue
batches whose worker died, and test sends."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import batched

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, F, Min, OuterRef
from django.utils import timezone

from tasp.mail import send_templated_email

from . import engagement
from .delivering import Lease, Recorder, claim, open_sender, recipient_of, submit
from .models import (
    Batch,
    Delivery,
    Issue,
    Newsletter,
    Send,
    Subscriber,
    Subscription,
    backoff_seconds,
)
from .rendering import TEST_TOKEN, MimeTemplate, Recipient, RenderedIssue, new_message_id
from .transport import DeliveryError

logger = logging.getLogger(__name__)


class SendRefused(Exception):
    """A send that would repeat or cannot start; the message says why, for staff."""


@dataclass(frozen=True)
class Recipients:
    newsletter: Newsletter
    send: Send | None = None

    def queryset(self):
        active = Subscription.objects.filter(
            subscriber=OuterRef("pk"), newsletter=self.newsletter, unsubscribed_at__isnull=True
        )
        subscribers = Subscriber.objects.active().filter(Exists(active))
        if self.send is not None and self.send.is_segmented:
            chosen = Send.audience.through.objects.filter(
                send_id=self.send.pk, subscriber_id=OuterRef("pk")
            )
            subscribers = subscribers.filter(Exists(chosen))
        return subscribers


def count_recipients(newsletter: Newsletter) -> int:
    return Recipients(newsletter).queryset().count()


@transaction.atomic
def schedule_send(
    *,
    issue: Issue,
    newsletter: Newsletter,
    at=None,
    user=None,
    audience: Iterable[int] | None = None,
) -> Send:
    """Create the send (now or later); refuses a second send of one issue to one list.
    With an audience (subscriber ids), only those of the list's subscribers receive it."""
    if (
        Send.objects.filter(issue=issue, newsletter=newsletter)
        .exclude(status=Send.Status.CANCELLED)
        .exists()
    ):
        raise SendRefused(f"“{issue}” has already been sent or scheduled to {newsletter}.")
    try:
        with transaction.atomic():
            send = Send.objects.create(
                issue=issue,
                newsletter=newsletter,
                scheduled_at=at or timezone.now(),
                created_by=user,
                is_segmented=audience is not None,
            )
    except IntegrityError as error:  # two clicks at once: the constraint keeps one
        raise SendRefused(
            f"“{issue}” has already been sent or scheduled to {newsletter}."
        ) from error
    if audience is not None:
        Through = Send.audience.through
        Through.objects.bulk_create(
            [Through(send_id=send.pk, subscriber_id=pk) for pk in set(audience)], batch_size=2000
        )
    Issue.objects.filter(pk=issue.pk).move(Issue.Status.SCHEDULED)
    if at is None or at <= timezone.now():
        from .tasks import start_send_task

        start_send_task.delay_on_commit(send.pk)
    return send


def start_send(*, send_id: int) -> list[Batch]:
    """Fix the recipients (a Delivery row each, in bulk) and cut them into batches; idempotent."""
    batch_size = settings.NEWSLETTER_BATCH_SIZE
    with transaction.atomic():
        send = (
            Send.objects.select_for_update().select_related("issue", "newsletter").get(pk=send_id)
        )
        if send.status != Send.Status.SCHEDULED:
            return []
        rendered = RenderedIssue.render(send.issue, send.newsletter)
        if settings.NEWSLETTER_TRACKING:  # counted links and a pixel, made once for the send
            rendered = engagement.track(rendered, send=send)
        send.subject, send.html_template, send.text_template = (
            rendered.subject,
            rendered.html,
            rendered.text,
        )
        recipients = (
            Recipients(send.newsletter, send).queryset().order_by("pk").values_list("pk", "email")
        )
        ids = []
        # In chunks, so a worker's memory does not grow with the list (only the ids are kept).
        for chunk in batched(recipients.iterator(chunk_size=2000), 2000):
            created = Delivery.objects.bulk_create(
                [Delivery(send=send, subscriber_id=pk, email=email) for pk, email in chunk]
            )
            ids.extend(d.pk for d in created)
        ids.sort()
        batches = Batch.objects.bulk_create(
            [
                Batch(send=send, first_id=chunk[0], last_id=chunk[-1])
                for chunk in (ids[i : i + batch_size] for i in range(0, len(ids), batch_size))
            ]
        )
        send.save(update_fields=["subject", "html_template", "text_template", "tracked"])
        send.move_to(Send.Status.SENDING, started_at=timezone.now())
        Issue.objects.filter(pk=send.issue_id).move(Issue.Status.SENDING)
        if not batches:
            finish_send_if_done(send_id=send.pk)
        Batch.objects.filter(send=send).requeue()
    return batches


def send_batch(*, batch_id: int) -> None:
    """Send the queued deliveries of one batch under its lease; sent rows never go again.

    At-least-once: outcomes are recorded every few hundred messages (newsletters/delivering.py),
    so a worker killed mid-batch repeats at most what it sent since its last record, once its
    lease has run out and the sweeper has queued the batch again. A failure that is not about
    one recipient (the server refuses our sender or message, or cannot be reached) stops the
    batch with its remaining rows still queued and charges no one for it.
    """
    lease = Lease.take(batch_id)
    if lease is None:  # done, not running, or another worker is sending it
        return
    batch, now = lease.batch, timezone.now()
    send = batch.send
    template = MimeTemplate(
        RenderedIssue(send.subject, send.html_template, send.text_template),
        newsletter=send.newsletter,
        send_header=send.header_id,
        open_code=engagement.open_codes(send),
    )
    claimed = claim(batch, now=now)
    recorder = Recorder(lease=lease, message_id_sql=template.message_id_sql(), now=now)
    # Checked again now: someone who left after the send began gets nothing.
    recorder.skip([row for row in claimed if row.leaving])
    with open_sender() as sender:
        for row in claimed:
            if row.leaving:
                continue  # skipped above
            throttle()
            if not submit(sender, template, recipient_of(template, row), row):
                break  # the server stopped taking mail: the rest stay queued
            recorder.take(sender.done())
            if recorder.lost:
                break
    recorder.take(sender.done(), force=True)
    # The send's failures are counted after a run that failed someone, however it ended (the
    # count reads the whole send, so not after every batch).
    paused = recorder.failed_any and check_error_threshold(send)
    if recorder.lost:  # the lease ran out mid-batch and another worker has the batch now
        return
    if sender.stopped is not None:
        lease.release()
        if not paused:
            batch_stopped(batch=batch, send=send, error=sender.stopped, sent_any=recorder.sent_any)
        return
    after_batch(batch=batch, send=send, claimed_any=bool(claimed), paused=paused, lease=lease)


def batch_stopped(*, batch: Batch, send: Send, error: DeliveryError, sent_any: bool) -> None:
    """A batch that stopped for the server's sake, not a recipient's: its rows wait, queued.

    A permanent refusal of our sender or message pauses the send at once (retrying cannot help;
    staff must fix the mail settings). An unreachable server re-queues the batch with backoff and
    pauses the send after NEWSLETTER_MAX_CONNECTION_FAILURES runs in a row without getting
    through; resuming sends what is left.
    """
    said = str(error)[:90]
    if error.permanent:
        pause_send(
            send=send,
            tell_staff=True,
            reason=f"The mail server refused our messages ({said}). No recipient was marked "
            "failed: check the sending address and mail server settings, then resume.",
        )
        return
    # Runs in a row that got nothing through; one that sent something starts the count again.
    failures = 1 if sent_any else batch.connection_failures + 1
    limit = settings.NEWSLETTER_MAX_CONNECTION_FAILURES
    if failures >= limit:
        Batch.objects.filter(pk=batch.pk).update(connection_failures=failures)
        pause_send(
            send=send,
            tell_staff=True,
            reason=f"The mail server was unreachable or not taking mail {failures} times in a "
            f"row ({said}). No recipient was marked failed: resume once it is back.",
        )
        return
    Batch.objects.filter(pk=batch.pk).requeue(
        delay=backoff_seconds(failures), connection_failures=failures
    )


def throttle() -> None:
    """Hold to NEWSLETTER_MAX_RATE messages per second across all workers (ESP quotas)."""
    limit = settings.NEWSLETTER_MAX_RATE
    if not limit:
        return
    while True:
        second = int(time.time())
        key = f"newsletters:rate:{second}"
        cache.add(key, 0, timeout=5)
        if cache.incr(key) <= limit:
            return
        time.sleep(max(0.0, second + 1 - time.time()))


def after_batch(*, batch: Batch, send: Send, claimed_any: bool, paused: bool, lease: Lease) -> None:
    """Close the batch when none of its rows are left, else retry later when some wait (unless
    the send has just paused); the lease is given up either way."""
    left = (
        Delivery.objects.in_batch(batch)
        .queued()
        .aggregate(count=Count("pk"), due=Min("retry_after"))
    )
    if not left["count"]:
        lease.release(done=True, connection_failures=0)
        if not paused:
            finish_send_if_done(send_id=send.pk)
        return
    # The server answered this time (a run that got nowhere stopped in batch_stopped).
    lease.release(connection_failures=0 if claimed_any else batch.connection_failures)
    if paused:
        return
    due = left["due"]
    delay = max(0.0, (due - timezone.now()).total_seconds()) if due else 0.0
    Batch.objects.filter(pk=batch.pk).requeue(delay=delay)


def check_error_threshold(send: Send) -> bool:
    """Pause a send whose failures pass the threshold, and tell staff; True when paused.
    Skipped deliveries (people who left after the start) are not failures. Counted after a
    batch that failed someone: a send staff resume goes on until it fails someone again."""
    threshold = settings.NEWSLETTER_ERROR_THRESHOLD
    minimum = settings.NEWSLETTER_ERROR_MINIMUM
    progress = send.progress()
    attempted = progress["sent"] + progress["failed"]
    if progress["failed"] < minimum or progress["failed"] / max(attempted, 1) < threshold:
        return False
    pause_send(
        send=send,
        tell_staff=True,
        reason=f"Paused after {progress['failed']} failed deliveries out of {attempted}.",
        progress=progress,
    )
    return True


def pause_send(
    *, send: Send, reason: str = "Paused by staff.", tell_staff: bool = False, progress=None
) -> bool:
    """Pause a running send (staff's button, or the send itself when something is wrong, which
    tells staff once by email: ``tell_staff``). False when it was not running."""
    reason = reason[:250]
    if not Send.objects.filter(pk=send.pk).move(Send.Status.PAUSED, paused_reason=reason):
        return False
    if tell_staff:
        logger.warning("Send %s paused: %s", send.pk, reason)
        send_templated_email(
            "newsletters/send_paused",
            to=settings.STAFF_NOTIFICATION_EMAILS,
            context={"send": send, "reason": reason, "progress": progress or send.progress()},
        )
    return True


def finish_send_if_done(*, send_id: int) -> bool:
    if Batch.objects.filter(send_id=send_id, done=False).exists():
        return False
    if Send.objects.filter(pk=send_id).move(Send.Status.SENT, finished_at=timezone.now()):
        send = Send.objects.get(pk=send_id)
        Issue.objects.filter(pk=send.issue_id).move(Issue.Status.SENT)
        from .tasks import email_send_report_task

        email_send_report_task.delay_on_commit(send_id)  # staff hear how it went
    return True


@transaction.atomic
def cancel_send(*, send: Send) -> bool:
    """Call off a send that has not started (nobody has been sent anything); the issue may then
    be sent or scheduled again. False when it has already started."""
    if not Send.objects.filter(pk=send.pk).move(Send.Status.CANCELLED):
        return False
    still_going = (
        Send.objects.filter(issue_id=send.issue_id).exclude(status=Send.Status.CANCELLED).exists()
    )
    if not still_going:
        Issue.objects.filter(pk=send.issue_id).move(Issue.Status.DRAFT)
    return True


def resume_send(*, send: Send) -> None:
    with transaction.atomic():
        if not Send.objects.filter(pk=send.pk, status=Send.Status.PAUSED).move(
            Send.Status.SENDING, paused_reason=""
        ):
            return
        Batch.objects.filter(send=send, done=False).requeue(connection_failures=0)


def start_due_sends(now=None) -> int:
    from .tasks import start_send_task

    due = list(Send.objects.due(now).values_list("pk", flat=True))
    for send_id in due:
        start_send_task.delay(send_id)
    return len(due)


def requeue_stale_batches() -> int:
    """The sweeper (beat, every NEWSLETTER_SWEEP_SECONDS): the database says what remains to
    send, and this rings the broker again for batches nobody is sending.

    Two kinds: a batch whose lease ran out (its worker died or stalled: the lease is cleared and
    it goes back on the queue; what its worker recorded as sent never goes again), and a batch
    due and not leased for a lease's length while nobody holds a lease on its send (its task
    was lost, e.g. with the broker's memory). A task that finds its batch leased or done leaves
    it, so ringing twice costs a query, never a message.
    """
    return Batch.objects.unattended().requeue(
        attempts=F("attempts") + 1, lease_until=None, lease_token=""
    )


def send_test(*, issue: Issue, newsletter: Newsletter, emails: list[str]) -> None:
    """Send the issue, marked as a test, to any addresses (subscribed or not); no Delivery rows."""
    rendered = RenderedIssue.render(issue, newsletter, test=True)
    template = MimeTemplate(
        rendered, newsletter=newsletter, send_header=f"tasp-test-{issue.pk}", test=True
    )
    with open_sender(connections=1) as sender:
        for email in emails:
            subscriber = Subscriber.objects.filter(email__iexact=email).first()
            # Never a subscriber's own links: following a test's changes nothing.
            recipient = Recipient(
                email=email,
                name=subscriber.name if subscriber else "",
                token=TEST_TOKEN,
                message_id=new_message_id(template.domain),
            )
            if not submit(sender, template, recipient, email):
                break
    failures = [outcome.error for outcome in sender.done() if outcome.error is not None]
    if sender.stopped is not None or failures:
        raise sender.stopped or failures[0]
