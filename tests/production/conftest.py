"""The production stage: the tree as the Dockerfile builds it, run as a container runs it.

In a clean copy of the tree (the files git knows, committed or not), this installs exactly what
`pyproject.toml` and `constraints.txt` declare into a fresh virtualenv, runs `collectstatic` with
DEBUG off, migrates a fresh PostgreSQL database, loads the demo data, then starts
`scripts/start web` (gunicorn, 2 workers), `scripts/start worker` and `scripts/start beat` on
Redis, with mail going to an SMTP server (aiosmtpd) in this process. The tests drive that stack
with Playwright and plain HTTP. Any step that fails (collectstatic above all) fails the stage.
"""

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import SMTPRecorder, start_smtp_server

ROOT = Path(__file__).resolve().parents[2]
ADMIN_DATABASE = os.environ.get(
    "PRODUCTION_ADMIN_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")

pytestmark = pytest.mark.production


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def copy_tree(destination: Path) -> None:
    """Copy what a fresh clone holds (tracked and new, not ignored files): no .venv, var/ or
    staticfiles/ from the developer's tree can make the stage pass."""
    listed = (
        subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .split("\0")
    )
    for name in filter(None, listed):
        source = ROOT / name
        if not source.is_file():
            continue  # deleted in the working tree
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)


def run(args, *, cwd, env, timeout=900) -> subprocess.CompletedProcess:
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        pytest.fail(
            f"{' '.join(map(str, args))} failed ({result.returncode}):\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
        )
    return result


def psql(sql: str) -> None:
    subprocess.run(["psql", ADMIN_DATABASE, "-q", "-c", sql], check=True, capture_output=True)


class Stack:
    def __init__(self, *, root: Path, env: dict, url: str, smtp: SMTPRecorder):
        self.root, self.env, self.url, self.smtp = root, env, url, smtp
        self.processes: dict[str, subprocess.Popen] = {}

    def start(self, role: str) -> None:
        log = open(self.root / "var" / f"{role}.log", "w")  # noqa: SIM115 (the process keeps it)
        # A session of its own, so stopping it stops its children (gunicorn's and Celery's
        # workers) and nothing else on the machine.
        self.processes[role] = subprocess.Popen(
            ["scripts/start", role],
            cwd=self.root,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def manage(self, *args, **env) -> subprocess.CompletedProcess:
        return run(
            [self.env["VIRTUAL_ENV"] + "/bin/python", "manage.py", *args],
            cwd=self.root,
            env={**self.env, **env},
        )

    def log(self, role: str) -> str:
        return (self.root / "var" / f"{role}.log").read_text(errors="replace")[-6000:]

    def wait_until_healthy(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for role, process in self.processes.items():
                if process.poll() is not None:
                    pytest.fail(f"{role} exited with {process.returncode}:\n{self.log(role)}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=5) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.5)
        pytest.fail("the stack never became healthy:\n" + self.log("web"))

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


@pytest.fixture(scope="session")
def smtp():
    recorder = SMTPRecorder()
    controller, port = start_smtp_server(recorder)
    recorder.port = port
    yield recorder
    controller.stop()


@pytest.fixture(scope="session")
def stack(tmp_path_factory, smtp):
    root = tmp_path_factory.mktemp("production") / "app"
    copy_tree(root)
    venv = root / ".venv"
    base_env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "VIRTUAL_ENV", "PYTHON"))
    }
    base_env["PATH"] = f"{venv}/bin:" + base_env.get("PATH", "")

    # The Dockerfile's steps: install exactly the declared packages, then collect static files.
    run([sys.executable, "-m", "venv", str(venv)], cwd=root, env=base_env)
    run(
        [
            venv / "bin/pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-c",
            "constraints.txt",
            ".",
        ],
        cwd=root,
        env=base_env,
    )

    port = free_port()
    database = f"tasp_production_{secrets.token_hex(4)}"
    psql(f"CREATE DATABASE {database}")
    url = f"http://127.0.0.1:{port}"
    env = {
        **base_env,
        "VIRTUAL_ENV": str(venv),
        "DJANGO_READ_DOT_ENV": "false",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_ERROR_PROBE": "true",
        "SITE_URL": url,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
        "REDIS_URL": REDIS_URL,
        # A queue of this run alone: no other worker on the machine takes its tasks.
        "CELERY_QUEUE": f"production-{database}",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}",
        "TASP_VAR_DIR": str(root / "var"),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "CELERY_CONCURRENCY": "2",
        "CELERY_BEAT_SCHEDULE_FILE": str(root / "var" / "celerybeat-schedule"),
    }
    (root / "var").mkdir(exist_ok=True)
    stack = Stack(root=root, env=env, url=url, smtp=smtp)
    try:
        # The Dockerfile's throwaway values: collectstatic must work without the real servers.
        run(
            [venv / "bin/python", "manage.py", "collectstatic", "--no-input", "-v0"],
            cwd=root,
            env={
                **env,
                "DATABASE_URL": "sqlite:///:memory:",
                "DJANGO_SECRET_KEY": "collectstatic-only",
            },
        )
        # Two web containers starting at once migrate one after the other, both successfully.
        migrations = [
            subprocess.Popen(
                [venv / "bin/python", "manage.py", "migrate_on_start", "-v0"],
                cwd=root,
                env=env,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        for migration in migrations:
            _, errors = migration.communicate(timeout=600)
            assert migration.returncode == 0, errors
        # Demo data refuses production settings (it sets known passwords): load it as a developer
        # would, against the same database, before the servers start.
        stack.manage("seed_demo", "--quiet-login", DJANGO_DEBUG="true")
        for role in ("web", "worker", "beat"):
            stack.start(role)
        stack.wait_until_healthy()
        yield stack
    finally:
        stack.stop()
        psql(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, stack):
    context = browser.new_context(base_url=stack.url, locale="en-GB", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    violations: list[str] = []
    # A CSP that blocks the site's own scripts or styles shows up here.
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    yield page
    context.close()
    assert not violations, violations


@pytest.fixture
def axe():
    from axe_playwright_python.sync_playwright import Axe

    instance = Axe()

    def check(page):
        results = instance.run(page)
        assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"

    return check
