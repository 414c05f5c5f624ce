from decimal import Decimal

import pytest

from membership.fees import MAX_REPRESENTATIVES, Band, FeeError, calculate_fee
from membership.models import MembershipYear

# The table from TASP's newsletters (2020/21 onward).
SEED_BANDS = [
    Band(5, Decimal("1500.00")),
    Band(10, Decimal("2500.00")),
    Band(15, Decimal("3375.00")),
    Band(20, Decimal("4000.00")),
    Band(25, Decimal("4375.00")),
]


def fee(count: int) -> Decimal:
    return calculate_fee(
        bands=SEED_BANDS, per_extra_representative=Decimal("50.00"), representatives=count
    ).total


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (1, "1500.00"),
        (5, "1500.00"),
        (6, "2500.00"),
        (10, "2500.00"),
        (11, "3375.00"),
        (15, "3375.00"),
        (16, "4000.00"),
        (20, "4000.00"),
        (21, "4375.00"),
        (25, "4375.00"),
        (26, "4425.00"),
        (27, "4475.00"),
        (30, "4625.00"),
        (MAX_REPRESENTATIVES, str(Decimal("4375.00") + 50 * (MAX_REPRESENTATIVES - 25))),
    ],
)
def test_fee_at_every_band_boundary(count, expected):
    assert fee(count) == Decimal(expected)


def test_the_breakdown_names_the_band_and_the_extras():
    quote = calculate_fee(
        bands=SEED_BANDS, per_extra_representative=Decimal("50.00"), representatives=28
    )

    assert (quote.band_up_to, quote.band_fee) == (25, Decimal("4375.00"))
    assert (quote.extra_representatives, quote.extra_total) == (3, Decimal("150.00"))
    assert quote.as_dict()["total"] == "4525.00"


def test_band_order_in_the_schedule_does_not_matter():
    shuffled = list(reversed(SEED_BANDS))

    quote = calculate_fee(bands=shuffled, per_extra_representative=Decimal("50"), representatives=7)

    assert quote.total == Decimal("2500.00")


@pytest.mark.parametrize("count", [0, -1, -25, MAX_REPRESENTATIVES + 1, 10**9, "5", 5.0, True])
def test_impossible_counts_are_refused(count):
    with pytest.raises(FeeError):
        fee(count)


def test_a_schedule_without_bands_is_refused():
    with pytest.raises(FeeError):
        calculate_fee(bands=[], per_extra_representative=Decimal("50"), representatives=3)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "count", "expected"),
    [(2019, 5, "1500.00"), (2019, 9, "1500.00"), (2020, 6, "2500.00"), (2026, 26, "4425.00")],
)
def test_the_seeded_schedules_are_data_in_the_database(start, count, expected):
    from datetime import date

    year = MembershipYear.for_date(date(start, 6, 1))

    assert year.label == f"{start}/{str(start + 1)[-2:]}"
    assert year.fee_schedule_for("single_area").quote(count).total == Decimal(expected)


@pytest.mark.django_db
def test_a_schedule_for_one_kind_of_organisation_wins_over_the_general_one():
    from datetime import date

    from membership.models import FeeBand, FeeSchedule
    from tests.membership.factories import FeeScheduleFactory

    year = MembershipYear.for_date(date(2026, 6, 1))
    FeeScheduleFactory(year=year)  # the general one
    national = FeeSchedule.objects.create(year=year, kind="national", per_extra_representative=0)
    FeeBand.objects.create(schedule=national, up_to=50, fee=Decimal("900.00"))

    assert year.fee_schedule_for("national").quote(30).total == Decimal("900.00")
    assert year.fee_schedule_for("single_area").quote(30).total == Decimal("4625.00")
