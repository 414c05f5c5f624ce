"""The membership fee: one pure function of a schedule's bands and a number of representatives.

No database here, so the rule is tested at every band boundary without fixtures and the quote
page, the renewal form and the invoice all agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

MAX_REPRESENTATIVES = 200  # more than any partnership names; beyond this is a typing mistake


class FeeError(ValueError):
    """The number of representatives cannot be priced (zero, negative or absurd)."""


@dataclass(frozen=True)
class Band:
    up_to: int
    fee: Decimal


@dataclass(frozen=True)
class Quote:
    representatives: int
    band_up_to: int
    band_fee: Decimal
    extra_representatives: int
    extra_unit_price: Decimal

    @property
    def extra_total(self) -> Decimal:
        return self.extra_unit_price * self.extra_representatives

    @property
    def total(self) -> Decimal:
        return (self.band_fee + self.extra_total).quantize(Decimal("0.01"))

    def as_dict(self) -> dict:
        return {
            "representatives": self.representatives,
            "band_up_to": self.band_up_to,
            "band_fee": f"{self.band_fee:.2f}",
            "extra_representatives": self.extra_representatives,
            "extra_unit_price": f"{self.extra_unit_price:.2f}",
            "extra_total": f"{self.extra_total:.2f}",
            "total": f"{self.total:.2f}",
        }


def calculate_fee(
    *, bands: Sequence[Band], per_extra_representative: Decimal, representatives: int
) -> Quote:
    """The fee for ``representatives``: the smallest band that holds them, or the top band plus
    ``per_extra_representative`` for each one above it."""
    if isinstance(representatives, bool) or not isinstance(representatives, int):
        raise FeeError("The number of representatives must be a whole number.")
    if representatives < 1:
        raise FeeError("A membership names at least one representative.")
    if representatives > MAX_REPRESENTATIVES:
        raise FeeError(f"Please contact us for more than {MAX_REPRESENTATIVES} representatives.")
    ordered = sorted(bands, key=lambda band: band.up_to)
    if not ordered:
        raise FeeError("This fee schedule has no bands yet.")
    for band in ordered:
        if representatives <= band.up_to:
            return Quote(representatives, band.up_to, band.fee, 0, Decimal("0.00"))
    top = ordered[-1]
    return Quote(
        representatives, top.up_to, top.fee, representatives - top.up_to, per_extra_representative
    )
