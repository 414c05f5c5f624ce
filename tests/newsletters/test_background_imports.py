"""Subscriber imports run by a worker: a checkpoint per chunk, a run that dies carried on from
its last checkpoint and never half a chunk applied, bulk queries, and the import's admin page.
(What the rows become is tests/newsletters/test_importing.py's.)"""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from newsletters import imports
from newsletters.imports import ImportReport, create_subscriber_import, run_subscriber_import
from newsletters.models import IMPORT_LEASE, Subscriber, SubscriberImport, Subscription
from tests.newsletters.factories import NewsletterFactory, SubscriberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def audience(count: int, *extra: str) -> bytes:
    rows = [f"reader{n}@example.org,Reader,{n},Exampleshire LSCP" for n in range(count)]
    return "\n".join(["Email Address,First Name,Last Name,Company", *rows, *extra, ""]).encode()


def new_import(data: bytes, *, dry_run: bool = False) -> SubscriberImport:
    return create_subscriber_import(
        file=ContentFile(data, name="audience.csv"),
        newsletter=NewsletterFactory(),
        basis="consent",
        dry_run=dry_run,
    )


def fresh(subscriber_import: SubscriberImport) -> SubscriberImport:
    return SubscriberImport.objects.get(pk=subscriber_import.pk)


class Stop(Exception):
    pass


def fail_on_chunk(monkeypatch, number: int, error: BaseException) -> None:
    """The ``number``th chunk raises ``error`` after its new subscribers are written and before
    their subscriptions are: halfway through the chunk's writes."""
    original = Subscription.objects.bulk_create
    calls = []

    def bulk_create(objs, *args, **kwargs):
        calls.append(len(objs))
        if len(calls) == number:
            raise error
        return original(objs, *args, **kwargs)

    monkeypatch.setattr(Subscription.objects, "bulk_create", bulk_create)


def test_every_chunk_commits_its_progress_and_report(monkeypatch):
    monkeypatch.setattr(imports, "CHUNK", 3)
    subscriber_import = new_import(audience(7))
    settled = []
    original = imports.settle_rows

    def settle_rows(rows, **kwargs):
        settled.append(fresh(subscriber_import).rows_done)
        original(rows, **kwargs)

    monkeypatch.setattr(imports, "settle_rows", settle_rows)

    run_subscriber_import(import_id=subscriber_import.pk)

    assert settled == [0, 3, 6]
    done = fresh(subscriber_import)
    assert (done.status, done.rows_done, done.rows_total, done.added) == ("done", 7, 7, 7)
    assert done.attempt == 1 and done.started_at and done.finished_at
    assert [line for line, *_ in done.report_rows()] == [str(n) for n in range(2, 9)]


@pytest.mark.django_db(transaction=True)
def test_an_error_stops_the_import_at_its_last_checkpoint_and_resuming_completes_it(
    monkeypatch, tasks
):
    monkeypatch.setattr(imports, "CHUNK", 3)
    fail_on_chunk(monkeypatch, 2, Stop("the database went away"))
    subscriber_import = new_import(audience(8))

    with pytest.raises(Stop):
        run_subscriber_import(import_id=subscriber_import.pk)

    stopped = fresh(subscriber_import)
    assert (stopped.status, stopped.rows_done, stopped.added) == ("failed", 3, 3)
    assert stopped.error == "the database went away"
    # The second chunk's subscribers were written, then rolled back with the rest of it.
    assert sorted(Subscriber.objects.values_list("email", flat=True)) == [
        f"reader{n}@example.org" for n in range(3)
    ]
    assert Subscription.objects.count() == 3

    assert imports.resume_subscriber_import(subscriber_import=stopped)
    assert not imports.resume_subscriber_import(subscriber_import=stopped)  # a second click
    assert tasks.run() == 1

    done = fresh(subscriber_import)
    assert (done.status, done.rows_done, done.added, done.error) == ("done", 8, 8, "")
    assert ImportReport.of(done).added == [f"reader{n}@example.org" for n in range(8)]
    assert Subscription.objects.count() == Subscriber.objects.count() == 8


