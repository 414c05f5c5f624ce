import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection

from billing import services as billing
from billing.models import Invoice
from membership import renewals, services
from membership.models import Membership, MembershipYear, Representative
from membership.signals import membership_activated
from tests.membership.factories import (
    FeeScheduleFactory,
    MembershipFactory,
    representatives,
    year_of,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("this_years_fees")]


def test_twelve_representatives_are_invoiced_at_the_fifteen_band(business_manager, sent_mail):
    membership = MembershipFactory(renewal_due=True, managed_by=business_manager)

    with sent_mail() as outbox:
        invoice = services.submit_renewal(
            membership=membership,
            representatives=representatives(12),
            po_number="PO-123",
            user=business_manager,
        )

    membership.refresh_from_db()
    assert invoice.total == Decimal("3375.00")
    assert invoice.po_number == "PO-123"
    assert membership.status == Membership.Status.INVOICED
    assert membership.is_price_locked and membership.accepted_by == business_manager
    assert membership.representatives.count() == 12
    # The invoice lists the named people, so the buyer can justify it internally.
    assert "Rep 11" in invoice.lines.get().description
    [message] = outbox
    assert invoice.number in message.subject
    assert message.attachments[0][0] == f"{invoice.number}.pdf"
    assert "manager@example.org" in message.to


def test_submitting_twice_raises_one_invoice(business_manager, django_capture_on_commit_callbacks):
    membership = MembershipFactory(renewal_due=True, managed_by=business_manager)

    with django_capture_on_commit_callbacks() as callbacks:
        first = services.submit_renewal(
            membership=membership,
            representatives=representatives(5),
            po_number="PO-1",
            user=business_manager,
        )
        second = services.submit_renewal(
            membership=membership,
            representatives=representatives(9),
            po_number="PO-2",
            user=business_manager,
        )

    assert first == second
    assert Invoice.objects.count() == 1
    assert len(callbacks) == 1
    assert first.total == Decimal("1500.00")


def test_a_negotiated_fee_replaces_the_schedule_fee(business_manager, staff_user):
    membership = MembershipFactory(renewal_due=True, managed_by=business_manager)
    services.set_negotiated_fee(
        membership=membership, fee=Decimal("1200.00"), reason="Small partnership", user=staff_user
    )

    invoice = services.submit_renewal(
        membership=membership,
        representatives=representatives(7),
        po_number="",
        user=business_manager,
    )

    membership.refresh_from_db()
    assert invoice.total == Decimal("1200.00")
    assert membership.schedule_fee == Decimal("2500.00")
    assert membership.negotiated_by == staff_user and membership.negotiated_at


@pytest.mark.parametrize(
    ("fee", "reason", "message"),
    [(Decimal("-1"), "oops", "below"), (Decimal("100"), " ", "reason")],
)
def test_bad_negotiated_fees_are_refused_and_change_nothing(staff_user, fee, reason, message):
    membership = MembershipFactory(renewal_due=True)

    with pytest.raises(services.MembershipError, match=message):
        services.set_negotiated_fee(membership=membership, fee=fee, reason=reason, user=staff_user)

    membership.refresh_from_db()
    assert membership.negotiated_fee is None


def test_the_price_is_locked_once_accepted(business_manager, staff_user):
    membership = MembershipFactory(renewal_due=True, managed_by=business_manager)
    services.submit_renewal(
        membership=membership,
        representatives=representatives(5),
        po_number="",
        user=business_manager,
    )

    with pytest.raises(services.MembershipError, match="locked"):
        services.set_negotiated_fee(
            membership=membership, fee=Decimal("1"), reason="late deal", user=staff_user
        )


@pytest.mark.parametrize("reps", [0, 201])
def test_impossible_representative_counts_change_nothing(business_manager, reps):
    membership = MembershipFactory(renewal_due=True, managed_by=business_manager)
    people = representatives(reps) if reps else []

    with pytest.raises(services.MembershipError):
        services.submit_renewal(
            membership=membership, representatives=people, po_number="", user=business_manager
        )

    membership.refresh_from_db()
    assert membership.status == Membership.Status.RENEWAL_DUE
    assert membership.representatives.count() == 1
    assert not Invoice.objects.exists()


