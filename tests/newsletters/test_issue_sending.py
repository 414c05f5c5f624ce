import pytest
from django.core import mail

from newsletters import sending, subscriptions
from newsletters.models import Delivery, Issue, Send, Subscriber, Subscription
from tests.newsletters.factories import (
    IssueFactory,
    NewsletterFactory,
    SubscriberFactory,
    started_send,
    subscribe,
)

pytestmark = pytest.mark.django_db


def run_send(send, django_capture_on_commit_callbacks):
    """What the workers do, in this process: start the send, then each batch."""
    batches = sending.start_send(send_id=send.pk)
    for batch in batches:
        sending.send_batch(batch_id=batch.pk)
    send.refresh_from_db()
    return batches


def test_a_send_reaches_every_active_subscriber_once_and_no_one_else(
    newsletter, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.NEWSLETTER_BATCH_SIZE = 3
    readers = subscribe(newsletter, 7)
    subscribe(newsletter, 1, status=Subscriber.Status.PENDING)
    subscribe(newsletter, 1, status=Subscriber.Status.UNSUBSCRIBED)
    left = subscribe(newsletter, 1)[0]
    Subscription.objects.filter(subscriber=left).update(unsubscribed_at="2026-01-01T00:00Z")
    SubscriberFactory()  # active, but not on this list
    issue = IssueFactory(newsletter=newsletter)
    send = Send.objects.create(issue=issue, newsletter=newsletter)

    batches = run_send(send, django_capture_on_commit_callbacks)

    assert len(batches) == 3
    assert sorted(m.to[0].split("<")[-1].rstrip(">") for m in mailoutbox) == sorted(
        r.email for r in readers
    )
    assert send.status == Send.Status.SENT
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT
    assert set(send.deliveries.values_list("status", flat=True)) == {Delivery.Status.SENT}


def test_running_a_batch_again_never_resends(newsletter, mailoutbox):
    subscribe(newsletter, 4)
    send = Send.objects.create(issue=IssueFactory(newsletter=newsletter), newsletter=newsletter)
    (batch,) = sending.start_send(send_id=send.pk)
    sending.send_batch(batch_id=batch.pk)
    send.status = Send.Status.SENDING  # even if something reopened it
    send.save()

    sending.send_batch(batch_id=batch.pk)

    assert len(mailoutbox) == 4


def test_someone_who_unsubscribes_after_the_start_gets_nothing(newsletter, mailoutbox):
    stays, leaves = subscribe(newsletter, 2)
    send = Send.objects.create(issue=IssueFactory(newsletter=newsletter), newsletter=newsletter)
    (batch,) = sending.start_send(send_id=send.pk)

    subscriptions.unsubscribe(subscriber=leaves)
    sending.send_batch(batch_id=batch.pk)

    assert [m.to for m in mailoutbox] == [[f"{stays.name} <{stays.email}>"]]
    assert Delivery.objects.get(subscriber=leaves).status == Delivery.Status.SKIPPED


def test_messages_carry_list_headers_and_both_parts(newsletter, mailoutbox):
    (reader,) = subscribe(newsletter, 1)
    send = Send.objects.create(
        issue=IssueFactory(newsletter=newsletter, title="Newsletter - Spring 2020"),
        newsletter=newsletter,
    )
    (batch,) = sending.start_send(send_id=send.pk)
    sending.send_batch(batch_id=batch.pk)

    (message,) = mailoutbox
    headers = message.extra_headers
    assert message.subject == "Newsletter - Spring 2020"
    # The unsubscribe link names this list: it leaves this list, not every list.
    unsubscribe_url = (
        f"http://127.0.0.1:8000/newsletters/unsubscribe/{reader.unsubscribe_token(newsletter.pk)}/"
    )
    assert headers["List-Unsubscribe"] == f"<{unsubscribe_url}>"
    assert f"List-Unsubscribe: <{unsubscribe_url}>" in (
        message.message().as_string()
    )  # one line, as mail clients parse it, not folded into encoded words
    assert unsubscribe_url in message.body
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert headers["List-Id"] == "TASP Newsletter <tasp-newsletter.tasp.example.org>"
    assert headers["Auto-Submitted"] == "auto-generated"
    assert headers["X-TASP-Send"] == f"tasp-send-{send.pk}"
    assert headers["Feedback-ID"] == f"tasp-send-{send.pk}:{newsletter.slug}:tasp"
    assert headers["Message-ID"] == Delivery.objects.get().message_id
    html = message.alternatives[0][0]
    assert "View this email in your browser" in html and "Why did I get this?" in html
    assert f"/newsletters/preferences/{reader.token}/" in html
    assert 'style="' in html  # CSS inlined
    assert f"Dear {reader.name}," in message.body and "Unsubscribe: http" in message.body


def test_an_issue_cannot_be_sent_twice_to_a_list(newsletter, django_capture_on_commit_callbacks):
    issue = IssueFactory(newsletter=newsletter)
    sending.schedule_send(issue=issue, newsletter=newsletter)

    with pytest.raises(sending.SendRefused, match="already been sent"):
        sending.schedule_send(issue=issue, newsletter=newsletter)
    assert Send.objects.count() == 1


def test_scheduled_sends_start_when_due(newsletter, django_capture_on_commit_callbacks, tasks):
    from datetime import timedelta

    from django.utils import timezone

    from newsletters.tasks import start_send_task

    started = tasks.view(start_send_task.name, lambda task: task.args[0])
    later = timezone.now() + timedelta(hours=2)
    send = sending.schedule_send(
        issue=IssueFactory(newsletter=newsletter), newsletter=newsletter, at=later
    )

    assert sending.start_due_sends() == 0
    assert sending.start_due_sends(now=later + timedelta(seconds=1)) == 1
    assert started == [send.pk]


def test_the_sweeper_queues_again_a_batch_whose_lease_ran_out(
    newsletter, tasks, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from newsletters.delivering import Lease
    from newsletters.models import Batch
    from newsletters.tasks import send_batch_task

    subscribe(newsletter, 2)
    send = Send.objects.create(issue=IssueFactory(newsletter=newsletter), newsletter=newsletter)
    (batch,) = sending.start_send(send_id=send.pk)
    tasks.queued.clear()
    queued = tasks.view(send_batch_task.name, lambda task: task.args[0])
    assert Lease.take(batch.pk) is not None  # a worker is sending it
    assert Lease.take(batch.pk) is None  # so no other worker may

    assert sending.requeue_stale_batches() == 0
    # The worker died: nobody renews the lease, and it runs out.
    Batch.objects.filter(pk=batch.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert sending.requeue_stale_batches() == 1
    assert queued == [batch.pk]
    assert Batch.objects.get(pk=batch.pk).lease_until is None
    assert Lease.take(batch.pk) is not None  # the next worker takes it


def test_a_paused_send_sends_nothing_until_resumed(
    newsletter, mailoutbox, django_capture_on_commit_callbacks
):
    subscribe(newsletter, 2)
    send = Send.objects.create(issue=IssueFactory(newsletter=newsletter), newsletter=newsletter)
    (batch,) = sending.start_send(send_id=send.pk)
    sending.pause_send(send=send)

    sending.send_batch(batch_id=batch.pk)
    assert mailoutbox == []

    sending.resume_send(send=send)
    sending.send_batch(batch_id=batch.pk)
    assert len(mailoutbox) == 2


def test_rich_text_is_sanitised():
    issue = IssueFactory(
        welcome='<p onclick="x()">Hi<script>alert(1)</script> <a href="javascript:evil()">x</a></p>'
    )

    assert (
        "script" not in issue.welcome
        and "onclick" not in issue.welcome
        and "javascript" not in issue.welcome
    )
    assert issue.welcome_text.startswith("Hi")


def test_test_sends_are_marked_and_leave_no_deliveries(newsletter):
    issue = IssueFactory(newsletter=newsletter)

    sending.send_test(issue=issue, newsletter=newsletter, emails=["editor@example.com"])

    assert mail.outbox[0].subject.startswith("[TEST] ")
    assert Delivery.objects.count() == 0


@pytest.mark.parametrize(
    "readers, left_queued",
    [(4, 0), (6, 2)],
    ids=["every message refused", "four refused, then the server went away"],
)
def test_a_send_pauses_itself_past_the_error_threshold_and_tells_staff(
    newsletter, settings, monkeypatch, django_capture_on_commit_callbacks, readers, left_queued
):
    """A batch that stops for the server's sake has what it failed before counted too: its next
    run might fail nobody, and the send would finish past the threshold unseen."""
    from newsletters import transport

    settings.NEWSLETTER_ERROR_MINIMUM = 3
    settings.NEWSLETTER_ERROR_THRESHOLD = 0.5
    _, send, batch = started_send(newsletter, readers)
    tried = []

    def refuse_four_then_drop(self, *, message):
        tried.append(message)
        if len(tried) <= 4:
            raise transport.DeliveryError(554, "Transaction failed")
        raise transport.DeliveryError(
            None, "Connection dropped", stage=transport.DeliveryError.Stage.CONNECTION
        )

    monkeypatch.setattr(transport.BackendSender, "send", refuse_four_then_drop)
    with django_capture_on_commit_callbacks() as callbacks:
        sending.send_batch(batch_id=batch.pk)

    send.refresh_from_db()
    assert send.status == Send.Status.PAUSED
    assert "4 failed deliveries out of 4" in send.paused_reason
    assert len(callbacks) == 1  # the staff alert, queued; the batch is not queued again
    assert send.deliveries.filter(status=Delivery.Status.FAILED).count() == 4
    assert send.deliveries.filter(status=Delivery.Status.QUEUED).count() == left_queued


def test_the_rate_limit_holds_messages_per_second(settings, monkeypatch):
    settings.NEWSLETTER_MAX_RATE = 2
    now = [1000.2]
    slept = []
    monkeypatch.setattr(sending.time, "time", lambda: now[0])

    def sleep(seconds):
        slept.append(seconds)
        now[0] += seconds

    monkeypatch.setattr(sending.time, "sleep", sleep)
    for _ in range(5):
        sending.throttle()

    assert len(slept) == 2  # messages 3 and 5 each waited for the next second


def test_people_who_left_after_the_start_are_skipped_not_failed(
    newsletter, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.NEWSLETTER_ERROR_MINIMUM = 2
    settings.NEWSLETTER_ERROR_THRESHOLD = 0.5
    subscribe(newsletter, 1)
    leavers = subscribe(newsletter, 3)
    send = Send.objects.create(issue=IssueFactory(newsletter=newsletter), newsletter=newsletter)
    (batch,) = sending.start_send(send_id=send.pk)
    for leaver in leavers:
        subscriptions.unsubscribe(subscriber=leaver)

    with django_capture_on_commit_callbacks() as callbacks:
        sending.send_batch(batch_id=batch.pk)

    send.refresh_from_db()
    assert send.status == Send.Status.SENT
    # No pause and no alert: only the report that the send has finished.
    assert [c.func.__self__.name for c in callbacks] == ["newsletters.tasks.email_send_report_task"]
    progress = send.progress()
    assert (progress["sent"], progress["failed"], progress["skipped"]) == (1, 0, 3)
    assert progress["remaining"] == 0 and progress["percent"] == 100


def test_the_sweeper_rings_again_for_batches_lost_with_the_broker_once_nobody_is_sending(
    newsletter, settings, tasks, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from newsletters.delivering import Lease
    from newsletters.models import Batch
    from newsletters.tasks import send_batch_task

    settings.NEWSLETTER_BATCH_SIZE = 1
    subscribe(newsletter, 2)
    send = Send.objects.create(issue=IssueFactory(newsletter=newsletter), newsletter=newsletter)
    first, second = sending.start_send(send_id=send.pk)
    tasks.queued.clear()
    queued = tasks.view(send_batch_task.name, lambda task: task.args[0])
    assert sending.requeue_stale_batches() == 0  # just queued: its task is on its way

    # Queued a while ago and never taken: its task went with the broker. While another batch of
    # the send is being sent, the workers are busy, not idle: wait.
    long_ago = timezone.now() - timedelta(seconds=settings.NEWSLETTER_BATCH_LEASE + 1)
    Batch.objects.filter(send=send).update(queued_at=long_ago)
    lease = Lease.take(first.pk)
    assert sending.requeue_stale_batches() == 0
    lease.release(done=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert sending.requeue_stale_batches() == 1
    assert queued == [second.pk]
    assert sending.requeue_stale_batches() == 0  # rung once a lease's length


def test_sending_stamps_the_batch_when_it_starts(newsletter, mailoutbox):
    from newsletters.models import Batch

    subscribe(newsletter, 1)
    send = Send.objects.create(issue=IssueFactory(newsletter=newsletter), newsletter=newsletter)
    (batch,) = sending.start_send(send_id=send.pk)
    assert batch.started_at is None

    sending.send_batch(batch_id=batch.pk)

    assert Batch.objects.get(pk=batch.pk).started_at is not None


@pytest.mark.django_db(transaction=True)
def test_a_second_task_for_a_running_batch_leaves_it_to_the_first(monkeypatch, tasks):
    """The sweeper's (or any) duplicate finds the batch leased by the running worker: it neither
    sends its rows nor re-queues itself (which would spin until the first one finished)."""
    import threading

    from django.db import connection

    from newsletters import transport
    from newsletters.tasks import send_batch_task

    newsletter = NewsletterFactory()
    subscribe(newsletter, 3)
    send = Send.objects.create(issue=IssueFactory(newsletter=newsletter), newsletter=newsletter)
    (batch,) = sending.start_send(send_id=send.pk)
    tasks.queued.clear()  # the batch's first run
    requeued = tasks.view(send_batch_task.name, lambda task: task.countdown)

    in_flight, release = threading.Event(), threading.Event()
    original = transport.BackendSender.send
    sent_by = []

    def slow_send(self, *, message):
        in_flight.set()
        release.wait(timeout=20)  # the first worker is in the middle of its batch
        sent_by.append(first_worker_thread.name)
        original(self, message=message)

    monkeypatch.setattr(transport.BackendSender, "send", slow_send)

    def first_worker():
        try:
            sending.send_batch(batch_id=batch.pk)
        finally:
            connection.close()

    worker = first_worker_thread = threading.Thread(target=first_worker, name="first-worker")
    worker.start()
    try:
        assert in_flight.wait(timeout=20)
        sending.send_batch(batch_id=batch.pk)  # the duplicate, while the first one sends
        assert requeued == [] and sent_by == []
    finally:
        release.set()
        worker.join(timeout=30)

    send.refresh_from_db()
    assert send.status == Send.Status.SENT
    assert sent_by == ["first-worker"] * 3 and len(mail.outbox) == 3


def test_a_name_with_line_breaks_cannot_add_headers():
    from email import message_from_bytes, policy

    from newsletters.rendering import MimeTemplate, Recipient, RenderedIssue

    newsletter = NewsletterFactory()
    template = MimeTemplate(
        RenderedIssue("Subject", "<p>Dear %%TASP_NAME%%</p>", "Dear %%TASP_NAME%%"),
        newsletter=newsletter,
        send_header="tasp-send-1",
    )
    personal = {
        "email": "eve@example.org",
        "name": "Eve\r\nBcc: victim@example.com",
        "token": "t",
        "message_id": "<1@tasp.example.org>",
    }

    raw = template.build(Recipient(**personal))
    built = template.build_email(Recipient(**personal)).message()

    for message in (message_from_bytes(raw, policy=policy.default), built):
        assert message["Bcc"] is None
        assert "\n" not in str(message["To"]) and "eve@example.org" in str(message["To"])
    assert b"\r\nBcc:" not in raw


# A batch's queries, whatever its size: take its lease, load it, read its rows, one UPDATE for
# every message sent (a record every few hundred), count what is left, close the batch and give
# up the lease, then finish the send and its issue (four). The send's failures are counted only
# after a batch that failed someone. Someone who left after the start adds one bulk update for
# all the skipped.
BATCH_QUERY_BUDGET = 10


@pytest.mark.parametrize("size", [1, 50])
def test_a_batch_costs_the_same_queries_for_one_recipient_as_for_fifty(
    newsletter, settings, size, django_assert_num_queries
):
    settings.NEWSLETTER_BATCH_SIZE = 100
    subscribe(newsletter, size)
    send = Send.objects.create(issue=IssueFactory(newsletter=newsletter), newsletter=newsletter)
    (batch,) = sending.start_send(send_id=send.pk)

    with django_assert_num_queries(BATCH_QUERY_BUDGET):
        sending.send_batch(batch_id=batch.pk)

    assert send.deliveries.filter(status="sent").count() == size


def test_skipped_recipients_cost_one_query_between_them(
    newsletter, settings, django_assert_num_queries
):
    from newsletters import subscriptions

    settings.NEWSLETTER_BATCH_SIZE = 100
    readers = subscribe(newsletter, 50)
    send = Send.objects.create(issue=IssueFactory(newsletter=newsletter), newsletter=newsletter)
    (batch,) = sending.start_send(send_id=send.pk)
    for reader in readers[:10]:
        subscriptions.unsubscribe(subscriber=reader)  # after the start: skipped, not sent

    with django_assert_num_queries(BATCH_QUERY_BUDGET + 1):
        sending.send_batch(batch_id=batch.pk)

    assert send.deliveries.filter(status="skipped").count() == 10
