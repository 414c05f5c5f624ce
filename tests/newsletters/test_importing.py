import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from newsletters.imports import import_subscribers
from newsletters.models import Subscriber, Subscription
from tests.newsletters.factories import NewsletterFactory, SubscriberFactory

pytestmark = pytest.mark.django_db

MAILCHIMP = (
    b"Email Address,First Name,Last Name,Company,OPTIN_TIME,OPTIN_IP,CONFIRM_TIME,CONFIRM_IP\n"
    b"new@example.org,Ann,Reader,Exampleshire LSCP,2019-05-01 10:00:00,192.0.2.1,2019-05-01 10:05:00,192.0.2.1\n"
    b"known@example.org,Kim,Known,,,,,\n"
    b"not-an-email,Bad,Row,,,,,\n"
    b"gone@example.org,Gone,Away,,,,,\n"
    b"new@example.org,Ann,Again,,,,,\n"
)


def test_a_dry_run_reports_and_changes_nothing():
    newsletter = NewsletterFactory()
    SubscriberFactory(email="known@example.org")
    SubscriberFactory(email="gone@example.org", status=Subscriber.Status.UNSUBSCRIBED)

    report = import_subscribers(
        data=MAILCHIMP, newsletter=newsletter, basis="consent", dry_run=True
    )

    assert report.added == ["new@example.org"] and report.updated == ["known@example.org"]
    assert [(line, reason[:10]) for line, _, reason in report.rejected] == [
        (4, "Not a vali"),
        (5, "Previously"),
        (6, "Repeated i"),
    ]
    assert not Subscriber.objects.filter(email="new@example.org").exists()
    assert not Subscription.objects.exists()


def test_an_import_keeps_the_consent_evidence():
    newsletter = NewsletterFactory()

    import_subscribers(data=MAILCHIMP, newsletter=newsletter, basis="consent", dry_run=False)

    new = Subscriber.objects.get(email="new@example.org")
    assert new.name == "Ann Reader" and new.organisation == "Exampleshire LSCP"
    assert new.source == Subscriber.Source.IMPORT and new.consent_ip == "192.0.2.1"
    assert new.consent_at.year == 2019
    assert Subscription.objects.filter(subscriber=new, newsletter=newsletter).exists()


def test_a_file_that_is_not_csv_is_rejected_whole():
    report = import_subscribers(
        data=b"\xff\xfe\x00garbage", newsletter=NewsletterFactory(), basis="consent", dry_run=False
    )

    assert report.rejected and not report.added
    assert Subscriber.objects.count() == 0


def test_staff_import_through_the_admin(client, staff_user):
    newsletter = NewsletterFactory()
    client.force_login(staff_user)
    upload = SimpleUploadedFile("audience.csv", MAILCHIMP, content_type="text/csv")

    response = client.post(
        reverse("admin:newsletters_subscriber_import"),
        {"file": upload, "newsletter": newsletter.pk, "lawful_basis": "soft_opt_in"},
    )

    assert response.status_code == 200
    assert "3 added, 0 updated, 2 rejected" in response.content.decode()
    assert Subscriber.objects.get(email="known@example.org").lawful_basis == "soft_opt_in"
