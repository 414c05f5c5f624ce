"""Vacancy workflows: submit, pay, moderate, edit, close, relist, expire. Each one emails."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from billing import services as billing
from billing.models import Invoice
from tasp.mail import send_templated_email

from . import members
from .models import BILLING_FIELDS, LONDON, Vacancy, VacancyPricing

Status = Vacancy.Status


class NotAllowed(Exception):
    """The advert is not in a state where this can happen; the message says why."""


def _email_poster(vacancy: Vacancy, name: str, **context) -> None:
    send_templated_email(
        f"vacancies/{name}",
        to=[vacancy.posted_by.email],
        context={"vacancy": vacancy, "poster": vacancy.posted_by, **context},
    )


def _email_staff(vacancy: Vacancy, name: str) -> None:
    send_templated_email(
        f"vacancies/{name}", to=settings.STAFF_NOTIFICATION_EMAILS, context={"vacancy": vacancy}
    )


def _locked(vacancy: Vacancy) -> Vacancy:
    """The advert's row, locked until commit, after its invoice's. Lock order, everywhere:
    invoice, then advert. A payment locks the invoice and then (through ``invoice_paid``) the
    advert; a service here that may void the invoice must not hold the advert while it waits
    for the invoice, or the two would wait for each other."""
    while True:
        invoice_id = Vacancy.objects.filter(pk=vacancy.pk).values_list("invoice", flat=True).get()
        if invoice_id:
            list(Invoice.objects.select_for_update().filter(pk=invoice_id).values("pk"))
        locked = Vacancy.objects.select_for_update().select_related("posted_by").get(pk=vacancy.pk)
        if locked.invoice_id in (None, invoice_id):
            return locked
        # Billed on another invoice between the read and the lock: lock that one first.


def raise_invoice(vacancy: Vacancy, *, send: bool = True) -> Invoice:
    """Invoice a non-member's locked advert at its price, to the billing details it gave."""
    invoice = billing.issue_invoice(
        bill_to=billing.BillTo(
            name=vacancy.billing_name, address=vacancy.billing_address, email=vacancy.billing_email
        ),
        lines=[
            billing.LineData(
                description=f"Vacancy advert on the TASP website: {vacancy.title} "
                f"(closing {vacancy.closes_on:%-d %B %Y})",
                unit_price=vacancy.price,
            )
        ],
        po_number=vacancy.po_number,
    )
    if send:
        billing.send_invoice(invoice=invoice)
    return invoice


def today() -> date:
    return timezone.localdate(timezone=LONDON)


def price_for(user) -> tuple[bool, object]:
    """(is the user a member today, what they pay): decided here, never by the form. Pass the
    advert's poster, not whoever is looking at it (staff may edit a member's draft)."""
    if members.is_member_user(user, today()):
        return True, None
    return False, VacancyPricing.current().non_member_price


# What a new advert takes from the poster's last one: who is hiring, and who pays.
CARRIED_OVER = ["organisation_name", "organisation_website", *BILLING_FIELDS[:3]]


def advert_initial(user) -> dict:
    """What a new advert's form starts with, from the poster's account: the hiring organisation
    and billing details of their last advert, the member organisation they represent as the
    hiring organisation (it pays nothing), and their own address for the invoice when there is
    nothing else to go on."""
    last = Vacancy.objects.posted_by(user).order_by("-created_at", "-pk").first()
    initial = (
        {name: getattr(last, name) for name in CARRIED_OVER if getattr(last, name)} if last else {}
    )
    if organisation := members.member_organisation(user, today()):
        initial["organisation_name"] = organisation.name
    initial.setdefault("billing_email", user.email)
    return initial


