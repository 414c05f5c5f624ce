"""Subscriber import from CSV: our own export's columns or a Mailchimp audience export.

Every row is checked before anything is written: a value the model cannot hold, or a contact
who left the previous list (Mailchimp's unsubscribed and cleaned exports, or a status column
saying so), is rejected with its reason. An import never brings back anyone who left: not an
unsubscribed, bounced or complained subscriber, nor a subscription someone ended.

Imports run in a worker (``import_subscribers_task``), never in a request. The file is read and
every row checked on its own first (no query); then the rows are settled against the database in
chunks of ``CHUNK``: each chunk reads the erased addresses, subscribers and subscriptions for its
addresses in three queries, writes its new subscribers, changed names and new subscriptions in
three bulk queries, and records its counts and report rows on the import, all in one
transaction. That commit is a checkpoint: the progress staff watch, and where a run that dies
starts again. A killed worker leaves whole chunks applied and the rest untouched (never half a
chunk); the sweeper (``requeue_stalled_imports``, on beat) queues an import whose checkpoint is
older than IMPORT_LEASE again, and the next run reads the file afresh (rows are checked the same
way every time) and carries on from the row after the checkpoint, so the report ends the same as
an uninterrupted run's. An error stops the import as failed at its last checkpoint; staff resume
it from there. A dry run takes the same path without the writes.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email, validate_ipv46_address
from django.db import transaction
from django.db.models import F, TextField, Value
from django.db.models.functions import Coalesce, Concat, Lower
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.dateparse import parse_datetime

from tasp.csv import unquote_cell
from tasp.csv import writer as safe_writer
from tasp.forms import validate_name

from .models import ErasedAddress, Newsletter, Subscriber, SubscriberImport, Subscription

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
CHUNK = 2_000  # rows settled, written and checkpointed per transaction
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


@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    rejected: list[tuple[int, str, str]] = field(default_factory=list)  # (line, value, reason)
    dry_run: bool = True

    @classmethod
    def of(cls, subscriber_import: SubscriberImport) -> ImportReport:
        report = cls(dry_run=subscriber_import.dry_run)
        for line, value, result, reason in subscriber_import.report_rows():
            if result == REJECTED:
                report.rejected.append((int(line), value, reason))
            else:
                (report.added if result == ADDED else report.updated).append(value)
        return report


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
        Subscriber.objects.bulk_update(renamed, ["name", "organisation"], batch_size=500)
        joining += [Subscription(subscriber_id=s.pk, newsletter_id=newsletter.pk) for s in new]
        Subscription.objects.bulk_create(joining)


def _report_text(rows: list[Row]) -> str:
    """The rows as the report's CSV, safe to open in a spreadsheet as it is downloaded."""
    out = io.StringIO()
    writer = safe_writer(out)
    for row in rows:
        # PostgreSQL text holds no NUL (the CSV reader lets one through from a cell); the
        # report only shows the cell back to staff.
        value, reason = (text.replace("\0", "\ufffd") for text in (row.value, row.reason))
        writer.writerow([row.line, value, row.result, reason])
    return out.getvalue()


def create_subscriber_import(
    *, file, newsletter: Newsletter, basis: str, dry_run: bool, user=None
) -> SubscriberImport:
    """The upload kept in private storage as an import waiting to run (nothing queued)."""
    return SubscriberImport.objects.create(
        file=file,
        filename=(getattr(file, "name", "") or "import.csv")[:255],
        newsletter=newsletter,
        lawful_basis=basis,
        dry_run=dry_run,
        created_by=user,
    )


def start_subscriber_import(
    *, file, newsletter: Newsletter, basis: str, dry_run: bool, user=None
) -> SubscriberImport:
    """Store the upload and queue its import for a worker; staff watch it on its page."""
    from .tasks import import_subscribers_task

    with transaction.atomic():
        subscriber_import = create_subscriber_import(
            file=file, newsletter=newsletter, basis=basis, dry_run=dry_run, user=user
        )
        import_subscribers_task.delay_on_commit(subscriber_import.pk)
    return subscriber_import


def import_subscribers(
    *, data: bytes, newsletter: Newsletter, basis: str, dry_run: bool, user=None
) -> ImportReport:
    """Import a file in this process by the worker's own run (for scripts and tests: a
    request starts one with ``start_subscriber_import``); returns its report."""
    subscriber_import = create_subscriber_import(
        file=ContentFile(data, name="import.csv"),
        newsletter=newsletter,
        basis=basis,
        dry_run=dry_run,
        user=user,
    )
    run_subscriber_import(import_id=subscriber_import.pk)
    return ImportReport.of(SubscriberImport.objects.get(pk=subscriber_import.pk))


