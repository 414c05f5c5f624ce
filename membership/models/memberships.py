"""A membership: one organisation's year, its representatives and its mid-year changes."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Self

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from billing.models import ZERO, Invoice
from tasp.states import Moves

from ..fees import Quote
from .organisations import Organisation, Person
from .years import FeeSchedule, MembershipYear


class MembershipQuerySet(models.QuerySet):
    def for_year(self, year: MembershipYear) -> Self:
        return self.filter(year=year)

    def active_on(self, day: date | None = None) -> Self:
        day = day or timezone.localdate()
        return self.filter(
            status=Membership.Status.ACTIVE, year__starts_on__lte=day, year__ends_on__gte=day
        )

    def with_benefits_on(self, day: date | None = None) -> Self:
        """Active on the day, or renewing within MEMBERSHIP_GRACE_DAYS of the year's start: last
        year's membership was active and this year's is due, submitted or invoiced, so the
        representatives keep their benefits until it is paid or lapses."""
        day = day or timezone.localdate()
        Status = Membership.Status
        active = Q(status=Status.ACTIVE, year__starts_on__lte=day, year__ends_on__gte=day)
        year_start = MembershipYear.start_for(day)
        if day > year_start + timedelta(days=settings.MEMBERSHIP_GRACE_DAYS):
            return self.filter(active)
        last_year = Membership.objects.filter(
            organisation=OuterRef("organisation"),
            status=Status.ACTIVE,
            year__starts_on=year_start.replace(year=year_start.year - 1),
        )
        renewing = Q(
            Exists(last_year),
            status__in=[Status.RENEWAL_DUE, Status.SUBMITTED, Status.INVOICED],
            year__starts_on=year_start,
        )
        return self.filter(active | renewing)

    def with_benefits_for(self, user, day: date | None = None) -> Self:
        """The memberships with benefits on the day (``with_benefits_on``) that give them to
        this login: it is a named representative on the membership or, while the membership
        is renewing in the grace period, on last year's active one it carries on. Being named
        in any other year gives nothing."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        day = day or timezone.localdate()
        year_start = MembershipYear.start_for(day)
        named = Representative.objects.filter(
            person__organisation=OuterRef("organisation"), person__user=user
        )
        on_it = Exists(named.filter(membership=OuterRef("pk")))
        on_last_year = Exists(
            named.filter(
                membership__organisation=OuterRef("organisation"),
                membership__status=Membership.Status.ACTIVE,
                membership__year__starts_on=year_start.replace(year=year_start.year - 1),
            )
        )
        renewing = ~Q(status=Membership.Status.ACTIVE)  # only so in the grace period
        return self.with_benefits_on(day).filter(Q(on_it) | Q(renewing, on_last_year))

    def renewal_due(self) -> Self:
        return self.filter(status=Membership.Status.RENEWAL_DUE)

    def open_for_renewal(self, day: date | None = None) -> Self:
        """Renewals a business manager can still submit: due, for a year not yet ended."""
        return self.renewal_due().filter(year__ends_on__gte=day or timezone.localdate())

    def declinable(self) -> Self:
        """Memberships the organisation can still say it will not take up: nothing paid yet."""
        return self.filter(
            models.Q(status__in=[Membership.Status.RENEWAL_DUE, Membership.Status.SUBMITTED])
            | models.Q(status=Membership.Status.INVOICED, invoice__isnull=True)
            | models.Q(status=Membership.Status.INVOICED, invoice__status=Invoice.Status.ISSUED)
        )

    def managed_by(self, user) -> Self:
        return self.filter(organisation__in=Organisation.objects.managed_by(user))


