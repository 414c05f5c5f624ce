"""Benchmark the public pages as deployed: gunicorn with production settings, wrk in front.

    python manage.py bench_pages --issues 10000 --vacancies 10000

Loads that many published issues and vacancies (half of the vacancies closed) into the database
of DATABASE_URL (its own: ``make bench-pages`` makes ``tasp_bench_pages``), starts
``scripts/start web`` with DEBUG off and 2 gunicorn workers on a loopback port, and runs wrk
(20 connections) against every public page and ``/healthz``. Prints requests per second,
p50/p95/p99 latency, and each page's rate as a ratio to ``/healthz`` measured in the same run
(the median of three ``/healthz`` runs spread through it): absolute numbers on a shared machine
are noise, the ratio is the figure.
"""

import json
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from newsletters.models import Issue
from tasp import bench_data
from vacancies.models import Vacancy

REPORTER = Path(settings.BASE_DIR) / "scripts" / "wrk-report.lua"


class Command(BaseCommand):
    help = "Time every public page under gunicorn (production settings) with wrk."

    def add_arguments(self, parser):
        parser.add_argument("--issues", type=int, default=10000)
        parser.add_argument("--vacancies", type=int, default=10000)
        parser.add_argument("--connections", type=int, default=20)
        parser.add_argument("--duration", type=int, default=10, help="Seconds per page.")
        parser.add_argument("--workers", type=int, default=2, help="Gunicorn workers.")

    def handle(self, *args, **options):
        wrk = shutil.which("wrk")
        if not wrk:
            raise CommandError(
                "wrk not found: install Debian's wrk package (make bench-pages does)."
            )
        if connection.vendor != "postgresql" or not settings.REDIS_URL:
            raise CommandError(
                "Set DATABASE_URL to PostgreSQL and REDIS_URL (make bench-pages does)."
            )
        bench_data.load(options["issues"], options["vacancies"])
        pages = self.pages()
        with tempfile.TemporaryDirectory(prefix="bench-pages-") as var:
            server, url = self.start_server(Path(var), options["workers"])
            try:
                results = self.measure(wrk, url, pages, options)
            finally:
                server.terminate()
                server.wait(timeout=30)
        self.report(results)

    # --- Data ---------------------------------------------------------------------------------

    def pages(self) -> list[tuple[str, str]]:
        issue = Issue.objects.archived().order_by("-issued_on", "-id").first()
        vacancy = Vacancy.objects.open().order_by("-published_at").first()
        return [
            ("home", "/"),
            ("newsletter archive", "/newsletters/"),
            ("newsletter archive, page 200", "/newsletters/?page=200"),
            ("an issue", issue.get_absolute_url()),
            ("newsletter feed", "/newsletters/feed/"),
            ("vacancies", "/vacancies/"),
            ("vacancies, page 100", "/vacancies/?page=100"),
            ("a vacancy", vacancy.get_absolute_url()),
            ("vacancy feed", "/vacancies/feed/"),
            ("membership and fees", "/membership/"),
            ("events", "/events/"),
            ("resources", "/resources/"),
        ]

    # --- Server -------------------------------------------------------------------------------

    def start_server(self, var: Path, workers: int) -> tuple[subprocess.Popen, str]:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        url = f"http://127.0.0.1:{port}"
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
            "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}",
            "DJANGO_READ_DOT_ENV": "false",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "SITE_URL": url,
            "DATABASE_URL": os.environ["DATABASE_URL"],
            "REDIS_URL": settings.REDIS_URL,
            "EMAIL_URL": "consolemail://",
            "TASP_VAR_DIR": str(var),
            "STATIC_ROOT": str(var / "static"),
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "WEB_CONCURRENCY": str(workers),
            "MIGRATE_ON_START": "false",
        }
        root = Path(settings.BASE_DIR)
        manage = [sys.executable, "manage.py"]
        subprocess.run(
            [*manage, "collectstatic", "--no-input", "-v0"], cwd=root, env=env, check=True
        )
        server = subprocess.Popen(
            ["scripts/start", "web"],
            cwd=root,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(var / "gunicorn.log", "w"),  # noqa: SIM115 (lives as long as the server)
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                    if response.status == 200:
                        return server, url
            except OSError:
                time.sleep(0.3)
        server.terminate()
        raise CommandError(f"gunicorn did not answer in 60 s: {(var / 'gunicorn.log').read_text()}")

    # --- Measuring ----------------------------------------------------------------------------

    def measure(self, wrk: str, url: str, pages, options) -> dict:
        for _, path in pages:  # every page answers 200 before it is timed
            with urllib.request.urlopen(url + path, timeout=30) as response:
                if response.status != 200:
                    raise CommandError(f"{path} answered {response.status}")
        health, results = [], {}
        third = max(1, len(pages) // 3)
        for index, (name, path) in enumerate(pages):
            if index % third == 0:
                health.append(self.wrk(wrk, url + "/healthz", options))
            results[name] = self.wrk(wrk, url + path, options)
        health.append(self.wrk(wrk, url + "/healthz", options))
        return {"health": health, "pages": results}

    def wrk(self, wrk: str, target: str, options) -> dict:
        command = [
            wrk,
            "-t2",
            f"-c{options['connections']}",
            f"-d{options['duration']}s",
            "--timeout",
            "10s",
            "-s",
            str(REPORTER),
            target,
        ]
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        line = next(line for line in output.splitlines() if line.startswith("{"))
        return json.loads(line)

    def report(self, results: dict) -> None:
        health = results["health"]
        reference = statistics.median(run["rate"] for run in health)
        p95 = statistics.median(run["p95"] for run in health)
        self.stdout.write(
            f"{'page':<30} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'ratio':>6}"
        )
        self.stdout.write(
            f"{'/healthz (reference)':<30} {reference:>8.0f} {'':>8} {p95:>8.1f} {'':>8} {1:>6.2f}"
        )
        for name, run in results["pages"].items():
            ratio = run["rate"] / reference
            flag = "" if ratio >= 0.8 and run["p95"] <= 100 and not run["errors"] else "  <-"
            self.stdout.write(
                f"{name:<30} {run['rate']:>8.0f} {run['p50']:>8.1f} {run['p95']:>8.1f} "
                f"{run['p99']:>8.1f} {ratio:>6.2f}{flag}"
            )
        self.stdout.write(
            "Goal: every page at 0.8 of /healthz or better and p95 at most 100 ms "
            "(<- marks a page short of it)."
        )
