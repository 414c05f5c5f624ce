from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from billing.models import Invoice
from membership.models import FeeSchedule, Membership, MembershipYear, Organisation
from membership.services import is_member
from tests.helpers import log_in_with_second_factor

pytestmark = pytest.mark.django_db


def test_demo_data_covers_every_state_and_is_idempotent(settings, capsys, django_user_model):
    settings.DEBUG = True

    call_command("seed_demo")
    counts = (Organisation.objects.count(), Membership.objects.count(), Invoice.objects.count())
    call_command("seed_demo")

    assert (
        Organisation.objects.count(),
        Membership.objects.count(),
        Invoice.objects.count(),
    ) == counts
    from membership.demo import MEMBERS

    assert Organisation.objects.filter(name__in=[m[0] for m in MEMBERS]).count() == 12
    years = {s.year.label for s in FeeSchedule.objects.select_related("year")}
    current = MembershipYear.current()
    # The seed's years, and last, this and next year whatever the date (copied when unseeded).
    assert {"2019/20", "2020/21", "2026/27"} <= years
    assert {current.previous().label, current.label, current.next().label} <= years
    statuses = set(Membership.objects.for_year(current).values_list("status", flat=True))
    assert {"active", "invoiced", "lapsed", "cancelled", "submitted"} <= statuses
    assert Membership.objects.for_year(current.next()).renewal_due().exists()
    assert set(Invoice.objects.values_list("status", flat=True)) == {"issued", "paid", "void"}
    manager = django_user_model.objects.get(email="manager@example.org")
    assert manager.check_password("tasp-demo-manager")
    assert is_member(user=manager)
    assert "manager@example.org / tasp-demo-manager" in capsys.readouterr().out


def test_staff_can_open_the_rest_of_next_years_renewals_in_the_demo(
    settings, client, staff_user, sent_mail
):
    """The demo holds next year's renewals whatever the date, so it opens that year's renewals
    from the day it is seeded: "Open renewals" then agrees, and opens the other members'."""
    settings.DEBUG = True
    settings.MEMBERSHIP_RENEWAL_WINDOW_DAYS = 90
    # Early in a membership year, long before next year's usual window opens.
    day = MembershipYear.current().starts_on + timedelta(days=50)
    with time_machine.travel(datetime.combine(day, time(9)), tick=False):
        call_command("seed_demo")
        upcoming = MembershipYear.current().next()
        held = set(Membership.objects.for_year(upcoming).values_list("organisation", flat=True))
        members = set(
            Membership.objects.for_year(upcoming.previous())
            .filter(status="active")
            .values_list("organisation", flat=True)
        )
        assert held and members - held and upcoming.renewals_open_on == day

        log_in_with_second_factor(client, staff_user)
        with sent_mail():
            response = client.post(
                reverse("admin:membership_membershipyear_changelist"),
                {"action": "open_renewals", "_selected_action": [upcoming.pk]},
                follow=True,
            )

    shown = [str(m) for m in response.context["messages"]]
    assert shown == [f"{upcoming}: {len(members - held)} renewals opened and emailed."]
    renewing = Membership.objects.for_year(upcoming).renewal_due()
    assert set(renewing.values_list("organisation", flat=True)) == members | held
