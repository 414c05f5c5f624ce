"""Who acts for an organisation follows the membership year: the business managers (and, for
what the account page shows, the named representatives) of this year's membership or next
year's. Someone named only in a past year has moved on; staff still see them in the admin."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from billing import services as billing
from membership import services
from membership.models import Membership, Organisation, Representative
from tests.helpers import log_in_with_second_factor
from tests.membership.factories import (
    FeeScheduleFactory,
    MembershipFactory,
    PersonFactory,
    representatives,
    year_of,
)

pytestmark = pytest.mark.django_db

IN_JUNE = date(2026, 6, 15)  # a day in the 2026/27 membership year
IN_APRIL = date(2026, 4, 20)  # early in 2026/27, while renewals are still coming in
IN_MARCH = date(2026, 3, 10)  # late in 2025/26, with 2026/27's renewal open


def last_years_manager_and_this_years_renewal(former, current_manager, *, status=None):
    """The organisation's 2025/26 membership named ``former`` as business manager; this year's
    names someone else."""
    last = MembershipFactory(year=year_of(date(2025, 6, 1)), active=True, managed_by=former)
    this = MembershipFactory(
        organisation=last.organisation,
        year=year_of(),
        status=status or Membership.Status.RENEWAL_DUE,
        managed_by=current_manager,
    )
    return last, this


def an_invoice_for(organisation):
    return billing.issue_invoice(
        bill_to=organisation,
        lines=[billing.LineData(description="Membership", unit_price=Decimal("1500.00"))],
    )


@time_machine.travel(IN_JUNE)
def test_a_business_manager_named_only_last_year_does_not_see_the_account_page(
    client, business_manager, other_manager
):
    last, _ = last_years_manager_and_this_years_renewal(business_manager, other_manager)
    invoice = an_invoice_for(last.organisation)
    client.force_login(business_manager)

    html = client.get("/membership/account/").content.decode()

    assert last.organisation.name not in html
    assert invoice.number not in html
    assert not Organisation.objects.managed_by(business_manager).exists()
    assert not Organisation.objects.of_user(business_manager).exists()


@time_machine.travel(IN_JUNE)
def test_a_business_manager_named_only_last_year_cannot_download_this_years_invoice(
    client, business_manager, other_manager
):
    last, _ = last_years_manager_and_this_years_renewal(business_manager, other_manager)
    invoice = an_invoice_for(last.organisation)
    client.force_login(business_manager)

    assert client.get(reverse("membership:invoice-pdf", args=[invoice.number])).status_code == 404


@time_machine.travel(IN_JUNE)
def test_a_business_manager_named_only_last_year_cannot_renew_or_decline(
    client, business_manager, other_manager
):
    _, this = last_years_manager_and_this_years_renewal(business_manager, other_manager)
    client.force_login(business_manager)

    assert client.get("/membership/renew/").status_code == 404
    declined = client.post("/membership/renew/decline/", {"membership": this.pk, "confirm": "yes"})

    assert declined.status_code == 404
    this.refresh_from_db()
    assert this.status == Membership.Status.RENEWAL_DUE


@time_machine.travel(IN_APRIL)
def test_a_business_manager_replaced_in_this_years_renewal_loses_access(
    client, business_manager, other_manager
):
    FeeScheduleFactory()  # 2026/27's
    last = MembershipFactory(
        year=year_of(date(2025, 6, 1)), active=True, managed_by=business_manager
    )
    renewal = MembershipFactory(
        organisation=last.organisation, renewal_due=True, managed_by=business_manager
    )
    client.force_login(business_manager)
    assert client.get("/membership/renew/").status_code == 200

    invoice = services.submit_renewal(
        membership=renewal,
        representatives=representatives(5, manager_email="new.manager@example.org"),
        po_number="",
        user=business_manager,
    )

    assert client.get(reverse("membership:invoice-pdf", args=[invoice.number])).status_code == 404
    assert last.organisation.name not in client.get("/membership/account/").content.decode()
    declined = client.post(
        "/membership/renew/decline/", {"membership": renewal.pk, "confirm": "yes"}
    )
    assert declined.status_code == 404
    renewal.refresh_from_db()
    assert renewal.status == Membership.Status.INVOICED


@time_machine.travel(IN_MARCH)
def test_a_business_manager_named_on_next_years_renewal_acts_for_the_organisation(
    client, business_manager
):
    MembershipFactory(year=year_of().next(), renewal_due=True, managed_by=business_manager)
    client.force_login(business_manager)

    assert client.get("/membership/renew/").status_code == 200


def test_access_ends_with_the_year_someone_was_named_for(client, business_manager):
    with time_machine.travel(date(2026, 3, 31)):
        membership = MembershipFactory(active=True, managed_by=business_manager)
        invoice = an_invoice_for(membership.organisation)
        client.force_login(business_manager)
        pdf = reverse("membership:invoice-pdf", args=[invoice.number])
        assert client.get(pdf).status_code == 200
        assert membership.organisation.name in client.get("/membership/account/").content.decode()

    with time_machine.travel(date(2026, 4, 1)):
        assert client.get(pdf).status_code == 404
        assert (
            membership.organisation.name not in client.get("/membership/account/").content.decode()
        )


@time_machine.travel(IN_JUNE)
def test_a_representative_named_only_last_year_is_not_shown_the_organisation(
    client, django_user_model, other_manager
):
    last, _ = last_years_manager_and_this_years_renewal(other_manager, other_manager)
    former = django_user_model.objects.create_user(email="former.rep@example.org")
    person = PersonFactory(organisation=last.organisation, email=former.email, user=former)
    Representative.objects.create(membership=last, person=person, role=Representative.Role.POLICE)
    client.force_login(former)

    assert last.organisation.name not in client.get("/membership/account/").content.decode()
    assert not Organisation.objects.of_user(former).exists()


@time_machine.travel(IN_JUNE)
def test_a_business_manager_of_this_year_acts_and_last_years_representatives_still_count(
    business_manager,
):
    """Being named in a past year as well takes nothing away."""
    last = MembershipFactory(
        year=year_of(date(2025, 6, 1)), active=True, managed_by=business_manager
    )
    MembershipFactory(organisation=last.organisation, renewal_due=True, managed_by=business_manager)

    assert list(Organisation.objects.managed_by(business_manager)) == [last.organisation]
    assert list(Organisation.objects.of_user(business_manager)) == [last.organisation]


@time_machine.travel(IN_JUNE)
def test_staff_still_see_past_years_business_managers_in_the_admin(
    client, business_manager, other_manager, staff_user
):
    last, _ = last_years_manager_and_this_years_renewal(business_manager, other_manager)
    log_in_with_second_factor(client, staff_user)

    page = client.get(reverse("admin:membership_organisation_change", args=[last.organisation.pk]))

    assert page.status_code == 200
    assert business_manager.email in page.content.decode()
