"""What a send tells staff afterwards: how many messages were delivered, bounced, failed or
skipped and why (grouped), which addresses failed or bounced (also as CSV), and, for a tracked
send, unique opens and clicks per link, which are counted without recording who
(newsletters/engagement.py). Staff get it by email when the send finishes."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from tasp import csv
from tasp.mail import send_templated_email

from .models import Delivery, Send, SendLink, Subscriber

PROBLEMS_SHOWN = 100  # addresses listed on the page; the CSV has them all
ADDRESS = re.compile(r"<?[^\s<>@]+@[^\s<>@]+>?")
# An ESP reports a bounce minutes or hours after it took the message: a report is charged to
# the latest message sent to the address within this long, or to none.
LATE_BOUNCE_WINDOW = timedelta(days=3)
LATE_BOUNCE = "Bounced after it was handed over"


class Outcome:
    BOUNCED = "Bounced"
    FAILED = "Failed"
    SKIPPED = "Skipped"


NO_REASON = {
    Outcome.BOUNCED: "Refused by the receiving server",
    Outcome.FAILED: "No reason recorded",
    Outcome.SKIPPED: "Left the list after the send began",
}


def outcome_of(*, status: str, bounced: bool) -> str | None:
    """Bounced, Failed or Skipped; None for a message delivered or still queued."""
    if bounced:
        return Outcome.BOUNCED
    return {Delivery.Status.FAILED: Outcome.FAILED, Delivery.Status.SKIPPED: Outcome.SKIPPED}.get(
        status
    )


def reason_of(error: str, outcome: str) -> str:
    """A recorded error as a reason shared by many messages: the address it named taken out."""
    return " ".join(ADDRESS.sub("<address>", error).split()) or NO_REASON[outcome]


@dataclass(frozen=True)
class Reason:
    outcome: str
    reason: str
    count: int


@dataclass(frozen=True)
class Problem:
    email: str
    outcome: str
    error: str
    attempts: int


@dataclass(frozen=True)
class SendReport:
    send: Send
    delivered: int
    bounced: int
    failed: int
    skipped: int
    queued: int
    reasons: list[Reason]
    problems: list[Problem]  # the first PROBLEMS_SHOWN addresses that failed or bounced
    unique_opens: int | None  # None: opens and clicks were not counted for this send
    links: list[SendLink]

    @property
    def total(self) -> int:
        return self.delivered + self.bounced + self.failed + self.skipped + self.queued

    @property
    def not_delivered(self) -> int:
        return self.bounced + self.failed

    @property
    def open_rate(self) -> float | None:
        if self.unique_opens is None or not self.delivered:
            return None
        return round(100 * self.unique_opens / self.delivered, 1)

    @property
    def clicks(self) -> int:
        return sum(link.clicks for link in self.links)


def report_for(send: Send) -> SendReport:
    """The send's report in a fixed number of queries, however many recipients it had."""
    counts = Counter()
    for status, bounced, n in (
        send.deliveries.values_list("status", "bounced").annotate(n=Count("pk")).order_by()
    ):
        counts[outcome_of(status=status, bounced=bounced) or status] += n
    reasons = Counter()
    for status, bounced, error, n in (
        send.deliveries.filter(
            Q(status__in=[Delivery.Status.FAILED, Delivery.Status.SKIPPED]) | Q(bounced=True)
        )
        .values_list("status", "bounced", "last_error")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        outcome = outcome_of(status=status, bounced=bounced)
        reasons[outcome, reason_of(error, outcome)] += n
    return SendReport(
        send=send,
        delivered=counts[Delivery.Status.SENT],
        bounced=counts[Outcome.BOUNCED],
        failed=counts[Outcome.FAILED],
        skipped=counts[Outcome.SKIPPED],
        queued=counts[Delivery.Status.QUEUED],
        reasons=[
            Reason(outcome, reason, n)
            for (outcome, reason), n in sorted(reasons.items(), key=lambda item: -item[1])
        ],
        problems=[problem(*row) for row in problem_rows(send)[:PROBLEMS_SHOWN]],
        unique_opens=send.opens.count() if send.tracked else None,
        links=list(send.links.all()) if send.tracked else [],
    )


def problem_rows(send: Send):
    """The deliveries that failed or bounced, by address, as ``problem`` takes them."""
    return (
        send.deliveries.filter(Q(status=Delivery.Status.FAILED) | Q(bounced=True))
        .order_by("email", "pk")
        .values_list("email", "status", "bounced", "last_error", "attempts")
    )


def problem(email: str, status: str, bounced: bool, error: str, attempts: int) -> Problem:
    outcome = outcome_of(status=status, bounced=bounced)
    return Problem(email, outcome, error or NO_REASON[outcome], attempts)


def write_problems_csv(send: Send, file) -> None:
    """Every address the send failed or bounced, with the reason as recorded."""
    writer = csv.writer(file)
    writer.writerow(["Email address", "Outcome", "Reason", "Attempts"])
    for row in problem_rows(send).iterator(chunk_size=2000):
        found = problem(*row)
        writer.writerow([found.email, found.outcome, found.error, found.attempts])


def report_url(send: Send) -> str:
    return f"{settings.SITE_URL}{reverse('admin:newsletters_send_report', args=[send.pk])}"


def email_send_report(*, send_id: int) -> bool:
    """Email a finished send's report, once, to the staff member who started it and to
    STAFF_NOTIFICATION_EMAILS. A send nobody started (a vacancy alert, sent by the site itself)
    tells nobody: its report is in the admin. False when nothing was sent."""
    send = Send.objects.select_related("issue", "newsletter", "created_by").get(pk=send_id)
    if send.created_by is None:
        return False
    to = [send.created_by.email] if send.created_by.email else []
    to += [email for email in settings.STAFF_NOTIFICATION_EMAILS if email not in to]
    # A task run twice (a worker lost after queueing the email) must not tell staff twice.
    if not to or not cache.add(f"newsletters:send-report-emailed:{send_id}", 1, 7 * 24 * 3600):
        return False
    send_templated_email(
        "newsletters/send_report",
        to=to,
        context={"send": send, "report": report_for(send), "report_url": report_url(send)},
    )
    return True


def record_late_bounce(*, email: str, reason: str = "") -> bool:
    """An ESP's report that a message it took has bounced: charged to the latest message sent
    to the address within LATE_BOUNCE_WINDOW. False when there was none to charge."""
    since = timezone.now() - LATE_BOUNCE_WINDOW
    delivery = (
        Delivery.objects.filter(
            subscriber__in=Subscriber.objects.filter(email__iexact=email.strip()),
            status=Delivery.Status.SENT,
            bounced=False,
            sent_at__gte=since,
        )
        .order_by("-sent_at", "-pk")
        .first()
    )
    if delivery is None:
        return False
    error = f"{LATE_BOUNCE}: {reason}" if reason else LATE_BOUNCE
    Delivery.objects.filter(pk=delivery.pk).update(bounced=True, last_error=error[:500])
    return True
