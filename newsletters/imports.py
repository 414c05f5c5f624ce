"""Subscriber import from CSV: our own export's columns or a Mailchimp audience export."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from .models import Newsletter, Subscriber, Subscription

EMAIL_COLUMNS = ("Email Address", "Email", "email")
MAX_ROWS = 50_000


@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    rejected: list[tuple[int, str, str]] = field(default_factory=list)  # (line, value, reason)
    dry_run: bool = True


def _first(row: dict, *names: str) -> str:
    for name in names:
        if row.get(name):
            return row[name].strip()
    return ""


def _when(value: str):
    parsed = parse_datetime(value.replace(" ", "T")) if value else None
    if parsed and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, timezone.UTC)
    return parsed


def import_subscribers(
    *, data: bytes, newsletter: Newsletter, basis: str, dry_run: bool
) -> ImportReport:
    """Add or update subscribers from CSV; a dry run reports the same and changes nothing."""
    report = ImportReport(dry_run=dry_run)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        report.rejected.append(
            (0, "", "The file is not UTF-8 text. Export it again as CSV (UTF-8).")
        )
        return report
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or not any(c in reader.fieldnames for c in EMAIL_COLUMNS):
        report.rejected.append((1, "", "No “Email Address” column."))
        return report
    with transaction.atomic():
        seen = set()
        for line, row in enumerate(reader, start=2):
            if line > MAX_ROWS + 1:
                report.rejected.append((line, "", f"Only {MAX_ROWS} rows can be imported at once."))
                break
            email = _first(row, *EMAIL_COLUMNS).lower()
            try:
                validate_email(email)
            except ValidationError:
                report.rejected.append((line, email, "Not a valid email address."))
                continue
            if email in seen:
                report.rejected.append((line, email, "Repeated in this file."))
                continue
            seen.add(email)
            name = _first(row, "Name", "name") or " ".join(
                p for p in (_first(row, "First Name"), _first(row, "Last Name")) if p
            )
            organisation = _first(row, "Organisation", "Organization", "Company")
            existing = Subscriber.objects.filter(email__iexact=email).first()
            if existing and existing.is_suppressed:
                report.rejected.append(
                    (line, email, f"Previously {existing.get_status_display().lower()}: left off.")
                )
                continue
            subscriber = existing or Subscriber(email=email, status=Subscriber.Status.ACTIVE)
            subscriber.name = name or subscriber.name
            subscriber.organisation = organisation or subscriber.organisation
            if not existing:
                subscriber.lawful_basis = basis
                subscriber.source = Subscriber.Source.IMPORT
                consented = _when(_first(row, "CONFIRM_TIME", "OPTIN_TIME"))
                if basis == Subscriber.Basis.CONSENT:
                    subscriber.consent_at = consented or timezone.now()
                    subscriber.consent_ip = _first(row, "CONFIRM_IP", "OPTIN_IP") or None
                    subscriber.consent_wording = "Imported: consent given to the previous list."
                else:
                    subscriber.collected_at = consented or timezone.now()
                    subscriber.collected_where = "Imported list"
            subscriber.save()
            Subscription.objects.update_or_create(
                subscriber=subscriber, newsletter=newsletter, defaults={"unsubscribed_at": None}
            )
            (report.updated if existing else report.added).append(email)
        if dry_run:
            transaction.set_rollback(True)
    return report
