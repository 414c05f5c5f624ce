"""Demo data: the members welcomed in TASP's newsletters, their renewals and invoices.

Safe to run again: rows are found by natural keys and updated; invoices are only issued once per
membership. No email is sent and no signal fires (seeding is not a real payment).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from importlib import import_module

from django.apps import apps
from django.contrib.auth import get_user_model
from django.utils import timezone

from billing import services as billing
from billing.models import Invoice, Payment

from . import services
from .models import (
    FeeSchedule,
    Membership,
    MembershipYear,
    Organisation,
    Person,
    Representative,
)

MANAGER_EMAIL = "manager@example.org"
MANAGER_PASSWORD = "tasp-demo-manager"  # demo only: seed_demo refuses to run in production

# (name, kind, areas, representatives this year, story for this year, next year's renewal)
MEMBERS = [
    (
        "Luton Safeguarding Children Partnership",
        "single_area",
        "Luton",
        6,
        "paid_card",
        "renewal_due",
    ),
    (
        "Harrow Safeguarding Children Partnership",
        "single_area",
        "Harrow",
        5,
        "paid_bacs",
        "renewal_due",
    ),
    (
        "Hammersmith & Fulham, Kensington & Chelsea and Westminster Safeguarding Children Partnership",
        "multi_area",
        "Hammersmith & Fulham, Kensington & Chelsea, Westminster",
        14,
        "paid_bacs",
        "renewal_due",
    ),
    ("Guernsey Safeguarding Children Partnership", "single_area", "Guernsey", 5, "submitted", None),
    (
        "Wakefield Safeguarding Children Partnership",
        "single_area",
        "Wakefield",
        7,
        "invoiced",
        None,
    ),
    ("Somerset Safeguarding Children Partnership", "single_area", "Somerset", 9, "overdue", None),
    (
        "Calderdale Safeguarding Children Partnership",
        "single_area",
        "Calderdale",
        5,
        "paid_bacs",
        None,
    ),
    (
        "Durham Safeguarding Children Partnership",
        "single_area",
        "County Durham",
        11,
        "negotiated",
        None,
    ),
    ("Surrey Safeguarding Children Partnership", "single_area", "Surrey", 26, "paid_card", None),
    ("Suffolk Safeguarding Children Partnership", "single_area", "Suffolk", 5, "lapsed", None),
    ("Northbridge Children's Charity", "other", "", 3, "cancelled", None),
    ("National Example Safeguarding Network", "national", "", 4, "reissued", None),
]

ROLES = [
    ("business_manager", "Business Manager"),
    ("local_authority", "Director of Children's Services"),
    ("police", "Detective Superintendent, Public Protection"),
    ("health", "Designated Nurse for Safeguarding"),
    ("independent", "Independent Scrutineer"),
]
FIRST = ["Alex", "Sam", "Jo", "Chris", "Priya", "Tom", "Aisha", "Morgan", "Ruth", "Dev", "Kim"]
LAST = ["Hughes", "Patel", "Okafor", "Reid", "Nowak", "Evans", "Shah", "Doyle", "Lewis", "Ng"]


def _slug(name: str) -> str:
    return name.split(" Safeguarding")[0].split(" ")[0].lower().replace("&", "").replace(",", "")


def _people(
    organisation: Organisation, count: int, index: int
) -> list[services.RepresentativeData]:
    people = []
    for number in range(count):
        role, title = ROLES[number] if number < len(ROLES) else ("other", "Partnership Officer")
        email = f"{role.replace('_', '.')}{number}.{_slug(organisation.name)}@example.org"
        if index == 0 and role == "business_manager":
            email = MANAGER_EMAIL
        people.append(
            services.RepresentativeData(
                name=f"{FIRST[(index + number) % len(FIRST)]} {LAST[(index * 3 + number) % len(LAST)]}",
                email=email,
                job_title=title,
                role=role,
            )
        )
    return people


def _name(organisation: Organisation, people: list[services.RepresentativeData], membership):
    """Name these people on the membership without touching a locked one."""
    if membership.representatives.exists():
        return
    services.replace_representatives(membership=membership, representatives=people)


def _invoice(membership: Membership, issued_on: date) -> Invoice:
    if membership.invoice_id:
        return membership.invoice
    invoice = billing.issue_invoice(
        bill_to=membership.organisation,
        lines=services.membership_invoice_lines(membership),
        po_number=membership.po_number,
        issued_on=issued_on,
    )
    membership.invoice = invoice
    membership.price_locked_at = membership.price_locked_at or timezone.now()
    membership.save(update_fields=["invoice", "price_locked_at"])
    return invoice


def _pay(invoice: Invoice, method: str, on: date, staff) -> None:
    """Record the payment and activate directly: services.record_payment would email every
    representative and tell the newsletters app, which a demo seed should not do."""
    if invoice.status != Invoice.Status.ISSUED:
        return
    reference = f"{'cs_demo' if method == Payment.Method.CARD else 'BACS'}-{invoice.number}"
    Payment.objects.get_or_create(
        invoice=invoice,
        method=method,
        reference=reference,
        defaults={"amount": invoice.total, "received_on": on, "recorded_by": staff},
    )
    invoice.move_to(Invoice.Status.PAID, paid_on=on)
    for membership in invoice.memberships.all():
        membership.move_to(Membership.Status.ACTIVE, activated_at=timezone.now())


def _copy_latest_fee_schedule(year: MembershipYear) -> None:
    """Give a demo year without a general fee schedule a copy of the latest earlier one: the
    seed stops at 2026/27, and the demo's last, this and next year may all come after it."""
    if year.fee_schedule_for("") is not None:
        return
    source = (
        FeeSchedule.objects.filter(kind="", year__starts_on__lt=year.starts_on)
        .order_by("-year__starts_on")
        .first()
    )
    schedule = year.fee_schedules.create(
        per_extra_representative=source.per_extra_representative, notes=source.notes
    )
    for band in source.bands.all():
        schedule.bands.create(up_to=band.up_to, fee=band.fee)


