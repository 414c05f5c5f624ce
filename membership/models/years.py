"""Membership years and their fee schedules (the fees are data, per year)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Self

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from billing.models import ZERO

from ..fees import Band, FeeError, Quote, calculate_fee
from .organisations import Organisation


class MembershipYearQuerySet(models.QuerySet):
    def containing(self, day: date) -> Self:
        return self.filter(starts_on__lte=day, ends_on__gte=day)


class MembershipYear(models.Model):
    """1 April to 31 March, labelled like 2020/21."""

    class InvoiceDating(models.TextChoices):
        CONFIRMED = "confirmed", "The day the renewal is confirmed"
        YEAR_START = (
            "year_start",
            "The first day of the membership year (or later, if confirmed later)",
        )

    starts_on = models.DateField(unique=True)
    ends_on = models.DateField()
    renewals_open_on = models.DateField(
        null=True,
        blank=True,
        help_text="The first day staff may open this year's renewals. Leave blank for the usual "
        "window (MEMBERSHIP_RENEWAL_WINDOW_DAYS before the year starts); set an earlier day "
        "to open them sooner.",
    )
    renewal_invoice_dated = models.CharField(
        "renewal invoices are dated",
        max_length=20,
        choices=InvoiceDating,
        default=InvoiceDating.CONFIRMED,
        help_text="Either way the invoice is due the payment terms after its date.",
    )

    objects = MembershipYearQuerySet.as_manager()

    class Meta:
        ordering = ["starts_on"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"{self.starts_on.year}/{str(self.starts_on.year + 1)[-2:]}"

    @staticmethod
    def start_for(day: date) -> date:
        return date(day.year if day.month >= 4 else day.year - 1, 4, 1)

    @classmethod
    def acting_starts(cls, day: date | None = None) -> list[date]:
        """The first days of the year containing ``day`` (default today) and of the next: the
        years whose representatives act for their organisation."""
        starts_on = cls.start_for(day or timezone.localdate())
        return [starts_on, starts_on.replace(year=starts_on.year + 1)]

    @classmethod
    def for_date(cls, day: date | None = None) -> MembershipYear:
        starts_on = cls.start_for(day or timezone.localdate())
        year, _ = cls.objects.get_or_create(
            starts_on=starts_on,
            defaults={
                "ends_on": date(starts_on.year + 1, 3, 31),
                # A new year keeps the invoice dating staff chose for the year before it (a
                # callable: asked only when the year is created).
                "renewal_invoice_dated": lambda: (
                    cls.objects.filter(starts_on__lt=starts_on)
                    .order_by("-starts_on")
                    .values_list("renewal_invoice_dated", flat=True)
                    .first()
                    or cls.InvoiceDating.CONFIRMED
                ),
            },
        )
        return year

    @classmethod
    def current(cls) -> MembershipYear:
        return cls.for_date(timezone.localdate())

    @property
    def renewal_window_opens(self) -> date:
        """The first day this year's renewals may be opened: the day staff set, else the usual
        window before the year starts."""
        if self.renewals_open_on is not None:
            return self.renewals_open_on
        return self.starts_on - timedelta(days=settings.MEMBERSHIP_RENEWAL_WINDOW_DAYS)

    def renewal_invoice_date(self, confirmed_on: date) -> date:
        """The date on the invoice of a renewal for this year confirmed on ``confirmed_on``, as
        the year's policy says: that day, or the year's first day (never a day already past)."""
        if self.renewal_invoice_dated == self.InvoiceDating.YEAR_START:
            return max(confirmed_on, self.starts_on)
        return confirmed_on

    def next(self) -> MembershipYear:
        return MembershipYear.for_date(date(self.starts_on.year + 1, 4, 1))

    def previous(self) -> MembershipYear:
        return MembershipYear.for_date(date(self.starts_on.year - 1, 4, 1))

    def copy_fee_schedules_to_next(self) -> list[FeeSchedule]:
        """Next year's fee schedules, copied from this year's (bands and the price per extra
        representative) for staff to adjust; refused when next year already has one."""
        following = self.next()
        if following.fee_schedules.exists():
            raise FeeError(f"{following} already has a fee schedule: change it rather than copy.")
        if not self.fee_schedules.exists():
            raise FeeError(f"{self} has no fee schedule to copy.")
        copies = []
        for schedule in self.fee_schedules.prefetch_related("bands"):
            copy = FeeSchedule.objects.create(
                year=following,
                kind=schedule.kind,
                per_extra_representative=schedule.per_extra_representative,
                notes=f"Copied from {self}'s schedule; adjust before opening renewals.",
            )
            FeeBand.objects.bulk_create(
                FeeBand(schedule=copy, up_to=band.up_to, fee=band.fee)
                for band in schedule.bands.all()
            )
            copies.append(copy)
        return copies

    def still_needs(self, today: date | None = None) -> list[str]:
        """What staff still have to do before this year's renewals run, in order."""
        today = today or timezone.localdate()
        needs = []
        if self.ends_on < today:
            return needs
        if not self.fee_schedules.filter(kind="").exists():
            needs.append("a fee schedule (copy last year's: “Copy fee schedules to next year”)")
        if not self.memberships.exists() and self.starts_on > today:
            needs.append("renewals opened (“Open renewals”)")
        from .reminders import ReminderRule

        if not ReminderRule.objects.filter(active=True, kind=ReminderRule.Kind.RENEWAL).exists():
            needs.append("an active renewal reminder rule")
        return needs

    def fee_schedule_for(self, kind: str) -> FeeSchedule | None:
        """The schedule for this kind of organisation, else the year's general schedule."""
        schedules = {s.kind: s for s in self.fee_schedules.prefetch_related("bands")}
        return schedules.get(kind) or schedules.get("")


class FeeSchedule(models.Model):
    year = models.ForeignKey(MembershipYear, on_delete=models.PROTECT, related_name="fee_schedules")
    kind = models.CharField(
        "organisation kind",
        max_length=20,
        choices=Organisation.Kind,
        blank=True,
        help_text="Leave blank for the schedule that applies to every kind without its own.",
    )
    # No default: £0 per extra representative must be a decision, not something forgotten.
    per_extra_representative = models.DecimalField(
        max_digits=9,
        decimal_places=2,
        validators=[MinValueValidator(ZERO)],
        help_text="The price of each representative beyond the largest band.",
    )
    notes = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["year__starts_on", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["year", "kind"], name="one_fee_schedule_per_year_kind")
        ]

    def __str__(self) -> str:
        return f"{self.year} fees" + (f" ({self.get_kind_display()})" if self.kind else "")

    def quote(self, representatives: int) -> Quote:
        bands = [Band(band.up_to, band.fee) for band in self.bands.all()]
        return calculate_fee(
            bands=bands,
            per_extra_representative=self.per_extra_representative,
            representatives=representatives,
        )


class FeeBand(models.Model):
    schedule = models.ForeignKey(FeeSchedule, on_delete=models.CASCADE, related_name="bands")
    up_to = models.PositiveIntegerField(
        "up to (representatives)", validators=[MinValueValidator(1)]
    )
    fee = models.DecimalField(max_digits=9, decimal_places=2, validators=[MinValueValidator(ZERO)])

    history = HistoricalRecords()

    class Meta:
        ordering = ["up_to"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "up_to"], name="one_band_per_size")
        ]

    def __str__(self) -> str:
        return f"up to {self.up_to}: £{self.fee:,.2f}"
