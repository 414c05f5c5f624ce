"""Benchmark a real newsletter send: real workers on Redis and PostgreSQL, a C SMTP sink.

    python manage.py bench_send --subscribers 20000 --workers 2

Prints messages per second, the same for Postfix's C client (smtp-source, 8 sessions) to the same
sink and their ratio, the workers' peak memory and SQL queries per 1,000 messages. Needs
DATABASE_URL (PostgreSQL), REDIS_URL and Postfix's ``smtp-sink`` (``make bench`` sets these up).
Its data (a "bench" list, its subscribers and issue) is removed afterwards.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import redis
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from newsletters import sending
from newsletters.models import Issue, Item, Newsletter, Section, Send, Subscriber, Subscription

QUERY_COUNTER = "bench:queries"
REFERENCE_SESSIONS = 8
REFERENCE_SIZE = 38 * 1024  # the benchmark issue's message, near enough


class Command(BaseCommand):
    help = "Time a real send to N subscribers through real Celery workers and an SMTP sink."

    def add_arguments(self, parser):
        parser.add_argument("--subscribers", type=int, default=20000)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--batch-size", type=int, default=settings.NEWSLETTER_BATCH_SIZE)
        parser.add_argument(
            "--timeout", type=int, default=900, help="Give up after this many seconds."
        )

    def handle(self, *args, **options):
        sink = shutil.which("smtp-sink") or (
            "/usr/sbin/smtp-sink" if os.path.exists("/usr/sbin/smtp-sink") else None
        )
        if not sink:
            raise CommandError(
                "smtp-sink not found: install Debian's postfix package (make bench does)."
            )
        if connection.vendor != "postgresql" or not settings.REDIS_URL:
            raise CommandError(
                "Set DATABASE_URL to PostgreSQL and REDIS_URL to Redis (make bench does)."
            )
        queue = f"bench-{uuid.uuid4().hex[:8]}"
        port = free_port()
        store = redis.Redis.from_url(settings.REDIS_URL)
        store.delete(QUERY_COUNTER)
        newsletter, issue = self.make_data(options["subscribers"])
        processes = [subprocess.Popen([sink, "-u", "nobody", f"127.0.0.1:{port}", "1024"])]
        try:
            wait_for_port(port)  # the C client starts at once; the sink must be listening
            env = {
                **os.environ,
                "EMAIL_URL": f"smtp://127.0.0.1:{port}",
                "CELERY_QUEUE": queue,
                "NEWSLETTER_BATCH_SIZE": str(options["batch_size"]),
                "TASP_COUNT_QUERIES": QUERY_COUNTER,
            }
            workers = [
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "celery",
                        "-A",
                        "newsletters.bench_worker",
                        "worker",
                        "--pool=solo",
                        "-Q",
                        queue,
                        "--without-heartbeat",
                        "--without-mingle",
                        "--without-gossip",
                        "--loglevel=WARNING",
                        "-n",
                        f"bench{n}@%h",
                    ],
                    env=env,
                    stdout=subprocess.DEVNULL,
                )
                for n in range(options["workers"])
            ]
            processes += workers
            # The C client first (the workers connect meanwhile), then again after the send:
            # the machine's load may change during the run, and the ratio is to their mean.
            before = reference_rate(
                sink, port, messages=options["subscribers"], size=REFERENCE_SIZE
            )
            from tasp.celery import app

            app.conf.task_default_queue = queue
            send = sending.schedule_send(issue=issue, newsletter=newsletter)
            deadline = time.monotonic() + options["timeout"]
            while Send.objects.get(pk=send.pk).status != Send.Status.SENT:
                if time.monotonic() > deadline:
                    raise CommandError("The send did not finish in time.")
                time.sleep(0.5)
            peaks = [peak_rss_mb(w.pid) for w in workers]
            send.refresh_from_db()
            progress = send.progress()
            seconds = (send.finished_at - send.started_at).total_seconds()
            queries = int(store.get(QUERY_COUNTER) or 0)
            rate = progress["sent"] / seconds
            size = len(sample_message(send))
            after = reference_rate(sink, port, messages=progress["sent"], size=REFERENCE_SIZE)
            reference = (before + after) / 2
            self.stdout.write(
                f"subscribers: {options['subscribers']}  workers: {options['workers']}  "
                f"batch size: {options['batch_size']}\n"
                f"message size: {size / 1024:.0f} KB (text + HTML)\n"
                f"sent: {progress['sent']}  failed: {progress['failed']}  in {seconds:.1f} s\n"
                f"messages per second: {rate:.0f}\n"
                f"reference, Postfix's smtp-source with {REFERENCE_SESSIONS} sessions, same "
                f"sink and size, before and after: {reference:.0f} messages per second "
                f"({before:.0f}, {after:.0f})\n"
                f"ratio to the reference: {rate / reference:.2f}\n"
                f"peak worker memory: {max(peaks):.0f} MB (each: {', '.join(f'{p:.0f}' for p in peaks)})\n"
                f"SQL queries per 1,000 messages: {1000 * queries / max(progress['sent'], 1):.1f}"
            )
        finally:
            for process in reversed(processes):
                process.send_signal(signal.SIGTERM)
            for process in processes:
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
            self.remove_data(newsletter)

    def make_data(self, count: int):
        newsletter, _ = Newsletter.objects.get_or_create(
            slug="bench", defaults={"name": "Benchmark", "is_public": False}
        )
        self.remove_data(newsletter, keep_list=True)
        issue = Issue.objects.create(
            newsletter=newsletter,
            title="Benchmark issue",
            welcome="<p>" + "Welcome. " * 200 + "</p>",
        )
        for s in range(4):
            section = Section.objects.create(issue=issue, heading=f"Section {s}", position=s)
            for i in range(3):
                Item.objects.create(
                    section=section,
                    title=f"Item {s}.{i}",
                    body="<p>" + "News of the partnership. " * 40 + "</p>",
                    link_url="https://www.example.org/",
                )
        Subscriber.objects.bulk_create(
            [
                Subscriber(
                    email=f"bench{n}@example.com",
                    name=f"Bench Reader {n}",
                    status=Subscriber.Status.ACTIVE,
                )
                for n in range(count)
            ],
            batch_size=5000,
        )
        subscribers = Subscriber.objects.filter(
            email__startswith="bench", email__endswith="@example.com"
        )
        Subscription.objects.bulk_create(
            [
                Subscription(subscriber_id=pk, newsletter=newsletter)
                for pk in subscribers.values_list("pk", flat=True)
            ],
            batch_size=5000,
        )
        return newsletter, issue

    def remove_data(self, newsletter, keep_list=False):
        Send.objects.filter(newsletter=newsletter).delete()
        Issue.objects.filter(newsletter=newsletter).delete()
        Subscriber.objects.filter(
            email__startswith="bench", email__endswith="@example.com"
        ).delete()
        if not keep_list:
            newsletter.delete()


def sample_message(send) -> bytes:
    from newsletters import engagement
    from newsletters.rendering import MimeTemplate, Recipient, RenderedIssue

    template = MimeTemplate(
        RenderedIssue(send.subject, send.html_template, send.text_template),
        newsletter=send.newsletter,
        send_header=send.header_id,
        open_code=engagement.open_codes(send),
    )
    return template.build(
        Recipient(
            email="bench@example.com", name="Bench Reader", token="x" * 40, message_id="<x@y>"
        )
    )


def reference_rate(sink: str, port: int, *, messages: int, size: int) -> float:
    """The same number of messages of the same size to the same sink from Postfix's C client,
    ``smtp-source``, over REFERENCE_SESSIONS connections kept open (``-d``): about the most the
    sink takes on this machine, so the project's rate is reported as a ratio to it."""
    source = shutil.which("smtp-source") or str(Path(sink).with_name("smtp-source"))
    command = [
        source,
        "-d",
        "-s",
        str(REFERENCE_SESSIONS),
        "-m",
        str(messages),
        "-l",
        str(size),
        "-f",
        "bench@tasp.example.org",
        "-t",
        "reader@example.com",
        f"127.0.0.1:{port}",
    ]
    started = time.monotonic()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return messages / (time.monotonic() - started)


def wait_for_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise CommandError(f"The SMTP sink did not listen on port {port}.") from None
            time.sleep(0.1)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def peak_rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0
