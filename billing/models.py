"""Invoices, credit notes and payments: everything that charges (a membership year, a vacancy
advert) bills through these. The thing billed points at its invoice with a foreign key."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Self

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from simple_history.models import HistoricalRecords

from tasp.states import Moves

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


class InvoiceQuerySet(models.QuerySet):
    def unpaid(self) -> Self:
        return self.filter(status=Invoice.Status.ISSUED)

    def to_chase(self, day: date | None = None) -> Self:
        """Unpaid invoices past their due date that still owe money. What they bill may rule
        more out (membership leaves out those of lapsed or ended memberships)."""
        day = day or timezone.localdate()
        return self.unpaid().with_balance().filter(due_on__lte=day, owed__gt=ZERO)

    def with_balance(self) -> Self:
        """Annotate ``owed``: the total less credit notes and payments (``Invoice.balance`` in SQL)."""
        credited = (
            CreditNote.objects.filter(invoice=OuterRef("pk"))
            .values("invoice")
            .annotate(sum=Sum("total"))
            .values("sum")
        )
        paid = (
            Payment.objects.filter(invoice=OuterRef("pk"))
            .values("invoice")
            .annotate(sum=Sum("amount"))
            .values("sum")
        )
        return self.annotate(
            owed=F("total") - Coalesce(Subquery(credited), ZERO) - Coalesce(Subquery(paid), ZERO)
        )


class Invoice(Moves, models.Model):
    """A bill to a customer; the customer's details are copied on, so later edits don't change it."""

    class Status(models.TextChoices):
        ISSUED = "issued", "Issued"
        PAID = "paid", "Paid"
        VOID = "void", "Void"

    MOVES = {Status.ISSUED: frozenset({Status.PAID, Status.VOID})}

    number = models.CharField(max_length=30, unique=True, editable=False)
    status = models.CharField(max_length=10, choices=Status, default=Status.ISSUED, db_index=True)
    # The customer, when it is one of our organisations: kept when a membership lets go of a
    # voided invoice, so the organisation still sees (and can download) everything billed to it.
    # Blank for other customers (e.g. a non-member's vacancy advert).
    organisation = models.ForeignKey(
        "membership.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invoices",
        editable=False,
    )
    bill_to_name = models.CharField(max_length=200)
    bill_to_address = models.TextField(blank=True)
    bill_to_contact = models.CharField(max_length=200, blank=True)
    bill_to_email = models.EmailField(blank=True)
    po_number = models.CharField("purchase order number", max_length=100, blank=True)
    notes = models.TextField(blank=True)
    issued_on = models.DateField()
    due_on = models.DateField()
    net_total = models.DecimalField(max_digits=10, decimal_places=2, default=ZERO)
    vat_total = models.DecimalField(max_digits=10, decimal_places=2, default=ZERO)
    total = models.DecimalField(max_digits=10, decimal_places=2, default=ZERO)
    paid_on = models.DateField(null=True, blank=True)
    void_reason = models.CharField(max_length=200, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = InvoiceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-issued_on", "-number"]

    def __str__(self) -> str:
        return self.number

    @property
    def amount_paid(self) -> Decimal:
        return sum((p.amount for p in self.payments.all()), ZERO)

    @property
    def amount_credited(self) -> Decimal:
        return sum((note.total for note in self.credit_notes.all()), ZERO)

    @property
    def balance(self) -> Decimal:
        """What is still owed: the total less credit notes and payments (below 0: overpaid)."""
        return self.total - self.amount_credited - self.amount_paid

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.ISSUED and self.due_on < timezone.localdate()


class InvoiceLine(models.Model):
    class VatTreatment(models.TextChoices):
        STANDARD = "standard", "Standard rate"
        ZERO_RATED = "zero", "Zero rated"
        EXEMPT = "exempt", "Exempt"
        OUTSIDE_SCOPE = "outside_scope", "Outside the scope of VAT"

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(default=0)
    description = models.TextField()
    quantity = models.PositiveIntegerField(default=1)
    unit_price = models.DecimalField(max_digits=10, decimal_places=2)
    vat_treatment = models.CharField(max_length=20, choices=VatTreatment)
    vat_rate = models.DecimalField(max_digits=5, decimal_places=2, default=ZERO)
    net_amount = models.DecimalField(max_digits=10, decimal_places=2)
    vat_amount = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.description.splitlines()[0] if self.description else "line"


class Payment(models.Model):
    class Method(models.TextChoices):
        CARD = "card", "Card (Stripe)"
        BACS = "bacs", "BACS transfer"
        CHEQUE = "cheque", "Cheque"
        OTHER = "other", "Other"

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    method = models.CharField(max_length=10, choices=Method)
    amount = models.DecimalField(
        max_digits=10, decimal_places=2, validators=[MinValueValidator(CENT)]
    )
    reference = models.CharField(max_length=200, blank=True)
    received_on = models.DateField()
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-received_on"]
        constraints = [
            # The same bank or Stripe reference can't be recorded twice against an invoice.
            models.UniqueConstraint(
                fields=["invoice", "method", "reference"],
                condition=~models.Q(reference=""),
                name="payment_reference_once_per_invoice",
            )
        ]

    def __str__(self) -> str:
        return f"£{self.amount:,.2f} {self.get_method_display()} for {self.invoice}"


class StripeEvent(models.Model):
    """Each Stripe event id handled, written in the same transaction as its work."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    received_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.event_id


class CreditNote(models.Model):
    """Money taken off an invoice: all that is left of it when it is voided, or part of it when
    staff reduce it. Numbered in its own gapless series (TASP-CN-2027-0001); never edited."""

    number = models.CharField(max_length=30, unique=True, editable=False)
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="credit_notes")
    issued_on = models.DateField()
    reason = models.CharField(max_length=200)
    net_total = models.DecimalField(max_digits=10, decimal_places=2)
    vat_total = models.DecimalField(max_digits=10, decimal_places=2)
    total = models.DecimalField(max_digits=10, decimal_places=2)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-issued_on", "-number"]
        constraints = [
            models.CheckConstraint(condition=Q(total__gt=0), name="credit_note_for_money")
        ]

    def __str__(self) -> str:
        return self.number