def seed_demo(*, staff) -> Iterator[str]:
    seed_fees = import_module("membership.migrations.0002_seed_fees_and_reminders").seed
    seed_fees(apps, None)  # 2019/20 to 2026/27 schedules and the default reminder rules
    current = MembershipYear.current()
    previous = current.previous()
    upcoming = current.next()
    for year in (previous, current, upcoming):
        _copy_latest_fee_schedule(year)
    yield f"fee schedules {MembershipYear.objects.first()} to {upcoming}"

    manager, _ = get_user_model().objects.update_or_create(
        email=MANAGER_EMAIL, defaults={"full_name": "Demo Business Manager"}
    )
    manager.set_password(MANAGER_PASSWORD)
    manager.save()

    # The demo holds next year's renewals whatever the date (so the business manager can try
    # renewing): as staff would, it opens that year's renewals from today, so "Open renewals"
    # agrees with the data and opens the rest of this year's members.
    if upcoming.renewal_window_opens > timezone.localdate():
        upcoming.renewals_open_on = timezone.localdate()
        upcoming.save(update_fields=["renewals_open_on"])

    start = current.starts_on
    for index, (name, kind, areas, count, story, next_story) in enumerate(MEMBERS):
        slug = _slug(name)
        organisation, _ = Organisation.objects.update_or_create(
            name=name,
            defaults={
                "kind": kind,
                "areas": areas,
                "address": f"{name.split(' Safeguarding')[0]} Council Offices\n1 Civic Square\nExample Town EX{index + 1} 1AA",
                "billing_name": "Accounts Payable",
                "billing_email": f"accounts.{slug}@example.org",
            },
        )
        people = _people(organisation, count, index)

        if story != "submitted":  # everyone but the new applicant was a member last year
            last, _ = Membership.objects.get_or_create(
                organisation=organisation,
                year=previous,
                defaults={
                    "status": Membership.Status.INVOICED,
                    "po_number": f"PO-{slug.upper()}-1",
                },
            )
            _name(organisation, people[: max(5, count - 1)], last)
            if last.invoice_id is None:
                last.schedule_fee = last.quote(last.representatives.count()).total
                last.save(update_fields=["schedule_fee"])
            invoice = _invoice(last, previous.starts_on - timedelta(days=20))
            _pay(invoice, Payment.Method.BACS, previous.starts_on + timedelta(days=10), staff)

        this, created = Membership.objects.get_or_create(
            organisation=organisation,
            year=current,
            defaults={
                # An application is made as one (apply_to_join); everyone else is renewing.
                "status": Membership.Status.SUBMITTED
                if story == "submitted"
                else Membership.Status.RENEWAL_DUE,
                "po_number": f"PO-{slug.upper()}-2",
            },
        )
        _name(organisation, people, this)
        if this.invoice_id is None and story not in ("submitted", "cancelled"):
            if story == "negotiated":
                this.negotiated_fee = Decimal("2800.00")
                this.negotiated_reason = "Two local authority areas share one business unit"
                this.negotiated_by = staff
                this.negotiated_at = timezone.now()
            this.schedule_fee = this.quote(count).total
            this.accepted_by = manager if index == 0 else None
            this.save()
            this.move_to(Membership.Status.INVOICED)
            issued = (
                start - timedelta(days=25) if story != "overdue" else start + timedelta(days=40)
            )
            invoice = _invoice(this, issued)
            if story == "reissued":
                billing.void_invoice(invoice=invoice, reason="Wrong billing address; reissued")
                this.refresh_from_db()
                this.move_to(Membership.Status.INVOICED)
                invoice = _invoice(this, start - timedelta(days=20))
            if story in ("paid_card", "paid_bacs", "negotiated", "reissued"):
                method = Payment.Method.CARD if story == "paid_card" else Payment.Method.BACS
                _pay(invoice, method, start + timedelta(days=5), staff)
        if created and story == "submitted":
            this.schedule_fee = this.quote(count).total
            this.save(update_fields=["schedule_fee"])
        if created and story == "cancelled":
            this.move_to(Membership.Status.CANCELLED)
        if story == "lapsed" and this.status == Membership.Status.INVOICED:
            this.move_to(Membership.Status.LAPSED)

        if next_story:
            renewal, _ = Membership.objects.get_or_create(
                organisation=organisation,
                year=upcoming,
                defaults={"status": Membership.Status.RENEWAL_DUE},
            )
            if not renewal.representatives.exists():
                for representative in this.representatives.all():
                    Representative.objects.create(
                        membership=renewal, person=representative.person, role=representative.role
                    )
                renewal.schedule_fee = renewal.quote(count).total
                renewal.save(update_fields=["schedule_fee"])
        this.refresh_from_db()
        yield f"{organisation.name}: {this.get_status_display().lower()} for {current}"

    # The demo manager also needs a login on the person row named business manager.
    Person.objects.filter(email=MANAGER_EMAIL).update(user=manager)
    counts = {s.label: Invoice.objects.filter(status=s).count() for s in Invoice.Status}
    yield "invoices: " + ", ".join(f"{n} {label.lower()}" for label, n in counts.items())
    yield f"business manager login: {MANAGER_EMAIL} / {MANAGER_PASSWORD} (renewal for {upcoming} open)"
