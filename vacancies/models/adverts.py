"""Vacancy adverts: what a poster writes, its status history and its job pack."""

from __future__ import annotations

import secrets
from datetime import date, datetime, time
from decimal import Decimal
from typing import Self
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from tasp.forms import validate_address
from tasp.html import clean_html
from tasp.states import Moves

from ..validators import validate_job_pack

LONDON = ZoneInfo("Europe/London")


def sanitise_description(html: str) -> str:
    """Keep simple formatting and links; plain text typed into the box keeps its paragraphs."""
    return clean_html(html, from_public=True)


# --- Job pack files: the content decides the type, never the name ---------------------------

# validate_job_pack (in vacancies.validators) is imported here because migrations name it so.

# Under MEDIA_ROOT, but never served from /media/ (tasp.views.media refuses the folder): the
# only way to a job pack is vacancies.views.job_pack, which checks the advert is public.
JOB_PACK_FOLDER = "vacancies/job-packs"


def job_pack_path(vacancy: Vacancy, filename: str) -> str:
    return f"{JOB_PACK_FOLDER}/{secrets.token_hex(8)}/{filename}"


class JobPackFieldFile(FieldFile):
    @property
    def url(self) -> str:
        # Every link to a pack (the advert, the edit form, the admin) goes through the view.
        self._require_file()
        return reverse("vacancies:job-pack", args=[self.instance.slug])


class JobPackField(models.FileField):
    attr_class = JobPackFieldFile


# --- Price ------------------------------------------------------------------------------------


class PaymentState(models.TextChoices):
    FREE = "free", "Free (member)"
    NOT_SUBMITTED = "not_submitted", "Not submitted"
    NOT_INVOICED = "not_invoiced", "Not invoiced"
    INVOICED = "invoiced", "Invoiced, unpaid"
    PO_ACCEPTED = "po_accepted", "Purchase order accepted, unpaid"
    PAID = "paid", "Paid"


# What a poster writes, on the form and in the admin; a relisted advert starts from these.
VACANCY_FIELDS = [
    "title",
    "role_type",
    "organisation_name",
    "organisation_website",
    "location",
    "postcode",
    "region",
    "contract_type",
    "working_pattern",
    "remuneration",
    "pay_amount",
    "pay_period",
    "closes_on",
    "interview_on",
    "starts_on",
    "description",
    "apply_url",
    "apply_email",
    "contact_name",
    "contact_email",
    "contact_phone",
    "job_pack",
]
BILLING_FIELDS = ["billing_name", "billing_address", "billing_email", "po_number"]


class VacancyQuerySet(models.QuerySet):
    def published(self) -> Self:
        return self.filter(status=Vacancy.Status.PUBLISHED)

    def open(self, day: date | None = None) -> Self:
        # An advert is open to the end of its closing day, London time.
        day = day or timezone.localdate(timezone=LONDON)
        return self.published().filter(closes_on__gte=day)

    def expired(self, day: date | None = None) -> Self:
        day = day or timezone.localdate(timezone=LONDON)
        return self.published().filter(closes_on__lt=day)

    def awaiting_moderation(self) -> Self:
        return self.filter(
            status__in=[Vacancy.Status.PENDING_MODERATION, Vacancy.Status.PENDING_PAYMENT]
        )

    def posted_by(self, user) -> Self:
        return self.filter(posted_by=user)

    def editable_by(self, user, *, as_staff: bool = False) -> Self:
        """Adverts this login may manage; all of them when ``as_staff`` (the request passed
        ``accounts.access.acts_as_staff``: staff with a second factor)."""
        if as_staff:
            return self.all()
        if not user.is_authenticated:
            return self.none()
        return self.filter(posted_by=user)

    def matching(self, *, role_types=(), regions=()) -> Self:
        """Adverts of any of these role types in any of these regions; choosing none of a kind
        means every one. A remote post is in every region. The list's filters and each vacancy
        alert reader's filter both ask this, so the page and the alerts always agree."""
        queryset = self
        if role_types:
            queryset = queryset.filter(role_type__in=role_types)
        if regions:
            queryset = queryset.filter(region__in=[*regions, Vacancy.Region.REMOTE])
        return queryset

    def search(self, text: str) -> Self:
        query = Q()
        for word in text.split()[:8]:
            query &= (
                Q(title__icontains=word)
                | Q(organisation_name__icontains=word)
                | Q(location__icontains=word)
                | Q(description__icontains=word)
            )
        return self.filter(query)