def test_duplicate_representative_emails_change_nothing(business_manager):
    membership = MembershipFactory(renewal_due=True, managed_by=business_manager)
    people = representatives(3)
    people.append(people[1])

    with pytest.raises(services.MembershipError, match="different email"):
        services.submit_renewal(
            membership=membership, representatives=people, po_number="", user=business_manager
        )

    assert not Invoice.objects.exists()
    assert Membership.objects.get().status == Membership.Status.RENEWAL_DUE


@pytest.mark.django_db(transaction=True)
def test_two_business_managers_at_once_get_one_renewal_and_one_invoice(
    business_manager, other_manager
):
    membership = MembershipFactory(renewal_due=True, managed_by=business_manager)
    MembershipFactory._meta.model.objects.get(pk=membership.pk)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def submit(user, count):
        try:
            barrier.wait(timeout=10)
            results.append(
                services.submit_renewal(
                    membership=membership,
                    representatives=representatives(count),
                    po_number=f"PO-{count}",
                    user=user,
                ).pk
            )
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=submit, args=(business_manager, 5)),
        threading.Thread(target=submit, args=(other_manager, 12)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert len(set(results)) == 1
    assert Invoice.objects.count() == 1
    assert Membership.objects.get().status == Membership.Status.INVOICED


def test_declining_cancels_the_renewal_and_voids_the_unpaid_invoice(business_manager):
    membership = MembershipFactory(renewal_due=True, managed_by=business_manager)
    invoice = services.submit_renewal(
        membership=membership,
        representatives=representatives(5),
        po_number="",
        user=business_manager,
    )

    services.decline_renewal(membership=membership, user=business_manager)

    membership.refresh_from_db()
    invoice.refresh_from_db()
    assert membership.status == Membership.Status.CANCELLED
    assert invoice.status == Invoice.Status.VOID
    assert invoice.void_reason


@time_machine.travel(date(2026, 2, 1))
def test_opening_renewals_copies_representatives_and_emails_business_managers_only(
    business_manager, sent_mail
):
    this_year = year_of()
    FeeScheduleFactory(year=this_year.next())
    current = MembershipFactory(
        year=this_year, status=Membership.Status.ACTIVE, managed_by=business_manager, reps=6
    )
    MembershipFactory(year=this_year, status=Membership.Status.LAPSED, reps=3)

    with sent_mail() as outbox:
        opened = renewals.open_renewals(year=this_year.next())
        again = renewals.open_renewals(year=this_year.next())

    renewal = Membership.objects.get(organisation=current.organisation, year=this_year.next())
    assert (opened, again) == (1, 0)
    assert renewal.status == Membership.Status.RENEWAL_DUE
    assert renewal.representatives.count() == 6
    assert renewal.schedule_fee == Decimal("2500.00")
    assert [m.to for m in outbox] == [["manager@example.org"]]
    assert "/accounts/magic-link/login/?token=" in outbox[0].body
    assert "next=%2Fmembership%2Frenew%2F" in outbox[0].body


@time_machine.travel(date(2025, 10, 1))
def test_renewals_cannot_open_before_the_window(business_manager):
    next_year = FeeScheduleFactory(year=year_of().next()).year  # fees set: only the date refuses

    with pytest.raises(services.MembershipError, match="open on"):
        renewals.open_renewals(year=next_year)


def test_joining_then_approval_then_payment_activates_and_welcomes_everyone(staff_user, sent_mail):
    activated = []

    def listener(sender, membership, **kwargs):
        activated.append(membership.pk)

    membership_activated.connect(listener)
    try:
        with sent_mail() as outbox:
            membership = services.apply_to_join(
                organisation_details={
                    "name": "Harrow Safeguarding Children Partnership",
                    "kind": "single_area",
                    "areas": "Harrow",
                    "address": "Civic Centre, Harrow",
                    "billing_name": "Finance",
                    "billing_email": "finance@harrow.example.org",
                },
                representatives=representatives(6, manager_email="bm@harrow.example.org"),
                po_number="HAR-1",
            )
            invoice = services.approve_application(membership=membership, user=staff_user)
            billing.record_payment(
                invoice=invoice, amount=invoice.total, method="bacs", reference="BACS-1"
            )
    finally:
        membership_activated.disconnect(listener)

    membership.refresh_from_db()
    assert membership.status == Membership.Status.ACTIVE
    assert activated == [membership.pk]
    assert invoice.total == Decimal("2500.00")
    subjects = [m.subject for m in outbox]
    assert "Your application to join TASP" in subjects
    assert any(invoice.number in s for s in subjects)
    welcomes = [m for m in outbox if m.subject == "Welcome to TASP"]
    assert len(welcomes) == 6  # every representative, each with their own login link
    assert all("/accounts/magic-link/login/?token=" in m.body for m in welcomes)
    assert services.is_member(organisation=membership.organisation)


def test_is_member_by_organisation_person_or_login_and_date(business_manager):
    membership = MembershipFactory(active=True, managed_by=business_manager)
    year = membership.year
    person = membership.representatives.get().person

    assert services.is_member(organisation=membership.organisation)
    assert services.is_member(user=business_manager)
    assert services.is_member(person=person)
    assert not services.is_member(
        organisation=membership.organisation, on=year.ends_on.replace(year=year.ends_on.year + 1)
    )
    assert not services.is_member()


def test_a_lapsed_or_unpaid_membership_is_not_a_member(business_manager):
    membership = MembershipFactory(status=Membership.Status.INVOICED, managed_by=business_manager)

    assert not services.is_member(user=business_manager)
    membership.status = Membership.Status.LAPSED
    membership.save()
    assert not services.is_member(organisation=membership.organisation)


def test_a_member_renewing_keeps_benefits_through_the_grace_period_only(business_manager, settings):
    settings.MEMBERSHIP_GRACE_DAYS = 30
    last_year = MembershipFactory(active=True, managed_by=business_manager)
    starts = last_year.year.ends_on + timedelta(days=1)
    renewal = MembershipFactory(
        organisation=last_year.organisation,
        year=MembershipYear.for_date(starts),
        status=Membership.Status.INVOICED,
    )
    newcomer = MembershipFactory(year=renewal.year, status=Membership.Status.INVOICED)

    assert services.is_member(user=business_manager, on=starts + timedelta(days=30))
    assert not services.is_member(user=business_manager, on=starts + timedelta(days=31))
    assert not services.is_member(organisation=newcomer.organisation, on=starts)  # never paid
    renewal.status = Membership.Status.CANCELLED
    renewal.save()
    assert not services.is_member(user=business_manager, on=starts)  # said they would not renew


def test_staff_can_accept_a_purchase_order_in_place_of_payment(business_manager):
    membership = MembershipFactory(renewal_due=True, managed_by=business_manager)
    services.submit_renewal(
        membership=membership,
        representatives=representatives(5),
        po_number="PO-9",
        user=business_manager,
    )

    services.accept_purchase_order(membership=membership)

    membership.refresh_from_db()
    assert membership.status == Membership.Status.ACTIVE
    assert MembershipYear.objects.filter(pk=membership.year_id).exists()
    assert membership.representatives.filter(role=Representative.Role.BUSINESS_MANAGER).exists()


def test_the_pipeline_amounts_use_negotiated_fees(staff_user):
    schedule_fee = MembershipFactory(renewal_due=True)
    negotiated = MembershipFactory(renewal_due=True, year=schedule_fee.year)
    services.set_negotiated_fee(
        membership=negotiated, fee=Decimal("1000.00"), reason="Small area", user=staff_user
    )

    assert renewals.pipeline(schedule_fee.year)["Renewal due"] == {
        "count": 2,
        "amount": Decimal("2500.00"),
    }
