"""What each row of a subscriber import becomes: the file's checks, then the database's.

Every row is checked before anything is written: a value the model cannot hold, or a contact
who left the previous list (Mailchimp's unsubscribed and cleaned exports, or a status column
saying so), is rejected with its reason. An import never brings back anyone who left: not an
unsubscribed, bounced or complained subscriber, nor a subscription someone ended, nor an
address erased at its owner's request. ``read_rows`` checks the file's rows on their own (no
query; the same file always gives the same rows); ``settle_rows`` settles a chunk of them
against the database with bulk queries. How an import runs is newsletters/imports.py's.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache

from django.core.exceptions import ValidationError
from django.core.validators import validate_email, validate_ipv46_address
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.dateparse import parse_datetime

from tasp.csv import unquote_cell
from tasp.csv import writer as safe_writer
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
ADDED, UPDATED, REJECTED = "added", "updated", "rejected"


class RowRejected(Exception):
    """A row that cannot be imported; the message is the reason shown in the report."""


@dataclass(slots=True)
class Row:
    """One line of the report: a row of the file, or the file itself when it cannot be read."""

    line: int
    value: str  # the email address, or as much of the cell as the report shows
    values: dict | None = None  # name, organisation, consent time and IP, once checked
    result: str = ""  # ADDED, UPDATED or REJECTED once settled
    reason: str = ""

    def reject(self, reason: str) -> Row:
        self.result, self.reason = REJECTED, reason
        return self


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


@cache
def _max_length(field: str) -> int:
    return Subscriber._meta.get_field(field).max_length


def _check_name(value: str, field: str, label: str) -> None:
    """The column's length and the forms' rule for names (tasp.forms.validate_name)."""
    limit = _max_length(field)
    if len(value) > limit:
        raise RowRejected(f"{label} is longer than {limit} characters.")
    if value.isascii() and value.isprintable():
        return  # printable ASCII has no line break or invisible character: the usual name
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


def _check_row(line: int, row: dict | None, unreadable: str | None, seen: set[str]) -> Row:
    if unreadable:
        return Row(line, "").reject(unreadable)
    email = _first(row, *EMAIL_COLUMNS).lower()
    if len(email) > _max_length("email"):
        return Row(line, email[:60]).reject("Email address is too long.")
    try:
        validate_email(email)
    except ValidationError:
        return Row(line, email).reject("Not a valid email address.")
    if email in seen:
        return Row(line, email).reject("Repeated in this file.")
    seen.add(email)
    try:
        return Row(line, email, values=_row_values(row))
    except RowRejected as reason:
        return Row(line, email).reject(str(reason))


def read_rows(data: bytes) -> list[Row]:
    """Every row of the file checked on its own, in order (no query); a file that cannot be
    read at all is one rejected row saying why. The same file always gives the same rows."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [Row(0, "").reject("The file is not UTF-8 text. Export it again as CSV (UTF-8).")]
    reader = csv.DictReader(io.StringIO(text))
    try:
        fieldnames = reader.fieldnames
    except csv.Error as error:
        return [Row(1, "").reject(f"The header row cannot be read as CSV ({error}).")]
    if not fieldnames or not any(c in fieldnames for c in EMAIL_COLUMNS):
        return [Row(1, "").reject("No “Email Address” column.")]
    rows: list[Row] = []
    seen: set[str] = set()
    for line, (row, unreadable) in enumerate(_rows(reader), start=2):
        if line > MAX_ROWS + 1:
            rows.append(Row(line, "").reject(f"Only {MAX_ROWS} rows can be imported at once."))
            break
        rows.append(_check_row(line, row, unreadable, seen))
    return rows


def settle_rows(rows: list[Row], *, newsletter: Newsletter, basis: str, write: bool) -> None:
    """Settle the rows the file checks let through against the database: three queries for the
    whole chunk, then (``write``) three bulk writes. Each row gets its result and reason."""
    waiting = [row for row in rows if not row.result]
    if not waiting:
        return
    emails = [row.value for row in waiting]
    digests = {email: ErasedAddress.digest_of(email) for email in emails}
    erased = set(
        ErasedAddress.objects.filter(digest__in=digests.values()).values_list("digest", flat=True)
    )
    found = Subscriber.objects.alias(address=Lower("email")).filter(address__in=emails)
    if write:
        # Held until the chunk commits: someone unsubscribing meanwhile waits, then leaves
        # the list this import may have just added them to.
        found = found.select_for_update()
    existing = {subscriber.email.lower(): subscriber for subscriber in found}
    subscriptions = {
        subscription.subscriber_id: subscription
        for subscription in Subscription.objects.filter(
            newsletter=newsletter, subscriber__in=[s.pk for s in existing.values()]
        )
    }
    new, renamed, joining = [], [], []
    now = timezone.now()
    for row in waiting:
        subscriber = existing.get(row.value)
        subscription = subscriptions.get(subscriber.pk) if subscriber else None
        if digests[row.value] in erased:
            row.reject("Erased at their request: left off.")
        elif subscriber and subscriber.is_suppressed:
            row.reject(f"Previously {subscriber.get_status_display().lower()}: left off.")
        elif subscription and subscription.unsubscribed_at:
            left_on = date_format(subscription.unsubscribed_at, "j F Y")
            row.reject(f"Left {newsletter} on {left_on}: left off.")
        elif subscriber:
            name = row.values["name"] or subscriber.name
            organisation = row.values["organisation"] or subscriber.organisation
            if (name, organisation) != (subscriber.name, subscriber.organisation):
                subscriber.name, subscriber.organisation = name, organisation
                renamed.append(subscriber)
            if not subscription:
                joining.append(
                    Subscription(subscriber_id=subscriber.pk, newsletter_id=newsletter.pk)
                )
            row.result = UPDATED
        else:
            subscriber = Subscriber(
                email=row.value, name=row.values["name"], organisation=row.values["organisation"]
            )
            subscriber.record_basis(
                basis,
                source=Subscriber.Source.IMPORT,
                at=row.values["consented"] or now,
                ip=row.values["ip"],
                wording="Imported: consent given to the previous list.",
                where="Imported list",
            )
            new.append(subscriber)
            row.result = ADDED
    if write:
        Subscriber.objects.bulk_create(new)
        # bulk_update's CASE WHEN per row costs Django half a millisecond a row to build; an
        # upsert on the primary key writes the same two columns at insert speed (the rows are
        # locked above, so each one conflicts and none is inserted).
        Subscriber.objects.bulk_create(
            renamed,
            update_conflicts=True,
            unique_fields=[Subscriber._meta.pk.name],
            update_fields=["name", "organisation"],
        )
        joining += [Subscription(subscriber_id=s.pk, newsletter_id=newsletter.pk) for s in new]
        Subscription.objects.bulk_create(joining)


def report_text(rows: list[Row]) -> str:
    """The rows as the report's CSV, safe to open in a spreadsheet as it is downloaded."""
    out = io.StringIO()
    writer = safe_writer(out)
    for row in rows:
        # PostgreSQL text holds no NUL (the CSV reader lets one through from a cell); the
        # report only shows the cell back to staff.
        value, reason = (text.replace("\0", "\ufffd") for text in (row.value, row.reason))
        writer.writerow([row.line, value, row.result, reason])
    return out.getvalue()
