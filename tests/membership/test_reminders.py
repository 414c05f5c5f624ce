from datetime import date, timedelta

import pytest
import time_machine

from billing import services as billing
from billing.models import Invoice
from membership import services, tasks
from membership.models import Membership, ReminderRule, SentReminder
from tests.membership.factories import (
    FeeScheduleFactory,
    MembershipFactory,
    representatives,
    year_of,
)

pytestmark = pytest.mark.django_db

THIS_APRIL = date(2026, 4, 1)
NEXT_APRIL = date(2027, 4, 1)


@pytest.fixture
def this_years_fees():
    """This module's "this year" is 2026/27 (its tests travel there), whatever the real date."""
    return FeeScheduleFactory(year=year_of(THIS_APRIL))


@pytest.fixture
def renewal(business_manager):
    FeeScheduleFactory(year=year_of(NEXT_APRIL))
    with time_machine.travel(date(2027, 1, 10)):
        return MembershipFactory(
            year=year_of(NEXT_APRIL), renewal_due=True, managed_by=business_manager, reps=4
        )


def test_the_default_rules_are_data_staff_can_edit():
    rules = {(r.kind, r.days, r.repeat_every_days) for r in ReminderRule.objects.all()}

    assert ("renewal", -30, None) in rules
    assert ("renewal", -7, 7) in rules


@pytest.mark.parametrize(
    ("day", "due"),
    [
        (date(2027, 3, 2), True),  # 30 days before 1 April
        (date(2027, 3, 3), False),
        (date(2027, 3, 25), True),  # 7 days before
        (date(2027, 4, 1), True),  # then weekly
        (date(2027, 4, 8), True),
        (date(2027, 4, 9), False),
    ],
)
def test_renewal_reminders_follow_the_rules(renewal, sent_mail, day, due):
    with time_machine.travel(day), sent_mail() as outbox:
        tasks.send_reminders_task()

    assert len(outbox) == (1 if due else 0)
    if due:
        assert outbox[0].to == ["manager@example.org"]  # business managers only
        assert "Reminder" in outbox[0].subject
        assert "/accounts/magic-link/login/?token=" in outbox[0].body


def test_a_reminder_is_sent_once_a_day_however_often_beat_runs(renewal, sent_mail):
    with time_machine.travel(date(2027, 3, 25)), sent_mail() as outbox:
        tasks.send_reminders_task()
        tasks.send_reminders_task()

    assert len(outbox) == 1
    assert SentReminder.objects.count() == 1


def test_staff_can_change_the_schedule(renewal, sent_mail):
    ReminderRule.objects.all().delete()
    ReminderRule.objects.create(kind="renewal", days=-45)

    with time_machine.travel(NEXT_APRIL - timedelta(days=45)), sent_mail() as outbox:
        tasks.send_reminders_task()
    assert len(outbox) == 1
    with time_machine.travel(date(2027, 3, 2)), sent_mail() as outbox:
        tasks.send_reminders_task()
    assert len(outbox) == 1  # nothing more on the old 30-day mark


def test_a_submitted_renewal_gets_no_renewal_reminder(renewal, business_manager, sent_mail):
    with time_machine.travel(date(2027, 3, 20)):
        invoice = services.submit_renewal(
            membership=renewal,
            representatives=representatives(5),
            po_number="",
            user=business_manager,
        )
    with time_machine.travel(date(2027, 3, 25)), sent_mail() as outbox:
        tasks.send_reminders_task()

    assert all(
        invoice.number not in m.subject and "Reminder: renew" not in m.subject for m in outbox
    )
    assert outbox == []


def test_unpaid_invoices_are_chased_after_the_due_date(renewal, business_manager, sent_mail):
    ReminderRule.objects.filter(kind="renewal").delete()
    with time_machine.travel(date(2027, 3, 1)):
        invoice = services.submit_renewal(
            membership=renewal,
            representatives=representatives(5),
            po_number="",
            user=business_manager,
        )
    assert invoice.due_on == date(2027, 3, 31)

    with time_machine.travel(date(2027, 3, 31)), sent_mail() as outbox:
        outbox.clear()  # the invoice itself
        tasks.send_reminders_task()
    assert outbox == []
    with time_machine.travel(date(2027, 4, 1)), sent_mail() as outbox:
        tasks.send_reminders_task()

    [reminder] = outbox
    assert invoice.number in reminder.subject and "unpaid" in reminder.subject
    assert reminder.attachments[0][0] == f"{invoice.number}.pdf"

    billing.record_payment(invoice=invoice, amount=invoice.total, method="bacs", reference="B1")
    outbox.clear()
    with time_machine.travel(date(2027, 4, 15)), sent_mail() as outbox:
        tasks.send_reminders_task()
    assert outbox == []


