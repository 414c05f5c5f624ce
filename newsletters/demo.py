"""Demo newsletters from the seeds (TASP's own issues of 2019 and 2020) and demo subscribers."""

import json
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path

from django.utils import timezone

from .models import (
    MAIN_NEWSLETTER_SLUG,
    Delivery,
    Issue,
    Item,
    Newsletter,
    Section,
    Send,
    Subscriber,
    Subscription,
)

__all__ = ["ISSUES", "seed_demo"]

# The three issues in the seeds (000: Spring 2020; 001: October 2019 and "All change?", autumn
# 2019), section by section: content, kept as data. Personal email addresses and phone numbers
# in the seeds are replaced by "contact the TASP office"; bodies are simple HTML (p, ul/li).
ISSUES_FILE = Path(__file__).with_name("demo_issues.json")


def _load_issues() -> list[dict]:
    issues = json.loads(ISSUES_FILE.read_text(encoding="utf-8"))
    for issue in issues:
        issue["issued_on"] = date.fromisoformat(issue["issued_on"])
    return issues


ISSUES = _load_issues()


def seed_demo(*, staff) -> Iterator[str]:
    # Migration 0005 makes the main list; this makes it the same way should it be gone, and
    # leaves it as staff set it. The vacancy alerts list is vacancies' (its migration and
    # vacancies.alerts.alerts_list make it).
    newsletter, _ = Newsletter.objects.get_or_create(
        slug=MAIN_NEWSLETTER_SLUG,
        defaults={
            "name": "TASP Newsletter",
            "description": "News for safeguarding partnerships, each season.",
            "is_public": True,
            "for_representatives": True,
        },
    )
    existing = set(
        Subscriber.objects.filter(email__endswith="@example.org").values_list("email", flat=True)
    )
    new = [
        Subscriber(
            email=f"reader{n:03d}@example.org",
            name=f"Demo Reader {n}",
            organisation="Example Safeguarding Partnership",
            status=Subscriber.Status.ACTIVE,
            consent_at=timezone.now(),
            consent_wording="Demo data",
        )
        for n in range(1, 301)
        if f"reader{n:03d}@example.org" not in existing
    ]
    Subscriber.objects.bulk_create(new)
    subscribed = set(
        Subscription.objects.filter(newsletter=newsletter).values_list("subscriber_id", flat=True)
    )
    Subscription.objects.bulk_create(
        [
            Subscription(subscriber=s, newsletter=newsletter)
            for s in Subscriber.objects.filter(email__startswith="reader").exclude(
                pk__in=subscribed
            )
        ]
    )
    readers = list(Subscriber.objects.filter(email__startswith="reader", newsletters=newsletter))
    for data in ISSUES:
        issue, _ = Issue.objects.update_or_create(
            newsletter=newsletter,
            title=data["title"],
            defaults={
                "issued_on": data["issued_on"],
                "welcome": data["welcome"],
                "signoff_name": data["signoff_name"],
                "signoff_role": data["signoff_role"],
                "status": Issue.Status.SENT,
            },
        )
        issue.sections.all().delete()
        for position, section_data in enumerate(data["sections"], start=1):
            section = Section.objects.create(
                issue=issue, heading=section_data["heading"], position=position
            )
            for n, item in enumerate(section_data["items"], start=1):
                Item.objects.create(
                    section=section,
                    title=item["title"],
                    body=item["body"],
                    link_url=item.get("link_url", ""),
                    link_text=item.get("link_text", ""),
                    position=n,
                )
        sent_at = timezone.make_aware(datetime.combine(data["issued_on"], time(9)))
        send, _ = Send.objects.update_or_create(
            issue=issue,
            newsletter=newsletter,
            defaults={
                "status": Send.Status.SENT,
                "scheduled_at": sent_at,
                "started_at": sent_at,
                "finished_at": sent_at,
            },
        )
        # Who it went to, as a real send records it: its page counts them, not "0 of 0".
        Delivery.objects.bulk_create(
            [
                Delivery(
                    send=send,
                    subscriber=reader,
                    email=reader.email,
                    status=Delivery.Status.SENT,
                    attempts=1,
                    sent_at=sent_at,
                )
                for reader in readers
            ],
            ignore_conflicts=True,
        )
    yield f"{len(ISSUES)} sent issues, {Subscriber.objects.count()} subscribers"
