"""Item 1: the ESP's tracking webhooks exist only when authenticated by a secret."""

import base64
import importlib
import json

import pytest
from django.core.checks.registry import registry
from django.urls import clear_url_caches

from newsletters.models import Subscriber
from tests.newsletters.factories import SubscriberFactory

pytestmark = pytest.mark.django_db

SECRET = "tracker:a-long-random-webhook-password"


def postmark_complaint(email: str) -> str:
    return json.dumps(
        {
            "RecordType": "SpamComplaint",
            "Email": email,
            "BouncedAt": "2026-12-01T10:00:00Z",
            "MessageID": "00000000-0000-0000-0000-000000000000",
            "Type": "SpamComplaint",
            "TypeCode": 512,
        }
    )


@pytest.fixture
def urls_with(settings):
    """Rebuild the URLconf after changing ANYMAIL, as a restart would."""

    def rebuild(anymail: dict) -> None:
        settings.ANYMAIL = anymail
        clear_url_caches()
        importlib.reload(importlib.import_module(settings.ROOT_URLCONF))

    yield rebuild
    settings.ANYMAIL = {}
    clear_url_caches()
    importlib.reload(importlib.import_module(settings.ROOT_URLCONF))


def test_without_a_secret_an_unauthenticated_complaint_suppresses_nobody(client, urls_with):
    urls_with({})
    reader = SubscriberFactory(email="reader@example.org")

    response = client.post(
        "/anymail/postmark/tracking/", postmark_complaint(reader.email), "application/json"
    )

    assert response.status_code == 404
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.ACTIVE


def test_with_a_secret_only_an_authenticated_complaint_counts(client, urls_with):
    urls_with({"WEBHOOK_SECRET": SECRET})
    reader = SubscriberFactory(email="reader@example.org")
    body = postmark_complaint(reader.email)

    forged = client.post("/anymail/postmark/tracking/", body, "application/json")
    reader.refresh_from_db()
    assert forged.status_code in (400, 401, 403) and reader.status == Subscriber.Status.ACTIVE

    credentials = base64.b64encode(SECRET.encode()).decode()
    real = client.post(
        "/anymail/postmark/tracking/",
        body,
        "application/json",
        HTTP_AUTHORIZATION=f"Basic {credentials}",
    )
    assert real.status_code == 200
    reader.refresh_from_db()
    assert reader.status != Subscriber.Status.ACTIVE


def test_check_deploy_warns_of_an_esp_without_a_webhook_secret(settings):
    from tasp.checks import esp_webhook_secret

    settings.EMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
    settings.ANYMAIL = {"POSTMARK_SERVER_TOKEN": "token"}
    assert [warning.id for warning in esp_webhook_secret(None)] == ["tasp.W001"]

    settings.ANYMAIL = {"POSTMARK_SERVER_TOKEN": "token", "WEBHOOK_SECRET": SECRET}
    assert esp_webhook_secret(None) == []
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.ANYMAIL = {}
    assert esp_webhook_secret(None) == []
    assert esp_webhook_secret in registry.get_checks(include_deployment_checks=True)
    assert esp_webhook_secret not in registry.get_checks()  # a deploy check only
