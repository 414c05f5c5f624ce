"""Subscriber imports staff upload: the file, what to do with it, and how far a worker has got.

The work itself (checking rows, writing subscribers, checkpoints) is newsletters/imports.py's.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Self

from django.conf import settings
from django.db import models
from django.utils import timezone

from tasp.csv import unquote_cell
from tasp.states import Moves, MovesQuerySet
from tasp.storage import PrivateStorage

from .content import Newsletter
from .subscribers import Subscriber

# A running import commits a checkpoint every chunk (well under a second each); one that has
# not for this long lost its worker, and the sweeper queues it again from its last checkpoint.
IMPORT_LEASE = timedelta(minutes=2)


def import_path(subscriber_import: SubscriberImport, filename: str) -> str:
    # A name of our own: the staff member's file name is kept in ``filename``.
    return f"subscriber-imports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.csv"


class SubscriberImportQuerySet(MovesQuerySet):
    def stalled(self, now=None) -> Self:
        """Running with no checkpoint for IMPORT_LEASE (its worker died), or queued that long
        (its message may be lost)."""
        since = (now or timezone.now()) - IMPORT_LEASE
        waiting = [SubscriberImport.Status.QUEUED, SubscriberImport.Status.RUNNING]
        return self.filter(status__in=waiting, heartbeat_at__lt=since)


class SubscriberImport(Moves, models.Model):
    """One CSV file to import into one list, as a dry run or for real, run by a worker."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting for a worker"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Stopped by an error"

    MOVES = {
        Status.QUEUED: frozenset({Status.RUNNING}),
        # Back to queued: the sweeper, when the worker running it died.
        Status.RUNNING: frozenset({Status.DONE, Status.FAILED, Status.QUEUED}),
        # Staff resume an import an error stopped, from its last checkpoint.
        Status.FAILED: frozenset({Status.QUEUED}),
    }

    file = models.FileField(upload_to=import_path, storage=PrivateStorage())
    filename = models.CharField(max_length=255)
    newsletter = models.ForeignKey(Newsletter, on_delete=models.CASCADE, related_name="+")
    lawful_basis = models.CharField(max_length=20, choices=Subscriber.Basis)
    dry_run = models.BooleanField(default=True)
    status = models.CharField(max_length=20, choices=Status, default=Status.QUEUED)
    # Rows of the report (a file's data lines, or the one line saying why the file was refused)
    # and how many of them are settled and written: the checkpoint a resumed run starts from.
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    added = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    # CSV, a row per row done: line, value, result (added, updated, rejected), reason; its
    # cells quoted as tasp.csv quotes them, so it downloads as it is.
    report = models.TextField(blank=True)
    error = models.TextField(blank=True)
    # Each run claims the next number; a chunk is written only by the run holding the latest.
    attempt = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # When it was last queued, or its run last committed a checkpoint: see ``stalled``.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = SubscriberImportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename

    @property
    def has_ended(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}

    def progress(self) -> dict:
        """What the import page shows and its script polls for."""
        total = self.rows_total
        return {
            "status": self.status,
            "status_display": self.get_status_display(),
            "ended": self.has_ended,
            "rows_done": self.rows_done,
            "rows_total": total,
            "percent": round(100 * self.rows_done / total, 1) if total else 0.0,
            "added": self.added,
            "updated": self.updated,
            "rejected": self.rejected,
        }

    def report_rows(self) -> Iterator[list[str]]:
        """The report's rows: line, value, result, reason (as they were, unquoted)."""
        for row in csv.reader(io.StringIO(self.report)):
            yield [unquote_cell(cell) for cell in row]
