"""Membership workflows: joining, renewing, mid-year changes, reminders and lapsing. Invoices
and payments are billing's: a membership points at its invoice and follows it through billing's
signals (``receivers``).

Other apps call ``is_member`` and listen for ``signals.membership_activated``; they never write
these models themselves.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from billing.models import CENT, ZERO, Invoice
from billing.services import LineData, issue_invoice, send_invoice, void_invoice
from tasp.mail import send_templated_email

from . import signals
from .fees import FeeError
from .models import (
    Membership,
    MembershipChange,
    MembershipYear,
    Organisation,
    Person,
    RenewalDraft,
    Representative,
)
from .people import (
    MembershipError,
    RepresentativeData,
    _login_link,
    replace_representatives,
)

logger = logging.getLogger(__name__)


# --- Member check -------------------------------------------------------------------------------


def is_member(
    *, organisation: Organisation | None = None, user=None, person: Person | None = None, on=None
) -> bool:
    """Whether the organisation (or the organisation of this login or person) has member
    benefits on ``on`` (default today): an active membership, or last year's while this year's
    renewal is within its grace period. Lapsed and cancelled memberships have none. A login
    has them only as a representative named on such a membership (``with_benefits_for``)."""
    day = on or timezone.localdate()
    memberships = Membership.objects.with_benefits_on(day)
    if organisation is not None:
        return memberships.filter(organisation=organisation).exists()
    if person is not None:
        return memberships.filter(organisation_id=person.organisation_id).exists()
    if user is not None:
        return Membership.objects.with_benefits_for(user, day).exists()
    return False


def membership_invoice_lines(membership: Membership) -> list[LineData]:
    people = [
        f"{r.person.name} ({r.get_role_display()})"
        for r in membership.representatives.select_related("person")
    ]
    description = (
        f"TASP membership {membership.year} for {membership.organisation.name}, "
        f"1 April {membership.year.starts_on.year} to 31 March {membership.year.ends_on.year}. "
        f"{len(people)} named representatives: {'; '.join(people)}."
    )
    if membership.negotiated_fee is not None:
        description += " Fee as agreed with TASP."
    return [
        LineData(
            description=description,
            unit_price=membership.fee,
            vat_treatment=settings.MEMBERSHIP_VAT_TREATMENT,
        )
    ]


# --- Memberships --------------------------------------------------------------------------------


def _update_organisation(organisation: Organisation, details: dict | None) -> None:
    if not details:
        return
    for name in ("name", "areas", "address", "billing_name", "billing_email", "invoice_notes"):
        if name in details:
            setattr(organisation, name, details[name])
    organisation.save()


def _quote_total(membership: Membership, count: int) -> Decimal:
    try:
        return membership.quote(count).total
    except FeeError as error:
        raise MembershipError(str(error)) from error


@transaction.atomic
def submit_renewal(
    *,
    membership: Membership,
    representatives: list[RepresentativeData],
    po_number: str,
    user,
    organisation_details: dict | None = None,
) -> Invoice:
    """Lock the price, record the representatives and invoice once; a second call (or a second
    business manager at the same moment) gets the same invoice and changes nothing."""
    # Lock the row alone and read the invoice afterwards: a join taken before the lock was
    # granted would not see an invoice the other business manager's transaction just made.
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("organisation", "year")
        .get(pk=membership.pk)
    )
    if (
        membership.status in (Membership.Status.INVOICED, Membership.Status.ACTIVE)
        and membership.invoice
    ):
        return membership.invoice
    if membership.status != Membership.Status.RENEWAL_DUE:
        raise MembershipError("This renewal is no longer open.")
    if membership.year.ends_on < timezone.localdate():
        raise MembershipError(f"{membership.year} has ended: it can no longer be renewed.")
    if not representatives:
        raise MembershipError("Name at least one representative.")
    schedule_fee = _quote_total(membership, len(representatives))
    _update_organisation(membership.organisation, organisation_details)
    replace_representatives(membership=membership, representatives=representatives)
    RenewalDraft.objects.filter(membership=membership).delete()  # its answers are the renewal now
    return _invoice(
        membership,
        issued_on=membership.year.renewal_invoice_date(timezone.localdate()),
        schedule_fee=schedule_fee,
        po_number=po_number.strip(),
        accepted_by=user if getattr(user, "is_authenticated", False) else None,
        price_locked_at=timezone.now(),
    )


@transaction.atomic
def save_renewal_draft(
    *,
    membership: Membership,
    representatives: list[RepresentativeData],
    po_number: str,
    user,
    organisation_details: dict,
) -> RenewalDraft:
    """Keep the business manager's answers for an open renewal, to check and confirm later (the
    one draft per renewal is replaced); nothing is invoiced or changed on the membership."""
    membership = Membership.objects.select_for_update(of=("self",)).get(pk=membership.pk)
    if membership.status != Membership.Status.RENEWAL_DUE:
        raise MembershipError("This renewal is no longer open.")
    draft, _ = RenewalDraft.objects.update_or_create(
        membership=membership,
        defaults={
            "organisation_details": organisation_details,
            "representatives": [asdict(r) for r in representatives],
            "po_number": po_number.strip(),
            "saved_by": user if getattr(user, "is_authenticated", False) else None,
            "saved_at": timezone.now(),
        },
    )
    return draft


def _invoice(membership: Membership, *, issued_on: date | None = None, **fields) -> Invoice:
    """The one way a membership is invoiced: it becomes invoiced (with ``fields``), and the
    year's invoice is issued (dated ``issued_on``, default today) and emailed."""
    membership.move_to(Membership.Status.INVOICED, **fields)
    invoice = issue_invoice(
        bill_to=membership.organisation,
        lines=membership_invoice_lines(membership),
        po_number=membership.po_number,
        issued_on=issued_on,
    )
    membership.invoice = invoice
    membership.save(update_fields=["invoice"])
    send_invoice(invoice=invoice)
    return invoice