def test_unpaid_memberships_lapse_after_the_grace_period_and_revive_when_paid(
    renewal, business_manager, settings
):
    settings.MEMBERSHIP_GRACE_DAYS = 60
    MembershipFactory(
        organisation=renewal.organisation, year=year_of(date(2026, 4, 1)), active=True
    )
    with time_machine.travel(date(2027, 3, 1)):
        invoice = services.submit_renewal(
            membership=renewal,
            representatives=representatives(5),
            po_number="",
            user=business_manager,
        )

    with time_machine.travel(NEXT_APRIL + timedelta(days=60)):
        tasks.lapse_unpaid_task()
        renewal.refresh_from_db()
        assert renewal.status == Membership.Status.INVOICED
        assert services.is_member(user=business_manager)  # benefits carry on through the grace
    with time_machine.travel(NEXT_APRIL + timedelta(days=61)):
        tasks.lapse_unpaid_task()
        renewal.refresh_from_db()
        assert renewal.status == Membership.Status.LAPSED
        assert not services.is_member(user=business_manager)

        billing.record_payment(
            invoice=invoice, amount=invoice.total, method="bacs", reference="LATE"
        )
        renewal.refresh_from_db()
        assert renewal.status == Membership.Status.ACTIVE
        assert services.is_member(user=business_manager)
    assert Invoice.objects.get().status == Invoice.Status.PAID


JOIN_DETAILS = {
    "name": "Bexley Safeguarding Children Partnership",
    "kind": "single_area",
    "areas": "Bexley",
    "billing_email": "finance@bexley.example.org",
}


@pytest.mark.usefixtures("this_years_fees")
def test_a_new_application_awaiting_approval_never_lapses(settings):
    settings.MEMBERSHIP_GRACE_DAYS = 60
    with time_machine.travel(date(2026, 5, 1)):
        membership = services.apply_to_join(
            organisation_details=JOIN_DETAILS, representatives=representatives(5)
        )

    with time_machine.travel(date(2026, 8, 1)):  # well past 1 April + 60 days
        tasks.lapse_unpaid_task()

    membership.refresh_from_db()
    assert membership.status == Membership.Status.SUBMITTED


@pytest.mark.usefixtures("this_years_fees")
def test_a_join_invoiced_mid_year_gets_its_full_grace_from_the_invoice_date(settings, staff_user):
    settings.MEMBERSHIP_GRACE_DAYS = 60
    with time_machine.travel(date(2026, 10, 1)):
        membership = services.apply_to_join(
            organisation_details=JOIN_DETAILS, representatives=representatives(5)
        )
        invoice = services.approve_application(membership=membership, user=staff_user)
    assert invoice.issued_on == date(2026, 10, 1)

    with time_machine.travel(date(2026, 11, 30)):  # issued + 60 days
        tasks.lapse_unpaid_task()
    membership.refresh_from_db()
    assert membership.status == Membership.Status.INVOICED

    with time_machine.travel(date(2026, 12, 1)):  # issued + 61 days
        tasks.lapse_unpaid_task()
    membership.refresh_from_db()
    assert membership.status == Membership.Status.LAPSED


@pytest.mark.usefixtures("this_years_fees")
def test_a_renewal_never_submitted_stays_renewable_after_the_grace_period(
    business_manager, settings
):
    settings.MEMBERSHIP_GRACE_DAYS = 60
    renewal = MembershipFactory(
        year=year_of(date(2026, 4, 1)), renewal_due=True, managed_by=business_manager
    )

    with time_machine.travel(date(2026, 7, 1)):
        tasks.lapse_unpaid_task()
        renewal.refresh_from_db()
        assert renewal.status == Membership.Status.RENEWAL_DUE

        invoice = services.submit_renewal(
            membership=renewal,
            representatives=representatives(5),
            po_number="LATE-1",
            user=business_manager,
        )
        tasks.lapse_unpaid_task()  # a late renewal's invoice gets its own grace too

    renewal.refresh_from_db()
    assert renewal.status == Membership.Status.INVOICED
    assert renewal.invoice == invoice
