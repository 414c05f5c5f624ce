import pytest

from tasp.celery import app as celery_app


@pytest.fixture
def business_manager(django_user_model):
    return django_user_model.objects.create_user(
        email="manager@example.org", password="a-strong-user-pass", full_name="Pat Manager"
    )


@pytest.fixture
def other_manager(django_user_model):
    return django_user_model.objects.create_user(
        email="other@example.org", password="a-strong-user-pass", full_name="Oli Other"
    )


@pytest.fixture
def eager_tasks():
    """Run queued tasks in-process for this test, so emails land in ``mailoutbox`` once the
    on-commit callbacks run (the integration tests use a real worker instead)."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def sent_mail(eager_tasks, mailoutbox, django_capture_on_commit_callbacks):
    """A context manager: mail queued inside it is sent on exit; yields the outbox."""
    from contextlib import contextmanager

    @contextmanager
    def capture():
        with django_capture_on_commit_callbacks(execute=True):
            yield mailoutbox

    return capture


@pytest.fixture(autouse=True)
def seeded_fee_schedules(request):
    """The fee schedules and reminder rules come from a data migration; a transactional test
    elsewhere truncates every table, so put them back (the seed is idempotent)."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        return
    transactional = marker.kwargs.get("transaction") or (marker.args and marker.args[0])
    request.getfixturevalue("transactional_db" if transactional else "db")
    from importlib import import_module

    from django.apps import apps

    import_module("membership.migrations.0002_seed_fees_and_reminders").seed(apps, None)
