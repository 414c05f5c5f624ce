"""Who advertises free: the representatives named on a membership with member benefits that day,
by one rule for the price and for the organisation the advert is posted as."""

from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from membership.models import Membership, MembershipYear, Representative
from tests.membership.factories import PersonFactory
from tests.vacancies.conftest import make_member
from tests.vacancies.factories import UserFactory, VacancyFactory
from tests.vacancies.test_posting import BILLING
from vacancies import members, services
from vacancies.models import LONDON

pytestmark = pytest.mark.django_db

IN_GRACE = datetime(2027, 4, 20, 12, tzinfo=LONDON)  # 2027/28 began 19 days ago
AFTER_GRACE = datetime(2027, 6, 15, 12, tzinfo=LONDON)  # more than 60 days in


def renewing_member(user, *, status=Membership.Status.INVOICED):
    """``user`` represents an organisation that was a member in 2026/27 and is renewing for
    2027/28 with its representatives copied across, as ``open_renewals`` does."""
    organisation = make_member(user, on=date(2026, 4, 1))
    renewal = Membership.objects.create(
        organisation=organisation, year=MembershipYear.for_date(date(2027, 4, 1)), status=status
    )
    for named in Representative.objects.filter(membership__organisation=organisation):
        Representative.objects.create(membership=renewal, person=named.person, role=named.role)
    return organisation


def test_a_member_renewing_in_the_grace_period_posts_free_as_its_organisation(client, settings):
    settings.MEMBERSHIP_GRACE_DAYS = 60
    with time_machine.travel(IN_GRACE, tick=False):
        poster = UserFactory(email="rep@northshire.example.org")
        organisation = renewing_member(poster)
        client.force_login(poster)
        page = client.get(reverse("vacancies:post"))
        vacancy = services.submit_vacancy(vacancy=VacancyFactory(posted_by=poster), user=poster)

    assert "Free:" in page.content.decode()
    assert page.context["form"]["organisation_name"].value() == organisation.name
    assert vacancy.is_member_post and vacancy.price is None
    assert vacancy.organisation == organisation


def test_a_member_whose_renewal_lapsed_after_the_grace_period_pays_the_non_member_price(
    settings,
):
    settings.MEMBERSHIP_GRACE_DAYS = 60
    with time_machine.travel(AFTER_GRACE, tick=False):
        poster = UserFactory(email="rep@northshire.example.org")
        renewing_member(poster, status=Membership.Status.LAPSED)
        vacancy = VacancyFactory(posted_by=poster, **BILLING)
        vacancy = services.submit_vacancy(vacancy=vacancy, user=poster)

    assert not vacancy.is_member_post and vacancy.price == Decimal("650.00")
    assert vacancy.organisation is None and vacancy.invoice


def test_someone_named_only_on_a_past_years_membership_pays_for_an_advert():
    with time_machine.travel(datetime(2026, 12, 1, 12, tzinfo=LONDON), tick=False):
        poster = UserFactory(email="former.rep@northshire.example.org")
        organisation = make_member(poster, on=date(2025, 4, 1))  # named in 2025/26 only
        this_year = Membership.objects.create(
            organisation=organisation,
            year=MembershipYear.for_date(date(2026, 4, 1)),
            status=Membership.Status.ACTIVE,
        )
        Representative.objects.create(
            membership=this_year,
            person=PersonFactory(organisation=organisation),
            role=Representative.Role.BUSINESS_MANAGER,
        )
        day = services.today()
        is_member = members.is_member_user(poster, day)
        posted_as = members.member_organisation(poster, day)
        vacancy = VacancyFactory(posted_by=poster, **BILLING)
        vacancy = services.submit_vacancy(vacancy=vacancy, user=poster)

    assert not is_member and posted_as is None
    assert not vacancy.is_member_post and vacancy.price == Decimal("650.00")