class Membership(Moves, models.Model):
    class Status(models.TextChoices):
        RENEWAL_DUE = "renewal_due", "Renewal due"
        SUBMITTED = "submitted", "Submitted"
        INVOICED = "invoiced", "Invoiced"
        ACTIVE = "active", "Active"
        LAPSED = "lapsed", "Lapsed"
        CANCELLED = "cancelled", "Cancelled"

    MOVES = {
        Status.RENEWAL_DUE: frozenset({Status.INVOICED, Status.CANCELLED}),
        Status.SUBMITTED: frozenset({Status.INVOICED, Status.CANCELLED}),
        Status.INVOICED: frozenset(
            {Status.ACTIVE, Status.LAPSED, Status.RENEWAL_DUE, Status.CANCELLED}
        ),
        Status.ACTIVE: frozenset({Status.LAPSED}),  # accepted on a PO, and still unpaid
        Status.LAPSED: frozenset({Status.ACTIVE, Status.RENEWAL_DUE, Status.CANCELLED}),
    }

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships"
    )
    year = models.ForeignKey(MembershipYear, on_delete=models.PROTECT, related_name="memberships")
    status = models.CharField(
        max_length=20, choices=Status, default=Status.RENEWAL_DUE, db_index=True
    )
    schedule_fee = models.DecimalField(
        max_digits=9, decimal_places=2, default=ZERO, validators=[MinValueValidator(ZERO)]
    )
    negotiated_fee = models.DecimalField(
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO)],
        help_text="Replaces the schedule's fee on this membership.",
    )
    negotiated_reason = models.CharField(max_length=200, blank=True)
    negotiated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    negotiated_at = models.DateTimeField(null=True, blank=True)
    po_number = models.CharField("purchase order number", max_length=100, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    price_locked_at = models.DateTimeField(null=True, blank=True)
    invoice = models.ForeignKey(
        "billing.Invoice",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="memberships",
    )
    activated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = MembershipQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year__starts_on", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"], name="one_membership_per_year"
            ),
            models.CheckConstraint(
                condition=models.Q(negotiated_fee__isnull=True) | models.Q(negotiated_fee__gte=0),
                name="negotiated_fee_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.year}"

    @property
    def fee(self) -> Decimal:
        # A fee agreed with staff replaces the schedule's; the reason is kept beside it.
        return self.negotiated_fee if self.negotiated_fee is not None else self.schedule_fee

    @property
    def is_price_locked(self) -> bool:
        return self.price_locked_at is not None

    def negotiation_errors(self, fee: Decimal | None, reason: str) -> dict[str, str]:
        """What stops staff agreeing ``fee`` (None: back to the schedule) for ``reason`` now, by
        field: the one rule for the admin's form and ``services.set_negotiated_fee``."""
        errors = {}
        if fee is not None and fee < 0:
            errors["negotiated_fee"] = "A negotiated fee cannot be below £0.00."
        if fee is not None and not (reason or "").strip():
            errors["negotiated_reason"] = "Give the reason for the negotiated fee."
        if self.status not in (self.Status.RENEWAL_DUE, self.Status.SUBMITTED):
            errors.setdefault(
                "negotiated_fee", "The price is locked: void the invoice first to change it."
            )
        return errors

    def agree_fee(self, fee: Decimal | None, reason: str, user) -> None:
        """Record a negotiated fee with its reason, who agreed it and when (unsaved)."""
        self.negotiated_fee = fee
        self.negotiated_reason = (reason or "").strip() if fee is not None else ""
        self.negotiated_by = user
        self.negotiated_at = timezone.now()

    @property
    def is_declinable(self) -> bool:
        """The row-level twin of ``MembershipQuerySet.declinable()``."""
        if self.status in (self.Status.RENEWAL_DUE, self.Status.SUBMITTED):
            return True
        return self.status == self.Status.INVOICED and (
            self.invoice is None or self.invoice.status == Invoice.Status.ISSUED
        )

    def fee_schedule(self) -> FeeSchedule | None:
        return self.year.fee_schedule_for(self.organisation.kind)

    def quote(self, representatives: int) -> Quote:
        schedule = self.fee_schedule()
        if schedule is None:
            from ..fees import FeeError

            raise FeeError(f"No fee schedule is set for {self.year} yet.")
        return schedule.quote(representatives)


class Representative(models.Model):
    class Role(models.TextChoices):
        LOCAL_AUTHORITY = "local_authority", "Local authority"
        POLICE = "police", "Police"
        HEALTH = "health", "Health"
        BUSINESS_MANAGER = "business_manager", "Business manager"
        INDEPENDENT = "independent", "Independent scrutineer / independent role"
        OTHER = "other", "Other"

    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="representatives"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="representations")
    role = models.CharField(max_length=20, choices=Role)

    class Meta:
        ordering = ["role", "person__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "person"], name="person_once_per_membership"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person.name} ({self.get_role_display()})"


class MembershipChange(models.Model):
    """Representatives changed during the year by the business manager: who, from how many to
    how many, and what it cost (an invoice for the difference when it moved up a band)."""

    class Outcome(models.TextChoices):
        INVOICED = "invoiced", "Difference invoiced"
        NO_CHARGE = "no_charge", "Same fee: no charge"
        LOWER_BAND = "lower_band", "Lower band: no refund, staff told"
        NEGOTIATED = "negotiated", "Negotiated fee: staff told"

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="changes")
    representatives_before = models.PositiveIntegerField()
    representatives_after = models.PositiveIntegerField()
    fee_before = models.DecimalField(max_digits=9, decimal_places=2)
    fee_after = models.DecimalField(max_digits=9, decimal_places=2)
    charge = models.DecimalField(max_digits=9, decimal_places=2, default=ZERO)
    outcome = models.CharField(max_length=12, choices=Outcome)
    invoice = models.ForeignKey(
        "billing.Invoice",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="membership_changes",
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-changed_at"]

    def __str__(self) -> str:
        return (
            f"{self.membership}: {self.representatives_before} to "
            f"{self.representatives_after} representatives"
        )
