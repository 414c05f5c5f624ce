"""A fresh install (migrations only, no demo data) can run next year: staff prepare 2027/28 in
the admin, open renewals, a business manager renews at the right fee, and once paid the
representatives are on the newsletter the migrations made."""

from datetime import datetime
from decimal import Decimal
from importlib import import_module
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps

from billing.models import Invoice
from membership.models import FeeSchedule, Membership, MembershipYear
from newsletters.models import Subscription
from tests.helpers import log_in_with_second_factor
from tests.membership.factories import MembershipFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


@pytest.fixture(autouse=True)
def as_migrated():
    """What the migrations leave: the fee schedules up to 2026/27 (the autouse seed fixture
    puts them back after a transactional test) and the main newsletter list (put back here the
    same way, by the migration's own function), and nothing else."""
    import_module(
        "newsletters.migrations.0005_main_newsletter_for_representatives"
    ).create_main_newsletter(apps, None)
    assert not Membership.objects.exists()
    assert not FeeSchedule.objects.filter(year__starts_on__gte="2027-04-01").exists()


def action(client, model, name, pks):
    return client.post(
        f"/admin/{'billing' if model == 'invoice' else 'membership'}/{model}/",
        {"action": name, "_selected_action": [str(pk) for pk in pks]},
        follow=True,
    )


def renewal_form(organisation, people: int) -> dict:
    data = {
        "org-name": organisation.name,
        "org-areas": organisation.areas,
        "org-address": organisation.address,
        "org-billing_name": organisation.billing_name,
        "org-billing_email": organisation.billing_email,
        "reps-TOTAL_FORMS": str(people),
        "reps-INITIAL_FORMS": "1",
        "reps-MIN_NUM_FORMS": "0",
        "reps-MAX_NUM_FORMS": "1000",
        "po_number": "PO-2027-1",
        "continue": "1",
    }
    roles = ["business_manager", "local_authority", "police", "health", "independent", "other"]
    for index in range(people):
        email = "manager@example.org" if index == 0 else f"rep{index}@example.org"
        data |= {
            f"reps-{index}-name": f"Person {index}",
            f"reps-{index}-email": email,
            f"reps-{index}-role": roles[index % len(roles)],
        }
    return data


def test_staff_prepare_next_year_and_a_member_renews_and_joins_the_newsletter(
    client,
    staff_user,
    business_manager,
    mailoutbox,
    django_capture_on_commit_callbacks,
    eager_tasks,
):
    with time_machine.travel(datetime(2027, 1, 5, 10, tzinfo=LONDON), tick=False):
        this_year = MembershipYear.for_date(datetime(2026, 6, 1).date())
        next_year = this_year.next()
        member = MembershipFactory(year=this_year, active=True, managed_by=business_manager)
        log_in_with_second_factor(client, staff_user)

        # Opening renewals before there are fees is refused, saying what to do.
        refused = action(client, "membershipyear", "open_renewals", [next_year.pk])
        assert "has no fee schedule" in refused.content.decode()
        assert not Membership.objects.filter(year=next_year).exists() and not mailoutbox

        copied = action(client, "membershipyear", "copy_fee_schedules", [this_year.pk])
        assert "1 fee schedule(s) copied" in copied.content.decode()
        old, new = this_year.fee_schedule_for(""), next_year.fee_schedule_for("")
        assert list(new.bands.values_list("up_to", "fee")) == list(
            old.bands.values_list("up_to", "fee")
        )
        assert new.per_extra_representative == old.per_extra_representative
        new.bands.filter(up_to=10).update(fee=Decimal("2600.00"))  # staff's rise for 2027/28

        with django_capture_on_commit_callbacks(execute=True):
            opened = action(client, "membershipyear", "open_renewals", [next_year.pk])
        assert "1 renewals opened" in opened.content.decode()
        [invitation] = mailoutbox
        assert invitation.to == ["manager@example.org"] and "2027/28" in invitation.subject

        client.force_login(business_manager)
        page = client.get("/membership/renew/").content.decode()
        assert "Renew" in page and "2027/28" in page
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/membership/renew/", renewal_form(member.organisation, 6))
            assert response.url == "/membership/renew/check/"
            assert "£2,600.00" in client.get(response.url).content.decode()
            assert client.post(response.url).status_code == 302
        renewal = Membership.objects.get(year=next_year)
        assert renewal.invoice.total == Decimal("2600.00")  # six people: up to 10, this year's fee

        log_in_with_second_factor(client, staff_user)
        with django_capture_on_commit_callbacks(execute=True):
            action(client, "invoice", "mark_paid_bacs", [renewal.invoice.pk])
        renewal.refresh_from_db()
        assert renewal.status == Membership.Status.ACTIVE
        assert renewal.invoice.status == Invoice.Status.PAID
        subscribed = set(
            Subscription.objects.filter(newsletter__for_representatives=True).values_list(
                "subscriber__email", flat=True
            )
        )
        assert subscribed == {"manager@example.org"} | {f"rep{n}@example.org" for n in range(1, 6)}
