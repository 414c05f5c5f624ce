"""The membership year's clockwork: opening next year's renewals, the reminders staff's rules
say are due (renewals, unpaid invoices), and lapsing what is still unpaid after the grace period.
Celery beat runs ``send_reminders`` and ``lapse_unpaid`` daily."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from billing.models import ZERO, Invoice
from tasp.mail import send_templated_email

from .models import Membership, MembershipYear, Person, ReminderRule, Representative, SentReminder
from .people import MembershipError, _login_link, business_managers


def _renew_link(person: Person) -> str:
    return _login_link(person, next_url=reverse("membership:renew"))


def send_renewal_email(*, membership: Membership, template: str = "renewal_invitation") -> int:
    """Email each business manager (not every representative) a personal renewal link."""
    managers = business_managers(membership)
    for person in managers:
        send_templated_email(
            f"membership/{template}",
            to=[person.email],
            context={"membership": membership, "person": person, "link": _renew_link(person)},
        )
    return len(managers)


@transaction.atomic
def open_renewals(*, year: MembershipYear, today: date | None = None) -> int:
    """Create next year's renewal for every member of the year before, prefilled with its
    representatives, and invite the business managers. Organisations already invited are left
    alone, so running it twice sends nothing twice. Refused before the year's renewal window
    opens (``MembershipYear.renewal_window_opens``: a day staff set, else the usual window)
    and once the year has ended."""
    today = today or timezone.localdate()
    window_opens = year.renewal_window_opens
    if today > year.ends_on:
        raise MembershipError(f"{year} has ended: its renewals can no longer be opened.")
    if today < window_opens:
        usual = (
            f"{settings.MEMBERSHIP_RENEWAL_WINDOW_DAYS} days before the year starts"
            if year.renewals_open_on is None
            else "the day set on the year"
        )
        raise MembershipError(
            f"Renewals for {year} open on {window_opens:%-d %B %Y}, {usual}. To open them "
            f"sooner, set “Renewals open on” on {year} to an earlier day."
        )
    if year.fee_schedule_for("") is None:
        raise MembershipError(
            f"{year} has no fee schedule, so renewals cannot be priced. Copy last year's "
            f"(select {year.previous()} and “Copy fee schedules to next year”), adjust it, "
            "then open renewals."
        )
    previous = year.previous()
    current = (
        Membership.objects.filter(year=previous, status=Membership.Status.ACTIVE)
        .exclude(organisation__memberships__year=year)
        .select_related("organisation")
        .prefetch_related("representatives__person")
    )
    opened = 0
    for old in current:
        renewal, created = Membership.objects.get_or_create(
            organisation=old.organisation, year=year
        )
        if not created:
            continue
        Representative.objects.bulk_create(
            Representative(membership=renewal, person=r.person, role=r.role)
            for r in old.representatives.all()
        )
        renewal.schedule_fee = renewal.quote(len(old.representatives.all())).total
        renewal.po_number = ""
        renewal.save(update_fields=["schedule_fee", "po_number"])
        send_renewal_email(membership=renewal)
        opened += 1
    return opened


def _remember(kind: str, today: date, *, membership=None, invoice=None) -> bool:
    """True the first time today; a unique row means beat running twice sends once."""
    try:
        with transaction.atomic():
            SentReminder.objects.create(
                kind=kind, membership=membership, invoice=invoice, sent_on=today
            )
    except IntegrityError:
        return False
    return True


def send_renewal_reminder(*, membership: Membership, today: date | None = None) -> bool:
    """Remind this renewal's business managers now (at most once a day)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        if not _remember(ReminderRule.Kind.RENEWAL, today, membership=membership):
            return False
        send_renewal_email(membership=membership, template="renewal_reminder")
    return True


def send_invoice_reminder(*, invoice: Invoice, today: date | None = None) -> bool:
    """Remind the payer of an unpaid invoice, with the PDF (at most once a day)."""
    from billing.tasks import email_invoice_task

    today = today or timezone.localdate()
    with transaction.atomic():
        if not _remember(ReminderRule.Kind.UNPAID, today, invoice=invoice):
            return False
        email_invoice_task.delay_on_commit(invoice.pk, reminder=True)
    return True


