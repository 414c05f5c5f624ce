"""Issue "a real year", items 1-3: next year's fees, reminders that end, purchase orders that
lapse. Every test runs in a year no data migration seeds (2031/32), so each makes what it uses."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from billing.models import Invoice
from membership import renewals, services, tasks
from membership.fees import FeeError
from membership.models import FeeBand, FeeSchedule, Membership, ReminderRule
from tests.membership.factories import MembershipFactory, representatives, year_of

pytestmark = pytest.mark.django_db

YEAR_STARTS = date(2031, 4, 1)


def schedule_for(year, *, per_extra="95.00", bands=((5, "1500.00"), (10, "2500.00"))):
    schedule = FeeSchedule.objects.create(year=year, per_extra_representative=Decimal(per_extra))
    for up_to, fee in bands:
        FeeBand.objects.create(schedule=schedule, up_to=up_to, fee=Decimal(fee))
    return schedule


@pytest.fixture
def this_year():
    year = year_of(YEAR_STARTS)
    schedule_for(year)
    return year


def test_copying_a_years_fee_schedules_gives_next_year_the_same_bands_and_extra_price(this_year):
    (copy,) = this_year.copy_fee_schedules_to_next()

    assert copy.year == this_year.next()
    assert copy.per_extra_representative == Decimal("95.00")
    assert [(b.up_to, b.fee) for b in copy.bands.all()] == [
        (5, Decimal("1500.00")),
        (10, Decimal("2500.00")),
    ]
    assert this_year.next().fee_schedule_for("").quote(12).total == Decimal("2690.00")


def test_copying_is_refused_when_next_year_already_has_a_schedule(this_year):
    this_year.copy_fee_schedules_to_next()

    with pytest.raises(FeeError, match="already has a fee schedule"):
        this_year.copy_fee_schedules_to_next()
    assert FeeSchedule.objects.filter(year=this_year.next()).count() == 1


def test_the_admin_action_copies_the_schedule_for_staff_to_adjust(client, staff_user, this_year):
    from tests.helpers import log_in_with_second_factor

    log_in_with_second_factor(client, staff_user)
    response = client.post(
        "/admin/membership/membershipyear/",
        {"action": "copy_fee_schedules", "_selected_action": [this_year.pk]},
        follow=True,
    )

    assert "1 fee schedule(s) copied from 2031/32" in response.content.decode()
    assert this_year.next().fee_schedule_for("") is not None


def test_a_new_schedule_has_no_silent_zero_price_per_extra_representative(this_year):
    schedule = FeeSchedule(year=this_year.next())

    with pytest.raises(ValidationError) as refused:
        schedule.full_clean()
    assert "per_extra_representative" in refused.value.message_dict


def test_opening_renewals_for_a_year_without_a_fee_schedule_is_refused_and_changes_nothing(
    this_year, sent_mail
):
    MembershipFactory(year=this_year, active=True, reps=3)
    following = this_year.next()

    with (
        time_machine.travel(following.starts_on - timedelta(days=60)),
        sent_mail() as outbox,
        pytest.raises(services.MembershipError, match="has no fee schedule"),
    ):
        renewals.open_renewals(year=following)

    assert not Membership.objects.filter(year=following).exists() and outbox == []


def test_renewals_opened_after_copying_are_priced_from_the_new_schedule(this_year, sent_mail):
    MembershipFactory(year=this_year, active=True, reps=13)  # 13: 12 representatives
    this_year.copy_fee_schedules_to_next()
    following = this_year.next()

    with time_machine.travel(following.starts_on - timedelta(days=60)), sent_mail():
        assert renewals.open_renewals(year=following) == 1

    assert Membership.objects.get(year=following).schedule_fee == Decimal("2690.00")


def test_renewals_open_sooner_when_staff_set_an_earlier_day_on_the_year(
    this_year, sent_mail, settings
):
    settings.MEMBERSHIP_RENEWAL_WINDOW_DAYS = 90
    MembershipFactory(year=this_year, active=True, reps=3)
    this_year.copy_fee_schedules_to_next()
    following = this_year.next()
    early = following.starts_on - timedelta(days=200)  # long before the usual 90-day window

    with time_machine.travel(early), pytest.raises(services.MembershipError) as refused:
        renewals.open_renewals(year=following)
    usual = following.starts_on - timedelta(days=90)
    assert f"open on {usual:%-d %B %Y}, 90 days before the year starts" in str(refused.value)
    assert "set “Renewals open on”" in str(refused.value)

    following.renewals_open_on = early
    following.save()
    with time_machine.travel(early - timedelta(days=1)), pytest.raises(services.MembershipError):
        renewals.open_renewals(year=following)
    with time_machine.travel(early), sent_mail():
        assert renewals.open_renewals(year=following) == 1
    assert Membership.objects.get(year=following).status == Membership.Status.RENEWAL_DUE


def test_renewals_for_a_year_that_has_ended_cannot_be_opened(this_year):
    following = this_year.next()
    schedule_for(following)

    with (
        time_machine.travel(following.ends_on + timedelta(days=1)),
        pytest.raises(services.MembershipError, match="has ended"),
    ):
        renewals.open_renewals(year=following)


def test_staff_see_what_the_coming_year_still_needs(this_year):
    following = this_year.next()
    day = following.starts_on - timedelta(days=60)

    assert following.still_needs(day) == [
        "a fee schedule (copy last year's: “Copy fee schedules to next year”)",
        "renewals opened (“Open renewals”)",
    ]
    this_year.copy_fee_schedules_to_next()
    assert following.still_needs(day) == ["renewals opened (“Open renewals”)"]


@pytest.fixture
def renewal(this_year, business_manager):
    """A renewal for the year after ``this_year``, due, with a schedule to price it."""
    this_year.copy_fee_schedules_to_next()
    return MembershipFactory(
        year=this_year.next(), renewal_due=True, managed_by=business_manager, reps=4
    )


def reminders_sent(sent_mail, days) -> list[date]:
    sent = []
    for day in days:
        with time_machine.travel(day), sent_mail() as outbox:
            outbox.clear()
            tasks.send_reminders_task()
        if any("Reminder" in message.subject for message in outbox):  # sent on leaving
            sent.append(day)
    return sent


def test_a_repeating_reminder_stops_after_its_times(renewal, sent_mail):
    ReminderRule.objects.all().delete()
    ReminderRule.objects.create(kind="renewal", days=-7, repeat_every_days=7, times=3)
    starts = renewal.year.starts_on

    days = [starts + timedelta(days=offset) for offset in range(-7, 60, 7)]
    assert reminders_sent(sent_mail, days) == days[:3]


def test_no_renewal_reminder_is_sent_for_a_year_that_has_ended(renewal, sent_mail):
    ReminderRule.objects.all().delete()
    ReminderRule.objects.create(kind="renewal", days=0, repeat_every_days=1, times=1000)
    ended = renewal.year.ends_on

    assert reminders_sent(sent_mail, [ended - timedelta(days=1), ended + timedelta(days=6)]) == [
        ended - timedelta(days=1)
    ]


def test_an_unpaid_invoice_of_a_lapsed_membership_or_for_nothing_is_not_chased(
    renewal, business_manager, sent_mail
):
    ReminderRule.objects.all().delete()
    ReminderRule.objects.create(kind="unpaid", days=1, repeat_every_days=1, times=100)
    with time_machine.travel(renewal.year.starts_on - timedelta(days=20)), sent_mail():
        invoice = services.submit_renewal(
            membership=renewal,
            representatives=representatives(5),
            po_number="",
            user=business_manager,
        )
    assert reminders_sent(sent_mail, [invoice.due_on + timedelta(days=1)])  # chased while due

    Membership.objects.filter(pk=renewal.pk).update(status=Membership.Status.LAPSED)
    assert reminders_sent(sent_mail, [invoice.due_on + timedelta(days=2)]) == []

    Membership.objects.filter(pk=renewal.pk).update(status=Membership.Status.INVOICED)
    Invoice.objects.filter(pk=invoice.pk).update(total=Decimal("0.00"))
    assert reminders_sent(sent_mail, [invoice.due_on + timedelta(days=3)]) == []


def test_the_renewal_page_offers_only_a_year_not_yet_ended(client, renewal, business_manager):
    with time_machine.travel(renewal.year.ends_on - timedelta(days=1)):
        client.force_login(business_manager)
        assert client.get("/membership/renew/").status_code == 200
    with time_machine.travel(renewal.year.ends_on + timedelta(days=1)):
        client.force_login(business_manager)
        assert client.get("/membership/renew/").status_code == 404


def test_a_renewal_for_a_year_that_has_ended_is_refused(renewal, business_manager):
    with (
        time_machine.travel(renewal.year.ends_on + timedelta(days=1)),
        pytest.raises(services.MembershipError, match="has ended"),
    ):
        services.submit_renewal(
            membership=renewal,
            representatives=representatives(5),
            po_number="",
            user=business_manager,
        )
    renewal.refresh_from_db()
    assert renewal.status == Membership.Status.RENEWAL_DUE and renewal.invoice is None


def test_a_membership_accepted_on_a_purchase_order_lapses_when_its_invoice_stays_unpaid(
    renewal, business_manager, sent_mail, settings
):
    with time_machine.travel(renewal.year.starts_on - timedelta(days=20)), sent_mail():
        invoice = services.submit_renewal(
            membership=renewal,
            representatives=representatives(5),
            po_number="PO-1",
            user=business_manager,
        )
        services.accept_purchase_order(membership=renewal)
    renewal.refresh_from_db()
    assert renewal.status == Membership.Status.ACTIVE

    last_day = invoice.due_on + timedelta(days=settings.MEMBERSHIP_GRACE_DAYS)
    with time_machine.travel(last_day):
        assert renewals.lapse_unpaid() == 0
    with time_machine.travel(last_day + timedelta(days=1)):
        assert renewals.lapse_unpaid() == 1
    renewal.refresh_from_db()
    assert renewal.status == Membership.Status.LAPSED
