from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Self

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower
from django.utils import timezone
from simple_history.models import HistoricalRecords

from billing.models import ZERO, Invoice
from tasp.states import Moves

from .fees import Band, FeeError, Quote, calculate_fee


class OrganisationQuerySet(models.QuerySet):
    def of_user(self, user) -> Self:
        """Organisations this login is a named representative of, on this membership year's
        membership or next year's (what their account page may show). Being named in a past
        year gives no access: people move on, and staff see the history in the admin."""
        return self._naming(user)

    def managed_by(self, user) -> Self:
        """Organisations this login is business manager of, on this membership year's
        membership or next year's: the people who may renew, decline and download invoices."""
        return self._naming(user, role=Representative.Role.BUSINESS_MANAGER)

    def _naming(self, user, **representative) -> Self:
        if not user.is_authenticated:
            return self.none()
        named = Representative.objects.filter(
            membership__organisation=OuterRef("pk"),
            membership__year__starts_on__in=MembershipYear.acting_starts(),
            person__organisation=OuterRef("pk"),
            person__user=user,
            **representative,
        )
        return self.filter(Exists(named))


class Organisation(models.Model):
    class Kind(models.TextChoices):
        SINGLE_AREA = "single_area", "Partnership for a single local authority area"
        MULTI_AREA = "multi_area", "Partnership across several areas"
        NATIONAL = "national", "National organisation"
        OTHER = "other", "Other organisation"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.SINGLE_AREA)
    areas = models.CharField(
        max_length=500, blank=True, help_text="Local authority areas covered, comma separated."
    )
    address = models.TextField(blank=True)
    billing_name = models.CharField("billing contact", max_length=200, blank=True)
    billing_email = models.EmailField("billing email", blank=True)
    invoice_notes = models.TextField(blank=True, help_text="Printed on every invoice.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="organisation_name_ci_unique")]

    def __str__(self) -> str:
        return self.name

    @property
    def area_list(self) -> list[str]:
        return [area.strip() for area in self.areas.split(",") if area.strip()]


class Person(models.Model):
    """Someone at a member organisation; business managers have a login."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="people")
    name = models.CharField(max_length=150)
    email = models.EmailField()
    job_title = models.CharField(max_length=150, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="membership_people",
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"
        constraints = [
            models.UniqueConstraint(
                "organisation", Lower("email"), name="person_email_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


class MembershipYearQuerySet(models.QuerySet):
    def containing(self, day: date) -> Self:
        return self.filter(starts_on__lte=day, ends_on__gte=day)


class MembershipYear(models.Model):
    """1 April to 31 March, labelled like 2020/21."""

    starts_on = models.DateField(unique=True)
    ends_on = models.DateField()

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
            starts_on=starts_on, defaults={"ends_on": date(starts_on.year + 1, 3, 31)}
        )
        return year

    @classmethod
    def current(cls) -> MembershipYear:
        return cls.for_date(timezone.localdate())

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
            from .fees import FeeError

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


class ReminderRule(models.Model):
    """When reminders go out: staff edit these rows, the beat task reads them each day."""

    class Kind(models.TextChoices):
        RENEWAL = "renewal", "Renewal not yet submitted (days from 1 April; negative = before)"
        UNPAID = "unpaid", "Invoice unpaid (days after the due date)"

    kind = models.CharField(max_length=10, choices=Kind)
    days = models.IntegerField()
    repeat_every_days = models.PositiveIntegerField(
        null=True, blank=True, help_text="After the first, send again every this many days."
    )
    times = models.PositiveSmallIntegerField(
        "at most",
        default=1,
        validators=[MinValueValidator(1)],
        help_text="How many reminders this rule sends at most: the first and its repeats.",
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["kind", "days"]

    def __str__(self) -> str:
        repeat = (
            f", then every {self.repeat_every_days} days, {self.times} times at most"
            if self.repeat_every_days
            else ""
        )
        return f"{self.get_kind_display().split(' (')[0]}: day {self.days}{repeat}"

    def is_due(self, *, anchor: date, today: date) -> bool:
        offset = (today - anchor).days
        if offset == self.days:
            return True
        return bool(
            self.repeat_every_days
            and offset > self.days
            and (offset - self.days) % self.repeat_every_days == 0
            and (offset - self.days) // self.repeat_every_days < self.times
        )


class SentReminder(models.Model):
    """One row per reminder sent: at most one reminder per thing per day, however often beat runs."""

    kind = models.CharField(max_length=10, choices=ReminderRule.Kind)
    membership = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    invoice = models.ForeignKey(
        "billing.Invoice", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    sent_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "membership", "sent_on"],
                condition=models.Q(membership__isnull=False),
                name="one_membership_reminder_per_day",
            ),
            models.UniqueConstraint(
                fields=["kind", "invoice", "sent_on"],
                condition=models.Q(invoice__isnull=False),
                name="one_invoice_reminder_per_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.membership or self.invoice} {self.sent_on}"