@transaction.atomic
def submit_vacancy(*, vacancy: Vacancy, user) -> Vacancy:
    """Send a draft on: free to moderation for members, invoiced for others. Safe to repeat.
    The price is the poster's, whoever presses the button."""
    vacancy = _locked(vacancy)
    if vacancy.status != Status.DRAFT:
        return vacancy
    if vacancy.closes_on <= today():
        # The same rule as the form: an advert must be open for at least one more day.
        raise NotAllowed("The closing date must be after today: change it before submitting.")
    poster = vacancy.posted_by
    is_member, price = price_for(poster)
    vacancy.is_member_post = is_member
    vacancy.price = price
    vacancy.submitted_at = timezone.now()
    if is_member:
        vacancy.organisation = members.member_organisation(poster, today())
        vacancy.save(update_fields=["is_member_post", "price", "submitted_at", "organisation"])
        vacancy.change_status(Status.PENDING_MODERATION, by=user, note="Member: free advert.")
    else:
        if not (vacancy.billing_name and vacancy.billing_address and vacancy.billing_email):
            raise NotAllowed("Billing details are needed for a paid advert.")
        vacancy.invoice = raise_invoice(vacancy)
        vacancy.save(update_fields=["is_member_post", "price", "submitted_at", "invoice"])
        vacancy.change_status(
            Status.PENDING_PAYMENT,
            by=user,
            note=f"Invoice {vacancy.invoice.number} for £{price:,.2f}.",
        )
    _email_poster(vacancy, "received")
    _email_staff(vacancy, "staff_new")
    return vacancy


def _void_unpaid_invoice(vacancy: Vacancy, *, reason: str) -> str:
    """Void the invoice of a locked non-member advert that was never paid for and never went
    live, so nobody is chased for it. Returns a note for the history ("" if none voided)."""
    invoice = vacancy.invoice
    if vacancy.is_member_post or vacancy.paid_at or vacancy.published_at or invoice is None:
        return ""
    # Let go of the invoice first, so the invoice_voided signal finds no advert waiting on it.
    vacancy.invoice = None
    vacancy.save(update_fields=["invoice"])
    try:
        billing.void_invoice(invoice=invoice, reason=reason)
    except billing.BillingError:
        vacancy.invoice = invoice  # paid after all: it stands
        vacancy.save(update_fields=["invoice"])
        return ""
    return f"Invoice {invoice.number} voided."


def record_invoice_void(*, invoice: Invoice, reason: str = "") -> int:
    """Staff voided an invoice: an unpaid advert billed on it is closed, whether it was waiting
    for payment or already published (or back in moderation) against it, and the poster is
    told; a rejected one lets go of it, so fixing the advert raises a new invoice. Returns how
    many adverts were closed."""
    closes = (Status.PENDING_PAYMENT, Status.PENDING_MODERATION, Status.PUBLISHED)
    closed = 0
    for pk in Vacancy.objects.filter(invoice=invoice, paid_at__isnull=True).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            vacancy = _locked(Vacancy(pk=pk))
            if vacancy.invoice_id != invoice.pk or vacancy.paid_at:
                continue
            if vacancy.status not in (*closes, Status.REJECTED):
                continue  # closed already (or a draft): nothing is listed or waiting
            vacancy.invoice = None
            vacancy.save(update_fields=["invoice"])
            if vacancy.status in closes:
                note = f"Invoice {invoice.number} voided: {reason}".strip().rstrip(":")
                vacancy.change_status(Status.CLOSED, note=note[:500])
                _email_poster(vacancy, "closed", voided=True)
                closed += 1
    return closed


@transaction.atomic
def record_vacancy_payment(*, vacancy: Vacancy, by=None) -> Vacancy:
    """The invoice is paid: the advert moves on to moderation. Safe to repeat."""
    vacancy = _locked(vacancy)
    if vacancy.paid_at:
        return vacancy
    vacancy.paid_at = timezone.now()
    vacancy.save(update_fields=["paid_at"])
    if vacancy.status == Status.PENDING_PAYMENT:
        vacancy.change_status(Status.PENDING_MODERATION, by=by, note="Payment received.")
        _email_poster(vacancy, "paid")
    return vacancy


def record_invoice_payment(*, invoice: Invoice) -> int:
    """Mark paid every advert billed on this invoice; returns how many moved on."""
    moved = 0
    for vacancy in Vacancy.objects.filter(invoice=invoice, paid_at__isnull=True):
        record_vacancy_payment(vacancy=vacancy)
        moved += 1
    return moved