@pytest.mark.django_db(transaction=True)
def test_an_import_whose_worker_died_is_carried_on_by_the_sweeper(monkeypatch, tasks):
    monkeypatch.setattr(imports, "CHUNK", 3)
    # SystemExit is not an error the run catches: like a killed process, it leaves the import
    # running with its last checkpoint, and nothing of the chunk it was in.
    fail_on_chunk(monkeypatch, 2, SystemExit())
    subscriber_import = new_import(audience(8, "not-an-address"))
    with time_machine.travel(timezone.now(), tick=False) as clock:
        with pytest.raises(SystemExit):
            run_subscriber_import(import_id=subscriber_import.pk)
        assert (fresh(subscriber_import).status, fresh(subscriber_import).rows_done) == (
            "running",
            3,
        )
        assert Subscriber.objects.count() == 3

        assert imports.requeue_stalled_imports() == 0  # its lease has not run out
        clock.shift(IMPORT_LEASE + timedelta(seconds=1))
        assert imports.requeue_stalled_imports() == 1
        assert fresh(subscriber_import).status == "queued"
        assert tasks.run() == 1

    done = fresh(subscriber_import)
    assert (done.status, done.rows_done, done.rows_total, done.attempt) == ("done", 9, 9, 2)
    assert (done.added, done.updated, done.rejected) == (8, 0, 1)
    assert [line for line, *_ in done.report_rows()] == [str(n) for n in range(2, 11)]
    assert Subscriber.objects.count() == 8


def test_a_second_run_of_a_running_or_finished_import_does_nothing():
    subscriber_import = new_import(audience(2))
    SubscriberImport.objects.filter(pk=subscriber_import.pk).move(
        SubscriberImport.Status.RUNNING, attempt=1, heartbeat_at=timezone.now()
    )

    run_subscriber_import(import_id=subscriber_import.pk)  # the message delivered twice

    assert fresh(subscriber_import).rows_done == 0 and not Subscriber.objects.exists()


def test_a_run_that_lost_its_import_to_a_newer_one_writes_nothing():
    data = audience(2)
    subscriber_import = new_import(data)
    SubscriberImport.objects.filter(pk=subscriber_import.pk).move(
        SubscriberImport.Status.RUNNING, attempt=2, heartbeat_at=timezone.now()
    )
    stale = fresh(subscriber_import)
    stale.attempt = 1  # the sweeper gave the import to attempt 2 while this one was stuck

    assert imports._run_chunk(stale, imports.read_rows(data), 0) is False
    assert fresh(subscriber_import).rows_done == 0 and not Subscriber.objects.exists()


@pytest.mark.parametrize("dry_run", [True, False])
def test_the_queries_do_not_grow_with_the_rows(dry_run):
    def queries_for(count: int) -> int:
        Subscriber.objects.all().delete()
        SubscriberFactory(email="reader0@example.org", name="Old name")  # one updated
        subscriber_import = new_import(audience(count), dry_run=dry_run)
        with CaptureQueriesContext(connection) as captured:
            run_subscriber_import(import_id=subscriber_import.pk)
        assert fresh(subscriber_import).rows_done == count
        return len(captured)

    assert queries_for(10) == queries_for(1_000)


def test_the_report_is_every_row_with_its_result():
    SubscriberFactory(email="reader1@example.org")
    subscriber_import = new_import(audience(2, "=1+2,Eve,,"), dry_run=True)

    run_subscriber_import(import_id=subscriber_import.pk)

    assert list(fresh(subscriber_import).report_rows()) == [
        ["2", "reader0@example.org", "added", ""],
        ["3", "reader1@example.org", "updated", ""],
        ["4", "=1+2", "rejected", "Not a valid email address."],
    ]
    assert not Subscriber.objects.filter(email="reader0@example.org").exists()


# The import's admin page.


def test_staff_follow_a_queued_import_and_see_its_progress(staff_client):
    subscriber_import = new_import(audience(3))
    page = reverse("admin:newsletters_subscriberimport_change", args=[subscriber_import.pk])
    progress = reverse("admin:newsletters_subscriberimport_progress", args=[subscriber_import.pk])

    html = staff_client.get(page).content.decode()
    assert "Waiting for a worker — 0 of 0 rows done" in html
    assert f'data-progress-url="{progress}"' in html and "js/import-progress.js" in html
    assert f'<a href="{page}">Refresh</a>' in html  # for a browser without scripts

    run_subscriber_import(import_id=subscriber_import.pk)

    assert staff_client.get(progress).json() == {
        "status": "done",
        "status_display": "Done",
        "ended": True,
        "rows_done": 3,
        "rows_total": 3,
        "percent": 100.0,
        "added": 3,
        "updated": 0,
        "rejected": 0,
    }
    html = staff_client.get(page).content.decode()
    assert "Imported" in html and "3 added, 0 updated, 0 rejected." in html
    assert "data-progress-url" not in html and "Refresh" not in html


