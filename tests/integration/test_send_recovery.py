"""A send survives its worker or its broker dying, with the default settings, in seconds.

Two Celery worker processes and Celery beat run as production runs them (``scripts/start``'s
commands, the default schedule: the sweeper every NEWSLETTER_SWEEP_SECONDS), against
PostgreSQL, Redis and an SMTP server in this process that takes a moment over each message.
The faults: a worker killed with SIGKILL mid-send; Redis killed mid-send and started again
empty ten seconds later (a Redis of the test's own, on another port: the machine's is never
touched). Either way the send finishes within 90 s of the fault, nobody is missed, and at most
one batch goes twice.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from newsletters.models import Send
from tasp.celery import app as celery_app
from tests.conftest import start_smtp_server
from tests.newsletters.factories import IssueFactory, NewsletterFactory, subscribe
from tests.tasks import wait_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

READERS = 2400  # three batches of the default 1000
RECOVERY_SECONDS = 90


class SlowRecorder:
    """Takes a moment over each message, so the send is still going when the fault comes."""

    def __init__(self, recorder, delay: float):
        self.recorder = recorder
        self.delay = delay

    async def handle_DATA(self, server, session, envelope):
        import asyncio

        await asyncio.sleep(self.delay)
        return await self.recorder.handle_DATA(server, session, envelope)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Stack:
    """Worker and beat processes with the settings' defaults, on a queue of the test's own."""

    def __init__(self, tmp_path: Path, *, queue: str, smtp_port: int, redis_url: str):
        database = connection.settings_dict
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("NEWSLETTER_")},
            "DJANGO_DEBUG": "true",
            "DATABASE_URL": (
                f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}"
                f"/{database['NAME']}"
            ),
            "REDIS_URL": redis_url,
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "CELERY_QUEUE": queue,
            "TASP_VAR_DIR": str(tmp_path),
        }
        self.processes: dict[str, subprocess.Popen] = {}

    def start(self, name: str, *args: str) -> subprocess.Popen:
        celery = [sys.executable, "-m", "celery", "-A", "tasp"]
        process = subprocess.Popen(
            [*celery, *args, "--loglevel=WARNING"],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.processes[name] = process
        return process

    def start_all(self) -> None:
        for name in ("worker-1", "worker-2"):
            self.start(name, "worker", "--pool=solo", f"--hostname={name}@%h")
        self.start("beat", "beat")

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def ring(task_name: str, args: tuple, *, queue: str, broker: str) -> None:
    """Queue a task on the given broker (the stack's), as the web process would."""
    with celery_app.connection_for_write(broker) as conn:
        celery_app.send_task(task_name, args, queue=queue, connection=conn)


def recipients(messages) -> list[str]:
    return [rcpt for m in messages for rcpt in m["to"]]


def finished(send) -> bool:
    return Send.objects.get(pk=send.pk).status == Send.Status.SENT


def check_everyone_once_but_one_batch(messages, readers) -> None:
    got = recipients(messages)
    assert set(got) == {r.email for r in readers}, "someone was missed"
    assert len(got) - len(set(got)) <= django_settings.NEWSLETTER_BATCH_SIZE


@pytest.fixture
def slow_smtp(smtp_server):
    controller, port = start_smtp_server(SlowRecorder(smtp_server, delay=0.05))
    yield smtp_server, port
    controller.stop()


@pytest.fixture
def big_send(worker_queue):
    assert connection.vendor == "postgresql", "this test runs on PostgreSQL, as CI does"
    newsletter = NewsletterFactory()
    readers = subscribe(newsletter, READERS)
    send = Send.objects.create(issue=IssueFactory(newsletter=newsletter), newsletter=newsletter)
    return send, readers


def test_a_worker_killed_mid_send(tmp_path, slow_smtp, big_send, worker_queue):
    smtp, port = slow_smtp
    send, readers = big_send
    stack = Stack(tmp_path, queue=worker_queue, smtp_port=port, redis_url=django_settings.REDIS_URL)
    stack.start_all()
    try:
        ring("newsletters.tasks.start_send_task", (send.pk,), queue=worker_queue,
             broker=django_settings.REDIS_URL)  # fmt: skip
        assert wait_until(lambda: len(smtp.messages) >= 300, timeout=60), "sending never began"
        victim = stack.processes["worker-1"]
        os.kill(victim.pid, signal.SIGKILL)
        killed_at = time.monotonic()
        victim.wait(timeout=10)
        assert not finished(send), "the send finished before the kill: nothing was proved"

        assert wait_until(lambda: finished(send), timeout=RECOVERY_SECONDS), (
            f"not finished {RECOVERY_SECONDS} s after the kill"
        )
        print(f"\nfinished {time.monotonic() - killed_at:.1f} s after the SIGKILL")
    finally:
        stack.stop()
    check_everyone_once_but_one_batch(smtp.messages, readers)


def test_redis_killed_mid_send_and_started_again_empty(tmp_path, slow_smtp, big_send, worker_queue):
    redis_server = shutil.which("redis-server")
    assert redis_server, "redis-server is needed (Debian's redis-server package)"
    smtp, port = slow_smtp
    send, readers = big_send
    redis_port = free_port()
    redis_url = f"redis://127.0.0.1:{redis_port}/0"
    command = [redis_server, "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
               "--appendonly", "no", "--dir", str(tmp_path)]  # fmt: skip

    def start_redis():
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        assert wait_until(lambda: _answers(redis_port), timeout=10)
        return process

    redis = start_redis()
    stack = Stack(tmp_path, queue=worker_queue, smtp_port=port, redis_url=redis_url)
    stack.start_all()
    try:
        ring("newsletters.tasks.start_send_task", (send.pk,), queue=worker_queue, broker=redis_url)
        assert wait_until(lambda: len(smtp.messages) >= 300, timeout=60), "sending never began"
        redis.kill()  # SIGKILL: what was queued in it is gone
        killed_at = time.monotonic()
        redis.wait(timeout=10)
        assert not finished(send), "the send finished before the fault: nothing was proved"
        time.sleep(10)
        redis = start_redis()  # empty

        assert wait_until(lambda: finished(send), timeout=RECOVERY_SECONDS), (
            f"not finished {RECOVERY_SECONDS} s after Redis went"
        )
        print(f"\nfinished {time.monotonic() - killed_at:.1f} s after Redis was killed")
    finally:
        stack.stop()
        redis.terminate()
        redis.wait(timeout=10)
    check_everyone_once_but_one_batch(smtp.messages, readers)


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as probe:
            probe.sendall(b"PING\r\n")
            return probe.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def test_the_fault_tests_use_the_default_recovery_settings():
    """The tests above prove the defaults, so they must be the defaults."""
    assert django_settings.NEWSLETTER_BATCH_LEASE == 30
    assert django_settings.NEWSLETTER_SWEEP_SECONDS == 15
