"""What a send tells staff afterwards: outcomes with their reasons grouped, the addresses that
failed or bounced (on the page and as CSV), and an email when the send finishes."""

import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from anymail.signals import AnymailTrackingEvent, tracking
from django.urls import reverse

from newsletters import reports, sending, subscriptions
from newsletters.delivering import record_failure
from newsletters.models import Delivery, Send, SendLink, Subscriber
from newsletters.transport import DeliveryError
from tests.newsletters.factories import IssueFactory, SubscriberFactory, subscribe

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 3, 10, 9, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


def finished_send(newsletter, **fields) -> Send:
    return Send.objects.create(
        issue=IssueFactory(newsletter=newsletter),
        newsletter=newsletter,
        status=Send.Status.SENT,
        started_at=NOW - timedelta(hours=1),
        finished_at=NOW,
        **fields,
    )


def deliver(send, status, *, email=None, error="", bounced=False, attempts=1):
    subscriber = SubscriberFactory(**({"email": email} if email else {}))
    return Delivery.objects.create(
        send=send,
        subscriber=subscriber,
        email=subscriber.email,
        status=status,
        last_error=error,
        bounced=bounced,
        attempts=attempts,
        sent_at=NOW if status == Delivery.Status.SENT else None,
    )


@pytest.fixture
def mixed_send(newsletter) -> Send:
    """Three delivered, three bounced (two refused while sending, one reported later), two
    failed, two skipped."""
    send = finished_send(newsletter, tracked=True)
    for _ in range(3):
        deliver(send, Delivery.Status.SENT)
    deliver(send, Delivery.Status.SENT, bounced=True, error="Bounced after it was handed over")
    for name in ["gone", "left"]:
        deliver(
            send,
            Delivery.Status.FAILED,
            email=f"{name}@example.org",
            error=f"550 5.1.1 <{name}@example.org>: Recipient address rejected",
            bounced=True,
        )
    deliver(send, Delivery.Status.FAILED, email="full@example.org", error="552 Mailbox full")
    deliver(
        send, Delivery.Status.FAILED, email="=cmd@example.org", error="451 Try later", attempts=5
    )
    for _ in range(2):
        deliver(send, Delivery.Status.SKIPPED, error="Left this list after the send began")
    SendLink.objects.create(send=send, position=1, url="https://example.com/a", label="A", clicks=4)
    return send


def test_the_report_counts_each_outcome_and_groups_the_reasons(mixed_send):
    report = reports.report_for(mixed_send)

    assert (report.delivered, report.bounced, report.failed, report.skipped) == (3, 3, 2, 2)
    assert report.total == 10 and report.not_delivered == 5
    assert report.reasons[0] == reports.Reason(
        "Bounced", "550 5.1.1 <address>: Recipient address rejected", 2
    )
    assert set(report.reasons[1:]) == {
        reports.Reason("Skipped", "Left this list after the send began", 2),
        reports.Reason("Bounced", "Bounced after it was handed over", 1),
        reports.Reason("Failed", "552 Mailbox full", 1),
        reports.Reason("Failed", "451 Try later", 1),
    }
    assert [p.email for p in report.problems] == sorted([p.email for p in report.problems]) and len(
        report.problems
    ) == 5
    assert report.clicks == 4 and report.unique_opens == 0 and report.open_rate == 0.0


def test_an_untracked_send_reports_no_engagement(newsletter):
    send = finished_send(newsletter)
    deliver(send, Delivery.Status.SENT)

    report = reports.report_for(send)

    assert report.unique_opens is None and report.links == [] and report.open_rate is None


