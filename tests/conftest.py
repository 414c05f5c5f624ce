import uuid
from contextlib import contextmanager

import pytest
from django.conf import settings as django_settings

from tasp.celery import app as celery_app
from tests.tasks import TaskQueue, wait_until


@pytest.fixture(autouse=True)
def isolated_cache(settings):
    """Each test gets its own key prefix, so parallel tests sharing Redis never see each other's
    rate-limit counters; nothing is flushed, since the broker may share the database."""
    settings.CACHES = {
        name: {**config, "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
        for name, config in django_settings.CACHES.items()
    }


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Hashing a password the production way takes most of a second: tests use a quick hasher
    (the production stage, tests/production/, keeps the real one)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@contextmanager
def private_queue():
    """Tasks sent to the broker meanwhile go to a queue of their own, deleted afterwards, so
    no other worker runs them and they never outlive the test."""
    queue = f"tests-{uuid.uuid4().hex}"
    previous = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue
    try:
        yield queue
    finally:
        celery_app.conf.task_default_queue = previous
        with celery_app.connection_for_write() as connection:
            connection.default_channel.queue_delete(queue)


@pytest.fixture(autouse=True, scope="session")
def private_task_queue():
    """The session's own queue, should anything reach the broker outside a test's."""
    with private_queue() as queue:
        yield queue


@pytest.fixture(autouse=True)
def tasks(request, monkeypatch) -> TaskQueue:
    """Tasks the code under test queues are caught, not sent (tests/tasks.py says how to look
    at or run them). With a real worker (``worker_queue``) they go to its queue instead; the
    production stage (tests/production/) leaves Celery alone."""
    if "production" in request.node.path.parts:
        return TaskQueue(to_worker=True)
    from celery.app.task import Task

    queue = TaskQueue()
    send = Task.apply_async

    def apply_async(task, args=None, kwargs=None, **options):
        return queue.catch(task, args, kwargs, options, send)

    monkeypatch.setattr(Task, "apply_async", apply_async)
    return queue


_MIGRATED_REMINDER_RULES: list[dict] = []


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's database set-up; then note the reminder rules the migrations made, before
    any transactional test truncates them (see ``migrated_reminder_rules``)."""
    from membership.models import ReminderRule

    fields = [f.attname for f in ReminderRule._meta.concrete_fields if not f.primary_key]
    with django_db_blocker.unblock():
        _MIGRATED_REMINDER_RULES[:] = ReminderRule.objects.values(*fields)


@pytest.fixture
def migrated_reminder_rules() -> list[dict]:
    """The reminder rules as the data migrations left them (every migration's, so a later one
    that adjusts the seeded rules counts), as field values to recreate them from."""
    return _MIGRATED_REMINDER_RULES


@pytest.fixture
def this_years_fees():
    """This membership year's general fee schedule, TASP's tiered table (£1,500 up to five
    representatives, ... £4,375 up to 25, £50 each beyond), made for whatever year the clock is
    in: the seed migration stops at 2026/27 and a later year's fees are staff's to set."""
    from tests.membership.factories import FeeScheduleFactory

    return FeeScheduleFactory()


@pytest.fixture
def staff_user(django_user_model):
    from accounts.services import mark_address_verified

    user = django_user_model.objects.create_user(
        email="staff@example.org", password="a-strong-staff-pass", is_staff=True, is_superuser=True
    )
    mark_address_verified(user)
    return user


@pytest.fixture
def staff_client(client, staff_user):
    """The test client, logged in as staff with a second factor passed (the admin opens)."""
    from tests.helpers import log_in_with_second_factor

    log_in_with_second_factor(client, staff_user)
    return client


@pytest.fixture
def user(django_user_model):
    from accounts.services import mark_address_verified

    user = django_user_model.objects.create_user(
        email="manager@example.org", password="a-strong-user-pass", full_name="Pat Manager"
    )
    mark_address_verified(user)
    return user


class SMTPRecorder:
    """An aiosmtpd handler that keeps every message it accepts."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes, policy

        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append(
            {"from": envelope.mail_from, "to": envelope.rcpt_tos, "message": message}
        )
        return "250 Message accepted for delivery"

    def wait_for(self, count: int = 1, timeout: float = 20.0) -> list:
        wait_until(lambda: len(self.messages) >= count, timeout)
        return self.messages

    def message_to(self, address: str, subject: str = "", *, after: int = 0, timeout=60.0):
        """The first message to ``address`` whose subject contains ``subject``, among those
        received after the first ``after``; None when none arrives in time."""

        def find():
            for item in self.messages[after:]:
                if address in item["to"] and subject in str(item["message"]["Subject"]):
                    return item["message"]
            return None

        return wait_until(find, timeout)


def start_smtp_server(handler):
    """Start aiosmtpd on a free loopback port; returns the controller and the port."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, port


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on loopback in the test process; Django's SMTP backend points at it."""
    recorder = SMTPRecorder()
    controller, port = start_smtp_server(recorder)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield recorder
    controller.stop()


class Worker:
    """A running test worker and its queue."""

    def __init__(self, worker, queue: str):
        self.worker, self.queue = worker, queue

    def is_idle(self) -> bool:
        """Nothing waits in its queue and it holds no task (running, prefetched or scheduled)."""
        from celery.worker import state

        with celery_app.connection_for_read() as connection:
            waiting = connection.default_channel._size(self.queue)
        return not (waiting or state.active_requests or state.reserved_requests)

    def wait_until_idle(self, timeout: float = 30.0) -> bool:
        """True once the worker has done everything queued (its emails sent, say), asked
        twice in a row so a task queued by the last one is seen too."""
        return wait_until(lambda: self.is_idle() and self.is_idle(), timeout)


@pytest.fixture
def worker_queue(tasks):
    """Tasks this test queues go to the broker, on a queue of the test's own, whose name this
    gives: for tests that run real workers (``celery_worker``, or worker processes)."""
    tasks.to_worker = True
    with private_queue() as queue:
        yield queue


@pytest.fixture
def celery_worker(worker_queue):
    """A real Celery worker, in a thread of the test process, on the configured broker (Redis
    in CI), consuming the test's own queue: it runs only what this test queues."""
    from celery.contrib.testing.worker import start_worker

    with start_worker(
        celery_app,
        pool="solo",
        perform_ping_check=False,
        queues=[worker_queue],
        shutdown_timeout=30,
    ) as worker:
        yield Worker(worker, worker_queue)