def import_for_real(*, dry_run: SubscriberImport, user=None) -> SubscriberImport:
    """The file a finished dry run checked, imported for real into the same list, as a new
    import of its own (the dry run's report stays as it was)."""
    with dry_run.file.open("rb") as upload:
        data = upload.read()
    return start_subscriber_import(
        file=ContentFile(data, name=dry_run.filename),
        newsletter=dry_run.newsletter,
        basis=dry_run.lawful_basis,
        dry_run=False,
        user=user,
    )


def resume_subscriber_import(*, subscriber_import: SubscriberImport) -> bool:
    """Queue an import an error stopped again, from its last checkpoint; False when it had
    not stopped (a second click)."""
    from .tasks import import_subscribers_task

    with transaction.atomic():
        moved = SubscriberImport.objects.filter(pk=subscriber_import.pk).move(
            SubscriberImport.Status.QUEUED, error=""
        )
        if moved:
            import_subscribers_task.delay_on_commit(subscriber_import.pk)
    return bool(moved)


def delete_subscriber_imports(*, subscriber_imports) -> int:
    """Delete ended imports with their uploaded files (personal data: kept no longer than the
    import); one still running is left alone. Returns how many went."""
    deleted = 0
    for subscriber_import in subscriber_imports:
        if subscriber_import.has_ended:
            subscriber_import.file.delete(save=False)
            subscriber_import.delete()
            deleted += 1
    return deleted


def requeue_stalled_imports() -> int:
    """Queue again every running import whose worker stopped checkpointing (killed, or lost
    with its machine); each carries on from its last checkpoint. Returns how many."""
    from .tasks import import_subscribers_task

    requeued = 0
    for pk in SubscriberImport.objects.stalled().values_list("pk", flat=True):
        with transaction.atomic():
            # Compare and set: a worker that checkpoints meanwhile keeps its import.
            if (
                SubscriberImport.objects.filter(pk=pk)
                .stalled()
                .move(SubscriberImport.Status.QUEUED)
            ):
                import_subscribers_task.delay_on_commit(pk)
                requeued += 1
    return requeued


def run_subscriber_import(*, import_id: int) -> None:
    """Run a queued import from its last checkpoint to the end, chunk by chunk; a call for an
    import that another run holds, or that has ended, does nothing."""
    now = timezone.now()
    claimed = SubscriberImport.objects.filter(pk=import_id).move(
        SubscriberImport.Status.RUNNING,
        attempt=F("attempt") + 1,
        started_at=Coalesce("started_at", Value(now)),
        heartbeat_at=now,
    )
    if not claimed:
        return
    subscriber_import = (
        SubscriberImport.objects.select_related("newsletter").defer("report").get(pk=import_id)
    )
    try:
        with subscriber_import.file.open("rb") as upload:
            rows = read_rows(upload.read())
        SubscriberImport.objects.filter(pk=import_id).update(rows_total=len(rows))
        for start in range(subscriber_import.rows_done, len(rows), CHUNK):
            if not _run_chunk(subscriber_import, rows, start):
                return  # the sweeper gave the import to a newer run: it carries on
    except Exception as error:
        SubscriberImport.objects.filter(pk=import_id, attempt=subscriber_import.attempt).move(
            SubscriberImport.Status.FAILED, error=str(error)[:1000], finished_at=timezone.now()
        )
        raise
    SubscriberImport.objects.filter(pk=import_id, attempt=subscriber_import.attempt).move(
        SubscriberImport.Status.DONE, finished_at=timezone.now()
    )


def _run_chunk(subscriber_import: SubscriberImport, rows: list[Row], start: int) -> bool:
    """Settle and write rows[start:start + CHUNK] with their checkpoint, in one transaction;
    False (nothing written) when this run no longer holds the import."""
    chunk = rows[start : start + CHUNK]
    mine = SubscriberImport.objects.filter(
        pk=subscriber_import.pk,
        status=SubscriberImport.Status.RUNNING,
        attempt=subscriber_import.attempt,
        rows_done=start,
    )
    with transaction.atomic():
        if not mine.select_for_update().values_list("pk", flat=True):
            return False
        settle_rows(
            chunk,
            newsletter=subscriber_import.newsletter,
            basis=subscriber_import.lawful_basis,
            write=not subscriber_import.dry_run,
        )
        counts = Counter(row.result for row in chunk)
        mine.update(
            rows_done=start + len(chunk),
            added=F("added") + counts[ADDED],
            updated=F("updated") + counts[UPDATED],
            rejected=F("rejected") + counts[REJECTED],
            report=Concat("report", Value(_report_text(chunk)), output_field=TextField()),
            heartbeat_at=timezone.now(),
        )
    return True
