"""Where vacancies meet the other apps: who is a member (membership) and the advert's invoice
(billing). Kept in one module so the rest of the app never reaches into either directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings


@dataclass(frozen=True)
class Billing:
    name: str
    address: str
    email: str
    po_number: str

    @classmethod
    def of(cls, vacancy) -> Billing:
        """The billing details a non-member gave with the advert."""
        return cls(
            name=vacancy.billing_name,
            address=vacancy.billing_address,
            email=vacancy.billing_email,
            po_number=vacancy.po_number,
        )


def is_member_user(user, on: date) -> bool:
    """Does ``user`` have member benefits on ``on``: a representative named on a membership
    that has them (active, or renewing within the grace period)?"""
    from membership.services import is_member

    return is_member(user=user, on=on)


def member_organisation(user, on: date):
    """The organisation giving ``user`` member benefits on ``on`` (the same rule as
    ``is_member_user``), or None."""
    from membership.models import Membership

    membership = (
        Membership.objects.with_benefits_for(user, on)
        .select_related("organisation")
        .order_by("organisation__name", "pk")
        .first()
    )
    return membership.organisation if membership else None


def member_organisation_name(user, on: date) -> str:
    """The name of the user's member organisation, to fill in the advert; blank if none."""
    organisation = member_organisation(user, on)
    return organisation.name if organisation else ""


def advert_vat_rate() -> Decimal:
    """The VAT rate (percent) membership adds to a non-member's advert: its invoice line takes
    the default treatment, settings.INVOICE_VAT_TREATMENT, and only standard rate adds any."""
    from billing.models import InvoiceLine

    if settings.INVOICE_VAT_TREATMENT == InvoiceLine.VatTreatment.STANDARD:
        return Decimal(str(settings.INVOICE_VAT_STANDARD_RATE))
    return Decimal("0.00")


def lock_invoice(invoice_number: str) -> None:
    """Lock the invoice row (until commit) when there is one: see ``services._locked``."""
    from billing.models import Invoice

    if invoice_number:
        list(Invoice.objects.select_for_update().filter(number=invoice_number).values("pk"))


def card_payment_link(invoice_number: str) -> str:
    """billing's pay-by-card link for the invoice, or "" when Stripe is off or it is paid."""
    from billing.cards import invoice_payment_link
    from billing.models import Invoice

    invoice = Invoice.objects.filter(number=invoice_number).first()
    return invoice_payment_link(invoice) if invoice else ""


def raise_vacancy_invoice(vacancy, billing: Billing, amount: Decimal, *, send: bool = True) -> str:
    """Issue and email billing's invoice for a non-member's advert; returns its number.
    The caller holds the advert's row lock and calls this once per advert."""
    from billing.services import BillTo, LineData, issue_invoice, send_invoice

    invoice = issue_invoice(
        bill_to=BillTo(name=billing.name, address=billing.address, email=billing.email),
        lines=[
            LineData(
                description=f"Vacancy advert on the TASP website: {vacancy.title} "
                f"(closing {vacancy.closes_on:%-d %B %Y})",
                unit_price=amount,
            )
        ],
        po_number=billing.po_number,
    )
    if send:
        send_invoice(invoice=invoice)
    return invoice.number


def void_vacancy_invoice(invoice_number: str, *, reason: str) -> bool:
    """Void the advert's unpaid invoice so it is no longer chased. True when it is void
    (now or already); False when it has been paid, or does not exist, and so stands."""
    from billing.models import Invoice
    from billing.services import BillingError, void_invoice

    invoice = Invoice.objects.filter(number=invoice_number).first()
    if invoice is None:
        return False
    try:
        void_invoice(invoice=invoice, reason=reason)
    except BillingError:
        return False
    return True


def make_member_organisation(*, name: str, user, on: date) -> None:
    """Demo data only: name ``user`` as a representative of an organisation with an active
    membership on ``on``."""
    from membership.models import Membership, MembershipYear, Organisation, Person, Representative

    organisation, _ = Organisation.objects.get_or_create(name=name)
    person, _ = Person.objects.get_or_create(
        organisation=organisation,
        email=user.email,
        defaults={"name": user.get_full_name() or user.email, "user": user},
    )
    membership, _ = Membership.objects.update_or_create(
        organisation=organisation,
        year=MembershipYear.for_date(on),
        defaults={"status": Membership.Status.ACTIVE},
    )
    Representative.objects.get_or_create(
        membership=membership,
        person=person,
        defaults={"role": Representative.Role.BUSINESS_MANAGER},
    )


def invoice_paid_receiver(sender, invoice, **kwargs) -> None:
    """billing's ``invoice_paid`` signal: an advert waiting on this invoice moves on."""
    from .services import record_invoice_payment

    record_invoice_payment(invoice_number=invoice.number)


def invoice_voided_receiver(sender, invoice, reason="", **kwargs) -> None:
    """billing's ``invoice_voided`` signal: an advert waiting on this invoice is closed."""
    from .services import record_invoice_void

    record_invoice_void(invoice_number=invoice.number, reason=reason)
