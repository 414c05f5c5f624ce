"""A page costs the same number of queries for 1 row as for 50: no query per row. Each test
counts the queries for one row, adds 49 more and requires exactly that count again."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from billing import services as billing
from membership.models import FeeBand, Person, Representative
from newsletters.models import Issue, Item, Section
from tests.membership.factories import FeeScheduleFactory, MembershipFactory
from tests.newsletters.factories import IssueFactory, NewsletterFactory
from tests.vacancies.factories import VacancyFactory
from vacancies.models import Vacancy

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def render_every_time(settings):
    """These count what rendering a page costs: the public page cache (tested in
    tests/test_public_cache.py) would answer the second request with none."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0


DAY = datetime(2027, 6, 15, 10, tzinfo=ZoneInfo("Europe/London"))


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def assert_same_for_more(client, url, add_more, django_assert_num_queries):
    client.get(url)  # a first request may set up the session or a settings row once
    one = queries(client, url)
    add_more()
    with django_assert_num_queries(one):
        assert client.get(url).status_code == 200


def sent_issue(newsletter, number: int, *, items: int = 1) -> Issue:
    issue = IssueFactory(
        newsletter=newsletter,
        status=Issue.Status.SENT,
        issued_on=DAY.date() - timedelta(days=number),
        with_content=False,
    )
    section = Section.objects.create(issue=issue, heading="News", position=1)
    for position in range(items):
        Item.objects.create(
            section=section, title=f"Item {position}", body="<p>News.</p>", position=position
        )
    return issue


@time_machine.travel(DAY, tick=False)
@pytest.mark.parametrize("url", ["/", "/newsletters/", "/newsletters/feed/"])
def test_issue_lists(client, url, django_assert_num_queries):
    newsletter = NewsletterFactory()
    sent_issue(newsletter, 0)
    assert_same_for_more(
        client,
        url,
        lambda: [sent_issue(newsletter, n) for n in range(1, 50)],
        django_assert_num_queries,
    )


@time_machine.travel(DAY, tick=False)
def test_an_issue_with_many_items(client, django_assert_num_queries):
    issue = sent_issue(NewsletterFactory(), 0)
    section = issue.sections.get()
    assert_same_for_more(
        client,
        f"/newsletters/{issue.slug}/",
        lambda: [
            Item.objects.create(section=section, title=f"More {n}", body="<p>x</p>", position=n)
            for n in range(10, 59)
        ],
        django_assert_num_queries,
    )


@time_machine.travel(DAY, tick=False)
@pytest.mark.parametrize("url", ["/", "/vacancies/", "/vacancies/feed/"])
def test_vacancy_lists(client, url, django_assert_num_queries):
    VacancyFactory(published=True)
    assert_same_for_more(
        client,
        url,
        lambda: [
            VacancyFactory(published=True, published_at=timezone.now() - timedelta(hours=n))
            for n in range(1, 50)
        ],
        django_assert_num_queries,
    )


@time_machine.travel(DAY, tick=False)
def test_the_account_page(client, user, django_assert_num_queries):
    FeeScheduleFactory()
    membership = MembershipFactory(active=True, managed_by=user)
    organisation = membership.organisation

    def invoice():
        return billing.issue_invoice(
            bill_to=organisation,
            lines=[billing.LineData(description="Membership", unit_price=Decimal("10.00"))],
        )

    invoice()
    client.force_login(user)

    def add_more():
        for number in range(1, 50):
            person = Person.objects.create(
                organisation=organisation, name=f"Rep {number}", email=f"r{number}@example.org"
            )
            Representative.objects.create(membership=membership, person=person, role="police")
            billing.credit_invoice(
                invoice=invoice(), amount=Decimal("1.00"), reason="Test", user=None
            )

    assert_same_for_more(client, "/membership/account/", add_more, django_assert_num_queries)


@time_machine.travel(DAY, tick=False)
def test_a_vacancy_page_whatever_else_is_advertised(client, django_assert_num_queries):
    vacancy = VacancyFactory(published=True)
    assert_same_for_more(
        client,
        vacancy.get_absolute_url(),
        lambda: [VacancyFactory(published=True) for _ in range(49)],
        django_assert_num_queries,
    )


@time_machine.travel(DAY, tick=False)
def test_a_posters_own_adverts_and_an_adverts_history(client, django_assert_num_queries):
    vacancy = VacancyFactory(published=True)
    vacancy.status_changes.create(from_status="", to_status=Vacancy.Status.DRAFT)
    client.force_login(vacancy.posted_by)

    assert_same_for_more(
        client,
        "/vacancies/mine/",
        lambda: [VacancyFactory(posted_by=vacancy.posted_by) for _ in range(49)],
        django_assert_num_queries,
    )
    assert_same_for_more(
        client,
        f"/vacancies/{vacancy.slug}/manage/",
        lambda: [
            vacancy.status_changes.create(
                from_status=Vacancy.Status.PUBLISHED,
                to_status=Vacancy.Status.PUBLISHED,
                note=f"{n}",
            )
            for n in range(49)
        ],
        django_assert_num_queries,
    )


@time_machine.travel(DAY, tick=False)
def test_the_membership_page_whatever_the_number_of_fee_bands(client, django_assert_num_queries):
    schedule = FeeScheduleFactory(band_fees=[(5, "1500.00")])

    assert_same_for_more(
        client,
        "/membership/",
        lambda: [
            FeeBand.objects.create(schedule=schedule, up_to=5 + n, fee=Decimal(1500 + n))
            for n in range(1, 50)
        ],
        django_assert_num_queries,
    )
