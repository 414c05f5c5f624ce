"""What membership does when billing settles, voids or emails an invoice it asked for."""

from django.db.models import Q

from .models import Membership
from .people import business_manager_emails
from .services import activate_membership


def invoice_paid(sender, invoice, **kwargs) -> None:
    """A renewal or application invoiced (or lapsed unpaid) becomes active."""
    for membership in Membership.objects.select_for_update().filter(invoice=invoice):
        if membership.status in (Membership.Status.INVOICED, Membership.Status.LAPSED):
            activate_membership(membership=membership)


def invoice_voided(sender, invoice, **kwargs) -> None:
    """The memberships let go of the invoice; an invoiced or lapsed one is awaiting renewal
    again, with its price unlocked (staff reissue it, or the business manager renews)."""
    for membership in Membership.objects.select_for_update().filter(invoice=invoice):
        if membership.status in (Membership.Status.INVOICED, Membership.Status.LAPSED):
            membership.move_to(Membership.Status.RENEWAL_DUE, price_locked_at=None, invoice=None)
        else:
            membership.invoice = None
            membership.save(update_fields=["invoice"])


def invoice_recipients(sender, invoice, **kwargs) -> list[str]:
    """The business managers of the membership (or the mid-year change) the invoice bills."""
    emails = []
    memberships = Membership.objects.filter(Q(invoice=invoice) | Q(changes__invoice=invoice))
    for membership in memberships.distinct():
        emails += business_manager_emails(membership)
    return emails
