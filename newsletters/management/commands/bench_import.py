"""Benchmark a subscriber import: a Mailchimp-style audience export run by the worker's service.

    python manage.py bench_import --rows 50000 --runs 3

Each run imports the same file into a list of its own making: about nine rows in ten are new
people, one in ten is already a subscriber (some renamed, some on the list, a few unsubscribed),
and one in two hundred is not an email address. The timed part is ``run_subscriber_import``, what
``import_subscribers_task`` runs, from reading the stored file to the last checkpoint, with
DEBUG off as in a worker. Prints each run's time and rows per second, then the median. Needs
DATABASE_URL on PostgreSQL (``make bench-import`` gives it a database of its own); its data is
removed afterwards.
"""

import io
import statistics
import time

from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import override_settings
from django.utils import timezone

from newsletters.imports import create_subscriber_import, run_subscriber_import
from newsletters.models import Newsletter, Subscriber, SubscriberImport, Subscription
from tasp import csv

DOMAIN = "bench-import.example.org"
# Mailchimp's audience export, in its order.
COLUMNS = [
    "Email Address", "First Name", "Last Name", "Address", "Phone Number", "Company",
    "MEMBER_RATING", "OPTIN_TIME", "OPTIN_IP", "CONFIRM_TIME", "CONFIRM_IP", "LATITUDE",
    "LONGITUDE", "GMTOFF", "DSTOFF", "TIMEZONE", "CC", "REGION", "LAST_CHANGED", "LEID", "EUID",
    "NOTES", "TAGS",
]  # fmt: skip


def audience_export(rows: int) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for n in range(rows):
        email = f"reader{n}-at-{DOMAIN}" if n % 200 == 7 else f"reader{n}@{DOMAIN}"
        writer.writerow(
            [
                email, "Sam", f"Reader {n}", "1 High Street Exampleton", "01632 960000",
                f"Partnership {n % 150}", "2", "2019-05-01 10:00:00", "192.0.2.1",
                "2019-05-01 10:05:00", f"198.51.100.{n % 250}", "51.5", "0.12", "0", "1",
                "Europe/London", "GB", "ENG", "2020-02-01 09:00:00", str(n), f"e{n}", "", "",
            ]
        )  # fmt: skip
    return out.getvalue().encode()


def add_existing_subscribers(rows: int, newsletter: Newsletter) -> None:
    """One row in ten of ``audience_export(rows)`` is someone already subscribed: all with
    their organisation to fill in, one in five with another name, one in two on this list
    already, one in fifty unsubscribed (rejected)."""
    people = [
        Subscriber(
            email=f"reader{n}@{DOMAIN}",
            name=f"Sam Reader {n}" if n % 50 else "Old Name",
            status=Subscriber.Status.UNSUBSCRIBED if n % 500 == 0 else Subscriber.Status.ACTIVE,
            source=Subscriber.Source.FORM,
            consent_at=timezone.now(),
        )
        for n in range(0, rows, 10)
        if n % 200 != 7
    ]
    Subscriber.objects.bulk_create(people, batch_size=2000)
    Subscription.objects.bulk_create(
        [Subscription(subscriber=s, newsletter=newsletter) for s in people[::2]],
        batch_size=2000,
    )


class Command(BaseCommand):
    help = "Time the import of an N-row Mailchimp-style CSV, three runs, and print the median."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=50_000)
        parser.add_argument("--runs", type=int, default=3)

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Set DATABASE_URL to PostgreSQL (make bench-import does).")
        rows = options["rows"]
        data = audience_export(rows)
        self.stdout.write(f"{rows:,} rows, {len(data) / 1e6:.1f} MB, {options['runs']} runs")
        newsletter, _ = Newsletter.objects.get_or_create(
            slug="bench-import", defaults={"name": "Bench import", "is_public": False}
        )
        times = []
        try:
            for run in range(1, options["runs"] + 1):
                self.clean(newsletter)
                add_existing_subscribers(rows, newsletter)
                subscriber_import = create_subscriber_import(
                    file=ContentFile(data, name="audience.csv"),
                    newsletter=newsletter,
                    basis=Subscriber.Basis.CONSENT,
                    dry_run=False,
                )
                # As in a worker: with DEBUG on, Django would also keep every query's SQL.
                with override_settings(DEBUG=False):
                    started = time.perf_counter()
                    run_subscriber_import(import_id=subscriber_import.pk)
                    seconds = time.perf_counter() - started
                done = SubscriberImport.objects.get(pk=subscriber_import.pk)
                if done.status != SubscriberImport.Status.DONE or done.rows_done != rows:
                    raise CommandError(f"run {run} ended {done.status}: {done.error}")
                times.append(seconds)
                self.stdout.write(
                    f"run {run}: {seconds:.2f} s, {rows / seconds:,.0f} rows/s "
                    f"({done.added:,} added, {done.updated:,} updated, {done.rejected:,} rejected)"
                )
        finally:
            self.clean(newsletter)
            newsletter.delete()
        median = statistics.median(times)
        self.stdout.write(
            self.style.SUCCESS(
                f"median of {len(times)}: {median:.2f} s for {rows:,} rows, "
                f"{rows / median:,.0f} rows/s"
            )
        )

    def clean(self, newsletter: Newsletter) -> None:
        for subscriber_import in SubscriberImport.objects.filter(newsletter=newsletter):
            subscriber_import.file.delete(save=False)
            subscriber_import.delete()
        Subscriber.objects.filter(email__endswith=f"@{DOMAIN}").delete()
