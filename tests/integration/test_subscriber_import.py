"""A 50,000-row subscriber import through the admin, run by a real worker on Redis and
PostgreSQL, as staff upload it and watch it."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from newsletters.management.commands.bench_import import add_existing_subscribers, audience_export
from newsletters.models import Subscriber, SubscriberImport, Subscription
from tests.helpers import log_in_with_second_factor
from tests.newsletters.factories import NewsletterFactory
from tests.tasks import wait_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROWS = 50_000


def test_staff_import_50000_rows_through_the_admin_and_a_real_worker(
    client, staff_user, celery_worker, settings, tmp_path, record_property
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    newsletter = NewsletterFactory()
    add_existing_subscribers(ROWS, newsletter)
    log_in_with_second_factor(client, staff_user)
    upload = SimpleUploadedFile("audience.csv", audience_export(ROWS), content_type="text/csv")

    started = time.monotonic()
    response = client.post(
        reverse("admin:newsletters_subscriber_import"),
        {"file": upload, "newsletter": newsletter.pk, "lawful_basis": "consent"},
    )
    assert response.status_code == 302  # the request only stores the file and queues it
    subscriber_import = SubscriberImport.objects.get()
    progress_url = reverse(
        "admin:newsletters_subscriberimport_progress", args=[subscriber_import.pk]
    )
    seen = []

    def ended() -> bool:
        progress = client.get(progress_url).json()  # as the page's script asks
        seen.append(progress["rows_done"])
        return progress["ended"]

    assert wait_until(ended, timeout=120, interval=0.5)
    seconds = time.monotonic() - started
    record_property("import_seconds", round(seconds, 1))
    print(f"\n{ROWS:,} rows imported through the admin in {seconds:.1f} s")

    done = SubscriberImport.objects.get()
    assert (done.status, done.rows_total, done.rows_done) == ("done", ROWS, ROWS)
    assert (done.added, done.updated, done.rejected) == (44_750, 4_900, 350)
    assert seen[-1] == ROWS and any(0 < rows < ROWS for rows in seen)  # seen moving
    assert Subscriber.objects.filter(source=Subscriber.Source.IMPORT).count() == 44_750
    assert Subscription.objects.filter(
        newsletter=newsletter, subscriber__status=Subscriber.Status.ACTIVE
    ).count() == (44_750 + 4_900)
    page = client.get(response["Location"]).content.decode()
    assert "44750 added, 4900 updated, 350 rejected." in page
    report = client.get(
        reverse("admin:newsletters_subscriberimport_report_csv", args=[subscriber_import.pk])
    )
    assert len(report.content.decode().splitlines()) == ROWS + 1
