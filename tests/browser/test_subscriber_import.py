"""Staff watch a subscriber import on its admin page: the page's script follows the worker's
checkpoints and shows the report when the import ends, with no reload by hand."""

import pytest
from django.core.files.base import ContentFile

from newsletters import imports
from newsletters.imports import create_subscriber_import, run_subscriber_import
from tests.browser.pages import staff_page
from tests.newsletters.factories import NewsletterFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_import_page_follows_the_worker_to_the_report(
    browser, live_server, axe, staff_user, settings, tmp_path, monkeypatch
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    rows = "".join(f"reader{n}@example.org,Reader {n}\n" for n in range(5))
    subscriber_import = create_subscriber_import(
        file=ContentFile(f"Email Address,Name\n{rows}".encode(), name="audience.csv"),
        newsletter=NewsletterFactory(),
        basis="consent",
        dry_run=False,
    )
    admin = staff_page(browser, live_server, staff_user)
    blocked = []  # the page's script runs under the site's Content Security Policy
    admin.on("console", lambda m: blocked.append(m.text) if "Content Security" in m.text else 0)
    admin.goto(f"/admin/newsletters/subscriberimport/{subscriber_import.pk}/change/")
    status = admin.get_by_role("status")
    assert status.inner_text().startswith("Waiting for a worker — 0 of 0 rows done")
    axe(admin)

    # The worker stops after its first chunk; the page shows the checkpoint it committed.
    monkeypatch.setattr(imports, "CHUNK", 2)
    chunks = []
    original = imports._run_chunk

    def run_one_chunk(*args):
        chunks.append(args)
        if len(chunks) > 1:
            raise SystemExit  # as a worker killed there
        return original(*args)

    monkeypatch.setattr(imports, "_run_chunk", run_one_chunk)
    with pytest.raises(SystemExit):
        run_subscriber_import(import_id=subscriber_import.pk)
    status.filter(has_text="Running — 2 of 5 rows done: 2 added").wait_for()
    assert admin.locator("progress").evaluate("bar => bar.value") == 40

    monkeypatch.setattr(imports, "_run_chunk", original)
    imports.SubscriberImport.objects.filter(pk=subscriber_import.pk).move("queued")
    run_subscriber_import(import_id=subscriber_import.pk)  # the next run, from the checkpoint

    admin.get_by_role("heading", name="Imported", exact=True).wait_for()
    admin.get_by_text("5 added, 0 updated, 0 rejected.", exact=True).wait_for()
    axe(admin)
    assert blocked == []
    admin.context.close()
