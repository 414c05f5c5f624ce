"""A large archive for measuring pages: published issues (each with a section and an item) and
vacancies, half of them closed. ``make bench-pages`` loads it into its own database, and the
query-plan test (tests/test_query_plans.py) into the test database, so both measure the same
shape of data. Loading again tops it up to the number asked for."""

from datetime import timedelta

from django.db import connection
from django.utils import timezone

from accounts.models import User
from newsletters.models import Issue, Item, Newsletter, Section
from tasp import public_cache
from vacancies.models import Vacancy

POSTER = "bench-poster@example.org"
BODY = (
    "<p>The national panel published its annual report this week. Partnerships will want to "
    "read the section on multi-agency information sharing, and the case studies from three "
    "areas that changed how their front door works.</p>"
)


def load(issues: int, vacancies: int) -> None:
    load_issues(issues)
    load_vacancies(vacancies)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # plans as a database of this size would have them
    public_cache.changed(*public_cache.TOPIC_MODELS)  # bulk_create sends no signals


def load_issues(count: int) -> None:
    newsletter = Newsletter.objects.filter(is_public=True, in_archive=True).first()
    if newsletter is None:
        newsletter = Newsletter.objects.create(name="Bench newsletter", slug="bench")
    have = Issue.objects.filter(slug__startswith="bench-issue-").count()
    start = timezone.localdate() - timedelta(days=count + 1)
    new = Issue.objects.bulk_create(
        [
            Issue(
                newsletter=newsletter,
                title=f"Bench issue {n}",
                slug=f"bench-issue-{n}",
                issued_on=start + timedelta(days=n),
                welcome=BODY,
                status=Issue.Status.SENT,
            )
            for n in range(have, count)
        ],
        batch_size=2000,
    )
    sections = Section.objects.bulk_create(
        [Section(issue=issue, heading="News", position=0) for issue in new], batch_size=2000
    )
    Item.objects.bulk_create(
        [Item(section=section, title="Annual report", body=BODY) for section in sections],
        batch_size=2000,
    )


def load_vacancies(count: int) -> None:
    poster, _ = User.objects.get_or_create(email=POSTER, defaults={"full_name": "Bench poster"})
    have = Vacancy.objects.filter(slug__startswith="bench-vacancy-").count()
    now, today = timezone.now(), timezone.localdate()
    rows = []
    for n in range(have, count):
        closed = n % 2 == 1
        rows.append(
            Vacancy(
                title=f"Independent Scrutineer {n}",
                slug=f"bench-vacancy-{n}",
                role_type=Vacancy.RoleType.INDEPENDENT_SCRUTINEER,
                organisation_name=f"Partnership {n}",
                location="Leeds",
                region=Vacancy.Region.YORKSHIRE,
                contract_type=Vacancy.ContractType.CONTRACTOR,
                working_pattern="3 days per month",
                remuneration="£450 per day",
                closes_on=today + timedelta(days=(-30 if closed else 10 + n % 60)),
                description=BODY,
                apply_url="https://jobs.example.org/scrutineer",
                posted_by=poster,
                status=Vacancy.Status.CLOSED if closed else Vacancy.Status.PUBLISHED,
                is_member_post=True,
                published_at=now - timedelta(minutes=n),
                closed_at=now if closed else None,
            )
        )
    Vacancy.objects.bulk_create(rows, batch_size=2000)