def test_the_report_downloads_as_csv_with_formulas_defused(staff_client):
    subscriber_import = new_import(audience(1, "=1+2,Eve,,"))
    run_subscriber_import(import_id=subscriber_import.pk)

    response = staff_client.get(
        reverse("admin:newsletters_subscriberimport_report_csv", args=[subscriber_import.pk])
    )

    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content.decode().splitlines() == [
        "Line,Email address,Result,Reason",
        "2,reader0@example.org,added,",
        "3,'=1+2,rejected,Not a valid email address.",
    ]


def test_a_finished_dry_run_is_imported_for_real_from_its_page(
    staff_client, tasks, django_capture_on_commit_callbacks
):
    dry_run = new_import(audience(2), dry_run=True)
    run_subscriber_import(import_id=dry_run.pk)
    page = staff_client.get(reverse("admin:newsletters_subscriberimport_change", args=[dry_run.pk]))
    assert "Dry run: nothing was changed" in page.content.decode()
    assert "Import this file into TASP Newsletter" in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("admin:newsletters_subscriberimport_import", args=[dry_run.pk])
        )
    tasks.run()

    real = SubscriberImport.objects.exclude(pk=dry_run.pk).get()
    assert response["Location"] == reverse(
        "admin:newsletters_subscriberimport_change", args=[real.pk]
    )
    assert (real.dry_run, real.status, real.added, real.filename) == (
        False,
        "done",
        2,
        "audience.csv",
    )
    assert Subscriber.objects.count() == 2
    assert fresh(dry_run).added == 2  # the dry run's report stays as it was


def test_a_failed_import_shows_why_and_carries_on_when_staff_ask(
    staff_client, monkeypatch, tasks, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(imports, "CHUNK", 2)
    fail_on_chunk(monkeypatch, 2, Stop("disk full"))
    subscriber_import = new_import(audience(3))
    with pytest.raises(Stop):
        run_subscriber_import(import_id=subscriber_import.pk)
    page = reverse("admin:newsletters_subscriberimport_change", args=[subscriber_import.pk])

    html = staff_client.get(page).content.decode()
    assert "The import stopped" in html and "disk full" in html
    assert "Carry on from row 3" in html

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            reverse("admin:newsletters_subscriberimport_resume", args=[subscriber_import.pk])
        )
    tasks.run()

    assert fresh(subscriber_import).status == "done" and Subscriber.objects.count() == 3


def test_a_running_import_cannot_be_deleted(staff_client):
    subscriber_import = new_import(audience(1))
    SubscriberImport.objects.filter(pk=subscriber_import.pk).move(
        SubscriberImport.Status.RUNNING, heartbeat_at=timezone.now()
    )

    response = staff_client.post(
        reverse("admin:newsletters_subscriberimport_delete", args=[subscriber_import.pk]),
        {"post": "yes"},
    )

    assert response.status_code == 403 and SubscriberImport.objects.exists()


def test_the_list_of_imports_costs_the_same_queries_for_more(
    staff_client, django_assert_num_queries
):
    url = reverse("admin:newsletters_subscriberimport_changelist")
    new_import(audience(1))
    staff_client.get(url)
    with CaptureQueriesContext(connection) as one:
        staff_client.get(url)
    for _ in range(20):
        new_import(audience(1))

    with django_assert_num_queries(len(one)):
        assert staff_client.get(url).status_code == 200


def test_a_50000_row_mailchimp_export_fits_the_form_and_a_larger_file_does_not():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from newsletters.forms import ImportForm
    from newsletters.import_rows import MAX_ROWS
    from newsletters.management.commands.bench_import import audience_export

    def form(data: bytes) -> ImportForm:
        upload = SimpleUploadedFile("audience.csv", data, content_type="text/csv")
        fields = {"newsletter": NewsletterFactory().pk, "lawful_basis": "consent"}
        return ImportForm(fields, {"file": upload})

    assert form(audience_export(MAX_ROWS)).is_valid()
    too_big = form(b"x" * (20 * 1024 * 1024 + 1))
    assert too_big.errors["file"] == ["The file is larger than 20 MB: split it."]


