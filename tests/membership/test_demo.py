import pytest
from django.core.management import call_command

from billing.models import Invoice
from membership.models import FeeSchedule, Membership, MembershipYear, Organisation
from membership.services import is_member

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
