import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from newsletters.imports import import_subscribers
from newsletters.models import Subscriber, Subscription
from tests.newsletters.factories import NewsletterFactory, SubscriberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def upload(staff_client, tasks, django_capture_on_commit_callbacks):
    """Staff upload a file on the import form and the worker runs what that queued: the
    import's page, as staff then see it."""

    def upload(data: bytes, **fields):
        file = SimpleUploadedFile("audience.csv", data, content_type="text/csv")
        with django_capture_on_commit_callbacks(execute=True):
            response = staff_client.post(
                reverse("admin:newsletters_subscriber_import"), {"file": file, **fields}
            )
        assert response.status_code == 302
        tasks.run()
        return staff_client.get(response["Location"])

    return upload


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


def test_staff_import_through_the_admin(upload):
    newsletter = NewsletterFactory()

    response = upload(MAILCHIMP, newsletter=newsletter.pk, lawful_basis="soft_opt_in")

    assert response.status_code == 200
    assert "3 added, 0 updated, 2 rejected" in response.content.decode()
    assert Subscriber.objects.get(email="known@example.org").lawful_basis == "soft_opt_in"


HEADER = b"Email Address,First Name,Last Name,Company,CONFIRM_TIME,CONFIRM_IP\n"


def import_rows(*rows: bytes, header: bytes = HEADER, dry_run: bool = False):
    return import_subscribers(
        data=header + b"".join(rows),
        newsletter=NewsletterFactory(),
        basis="consent",
        dry_run=dry_run,
    )


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (b"a@example.org,Ann,,,2020-02-30 10:00:00,\n", "is not a date and time"),
        (b"a@example.org,Ann,,,yesterday,\n", "is not a date and time"),
        (b"a@example.org,Ann,,,,not-an-ip\n", "is not an IP address"),
        (b"a@example.org," + b"A" * 151 + b",,,,\n", "Name is longer than 150 characters"),
        (b'a@example.org,Ann,,"' + b"C" * 201 + b'",,\n', "Organisation is longer than 200"),
        (b"a" * 250 + b"@example.org,Ann,,,,\n", "Email address is too long"),
        (b'a@example.org,"' + b"x" * 131_073 + b'",,,,\n', "cannot be read as CSV"),
        (b'a@example.org,"Ann\nBcc: x@example.com",,,,\n', "Name: Give the name on one line"),
        ("a@example.org,Ann,,\u202eTASP,,\n".encode(), "Organisation: Remove the invisible"),
    ],
)
@pytest.mark.parametrize("dry_run", [True, False])
def test_a_row_the_model_cannot_hold_is_rejected_with_its_reason(row, reason, dry_run):
    report = import_rows(row, b"fine@example.org,Fine,,,,\n", dry_run=dry_run)

    ((line, _, why),) = report.rejected
    assert line == 2 and reason in why
    assert report.added == ["fine@example.org"]  # the rest of the file still imports
    assert not Subscriber.objects.exclude(email="fine@example.org").exists()


def test_a_bad_row_is_reported_not_a_500_in_the_admin(upload):
    response = upload(
        HEADER + b"a@example.org,Ann,,,2020-02-30 10:00:00,not-an-ip\n",
        newsletter=NewsletterFactory().pk,
        lawful_basis="consent",
    )

    assert response.status_code == 200
    assert "0 added, 0 updated, 1 rejected" in response.content.decode()


@pytest.mark.parametrize(
    ("header", "row", "reason"),
    [
        (
            b"Email Address,First Name,UNSUB_TIME,UNSUB_CAMPAIGN_TITLE\n",
            b"left@example.org,Lee,2021-03-01 09:00:00,Spring\n",
            "unsubscribed (UNSUB_TIME is set)",
        ),
        (
            b"Email Address,First Name,CLEAN_TIME,CLEAN_CAMPAIGN_TITLE\n",
            b"left@example.org,Lee,2021-03-01 09:00:00,Spring\n",
            "cleaned (bounced) (CLEAN_TIME is set)",
        ),
        (b"Email Address,Name,Status\n", b"left@example.org,Lee,unsubscribed\n", "“unsubscribed”"),
        (b"Email Address,Name,Status\n", b"left@example.org,Lee,Cleaned\n", "“cleaned”"),
    ],
)
def test_contacts_who_left_the_previous_list_are_not_imported(header, row, reason):
    report = import_rows(row, b"stays@example.org,Sam,,\n", header=header)

    assert report.added == ["stays@example.org"]
    ((line, email, why),) = report.rejected
    assert (line, email) == (2, "left@example.org") and reason in why
    assert not Subscriber.objects.filter(email="left@example.org").exists()


def test_an_import_never_brings_back_someone_who_left_the_list():
    newsletter = NewsletterFactory()
    other = NewsletterFactory(name="Vacancy alerts", slug="vacancy-alerts")
    left = SubscriberFactory(email="left@example.org")
    Subscription.objects.create(
        subscriber=left, newsletter=newsletter, unsubscribed_at="2025-06-01T09:00Z"
    )
    Subscription.objects.create(subscriber=left, newsletter=other)
    for status in ("unsubscribed", "bounced", "complained"):
        SubscriberFactory(email=f"{status}@example.org", status=status)

    report = import_subscribers(
        data=b"Email Address\nleft@example.org\nunsubscribed@example.org\n"
        b"bounced@example.org\ncomplained@example.org\n",
        newsletter=newsletter,
        basis="consent",
        dry_run=False,
    )

    assert report.added == [] and report.updated == []
    assert [reason.split(" ", 1)[0] for _, _, reason in report.rejected] == [
        "Left",
        "Previously",
        "Previously",
        "Previously",
    ]
    assert "Left TASP Newsletter on 1 June 2025" in report.rejected[0][2]
    assert Subscription.objects.get(subscriber=left, newsletter=newsletter).unsubscribed_at
    assert set(Subscriber.objects.values_list("status", flat=True)) == {
        "active",
        "unsubscribed",
        "bounced",
        "complained",
    }
