"""Billing: issue, void, credit and pay invoices, for anything that charges. What is billed
(a membership year, a mid-year change, a vacancy advert) points at its invoice with a foreign
key and follows it through ``signals``: ``invoice_paid``, ``invoice_voided`` and
``invoice_recipients``. Card payments are in ``cards``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from sequences import get_next_value

from tasp.mail import send_templated_email

from . import signals
from .models import CENT, ZERO, CreditNote, Invoice, InvoiceLine, Payment


class BillingError(Exception):
    """A billing step that is not allowed in the invoice's state; the message is for people."""


@dataclass(frozen=True)
class BillTo:
    name: str
    address: str = ""
    contact: str = ""
    email: str = ""

    @classmethod
    def from_organisation(cls, organisation) -> BillTo:
        return cls(
            name=organisation.name,
            address=organisation.address,
            contact=organisation.billing_name,
            email=organisation.billing_email,
        )


@dataclass(frozen=True)
class LineData:
    description: str
    unit_price: Decimal
    quantity: int = 1
    vat_treatment: str = field(default="")  # blank: settings.INVOICE_VAT_TREATMENT


# --- Invoices -----------------------------------------------------------------------------------


def vat_rate(treatment: str = "") -> Decimal:
    """The VAT rate (percent) a line with this treatment (default ``INVOICE_VAT_TREATMENT``)
    carries: only standard rate adds any."""
    if (treatment or settings.INVOICE_VAT_TREATMENT) == InvoiceLine.VatTreatment.STANDARD:
        return Decimal(str(settings.INVOICE_VAT_STANDARD_RATE))
    return ZERO


def due_on_for(issued_on: date) -> date:
    """When an invoice dated ``issued_on`` falls due (``INVOICE_PAYMENT_TERMS_DAYS`` later)."""
    return issued_on + timedelta(days=settings.INVOICE_PAYMENT_TERMS_DAYS)


@transaction.atomic
def issue_invoice(
    *,
    bill_to,
    lines: list[LineData],
    po_number: str = "",
    notes: str = "",
    issued_on: date | None = None,
) -> Invoice:
    """Create an invoice with the next gapless number for its year (TASP-2026-0001); the number
    comes from a database sequence row locked until commit, so two at once never share one.
    ``bill_to`` is a ``BillTo``, or one of membership's organisations (kept as the customer)."""
    organisation = None
    if not isinstance(bill_to, BillTo):
        organisation = bill_to
        notes = notes or bill_to.invoice_notes
        bill_to = BillTo.from_organisation(bill_to)
    if not lines:
        raise BillingError("An invoice needs at least one line.")
    issued_on = issued_on or timezone.localdate()
    sequence = get_next_value(f"invoice-{issued_on.year}")
    invoice = Invoice.objects.create(
        number=f"{settings.INVOICE_NUMBER_PREFIX}-{issued_on.year}-{sequence:04d}",
        organisation=organisation,
        bill_to_name=bill_to.name,
        bill_to_address=bill_to.address,
        bill_to_contact=bill_to.contact,
        bill_to_email=bill_to.email,
        po_number=po_number,
        notes=notes,
        issued_on=issued_on,
        due_on=due_on_for(issued_on),
    )
    net_total = vat_total = ZERO
    for position, line in enumerate(lines):
        if line.unit_price < 0 or line.quantity < 1:
            raise BillingError("Invoice lines need a positive quantity and price.")
        treatment = line.vat_treatment or settings.INVOICE_VAT_TREATMENT
        rate = vat_rate(treatment)
        net = (line.unit_price * line.quantity).quantize(CENT)
        vat = (net * rate / 100).quantize(CENT)
        InvoiceLine.objects.create(
            invoice=invoice,
            position=position,
            description=line.description,
            quantity=line.quantity,
            unit_price=line.unit_price,
            vat_treatment=treatment,
            vat_rate=rate,
            net_amount=net,
            vat_amount=vat,
        )
        net_total += net
        vat_total += vat
    invoice.net_total, invoice.vat_total = net_total, vat_total
    invoice.total = net_total + vat_total
    invoice.save(update_fields=["net_total", "vat_total", "total"])
    return invoice


def invoice_recipients(invoice: Invoice) -> list[str]:
    """The billing contact, and whoever what the invoice is for adds (membership adds the
    business managers of the membership or mid-year change it bills)."""
    emails = [invoice.bill_to_email] if invoice.bill_to_email else []
    for _, extra in signals.invoice_recipients.send(sender=Invoice, invoice=invoice):
        emails += extra or []
    return list(dict.fromkeys(e.lower() for e in emails if e))


def send_invoice(*, invoice: Invoice) -> None:
    """Email a new invoice to its payer after commit; one for £0.00 (a fee negotiated down to
    nothing) is not a bill: it is settled at once and nothing is sent or chased."""
    from .tasks import email_invoice_task

    if invoice.total <= 0:
        with transaction.atomic():
            invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
            if invoice.status == Invoice.Status.ISSUED:
                _settle(invoice=invoice, paid_on=invoice.issued_on)
        return
    email_invoice_task.delay_on_commit(invoice.pk)


def send_receipt(*, invoice: Invoice) -> None:
    """Email a paid invoice's receipt (the PDF marked paid, with the payments) after commit."""
    from .tasks import email_invoice_task

    if invoice.status != Invoice.Status.PAID:
        raise BillingError(f"{invoice.number} is not paid: there is nothing to receipt yet.")
    email_invoice_task.delay_on_commit(invoice.pk, kind="receipt")


