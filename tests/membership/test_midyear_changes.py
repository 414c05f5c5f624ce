"""Representatives changed during the year: a higher band is invoiced, a lower one never
refunded by itself, a negotiated fee left to staff; the new people get member benefits."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from billing.models import Invoice
from membership import services
from membership.models import Membership, MembershipChange
from newsletters.models import MAIN_NEWSLETTER_SLUG, Subscription
from tests.membership.factories import FeeScheduleFactory, MembershipFactory, representatives
from tests.newsletters.factories import NewsletterFactory

pytestmark = pytest.mark.django_db

JUNE = date(2027, 6, 15)  # 290 of 366 days left in 2027/28 (to 31 March 2028, a leap year)


@pytest.fixture
def member(business_manager):
    """An active 2027/28 member paying £1,500 for five representatives."""
    with time_machine.travel(JUNE, tick=False):
        FeeScheduleFactory()
        return MembershipFactory(
            active=True, managed_by=business_manager, reps=5, schedule_fee=Decimal("1500.00")
        )


def change(member, count, user, **kwargs):
    return services.change_representatives(
        membership=member, representatives=representatives(count), user=user, **kwargs
    )


@time_machine.travel(JUNE, tick=False)
def test_moving_up_a_band_invoices_the_difference_pro_rata(
    member, business_manager, sent_mail, settings
):
    settings.STAFF_NOTIFICATION_EMAILS = ["office@tasp.example.org"]
    with sent_mail() as outbox:
        made = change(member, 8, business_manager, po_number="PO-77")

    member.refresh_from_db()
    assert (made.representatives_before, made.representatives_after) == (5, 8)
    assert (made.fee_before, made.fee_after, made.outcome) == (
        Decimal("1500.00"),
        Decimal("2500.00"),
        MembershipChange.Outcome.INVOICED,
    )
    # £1,000 difference for 291 of 366 days (15 June to 31 March inclusive).
    assert made.charge == Decimal("795.08")
    invoice = made.invoice
    assert (invoice.total, invoice.po_number, invoice.status) == (
        Decimal("795.08"),
        "PO-77",
        Invoice.Status.ISSUED,
    )
    assert "291 of 366 days" in invoice.lines.get().description
    assert member.schedule_fee == Decimal("2500.00") and member.representatives.count() == 8
    [bill] = [m for m in outbox if m.attachments]
    assert set(bill.to) == {"manager@example.org", member.organisation.billing_email}
    assert not [m for m in outbox if m.to == ["office@tasp.example.org"]]


@time_machine.travel(JUNE, tick=False)
def test_in_full_when_staff_choose_it(member, business_manager, settings):
    settings.MEMBERSHIP_MIDYEAR_CHARGE = "full"
    made = change(member, 12, business_manager)
    assert made.charge == made.invoice.total == Decimal("1875.00")  # £3,375 less £1,500


@time_machine.travel(JUNE, tick=False)
def test_moving_down_refunds_nothing_and_tells_staff(member, business_manager, sent_mail, settings):
    settings.STAFF_NOTIFICATION_EMAILS = ["office@tasp.example.org"]
    change(member, 8, business_manager)
    with sent_mail() as outbox:
        made = change(member, 3, business_manager)
    member.refresh_from_db()
    assert (made.outcome, made.charge, made.invoice) == (
        MembershipChange.Outcome.LOWER_BAND,
        Decimal("0.00"),
        None,
    )
    assert member.schedule_fee == Decimal("2500.00")  # what was charged stands
    [message] = outbox
    assert message.to == ["office@tasp.example.org"] and "lower band" in message.body
    # Back up to eight: already paid for, so nothing more to pay.
    again = change(member, 8, business_manager)
    assert (again.outcome, again.invoice) == (MembershipChange.Outcome.NO_CHARGE, None)


@time_machine.travel(JUNE, tick=False)
def test_a_negotiated_fee_is_not_invoiced_automatically(member, business_manager, sent_mail):
    member.negotiated_fee = Decimal("1000.00")
    member.negotiated_reason = "Small partnership"
    member.save()
    with sent_mail() as outbox:
        made = change(member, 15, business_manager)
    assert (made.outcome, made.invoice) == (MembershipChange.Outcome.NEGOTIATED, None)
    assert not Invoice.objects.exists()
    assert any("negotiated" in m.body for m in outbox)


@time_machine.travel(JUNE, tick=False)
def test_new_representatives_are_subscribed_at_once(member, business_manager):
    # The migration's list (a transactional test elsewhere may have emptied the tables).
    NewsletterFactory(slug=MAIN_NEWSLETTER_SLUG)
    change(member, 7, business_manager)
    subscribed = set(
        Subscription.objects.filter(newsletter__for_representatives=True).values_list(
            "subscriber__email", flat=True
        )
    )
    assert {"rep5@example.org", "rep6@example.org"} <= subscribed


@time_machine.travel(JUNE, tick=False)
@pytest.mark.parametrize("status", ["invoiced", "lapsed", "cancelled", "renewal_due"])
def test_only_an_active_membership_in_its_year_can_change(member, business_manager, status):
    Membership.objects.filter(pk=member.pk).update(status=status)
    with pytest.raises(services.MembershipError, match="only during the year"):
        change(member, 8, business_manager)
    assert not MembershipChange.objects.exists() and member.representatives.count() == 5


def test_a_year_that_has_ended_cannot_change(member, business_manager):
    with (
        time_machine.travel(date(2028, 4, 2), tick=False),
        pytest.raises(services.MembershipError, match="only during the year"),
    ):
        change(member, 8, business_manager)


@time_machine.travel(JUNE, tick=False)
def test_the_business_manager_changes_them_from_the_account_page(
    client, member, business_manager, sent_mail
):
    client.force_login(business_manager)
    account = client.get("/membership/account/").content.decode()
    assert "/membership/account/representatives/" in account
    page = client.get("/membership/account/representatives/")
    assert page.status_code == 200 and "for the days left in the year" in page.content.decode()

    data = {
        "reps-TOTAL_FORMS": "8",
        "reps-INITIAL_FORMS": "5",
        "reps-MIN_NUM_FORMS": "0",
        "reps-MAX_NUM_FORMS": "1000",
        "po_number": "",
    }
    for index, rep in enumerate(representatives(8)):
        data |= {
            f"reps-{index}-name": rep.name,
            f"reps-{index}-email": rep.email,
            f"reps-{index}-role": rep.role,
        }
    preview = client.post("/membership/account/representatives/", data | {"recalculate": "1"})
    assert "To pay now for this change: <strong>£795.08</strong>" in preview.content.decode()
    assert not MembershipChange.objects.exists()

    with sent_mail():
        done = client.post(
            "/membership/account/representatives/", data | {"confirm": "1"}, follow=True
        )
    made = MembershipChange.objects.get()
    assert f"Invoice {made.invoice.number} for £795.08" in done.content.decode()

    data["reps-0-email"] = data["reps-1-email"]
    refused = client.post("/membership/account/representatives/", data | {"confirm": "1"})
    assert "is named twice" in refused.content.decode()
    assert MembershipChange.objects.count() == 1


@time_machine.travel(JUNE, tick=False)
def test_nobody_else_can_open_the_page(client, member, other_manager, django_user_model):
    client.force_login(other_manager)
    assert client.get("/membership/account/representatives/").status_code == 404
    rep = member.representatives.exclude(role="business_manager").first().person
    rep.user = django_user_model.objects.create_user(email=rep.email)
    rep.save()
    client.force_login(rep.user)  # named, but not the business manager
    assert client.get("/membership/account/representatives/").status_code == 404