def _days_left(year: MembershipYear, today: date) -> tuple[int, int]:
    """(days left in the membership year, counting today; days in the year)."""
    days_in_year = (year.ends_on - year.starts_on).days + 1
    return max(0, min(days_in_year, (year.ends_on - today).days + 1)), days_in_year


def midyear_charge(membership: Membership, new_fee: Decimal, today: date) -> Decimal:
    """What moving up to ``new_fee`` costs today: the difference from the fee already charged,
    for the days left in the year (``MEMBERSHIP_MIDYEAR_CHARGE = "pro_rata"``, the default) or
    in full (``"full"``). Never below 0: moving down is not refunded here."""
    difference = new_fee - membership.fee
    if difference <= 0:
        return ZERO
    if settings.MEMBERSHIP_MIDYEAR_CHARGE == "full":
        return difference
    days_left, days_in_year = _days_left(membership.year, today)
    return (difference * days_left / days_in_year).quantize(CENT)


def _midyear_line(membership: Membership, change: MembershipChange, today: date) -> LineData:
    year = membership.year
    description = (
        f"TASP membership {year} for {membership.organisation.name}: representatives "
        f"increased from {change.representatives_before} to {change.representatives_after} on "
        f"{today:%-d %B %Y}. Annual fee {change.fee_before:,.2f} becomes {change.fee_after:,.2f}"
    )
    if settings.MEMBERSHIP_MIDYEAR_CHARGE == "full":
        description += "; the difference is charged in full."
    else:
        days_left, days_in_year = _days_left(year, today)
        description += (
            f"; the difference is charged for the {days_left} of {days_in_year} days "
            f"left in the year (to 31 March {year.ends_on.year})."
        )
    return LineData(
        description=description,
        unit_price=change.charge,
        vat_treatment=settings.MEMBERSHIP_VAT_TREATMENT,
    )


@transaction.atomic
def change_representatives(
    *,
    membership: Membership,
    representatives: list[RepresentativeData],
    user,
    po_number: str = "",
) -> MembershipChange:
    """During the year of an active membership, the business manager names different
    representatives. Moving into a higher band invoices the difference (``midyear_charge``);
    a negotiated fee is staff's to reprice, and a lower band is never refunded automatically:
    staff are told of both and decide. Newly named people get member benefits at once."""
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("organisation", "year")
        .get(pk=membership.pk)
    )
    today = timezone.localdate()
    if membership.status != Membership.Status.ACTIVE or not (
        membership.year.starts_on <= today <= membership.year.ends_on
    ):
        raise MembershipError(
            "Representatives can be changed here only during the year of an active membership."
        )
    if not representatives:
        raise MembershipError("Name at least one representative.")
    before = membership.representatives.count()
    fee_before = membership.fee
    fee_after = _quote_total(membership, len(representatives))
    if membership.negotiated_fee is not None:
        outcome, charge = MembershipChange.Outcome.NEGOTIATED, ZERO
    elif fee_after > fee_before:
        outcome, charge = (
            MembershipChange.Outcome.INVOICED,
            midyear_charge(membership, fee_after, today),
        )
    elif fee_after < fee_before:
        outcome, charge = MembershipChange.Outcome.LOWER_BAND, ZERO
    else:
        outcome, charge = MembershipChange.Outcome.NO_CHARGE, ZERO
    if outcome == MembershipChange.Outcome.INVOICED and charge <= 0:
        outcome = MembershipChange.Outcome.NO_CHARGE  # a higher band, but no days left to pay for
    replace_representatives(membership=membership, representatives=representatives)
    change = MembershipChange.objects.create(
        membership=membership,
        representatives_before=before,
        representatives_after=len(representatives),
        fee_before=fee_before,
        fee_after=fee_after if outcome != MembershipChange.Outcome.NEGOTIATED else fee_before,
        charge=charge,
        outcome=outcome,
        changed_by=user if getattr(user, "is_authenticated", False) else None,
    )
    if outcome == MembershipChange.Outcome.INVOICED:
        # The year's fee is now the higher band's: a later move is priced from here.
        membership.schedule_fee = fee_after
        membership.save(update_fields=["schedule_fee"])
    if charge > 0:
        change.invoice = issue_invoice(
            bill_to=membership.organisation,
            lines=[_midyear_line(membership, change, today)],
            po_number=po_number.strip(),
        )
        change.save(update_fields=["invoice"])
        send_invoice(invoice=change.invoice)
    if outcome in (MembershipChange.Outcome.NEGOTIATED, MembershipChange.Outcome.LOWER_BAND):
        send_templated_email(
            "membership/representatives_changed_staff",
            to=settings.STAFF_NOTIFICATION_EMAILS,
            context={"membership": membership, "change": change, "user": user},
        )
    signals.representatives_changed.send(sender=Membership, membership=membership)
    return change


