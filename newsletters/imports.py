"""Subscriber import from CSV: our own export's columns or a Mailchimp audience export.

Every row is checked before anything is written: a value the model cannot hold, or a contact
who left the previous list (Mailchimp's unsubscribed and cleaned exports, or a status column
saying so), is rejected with its reason. An import never brings back anyone who left: not an
unsubscribed, bounced or complained subscriber, nor a subscription someone ended.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email, validate_ipv46_address
from django.db import transaction
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.dateparse import parse_datetime

from tasp.csv import unquote_cell
from tasp.forms import validate_name

from .models import ErasedAddress, Newsletter, Subscriber, Subscription

EMAIL_COLUMNS = ("Email Address", "Email", "email")
NAME_COLUMNS = ("Name", "name")
ORGANISATION_COLUMNS = ("Organisation", "Organization", "Company")
TIME_COLUMNS = ("CONFIRM_TIME", "OPTIN_TIME")
IP_COLUMNS = ("CONFIRM_IP", "OPTIN_IP")
# Mailchimp's unsubscribed and cleaned exports: set when the contact left or bounced.
LEFT_COLUMNS = {"UNSUB_TIME": "unsubscribed", "CLEAN_TIME": "cleaned (bounced)"}
# A status column (ours, or a contacts export's) naming anything but a live subscription.
STATUS_COLUMNS = ("Status", "status", "Email Marketing Status", "Email Marketing", "MEMBER_STATUS")
NOT_SUBSCRIBED = {
    "unsubscribed",
    "cleaned",
    "bounced",
    "complained",
    "non-subscribed",
    "nonsubscribed",
    "pending",
}
MAX_ROWS = 50_000


class RowRejected(Exception):
    """A row that cannot be imported; the message is the reason shown in the report."""


@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    rejected: list[tuple[int, str, str]] = field(default_factory=list)  # (line, value, reason)
    dry_run: bool = True


def _first(row: dict, *names: str) -> str:
    for name in names:
        if row.get(name):
            # Our own export quotes a cell a spreadsheet would take for a formula: undo that.
            return unquote_cell(row[name].strip())
    return ""


def _when(value: str):
    parsed = parse_datetime(value.replace(" ", "T")) if value else None
    if parsed and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, timezone.UTC)
    return parsed


def _check_name(value: str, field: str, label: str) -> None:
    """The column's length and the forms' rule for names (tasp.forms.validate_name)."""
    limit = Subscriber._meta.get_field(field).max_length
    if len(value) > limit:
        raise RowRejected(f"{label} is longer than {limit} characters.")
    try:
        validate_name(value)
    except ValidationError as error:
        raise RowRejected(f"{label}: {error.messages[0]}") from None


def _row_values(row: dict) -> dict:
    """The row's values, checked against what the model holds; raises RowRejected."""
    for column, meaning in LEFT_COLUMNS.items():
        if _first(row, column):
            raise RowRejected(f"Left the previous list: {meaning} ({column} is set). Left off.")
    listed_as = _first(row, *STATUS_COLUMNS).lower()
    if listed_as in NOT_SUBSCRIBED:
        raise RowRejected(
            f"Status is “{listed_as}” in the file: only subscribed contacts are added."
        )
    name = _first(row, *NAME_COLUMNS) or " ".join(
        p for p in (_first(row, "First Name"), _first(row, "Last Name")) if p
    )
    _check_name(name, "name", "Name")
    organisation = _first(row, *ORGANISATION_COLUMNS)
    _check_name(organisation, "organisation", "Organisation")
    raw_time = _first(row, *TIME_COLUMNS)
    try:
        consented = _when(raw_time)
    except ValueError:
        consented = None
    if raw_time and consented is None:
        raise RowRejected(f"“{raw_time[:40]}” is not a date and time (CONFIRM_TIME/OPTIN_TIME).")
    ip = _first(row, *IP_COLUMNS)
    if ip:
        try:
            validate_ipv46_address(ip)
        except ValidationError:
            raise RowRejected(f"“{ip[:40]}” is not an IP address (CONFIRM_IP/OPTIN_IP).") from None
    return {"name": name, "organisation": organisation, "consented": consented, "ip": ip or None}


def _rows(reader: csv.DictReader):
    """(row, None) per row, or (None, reason) for a row the CSV reader cannot read."""
    while True:
        try:
            yield next(reader), None
        except StopIteration:
            return
        except csv.Error as error:  # a field past the size limit, a NUL byte…
            yield None, f"The row cannot be read as CSV ({error})."


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
    try:
        fieldnames = reader.fieldnames
    except csv.Error as error:
        report.rejected.append((1, "", f"The header row cannot be read as CSV ({error})."))
        return report
    if not fieldnames or not any(c in fieldnames for c in EMAIL_COLUMNS):
        report.rejected.append((1, "", "No “Email Address” column."))
        return report
    with transaction.atomic():
        seen = set()
        for line, (row, unreadable) in enumerate(_rows(reader), start=2):
            if line > MAX_ROWS + 1:
                report.rejected.append((line, "", f"Only {MAX_ROWS} rows can be imported at once."))
                break
            if unreadable:
                report.rejected.append((line, "", unreadable))
                continue
            email = _first(row, *EMAIL_COLUMNS).lower()
            if len(email) > Subscriber._meta.get_field("email").max_length:
                report.rejected.append((line, email[:60], "Email address is too long."))
                continue
            try:
                validate_email(email)
            except ValidationError:
                report.rejected.append((line, email, "Not a valid email address."))
                continue
            if email in seen:
                report.rejected.append((line, email, "Repeated in this file."))
                continue
            seen.add(email)
            try:
                values = _row_values(row)
            except RowRejected as reason:
                report.rejected.append((line, email, str(reason)))
                continue
            if ErasedAddress.objects.of(email).exists():
                report.rejected.append((line, email, "Erased at their request: left off."))
                continue
            existing = Subscriber.objects.filter(email__iexact=email).first()
            if existing and existing.is_suppressed:
                report.rejected.append(
                    (line, email, f"Previously {existing.get_status_display().lower()}: left off.")
                )
                continue
            left = (
                Subscription.objects.filter(
                    subscriber=existing, newsletter=newsletter, unsubscribed_at__isnull=False
                ).first()
                if existing
                else None
            )
            if left:
                report.rejected.append(
                    (
                        line,
                        email,
                        f"Left {newsletter} on {date_format(left.unsubscribed_at, 'j F Y')}: "
                        "left off.",
                    )
                )
                continue
            subscriber = existing or Subscriber(email=email)
            subscriber.name = values["name"] or subscriber.name
            subscriber.organisation = values["organisation"] or subscriber.organisation
            if not existing:
                subscriber.record_basis(
                    basis,
                    source=Subscriber.Source.IMPORT,
                    at=values["consented"] or timezone.now(),
                    ip=values["ip"],
                    wording="Imported: consent given to the previous list.",
                    where="Imported list",
                )
            subscriber.save()
            Subscription.objects.get_or_create(subscriber=subscriber, newsletter=newsletter)
            (report.updated if existing else report.added).append(email)
        if dry_run:
            transaction.set_rollback(True)
    return report