def test_staff_see_the_report_with_reasons_addresses_and_engagement(staff_client, mixed_send):
    response = staff_client.get(reverse("admin:newsletters_send_report", args=[mixed_send.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    for text in [
        '<th scope="row">Delivered</th><td>3</td>',
        '<th scope="row">Bounced</th><td>3</td>',
        '<th scope="row">Failed</th><td>2</td>',
        '<th scope="row">Skipped</th><td>2</td>',
        "550 5.1.1 &lt;address&gt;: Recipient address rejected</td><td>2</td>",
        "gone@example.org",
        "Download all 5 as CSV",
        '<th scope="row">Unique opens</th><td>0 (0.0% of those delivered)</td>',
        "https://example.com/a</td><td>4</td>",
    ]:
        assert text in page, text
    engagement = page[page.index('id="engagement"') :]
    assert "@example.org" not in engagement


def test_the_failed_and_bounced_addresses_download_as_safe_csv(staff_client, mixed_send):
    response = staff_client.get(reverse("admin:newsletters_send_report_csv", args=[mixed_send.pk]))

    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Email address", "Outcome", "Reason", "Attempts"]
    assert ["'=cmd@example.org", "Failed", "451 Try later", "5"] in rows  # never a formula
    assert [
        "gone@example.org",
        "Bounced",
        "550 5.1.1 <gone@example.org>: Recipient address rejected",
        "1",
    ] in rows
    assert len(rows) == 1 + 5


def test_the_report_is_for_staff_only(client, user, mixed_send):
    from tests.helpers import log_in_with_second_factor

    for name in ["admin:newsletters_send_report", "admin:newsletters_send_report_csv"]:
        url = reverse(name, args=[mixed_send.pk])
        assert client.get(url).status_code == 302  # to the log-in page
    log_in_with_second_factor(client, user)  # not staff
    for name in ["admin:newsletters_send_report", "admin:newsletters_send_report_csv"]:
        response = client.get(reverse(name, args=[mixed_send.pk]))
        assert response.status_code == 302 and "gone@example.org" not in response.content.decode()


def test_the_report_costs_the_same_queries_for_one_problem_as_for_fifty(
    staff_client, newsletter, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    send = finished_send(newsletter, tracked=True)
    deliver(send, Delivery.Status.FAILED, error="550 No such user", bounced=True)
    SendLink.objects.create(send=send, position=1, url="https://example.com/", clicks=1)
    url = reverse("admin:newsletters_send_report", args=[send.pk])
    staff_client.get(url)
    with CaptureQueriesContext(connection) as one:
        staff_client.get(url)
    for n in range(49):
        deliver(send, Delivery.Status.FAILED, error=f"55{n % 3} Refused {n}", bounced=n % 2)
        SendLink.objects.create(send=send, position=n + 2, url=f"https://example.com/{n}")

    with django_assert_num_queries(len(one)):
        assert staff_client.get(url).status_code == 200


def test_the_send_list_links_to_each_started_sends_report(staff_client, mixed_send, newsletter):
    waiting = Send.objects.create(issue=IssueFactory(newsletter=newsletter), newsletter=newsletter)

    page = staff_client.get(reverse("admin:newsletters_send_changelist")).content.decode()

    assert reverse("admin:newsletters_send_report", args=[mixed_send.pk]) in page
    assert reverse("admin:newsletters_send_report", args=[waiting.pk]) not in page


def test_a_finished_send_emails_its_report_once_to_who_started_it_and_the_office(
    newsletter,
    staff_user,
    settings,
    tasks,
    mailoutbox,
    queued_emails,
    django_capture_on_commit_callbacks,
):
    settings.STAFF_NOTIFICATION_EMAILS = ["office@tasp.example.org", staff_user.email]
    subscribe(newsletter, 3)
    send = sending.schedule_send(
        issue=IssueFactory(newsletter=newsletter, title="Newsletter - Spring 2027"),
        newsletter=newsletter,
        user=staff_user,
    )
    with django_capture_on_commit_callbacks(execute=True):  # what the workers do
        for batch in sending.start_send(send_id=send.pk):
            sending.send_batch(batch_id=batch.pk)

    assert Send.objects.get(pk=send.pk).status == Send.Status.SENT
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.run("email_send_report_task") == 1
    (email,) = queued_emails
    assert email["to"] == [staff_user.email, "office@tasp.example.org"]
    assert email["subject"] == "Sent: “Newsletter - Spring 2027” to TASP Newsletter (3 delivered)"
    assert "Delivered: 3" in email["body"]
    assert f"http://127.0.0.1:8000/admin/newsletters/send/{send.pk}/report/" in email["body"]

    with django_capture_on_commit_callbacks(execute=True):  # a task run twice: once only
        assert reports.email_send_report(send_id=send.pk) is False
    assert len(queued_emails) == 1


def test_a_send_nobody_started_tells_nobody(newsletter, settings, queued_emails):
    settings.STAFF_NOTIFICATION_EMAILS = ["office@tasp.example.org"]
    send = finished_send(newsletter)  # a vacancy alert, say: the site sent it

    assert reports.email_send_report(send_id=send.pk) is False
    assert queued_emails == []


def test_a_refused_address_is_a_bounce_and_a_refused_message_a_failure(newsletter):
    send = finished_send(newsletter)
    gone = deliver(send, Delivery.Status.QUEUED, email="gone@example.org")
    spam = deliver(send, Delivery.Status.QUEUED, email="spam@example.org")

    record_failure(gone, DeliveryError(550, "No such user"), now=NOW, max_attempts=5)
    record_failure(
        spam,
        DeliveryError(554, "Spam", stage=DeliveryError.Stage.MESSAGE),
        now=NOW,
        max_attempts=5,
    )

    assert gone.status == spam.status == Delivery.Status.FAILED
    assert gone.bounced and not spam.bounced


def test_people_skipped_after_the_start_are_skipped_with_their_reason(newsletter, mailoutbox):
    _, left_list, left_all, bounced = subscribe(newsletter, 4)
    send = Send.objects.create(issue=IssueFactory(newsletter=newsletter), newsletter=newsletter)
    (batch,) = sending.start_send(send_id=send.pk)
    subscriptions.unsubscribe(subscriber=left_list, newsletter=newsletter)
    subscriptions.unsubscribe(subscriber=left_all)
    subscriptions.suppress(email=bounced.email, status=Subscriber.Status.BOUNCED)

    sending.send_batch(batch_id=batch.pk)

    reasons = {(r.outcome, r.reason) for r in reports.report_for(send).reasons}
    assert reasons == {
        ("Skipped", "Left this list after the send began"),
        ("Skipped", "Unsubscribed from everything after the send began"),
        ("Skipped", "Address marked bounced after the send began"),
    }


def test_an_esp_bounce_report_is_charged_to_the_latest_message_sent_there(newsletter):
    older = finished_send(newsletter)
    latest = finished_send(newsletter)
    reader = SubscriberFactory(email="reader@example.org")
    for send, sent_at in [(older, NOW - timedelta(days=2)), (latest, NOW - timedelta(hours=1))]:
        Delivery.objects.create(
            send=send,
            subscriber=reader,
            email=reader.email,
            status=Delivery.Status.SENT,
            sent_at=sent_at,
        )

    tracking.send(
        sender=object,
        event=AnymailTrackingEvent(
            event_type="bounced", recipient="Reader@example.org", mta_response="550 5.1.1 Gone"
        ),
        esp_name="Test",
    )

    report = reports.report_for(latest)
    assert (report.delivered, report.bounced) == (0, 1)
    assert report.problems[0].error == "Bounced after it was handed over: 550 5.1.1 Gone"
    assert reports.report_for(older).bounced == 0
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.BOUNCED


def test_an_esp_bounce_long_after_any_message_is_charged_to_none(newsletter):
    send = finished_send(newsletter)
    delivery = deliver(send, Delivery.Status.SENT, email="reader@example.org")
    Delivery.objects.filter(pk=delivery.pk).update(sent_at=NOW - timedelta(days=4))

    assert reports.record_late_bounce(email="reader@example.org") is False
    assert reports.report_for(send).bounced == 0


def test_the_issue_page_links_each_started_send_to_its_report(staff_client, mixed_send):
    response = staff_client.get(
        reverse("admin:newsletters_issue_change", args=[mixed_send.issue_id])
    )

    report = reverse("admin:newsletters_send_report", args=[mixed_send.pk])
    assert f'<a href="{report}">Send report</a>' in response.content.decode()