@transaction.atomic
def void_invoice(*, invoice: Invoice, reason: str, user=None) -> Invoice:
    """Void an unpaid invoice with a reason: a credit note cancels what was not yet credited,
    and ``invoice_voided`` tells what it billed (a renewal goes back to awaiting renewal)."""
    reason = (reason or "").strip()
    if not reason:
        raise BillingError("Give a reason for voiding the invoice.")
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.status == Invoice.Status.VOID:
        return invoice
    if invoice.status == Invoice.Status.PAID:
        raise BillingError(f"{invoice.number} is paid and cannot be voided.")
    invoice.move_to(Invoice.Status.VOID, void_reason=reason, voided_at=timezone.now())
    uncredited = invoice.total - invoice.amount_credited
    if uncredited > 0:
        _issue_credit_note(invoice=invoice, amount=uncredited, reason=f"Void: {reason}", user=user)
    signals.invoice_voided.send(sender=Invoice, invoice=invoice, reason=reason)
    return invoice


def _issue_credit_note(*, invoice: Invoice, amount: Decimal, reason: str, user=None) -> CreditNote:
    """Number and save a credit note on a locked invoice, splitting net and VAT in the invoice's
    proportions, and email it to the payer after commit."""
    from .tasks import email_credit_note_task

    today = timezone.localdate()
    sequence = get_next_value(f"credit-note-{today.year}")
    net = (amount * invoice.net_total / invoice.total).quantize(CENT) if invoice.total else amount
    note = CreditNote.objects.create(
        number=f"{settings.INVOICE_NUMBER_PREFIX}-CN-{today.year}-{sequence:04d}",
        invoice=invoice,
        issued_on=today,
        reason=reason[: CreditNote._meta.get_field("reason").max_length],
        net_total=net,
        vat_total=amount - net,
        total=amount,
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    email_credit_note_task.delay_on_commit(note.pk)
    return note


@transaction.atomic
def credit_invoice(*, invoice: Invoice, amount: Decimal, reason: str, user=None) -> CreditNote:
    """Staff reduce an invoice by ``amount`` with a credit note. On an unpaid invoice that leaves
    nothing owed, the invoice is settled (as if paid); on a paid one, any refund is staff's to make."""
    reason = (reason or "").strip()
    if not reason:
        raise BillingError("Give a reason for the credit note.")
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.status == Invoice.Status.VOID:
        raise BillingError(f"{invoice.number} is void: its credit note has been issued.")
    if amount is None or amount <= 0:
        raise BillingError("A credit note must be for more than £0.00.")
    creditable = invoice.total - invoice.amount_credited
    if amount > creditable:
        raise BillingError(
            f"{invoice.number} has £{creditable:,.2f} left to credit: "
            f"£{amount:,.2f} is more than that."
        )
    note = _issue_credit_note(invoice=invoice, amount=amount, reason=reason, user=user)
    if invoice.status == Invoice.Status.ISSUED and invoice.balance <= 0:
        _settle(invoice=invoice, paid_on=note.issued_on)
    return note


@transaction.atomic
def record_payment(
    *,
    invoice: Invoice,
    amount: Decimal,
    method: str,
    reference: str = "",
    received_on: date | None = None,
    user=None,
) -> Payment:
    """Record money against an invoice once: the same reference again returns the first payment.
    When the invoice is paid in full it is marked paid and its memberships become active; the
    payer is sent a receipt either way (for a part payment, saying what is still owed)."""
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if reference:
        existing = invoice.payments.filter(method=method, reference=reference).first()
        if existing:
            return existing
    if invoice.status == Invoice.Status.VOID:
        raise BillingError(f"{invoice.number} is void; it cannot take a payment.")
    if invoice.status == Invoice.Status.PAID and not reference:
        # "Mark paid" clicked twice: the first click already recorded the money.
        return invoice.payments.order_by("-pk").first()
    if invoice.status == Invoice.Status.PAID:
        raise BillingError(f"{invoice.number} is already paid; it cannot take more money.")
    if amount is None or amount <= 0:
        raise BillingError("A payment must be more than £0.00.")
    received_on = received_on or timezone.localdate()
    payment = Payment.objects.create(
        invoice=invoice,
        amount=amount,
        method=method,
        reference=reference,
        received_on=received_on,
        recorded_by=user if getattr(user, "is_authenticated", False) else None,
    )
    if invoice.status == Invoice.Status.ISSUED and invoice.balance <= 0:
        _settle(invoice=invoice, paid_on=received_on)
    elif recipients := invoice_recipients(invoice):
        # Part of what is owed: the payer's receipt is for this payment, with what is left.
        send_templated_email(
            "billing/payment_received",
            to=recipients,
            context={"invoice": invoice, "payment": payment, "balance": invoice.balance},
        )
    return payment


def _settle(*, invoice: Invoice, paid_on: date) -> None:
    """Mark a locked, issued invoice paid, send the payer a receipt (once: only this move sends
    it) when money was received, and tell what it billed (``invoice_paid``: a membership becomes active, an advert moves on)."""
    invoice.move_to(Invoice.Status.PAID, paid_on=paid_on)
    if invoice.payments.exists():
        send_receipt(invoice=invoice)
    signals.invoice_paid.send(sender=Invoice, invoice=invoice)


@transaction.atomic
def mark_paid(*, invoice: Invoice, method: str, reference: str = "", user=None) -> Payment | None:
    """Staff record the outstanding balance as received today. An invoice for £0.00 (a fee
    negotiated down to nothing) is settled without a payment: no money changed hands."""
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.status == Invoice.Status.ISSUED and invoice.balance <= 0:
        _settle(invoice=invoice, paid_on=timezone.localdate())
        return None
    return record_payment(
        invoice=invoice, amount=invoice.balance, method=method, reference=reference, user=user
    )