@transaction.atomic
def approve_vacancy(*, vacancy: Vacancy, by, note: str = "") -> Vacancy:
    """Publish an advert waiting for moderation, or one waiting for payment (against its invoice)."""
    vacancy = _locked(vacancy)
    if vacancy.status == Status.PUBLISHED:
        return vacancy
    if vacancy.status not in (Status.PENDING_MODERATION, Status.PENDING_PAYMENT):
        raise NotAllowed(f"A {vacancy.get_status_display().lower()} advert cannot be approved.")
    if vacancy.closes_on < today():
        raise NotAllowed("Its closing date has passed: ask the poster for a new one.")
    if vacancy.status == Status.PENDING_PAYMENT:
        note = note or f"Approved against invoice {vacancy.invoice.number}, not yet paid."
    vacancy.rejection_reason = ""
    vacancy.rejection_note = ""
    vacancy.save(update_fields=["rejection_reason", "rejection_note"])
    vacancy.change_status(Status.PUBLISHED, by=by, note=note or "Approved.")
    _email_poster(vacancy, "published")
    from .tasks import announce_vacancy_task

    announce_vacancy_task.delay_on_commit(vacancy.pk)
    return vacancy


@transaction.atomic
def accept_purchase_order(*, vacancy: Vacancy, by, note: str = "") -> Vacancy:
    """Staff accept the purchase order of an advert waiting for payment as good as payment: it
    is published now, against its unpaid invoice (chased as any other), not once the invoice
    is paid within its terms. Safe to repeat."""
    vacancy = _locked(vacancy)
    if vacancy.po_accepted_at or vacancy.paid_at:
        return vacancy
    if vacancy.status != Status.PENDING_PAYMENT:
        raise NotAllowed(
            f"A {vacancy.get_status_display().lower()} advert is not waiting for payment."
        )
    if not vacancy.po_number or vacancy.invoice is None:
        raise NotAllowed("The advert has no purchase order number to accept.")
    vacancy.po_accepted_at = timezone.now()
    vacancy.save(update_fields=["po_accepted_at"])
    invoice = vacancy.invoice
    accepted = (
        f"Purchase order {vacancy.po_number} accepted: published against invoice "
        f"{invoice.number}, due {invoice.due_on:%-d %B %Y}."
    )
    return approve_vacancy(vacancy=vacancy, by=by, note=f"{accepted} {note}".strip())


@transaction.atomic
def reject_vacancy(*, vacancy: Vacancy, by, reason: str, note: str = "") -> Vacancy:
    """Turn an advert down with a typed reason the poster is told."""
    vacancy = _locked(vacancy)
    if reason not in Vacancy.RejectionReason.values:
        raise NotAllowed("Choose a reason for rejecting the advert.")
    if vacancy.status == Status.REJECTED:
        return vacancy
    if vacancy.status not in (Status.PENDING_MODERATION, Status.PENDING_PAYMENT):
        raise NotAllowed(f"A {vacancy.get_status_display().lower()} advert cannot be rejected.")
    vacancy.rejection_reason = reason
    vacancy.rejection_note = note
    vacancy.save(update_fields=["rejection_reason", "rejection_note"])
    label = vacancy.get_rejection_reason_display()
    voided = _void_unpaid_invoice(vacancy, reason=f"Advert rejected: {label.lower()}")
    vacancy.change_status(Status.REJECTED, by=by, note=f"{label}. {note} {voided}".strip()[:500])
    _email_poster(vacancy, "rejected")
    return vacancy


@transaction.atomic
def edit_vacancy(*, vacancy: Vacancy, by, changes: dict) -> Vacancy:
    """Save an edit (field name → cleaned value) and, when the poster edits a published or
    rejected advert, send it back to moderation: content and status change together."""
    vacancy = _locked(vacancy)
    if not vacancy.is_editable:
        raise NotAllowed("A closed advert cannot be changed; relist it instead.")
    new_closes_on = changes.get("closes_on")
    if new_closes_on and new_closes_on > vacancy.closes_on:
        vacancy.closing_reminder_sent_at = None  # a later closing date earns a new reminder
    for name, value in changes.items():
        Vacancy._meta.get_field(name).save_form_data(vacancy, value)
    vacancy.save()
    return record_vacancy_edit(vacancy=vacancy, by=by)


