"""Each model's status changes only along its table of moves (tasp/states.py)."""

from decimal import Decimal

import pytest

from billing import services as billing
from billing.models import Invoice
from membership.models import Membership
from tasp.states import InvalidMove
from tests.membership.factories import MembershipFactory
from tests.vacancies.factories import VacancyFactory
from vacancies.models import Vacancy

pytestmark = pytest.mark.django_db


def every_move(model):
    statuses = model.Status.values
    return [
        (model, before, after, after in model.MOVES.get(before, ()))
        for before in statuses
        for after in statuses
    ]


def made(model, status):
    if model is Invoice:
        invoice = billing.issue_invoice(
            bill_to=billing.BillTo(name="Luton Council"),
            lines=[billing.LineData(description="Advert", unit_price=Decimal("650.00"))],
        )
        Invoice.objects.filter(pk=invoice.pk).update(status=status)  # the state under test
        return Invoice.objects.get(pk=invoice.pk)
    if model is Membership:
        return MembershipFactory(status=status)
    return VacancyFactory(status=status)


@pytest.mark.parametrize(
    ("model", "before", "after", "allowed"),
    every_move(Invoice) + every_move(Membership) + every_move(Vacancy),
    ids=lambda value: getattr(value, "__name__", str(value)),
)
def test_only_the_tables_moves_are_made(model, before, after, allowed):
    row = made(model, before)
    if allowed:
        row.move_to(after)
        row.refresh_from_db()
        assert row.status == after
    else:
        with pytest.raises(InvalidMove, match="cannot become"):
            row.move_to(after)
        row.refresh_from_db()
        assert row.status == before  # nothing written


def test_a_vacancys_history_row_is_kept_only_for_a_move_made():
    vacancy = VacancyFactory(status=Vacancy.Status.CLOSED)
    with pytest.raises(InvalidMove, match="Closed cannot become Published"):
        vacancy.change_status(Vacancy.Status.PUBLISHED)
    assert not vacancy.status_changes.exists()