def test_a_nul_in_a_cell_is_reported_not_a_failed_import():
    subscriber_import = new_import(
        b"Email Address,Name,CONFIRM_TIME,CONFIRM_IP\n"
        b"a\0@example.org,Ann,,\n"
        b"b@example.org,Bea,2020-01-01\0,\n"
        b"c@example.org,Cat,,192.0.2.1\0\n"
        b"d@example.org,Dee,,\n"
    )

    run_subscriber_import(import_id=subscriber_import.pk)

    done = fresh(subscriber_import)
    assert (done.status, done.added, done.rejected) == ("done", 1, 3)
    assert next(done.report_rows())[1] == "a\ufffd@example.org"


def test_staff_who_may_add_subscribers_follow_their_import(client, django_user_model, tasks):
    from django.contrib.auth.models import Permission

    from tests.helpers import log_in_with_second_factor

    editor = django_user_model.objects.create_user(
        email="editor@example.org", password="a-long-editor-pass", is_staff=True
    )
    editor.user_permissions.add(*Permission.objects.filter(codename__endswith="_subscriber"))
    log_in_with_second_factor(client, editor)
    file = ContentFile(audience(1), name="audience.csv")

    response = client.post(
        reverse("admin:newsletters_subscriber_import"),
        {"file": file, "newsletter": NewsletterFactory().pk, "lawful_basis": "consent"},
    )

    assert client.get(response["Location"]).status_code == 200
    viewer = django_user_model.objects.create_user(
        email="viewer@example.org", password="a-long-viewer-pass", is_staff=True
    )
    viewer.user_permissions.add(Permission.objects.get(codename="view_subscriber"))
    log_in_with_second_factor(client, viewer)
    assert client.get(response["Location"]).status_code == 403


def test_deleting_an_ended_import_deletes_its_file(staff_client, settings):
    subscriber_import = new_import(audience(1))
    run_subscriber_import(import_id=subscriber_import.pk)
    stored = settings.PRIVATE_MEDIA_ROOT / subscriber_import.file.name
    assert stored.exists()

    staff_client.post(
        reverse("admin:newsletters_subscriberimport_delete", args=[subscriber_import.pk]),
        {"post": "yes"},
    )

    assert not SubscriberImport.objects.exists() and not stored.exists()
    assert Subscriber.objects.count() == 1  # what it imported stays


@pytest.mark.django_db(transaction=True)
def test_an_address_someone_else_added_meanwhile_is_updated_not_a_failed_import(monkeypatch):
    """Another import of the same file, or the subscribe form, adds an address between this
    chunk's reading and its writing: the chunk rolls back and runs again."""
    original = Subscriber.objects.bulk_create
    calls = []

    def bulk_create(objs, *args, **kwargs):
        if kwargs.get("update_conflicts"):  # changed names of known people
            return original(objs, *args, **kwargs)
        calls.append(len(objs))
        if len(calls) == 1:  # someone else commits one of the addresses since the chunk read
            elsewhere = threading.Thread(target=subscribe_elsewhere)
            elsewhere.start()
            elsewhere.join()
        return original(objs, *args, **kwargs)

    def subscribe_elsewhere():
        try:
            SubscriberFactory(email="reader1@example.org")
        finally:
            connection.close()

    monkeypatch.setattr(Subscriber.objects, "bulk_create", bulk_create)
    subscriber_import = new_import(audience(3))

    run_subscriber_import(import_id=subscriber_import.pk)

    done = fresh(subscriber_import)
    assert (done.status, done.added, done.updated) == ("done", 2, 1)
    assert calls == [3, 2] and Subscriber.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_an_import_whose_message_was_lost_is_queued_again(tasks):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        subscriber_import = imports.start_subscriber_import(
            file=ContentFile(audience(2), name="audience.csv"),
            newsletter=NewsletterFactory(),
            basis="consent",
            dry_run=False,
        )
        tasks.queued.clear()  # Redis restarted empty: the message is gone

        assert imports.requeue_stalled_imports() == 0
        clock.shift(IMPORT_LEASE + timedelta(seconds=1))
        assert imports.requeue_stalled_imports() == 1
        assert imports.requeue_stalled_imports() == 0  # once a lease
        assert tasks.run() == 1

    assert fresh(subscriber_import).status == "done" and Subscriber.objects.count() == 2