@transaction.atomic
def record_vacancy_edit(*, vacancy: Vacancy, by) -> Vacancy:
    """After the poster saves changes: a published or rejected advert goes back to moderation."""
    vacancy = _locked(vacancy)
    if by.is_staff and vacancy.posted_by_id != by.pk:
        return vacancy  # staff corrections do not send an advert back to the queue
    if vacancy.status not in (Status.PUBLISHED, Status.REJECTED):
        return vacancy
    if vacancy.status == Status.REJECTED and not vacancy.is_member_post and not vacancy.paid_at:
        # Turned down before it was paid for: fixing it does not skip the invoice. Its invoice
        # was voided when it was rejected, so a new one is raised at the price it was given.
        note = "Edited by the poster."
        if vacancy.invoice is None:
            vacancy.invoice = raise_invoice(vacancy)
            vacancy.save(update_fields=["invoice"])
            note += f" Invoice {vacancy.invoice.number} for £{vacancy.price:,.2f}."
        vacancy.change_status(Status.PENDING_PAYMENT, by=by, note=note)
    else:
        vacancy.change_status(Status.PENDING_MODERATION, by=by, note="Edited by the poster.")
    _email_poster(vacancy, "received", edited=True)
    _email_staff(vacancy, "staff_new")
    return vacancy


@transaction.atomic
def close_vacancy(
    *, vacancy: Vacancy, by=None, note: str = "Closed early by the poster."
) -> Vacancy:
    """Take the advert down. Safe to repeat."""
    vacancy = _locked(vacancy)
    if vacancy.status == Status.CLOSED:
        return vacancy
    if vacancy.status == Status.DRAFT:
        raise NotAllowed("A draft is not listed; there is nothing to close.")
    if by is None:
        reason = f"Advert closed: {note.rstrip('.')}"  # by the system, e.g. its closing date
    elif by.pk == vacancy.posted_by_id:
        reason = "Advert withdrawn by the poster"
    else:
        reason = "Advert closed by staff"
    voided = _void_unpaid_invoice(vacancy, reason=reason)
    vacancy.change_status(Status.CLOSED, by=by, note=f"{note} {voided}".strip())
    _email_poster(vacancy, "closed")
    return vacancy


@transaction.atomic
def relist_vacancy(*, vacancy: Vacancy, by) -> Vacancy:
    """Copy a closed advert into a new draft the poster edits (new closing date) and submits.
    Safe to repeat: an advert already relisted returns the copy it made."""
    vacancy = _locked(vacancy)
    if vacancy.status != Status.CLOSED:
        raise NotAllowed("Only a closed advert can be relisted.")
    existing = vacancy.relistings.order_by("pk").first()
    if existing is not None:
        return existing
    copy = vacancy.relisting()
    copy.save()
    copy.status_changes.create(
        from_status="", to_status=Status.DRAFT, changed_by=by, note=f"Relisted from {vacancy.slug}."
    )
    return copy


def close_expired_vacancies(*, day: date | None = None) -> int:
    """Close every published advert whose closing day has ended, and every advert still waiting
    for payment or moderation by then (it can no longer be published: its unpaid invoice is
    voided). Returns how many closed."""
    closed = 0
    for pk in Vacancy.objects.expired(day).values_list("pk", flat=True):
        with transaction.atomic():
            vacancy = _locked(Vacancy(pk=pk))
            if vacancy.status != Status.PUBLISHED:
                continue
            vacancy.change_status(Status.CLOSED, note="Closing date passed.")
            _email_poster(vacancy, "closed", expired=True)
            closed += 1
    day = day or timezone.localdate(timezone=LONDON)
    for vacancy in Vacancy.objects.awaiting_moderation().filter(closes_on__lt=day):
        close_vacancy(vacancy=vacancy, note="Closing date passed before it was published.")
        closed += 1
    return closed


def remind_closing_vacancies(*, day: date | None = None) -> int:
    """Tell each poster once, two days ahead, that their advert is about to close."""
    day = day or today()
    due_on = day + timedelta(days=settings.VACANCY_CLOSING_SOON_DAYS)
    reminded = 0
    candidates = Vacancy.objects.published().filter(
        closes_on__gte=day, closes_on__lte=due_on, closing_reminder_sent_at__isnull=True
    )
    for pk in candidates.values_list("pk", flat=True):
        with transaction.atomic():
            vacancy = _locked(Vacancy(pk=pk))
            if vacancy.closing_reminder_sent_at or vacancy.status != Status.PUBLISHED:
                continue
            vacancy.closing_reminder_sent_at = timezone.now()
            vacancy.save(update_fields=["closing_reminder_sent_at"])
            _email_poster(vacancy, "closing_soon")
            reminded += 1
    return reminded