@transaction.atomic
def decline_renewal(*, membership: Membership, user=None) -> Membership:
    """The organisation will not renew: cancel the renewal and void any unpaid invoice."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.status == Membership.Status.CANCELLED:
        return membership
    if membership.status == Membership.Status.ACTIVE:
        raise MembershipError("This membership is paid and active; contact TASP to cancel it.")
    invoice = membership.invoice
    if invoice and invoice.status == Invoice.Status.ISSUED and invoice.payments.exists():
        # Voiding would leave the money received with no invoice to account for it.
        raise MembershipError(
            f"Part of invoice {invoice.number} has been paid; please contact TASP to cancel."
        )
    if invoice and invoice.status == Invoice.Status.ISSUED:
        void_invoice(invoice=invoice, reason="Organisation will not renew", user=user)
        membership.refresh_from_db()
    membership.move_to(Membership.Status.CANCELLED)
    send_templated_email(
        "membership/renewal_declined",
        to=settings.STAFF_NOTIFICATION_EMAILS,
        context={"membership": membership, "user": user},
    )
    return membership


@transaction.atomic
def apply_to_join(
    *,
    organisation_details: dict,
    representatives: list[RepresentativeData],
    po_number: str = "",
) -> Membership:
    """A public application: the organisation, its people and a submitted membership for this
    year, for staff to approve in the admin."""
    organisation = Organisation.objects.create(**organisation_details)
    membership = Membership.objects.create(
        organisation=organisation,
        year=MembershipYear.current(),
        status=Membership.Status.SUBMITTED,
        po_number=po_number.strip(),
    )
    membership.schedule_fee = _quote_total(membership, len(representatives))
    membership.save(update_fields=["schedule_fee"])
    replace_representatives(membership=membership, representatives=representatives)
    send_templated_email(
        "membership/application_received",
        to=[organisation.billing_email or representatives[0].email],
        context={"membership": membership},
    )
    send_templated_email(
        "membership/application_staff",
        to=settings.STAFF_NOTIFICATION_EMAILS,
        context={"membership": membership},
    )
    return membership


@transaction.atomic
def approve_application(*, membership: Membership, user=None) -> Invoice:
    """Staff accept a submitted application: price it, invoice it and email the invoice, once."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.invoice_id and membership.status != Membership.Status.SUBMITTED:
        return membership.invoice
    if membership.status != Membership.Status.SUBMITTED:
        raise MembershipError(f"{membership} is not an application awaiting approval.")
    price = {}
    if not membership.is_price_locked:
        count = membership.representatives.count()
        price = {"schedule_fee": _quote_total(membership, count), "price_locked_at": timezone.now()}
    return _invoice(membership, **price)


def activate_membership(*, membership: Membership) -> Membership:
    """Make the year active and tell listeners (newsletters subscribes the representatives).
    Call inside the transaction that locked the membership."""
    if membership.status == Membership.Status.ACTIVE:
        return membership
    first_year = not Membership.objects.filter(
        organisation=membership.organisation,
        year__starts_on__lt=membership.year.starts_on,
        activated_at__isnull=False,
    ).exists()
    membership.move_to(Membership.Status.ACTIVE, activated_at=timezone.now())
    signals.membership_activated.send(sender=Membership, membership=membership)
    for representative in membership.representatives.select_related("person"):
        person = representative.person
        if not first_year and representative.role != Representative.Role.BUSINESS_MANAGER:
            continue
        send_templated_email(
            "membership/welcome" if first_year else "membership/activated",
            to=[person.email],
            context={
                "membership": membership,
                "person": person,
                "link": _login_link(person, next_url=reverse("membership:account")),
            },
        )
    return membership


@transaction.atomic
def accept_purchase_order(*, membership: Membership, user=None) -> Membership:
    """Staff accept a purchase order as good as payment: the year becomes active unpaid."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.status not in (Membership.Status.INVOICED, Membership.Status.LAPSED):
        raise MembershipError(f"{membership} has no invoice awaiting payment.")
    if not membership.po_number:
        raise MembershipError(f"{membership} has no purchase order number.")
    return activate_membership(membership=membership)


@transaction.atomic
def set_negotiated_fee(
    *, membership: Membership, fee: Decimal | None, reason: str, user
) -> Membership:
    """Staff agree a fee different from the schedule, with a reason; not once it is invoiced."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if errors := membership.negotiation_errors(fee, reason):
        raise MembershipError(" ".join(errors.values()))
    membership.agree_fee(fee, reason, user)
    membership.save()
    return membership
