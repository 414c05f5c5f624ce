"""The shared factories make what their names say."""

import pytest

from billing.models import Invoice
from membership.models import Membership
from tests.factories import MembershipFactory, UserFactory, VacancyFactory

pytestmark = pytest.mark.django_db


def test_an_invoiced_membership_has_its_invoice_issued(
    this_years_fees, tasks, django_capture_on_commit_callbacks
):
    user = UserFactory()

    with django_capture_on_commit_callbacks(execute=True):
        membership = MembershipFactory(invoiced=True, managed_by=user, reps=3)

    assert membership.status == Membership.Status.INVOICED
    assert membership.invoice.status == Invoice.Status.ISSUED
    assert membership.invoice.total == membership.fee
    assert [task.name for task in tasks.queued] == [
        "membership.tasks.email_invoice_task"
    ]  # emailed


def test_an_active_member_and_a_published_vacancy():
    membership = MembershipFactory(active=True)
    vacancy = VacancyFactory(published=True)

    assert membership.status == Membership.Status.ACTIVE and membership.invoice is None
    assert vacancy.is_open
