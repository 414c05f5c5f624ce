"""Subscriber imports from CSV (our own export's columns or a Mailchimp audience export), run by
a worker (``import_subscribers_task``), never in a request; what each row becomes is
newsletters/import_rows.py's.

The file is read and every row checked on its own first (no query); then the rows are settled
against the database in chunks of ``CHUNK``: each chunk reads the erased addresses, subscribers
and subscriptions for its addresses in three queries, writes its new subscribers, changed names
and new subscriptions in three bulk queries, and records its counts and report rows on the
import, all in one transaction. That commit is a checkpoint: the progress staff watch, and where
a run that dies starts again. A killed worker leaves whole chunks applied and the rest untouched
(never half a chunk); the sweeper (``requeue_stalled_imports``, on beat) queues an import whose
checkpoint is older than IMPORT_LEASE again, and the next run reads the file afresh (rows are
checked the same way every time) and carries on from the row after the checkpoint, so the report
ends the same as an uninterrupted run's (the sweeper also queues again an import left queued
that long, in case its message was lost). A chunk that meets an address someone else added
meanwhile (another import, the subscribe form) rolls back and runs again; any other error stops
the import as failed at its last checkpoint, and staff resume it from there. A dry run takes
the same path without the writes.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, TextField, Value
from django.db.models.functions import Coalesce, Concat
from django.utils import timezone

from .import_rows import (
    ADDED,
    REJECTED,
    UPDATED,
    Row,
    read_rows,
    report_text,
    settle_rows,
)
from .models import Newsletter, SubscriberImport

CHUNK = 2_000  # rows settled, written and checkpointed per transaction


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
        heartbeat_at=timezone.now(),
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
            SubscriberImport.Status.QUEUED, error="", heartbeat_at=timezone.now()
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
    """Queue again every import with no sign of life for IMPORT_LEASE: a running one whose
    worker stopped checkpointing (killed, or lost with its machine), which carries on from its
    last checkpoint, and a queued one whose message may be lost (Redis restarted empty); a
    message too many finds the import taken and does nothing. Returns how many."""
    from .tasks import import_subscribers_task

    requeued = 0
    for pk, status in SubscriberImport.objects.stalled().values_list("pk", "status"):
        # Compare and set: a worker that checkpoints or claims it meanwhile keeps it.
        stalled = SubscriberImport.objects.filter(pk=pk).stalled()
        with transaction.atomic():
            if status == SubscriberImport.Status.RUNNING:
                again = stalled.move(SubscriberImport.Status.QUEUED, heartbeat_at=timezone.now())
            else:
                again = stalled.filter(status=status).update(heartbeat_at=timezone.now())
            if again:
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
            if not _run_chunk_again_on_conflict(subscriber_import, rows, start):
                return  # the sweeper gave the import to a newer run: it carries on
    except Exception as error:
        SubscriberImport.objects.filter(pk=import_id, attempt=subscriber_import.attempt).move(
            SubscriberImport.Status.FAILED, error=str(error)[:1000], finished_at=timezone.now()
        )
        raise
    SubscriberImport.objects.filter(pk=import_id, attempt=subscriber_import.attempt).move(
        SubscriberImport.Status.DONE, finished_at=timezone.now()
    )


def _run_chunk_again_on_conflict(
    subscriber_import: SubscriberImport, rows: list[Row], start: int
) -> bool:
    """``_run_chunk``, once more (twice at most) when someone else added one of its addresses
    meanwhile (another import of the same file, the subscribe form): the chunk rolled back,
    and run again it finds them and updates them."""
    for _ in range(2):
        try:
            return _run_chunk(subscriber_import, rows, start)
        except IntegrityError:
            for row in rows[start : start + CHUNK]:
                if row.values is not None:  # passed the file's checks: settle it afresh
                    row.result = row.reason = ""
    return _run_chunk(subscriber_import, rows, start)


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
            report=Concat("report", Value(report_text(chunk)), output_field=TextField()),
            heartbeat_at=timezone.now(),
        )
    return True