def invoices_to_chase(today: date):
    """Billing's invoices to chase, less those of a membership (or its mid-year change) that
    has lapsed, been cancelled or whose year has ended: nobody is chased for those."""
    given_up = Membership.objects.filter(
        Q(status__in=[Membership.Status.LAPSED, Membership.Status.CANCELLED])
        | Q(year__ends_on__lt=today)
    )
    return (
        Invoice.objects.to_chase(today)
        .exclude(Exists(given_up.filter(invoice=OuterRef("pk"))))
        .exclude(Exists(given_up.filter(changes__invoice=OuterRef("pk"))))
    )


def send_reminders(*, today: date | None = None) -> dict[str, int]:
    """Send the renewal and unpaid-invoice reminders the staff's rules say are due today."""
    today = today or timezone.localdate()
    rules = list(ReminderRule.objects.filter(active=True))
    sent = {"renewal": 0, "unpaid": 0}
    renewal_rules = [r for r in rules if r.kind == ReminderRule.Kind.RENEWAL]
    if renewal_rules:
        # Only renewals that can still be made: nothing for a year that has ended, or for a
        # membership renewed, declined, lapsed or cancelled (none of those is renewal due).
        for membership in Membership.objects.open_for_renewal(today).select_related("year"):
            if any(r.is_due(anchor=membership.year.starts_on, today=today) for r in renewal_rules):
                sent["renewal"] += send_renewal_reminder(membership=membership, today=today)
    unpaid_rules = [r for r in rules if r.kind == ReminderRule.Kind.UNPAID]
    if unpaid_rules:
        for invoice in invoices_to_chase(today):
            if any(r.is_due(anchor=invoice.due_on, today=today) for r in unpaid_rules):
                sent["unpaid"] += send_invoice_reminder(invoice=invoice, today=today)
    return sent


@transaction.atomic
def lapse_unpaid(*, today: date | None = None) -> int:
    """Invoiced memberships whose invoice is still unpaid a grace period after the later of the
    year's start and the invoice's date become lapsed; their representatives lose member
    benefits until the invoice is paid. So does a membership accepted on a purchase order whose
    invoice is still unpaid the grace period after its due date. Nothing else lapses: an application awaiting approval
    is staff's to decide, and a renewal never submitted stays renewal due (it was never active,
    so there are no benefits to withdraw), so the business manager can still renew late and
    the renewal reminders carry on as the staff's rules say."""
    today = today or timezone.localdate()
    cutoff = today - timedelta(days=settings.MEMBERSHIP_GRACE_DAYS)
    invoiced = Q(
        status=Membership.Status.INVOICED,
        # max(year start, issued on) < cutoff: a join invoiced mid-year gets its full grace.
        year__starts_on__lt=cutoff,
        invoice__issued_on__lt=cutoff,
    )
    # Accepted on a purchase order: active on the promise of payment, which lapses when the
    # invoice is still unpaid the same grace period after it fell due.
    on_purchase_order = Q(status=Membership.Status.ACTIVE, invoice__due_on__lt=cutoff)
    unpaid = Membership.objects.select_for_update().filter(
        invoiced | on_purchase_order, invoice__status=Invoice.Status.ISSUED
    )
    lapsed = 0
    for membership in unpaid:
        membership.move_to(Membership.Status.LAPSED)
        lapsed += 1
    return lapsed


def pipeline(year: MembershipYear) -> dict:
    """The renewal pipeline at a glance: counts and amounts by status for one year."""
    from django.db.models import Count, Sum
    from django.db.models.functions import Coalesce

    rows = (
        Membership.objects.for_year(year)
        .values("status")
        .annotate(count=Count("pk"), amount=Sum(Coalesce("negotiated_fee", "schedule_fee")))
    )
    by_status = {row["status"]: row for row in rows}
    return {
        status.label: {
            "count": by_status.get(status.value, {}).get("count", 0),
            "amount": by_status.get(status.value, {}).get("amount") or ZERO,
        }
        for status in Membership.Status
    }
