"""Vacancy workflows: submit, pay, moderate, edit, close, relist, expire. Each one emails."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tasp.mail import send_templated_email

from . import billing
from .models import LONDON, Vacancy, VacancyPricing

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
    return Vacancy.objects.select_for_update().select_related("posted_by").get(pk=vacancy.pk)


def today() -> date:
    return timezone.localdate(timezone=LONDON)


def price_for(user) -> tuple[bool, object]:
    """(is the user a member today, what they pay): decided here, never by the form."""
    if billing.is_member_user(user, today()):
        return True, None
    return False, VacancyPricing.current().non_member_price


@transaction.atomic
def submit_vacancy(*, vacancy: Vacancy, user) -> Vacancy:
    """Send a draft on: free to moderation for members, invoiced for others. Safe to repeat."""
    vacancy = _locked(vacancy)
    if vacancy.status != Status.DRAFT:
        return vacancy
    if vacancy.closes_on < today():
        raise NotAllowed("The closing date has passed: change it before submitting.")
    is_member, price = price_for(user)
    vacancy.is_member_post = is_member
    vacancy.price = price
    vacancy.submitted_at = timezone.now()
    if is_member:
        vacancy.organisation = billing.member_organisation(user, today())
        vacancy.save(update_fields=["is_member_post", "price", "submitted_at", "organisation"])
        vacancy.change_status(Status.PENDING_MODERATION, by=user, note="Member: free advert.")
    else:
        if not (vacancy.billing_name and vacancy.billing_address and vacancy.billing_email):
            raise NotAllowed("Billing details are needed for a paid advert.")
        invoice_number = billing.raise_vacancy_invoice(
            vacancy,
            billing.Billing(
                name=vacancy.billing_name,
                address=vacancy.billing_address,
                email=vacancy.billing_email,
                po_number=vacancy.po_number,
            ),
            price,
        )
        vacancy.invoice_reference = invoice_number
        vacancy.save(update_fields=["is_member_post", "price", "submitted_at", "invoice_reference"])
        vacancy.change_status(
            Status.PENDING_PAYMENT, by=user, note=f"Invoice {invoice_number} for £{price:,.2f}."
        )
    _email_poster(vacancy, "received")
    _email_staff(vacancy, "staff_new")
    return vacancy


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


def record_invoice_payment(*, invoice_number: str) -> int:
    """Mark paid every advert billed on this invoice; returns how many moved on."""
    moved = 0
    for vacancy in Vacancy.objects.filter(invoice_reference=invoice_number, paid_at__isnull=True):
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
        note = note or f"Approved against invoice {vacancy.invoice_reference}, not yet paid."
    vacancy.rejection_reason = ""
    vacancy.rejection_note = ""
    vacancy.save(update_fields=["rejection_reason", "rejection_note"])
    vacancy.change_status(Status.PUBLISHED, by=by, note=note or "Approved.")
    _email_poster(vacancy, "published")
    from .tasks import announce_vacancy_task

    announce_vacancy_task.delay_on_commit(vacancy.pk)
    return vacancy


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
    vacancy.change_status(
        Status.REJECTED, by=by, note=f"{vacancy.get_rejection_reason_display()}. {note}".strip()
    )
    _email_poster(vacancy, "rejected")
    return vacancy


@transaction.atomic
def record_vacancy_edit(*, vacancy: Vacancy, by) -> Vacancy:
    """After the poster saves changes: a published or rejected advert goes back to moderation."""
    vacancy = _locked(vacancy)
    if by.is_staff and vacancy.posted_by_id != by.pk:
        return vacancy  # staff corrections do not send an advert back to the queue
    if vacancy.status not in (Status.PUBLISHED, Status.REJECTED):
        return vacancy
    if vacancy.status == Status.REJECTED and not vacancy.is_member_post and not vacancy.paid_at:
        # Turned down before it was paid for: fixing it does not skip the invoice.
        vacancy.change_status(Status.PENDING_PAYMENT, by=by, note="Edited by the poster.")
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
    vacancy.change_status(Status.CLOSED, by=by, note=note)
    _email_poster(vacancy, "closed")
    return vacancy


@transaction.atomic
def relist_vacancy(*, vacancy: Vacancy, by) -> Vacancy:
    """Copy a closed advert into a new draft the poster edits (new closing date) and submits."""
    if vacancy.status != Status.CLOSED:
        raise NotAllowed("Only a closed advert can be relisted.")
    copy = Vacancy.objects.get(pk=vacancy.pk)
    copy.pk = None
    copy.slug = ""
    copy.status = Status.DRAFT
    copy.relisted_from = vacancy
    copy.posted_by = vacancy.posted_by
    for field in (
        "price",
        "submitted_at",
        "published_at",
        "closed_at",
        "closing_reminder_sent_at",
        "paid_at",
    ):
        setattr(copy, field, None)
    copy.is_member_post = False
    copy.invoice_reference = copy.rejection_reason = copy.rejection_note = ""
    copy.save()
    copy.status_changes.create(
        from_status="", to_status=Status.DRAFT, changed_by=by, note=f"Relisted from {vacancy.slug}."
    )
    return copy


def close_expired_vacancies(*, day: date | None = None) -> int:
    """Close every published advert whose closing day has ended; returns how many."""
    closed = 0
    for pk in Vacancy.objects.expired(day).values_list("pk", flat=True):
        with transaction.atomic():
            vacancy = _locked(Vacancy(pk=pk))
            if vacancy.status != Status.PUBLISHED:
                continue
            vacancy.change_status(Status.CLOSED, note="Closing date passed.")
            _email_poster(vacancy, "closed", expired=True)
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


# --- Alerts: new adverts go to the newsletters app's "Vacancy alerts" list -----------------------

ALERTS_SLUG = "vacancy-alerts"
ALERT_WINDOW = timedelta(days=2)  # only adverts published this recently are news


def alerts_list():
    """The newsletters app's "Vacancy alerts" list; migration 0003 makes it, and it is made
    again here if staff ever delete it, so publishing never fails for want of it."""
    from newsletters.models import Newsletter

    newsletter, _ = Newsletter.objects.get_or_create(
        slug=ALERTS_SLUG,
        defaults={
            "name": "Vacancy alerts",
            "description": "An email when a new vacancy is published on the TASP website.",
            "is_public": True,
        },
    )
    return newsletter


def request_vacancy_alerts(*, email: str, name: str, ip: str | None) -> None:
    """Double opt-in to the alerts list through the newsletters app (same emails and tokens)."""
    from newsletters.services import request_subscription

    newsletter = alerts_list()
    if newsletter is not None:
        request_subscription(
            email=email, name=name, organisation="", newsletters=[newsletter], ip=ip
        )


def announce_vacancies(*, vacancy_ids: list[int] | None = None, now=None):
    """Send one alert issue about open adverts not yet announced; each advert goes out once
    (a VacancyAlert row per advert), each subscriber gets it once (a Delivery row each).
    Returns the newsletters Send, or None when there is nothing new."""
    from newsletters.models import Issue, Item, Section
    from newsletters.services import schedule_send

    from .models import VacancyAlert

    newsletter = alerts_list()
    now = now or timezone.now()
    with transaction.atomic():
        vacancies = (
            Vacancy.objects.open(now.astimezone(LONDON).date())
            .filter(alert__isnull=True, published_at__gte=now - ALERT_WINDOW)
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("published_at", "pk")
        )
        if vacancy_ids is not None:
            vacancies = vacancies.filter(pk__in=vacancy_ids)
        vacancies = list(vacancies)
        if not vacancies:
            return None
        day = now.astimezone(LONDON).date()
        title = (
            f"New vacancy: {vacancies[0].title}"
            if len(vacancies) == 1
            else f"New vacancies, {day:%-d %B %Y}"
        )
        issue = Issue.objects.create(
            newsletter=newsletter,
            title=title,
            issued_on=day,
            welcome="<p>New on the TASP vacancy pages.</p>",
            signoff_name="TASP",
        )
        section = Section.objects.create(issue=issue, heading="Vacancies")
        for position, vacancy in enumerate(vacancies):
            Item.objects.create(
                section=section,
                position=position,
                title=vacancy.title,
                body=(
                    f"<p>{vacancy.organisation_name}, {vacancy.location} "
                    f"({vacancy.get_region_display()}). {vacancy.get_role_type_display()}"
                    f"{'; ' + vacancy.remuneration if vacancy.remuneration else ''}. "
                    f"Closes {vacancy.closes_on:%-d %B %Y}.</p>"
                ),
                link_url=f"{settings.SITE_URL}{vacancy.get_absolute_url()}",
                link_text="Read the advert and apply",
            )
        VacancyAlert.objects.bulk_create(
            [VacancyAlert(vacancy=vacancy, issue=issue) for vacancy in vacancies]
        )
        return schedule_send(issue=issue, newsletter=newsletter)


def announce_if_immediate(*, vacancy_id: int):
    """Called when an advert is published: alert now unless staff chose the daily digest."""
    pricing = VacancyPricing.current()
    if pricing.alert_frequency != VacancyPricing.AlertFrequency.IMMEDIATE:
        return None
    return announce_vacancies(vacancy_ids=[vacancy_id])


DIGEST_HOUR = 7  # London time


def send_vacancy_digest(*, now=None):
    """The daily digest (beat calls it hourly): from 07:00 London time, once a day, every open
    advert published since the last one, in one alert."""
    from .models import VacancyAlert

    pricing = VacancyPricing.current()
    if pricing.alert_frequency != VacancyPricing.AlertFrequency.DAILY:
        return None
    now = now or timezone.now()
    local = now.astimezone(LONDON)
    if local.hour < DIGEST_HOUR:
        return None
    start_of_day = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if VacancyAlert.objects.filter(created_at__gte=start_of_day).exists():
        return None  # today's digest has gone
    return announce_vacancies(now=now)
