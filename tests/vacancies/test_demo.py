from datetime import timedelta

import pytest
from django.utils import timezone

from billing.models import Invoice
from vacancies import members
from vacancies.demo import seed_demo
from vacancies.models import AlertFilter, Vacancy

pytestmark = pytest.mark.django_db


def test_demo_data_covers_every_role_and_state_and_is_idempotent(staff_user):
    first = list(seed_demo(staff=staff_user))
    list(seed_demo(staff=staff_user))

    assert Vacancy.objects.count() == 12
    assert Invoice.objects.count() == 6  # the non-member adverts, invoiced once each
    assert len(first) == 3
    today = timezone.localdate()
    for role in Vacancy.RoleType.values:
        adverts = Vacancy.objects.filter(role_type=role)
        assert adverts.open().filter(closes_on__gt=today + timedelta(days=2)).exists()
        assert adverts.open().filter(closes_on__lte=today + timedelta(days=2)).exists()
        assert adverts.filter(status=Vacancy.Status.CLOSED).exists()
    assert Vacancy.objects.filter(is_member_post=True).exists()
    assert Vacancy.objects.filter(is_member_post=False).exists()
    member = Vacancy.objects.filter(is_member_post=True).first().posted_by
    assert members.is_member_user(member, today)
    non_member = Vacancy.objects.filter(is_member_post=False).first().posted_by
    assert not members.is_member_user(non_member, today)
    emails = set(Vacancy.objects.values_list("posted_by__email", flat=True))
    assert all(e.endswith((".example.org", ".example.com")) for e in emails)
    readers = AlertFilter.objects.select_related("subscriber")
    assert readers.count() == 4  # once each, however often the command runs
    assert any(r.role_types for r in readers) and any(r.regions for r in readers)
    assert all(r.subscriber.email.endswith("@example.org") for r in readers)