class Vacancy(Moves, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PENDING_PAYMENT = "pending_payment", "Waiting for payment"
        PENDING_MODERATION = "pending_moderation", "Waiting for moderation"
        PUBLISHED = "published", "Published"
        REJECTED = "rejected", "Rejected"
        CLOSED = "closed", "Closed"

    MOVES = {
        Status.DRAFT: frozenset({Status.PENDING_MODERATION, Status.PENDING_PAYMENT}),
        Status.PENDING_PAYMENT: frozenset(
            {Status.PENDING_MODERATION, Status.PUBLISHED, Status.REJECTED, Status.CLOSED}
        ),
        Status.PENDING_MODERATION: frozenset({Status.PUBLISHED, Status.REJECTED, Status.CLOSED}),
        # Edited by the poster: back to moderation (or, rejected unpaid, to payment).
        Status.PUBLISHED: frozenset({Status.PENDING_MODERATION, Status.CLOSED}),
        Status.REJECTED: frozenset(
            {Status.PENDING_MODERATION, Status.PENDING_PAYMENT, Status.CLOSED}
        ),
        # A closed advert is relisted as a new draft, never reopened.
    }

    class RoleType(models.TextChoices):
        INDEPENDENT_SCRUTINEER = "independent_scrutineer", "Independent Scrutineer"
        INDEPENDENT_CHAIR = "independent_chair", "Independent Chair"
        BUSINESS_MANAGER = "business_manager", "Business Manager"
        OTHER = "other", "Other"

    class Region(models.TextChoices):
        NORTH_EAST = "north_east", "North East"
        NORTH_WEST = "north_west", "North West"
        YORKSHIRE = "yorkshire", "Yorkshire and the Humber"
        EAST_MIDLANDS = "east_midlands", "East Midlands"
        WEST_MIDLANDS = "west_midlands", "West Midlands"
        EAST = "east", "East of England"
        LONDON = "london", "London"
        SOUTH_EAST = "south_east", "South East"
        SOUTH_WEST = "south_west", "South West"
        WALES = "wales", "Wales"
        SCOTLAND = "scotland", "Scotland"
        NORTHERN_IRELAND = "northern_ireland", "Northern Ireland"
        CHANNEL_ISLANDS = "channel_islands", "Channel Islands"
        ISLE_OF_MAN = "isle_of_man", "Isle of Man"
        REMOTE = "remote", "Remote"

    class ContractType(models.TextChoices):
        # Values follow schema.org's employmentType, so the JSON-LD needs no mapping.
        PART_TIME = "PART_TIME", "Part-time"
        FULL_TIME = "FULL_TIME", "Full-time"
        CONTRACTOR = "CONTRACTOR", "Contract or self-employed"
        TEMPORARY = "TEMPORARY", "Fixed-term or interim"
        VOLUNTEER = "VOLUNTEER", "Voluntary"

    class PayPeriod(models.TextChoices):
        HOUR = "HOUR", "per hour"
        DAY = "DAY", "per day"
        WEEK = "WEEK", "per week"
        MONTH = "MONTH", "per month"
        YEAR = "YEAR", "per year"

    class RejectionReason(models.TextChoices):
        SPAM = "spam", "Spam"
        OFF_TOPIC = "off_topic", "Off-topic"
        INCOMPLETE = "incomplete", "Incomplete"
        OTHER = "other", "Other"

    EDITABLE = (
        Status.DRAFT,
        Status.PENDING_PAYMENT,
        Status.PENDING_MODERATION,
        Status.PUBLISHED,
        Status.REJECTED,
    )

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=90, unique=True, editable=False)
    role_type = models.CharField(max_length=30, choices=RoleType, default=RoleType.OTHER)
    organisation_name = models.CharField("hiring organisation", max_length=200)
    organisation_website = models.URLField(
        "hiring organisation's website", max_length=300, blank=True, validators=[validate_address]
    )
    organisation = models.ForeignKey(
        "membership.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="vacancies",
        help_text="The member organisation posting, set when a member submits.",
    )
    location = models.CharField(max_length=200, help_text="Town, city or area, e.g. Leeds.")
    postcode = models.CharField(
        max_length=10,
        blank=True,
        help_text="Where the post is based, for job search sites (needed in the Channel Islands: "
        "Jersey and Guernsey postcodes tell them apart).",
    )
    region = models.CharField(max_length=20, choices=Region)
    working_pattern = models.CharField(
        max_length=200, blank=True, help_text="For example: 3 days per month."
    )
    contract_type = models.CharField(
        max_length=20, choices=ContractType, default=ContractType.PART_TIME
    )
    remuneration = models.CharField(
        max_length=200, blank=True, help_text="As you want it shown, e.g. £450 per day."
    )
    pay_amount = models.DecimalField(
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text="Optional: the figure alone, in pounds, for job search engines.",
    )
    pay_period = models.CharField(max_length=5, choices=PayPeriod, blank=True)
    closes_on = models.DateField("closing date")
    interview_on = models.DateField("interview date", null=True, blank=True)
    starts_on = models.DateField("start date", null=True, blank=True)
    description = models.TextField()
    apply_url = models.URLField("apply online at", max_length=500, blank=True)
    apply_email = models.EmailField("apply by email to", blank=True)
    contact_name = models.CharField(max_length=150, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    job_pack = JobPackField(upload_to=job_pack_path, blank=True, validators=[validate_job_pack])

    status = models.CharField(max_length=20, choices=Status, default=Status.DRAFT)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="vacancies"
    )
    relisted_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="relistings"
    )

    # Price and billing are fixed when the poster submits, from the server's member check.
    is_member_post = models.BooleanField(default=False, editable=False)
    price = models.DecimalField(max_digits=9, decimal_places=2, null=True, editable=False)
    billing_name = models.CharField("organisation to invoice", max_length=200, blank=True)
    billing_address = models.TextField(blank=True)
    billing_email = models.EmailField("email for the invoice", blank=True)
    po_number = models.CharField("purchase order number", max_length=60, blank=True)
    invoice = models.ForeignKey(
        "billing.Invoice",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="vacancies",
        editable=False,
    )
    paid_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Staff accepted the purchase order as good as payment: the advert may be published now.
    po_accepted_at = models.DateTimeField(null=True, blank=True, editable=False)

    rejection_reason = models.CharField(max_length=20, choices=RejectionReason, blank=True)
    rejection_note = models.TextField(blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    closing_reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = VacancyQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "vacancies"
        ordering = ["closes_on", "-published_at"]
        indexes = [
            models.Index(fields=["status", "closes_on"]),
            # The public list (closing soonest, the sitemap) and newest-first (the home page,
            # the feed) read open adverts in index order: ten rows, not a sort of them all.
            models.Index(
                fields=["closes_on", "-published_at", "id"],
                condition=Q(status="published"),
                name="vacancy_open_by_closing",
            ),
            models.Index(
                fields=["-published_at", "id"],
                condition=Q(status="published"),
                name="vacancy_open_by_newest",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(apply_url="", apply_email=""), name="vacancy_has_a_way_to_apply"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.organisation_name})"

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = f"{slugify(self.title)[:70].strip('-') or 'vacancy'}-{secrets.token_hex(3)}"
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("vacancies:detail", args=[self.slug])

    def relisting(self) -> Vacancy:
        """A new draft (unsaved) with what the poster wrote: not the status, dates, price,
        invoice or moderation of this one."""
        return Vacancy(
            **{name: getattr(self, name) for name in (*VACANCY_FIELDS, *BILLING_FIELDS)},
            organisation=self.organisation,
            posted_by=self.posted_by,
            relisted_from=self,
        )

    def clean(self):
        super().clean()
        errors = {}
        if not self.apply_url and not self.apply_email:
            errors["apply_url"] = (
                "Give a web address or an email address for applications (or both)."
            )
        if self.pay_amount is not None and not self.pay_period:
            errors["pay_period"] = "Say what period the pay figure covers."
        if self.region == self.Region.CHANNEL_ISLANDS and self.country_code not in ("JE", "GG"):
            errors["postcode"] = (
                "Give the postcode (JE for Jersey, GY for Guernsey): job search sites list the "
                "islands as different countries."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def country_code(self) -> str:
        """ISO 3166 code of where the post is: Jersey, Guernsey and the Isle of Man are not GB."""
        prefix = self.postcode.strip().upper()[:2]
        if prefix in ("JE", "GY", "IM"):
            return {"JE": "JE", "GY": "GG", "IM": "IM"}[prefix]
        if self.region == self.Region.ISLE_OF_MAN:
            return "IM"
        return "" if self.region == self.Region.CHANNEL_ISLANDS else "GB"

    @property
    def closes_at(self) -> datetime:
        """The last moment the advert is open: the end of the closing day in London."""
        return datetime.combine(self.closes_on, time(23, 59, 59), tzinfo=LONDON)

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.closes_on >= timezone.localdate(
            timezone=LONDON
        )

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED or (
            self.status == self.Status.PUBLISHED and not self.is_open
        )

    @property
    def is_public(self) -> bool:
        """Published, or closed after it was: the adverts anyone may read (and whose pack)."""
        return self.status == self.Status.PUBLISHED or (
            self.status == self.Status.CLOSED and self.published_at is not None
        )

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    @property
    def description_html(self) -> str:
        # Stored descriptions were cleaned on the way in; cleaning again on the way out costs
        # little and protects against rows written by other routes (imports, the shell).
        return sanitise_description(self.description)

    @property
    def payment(self) -> PaymentState:
        """Where the advert's payment stands, from its price, invoice and payment time."""
        if self.is_member_post:
            return PaymentState.FREE
        if self.price is None:
            return PaymentState.NOT_SUBMITTED
        if self.paid_at:
            return PaymentState.PAID
        if self.po_accepted_at and self.invoice:
            return PaymentState.PO_ACCEPTED
        return PaymentState.INVOICED if self.invoice else PaymentState.NOT_INVOICED

    @property
    def payment_state(self) -> str:
        """The payment, as staff and the poster read it (with the invoice's number)."""
        payment = self.payment
        if payment == PaymentState.PAID and self.invoice:
            return f"Paid (invoice {self.invoice.number})"
        if payment == PaymentState.INVOICED:
            return f"Invoiced: {self.invoice.number}, unpaid"
        if payment == PaymentState.PO_ACCEPTED:
            return (
                f"Purchase order {self.po_number} accepted: invoice {self.invoice.number}, unpaid"
            )
        return payment.label

    @transaction.atomic
    def change_status(self, to: str, *, by=None, note: str = "") -> VacancyStatusChange:
        """Move to ``to`` (``MOVES`` must allow it) and keep a history row."""
        previous = self.status
        now = timezone.now()
        fields = {"updated_at": now}
        if to == self.Status.PUBLISHED:
            fields["published_at"] = now
        elif to == self.Status.CLOSED:
            fields["closed_at"] = now
        self.move_to(to, **fields)
        return self.status_changes.create(
            from_status=previous, to_status=to, changed_by=by, note=note
        )


class VacancyStatusChange(models.Model):
    vacancy = models.ForeignKey(Vacancy, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=Vacancy.Status, blank=True)
    to_status = models.CharField(max_length=20, choices=Vacancy.Status)
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_from_status_display() or '—'} → {self.get_to_status_display()}"
