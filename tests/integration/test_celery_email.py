"""A real worker on the real broker sends a real email to a real SMTP server."""

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_the_broker_is_redis_in_ci():
    # CI and `make test` point REDIS_URL at the machine's Redis; the embedded broker is for `make run`.
    assert settings.CELERY_BROKER_URL.startswith("redis://")


def test_a_login_code_request_is_mailed_by_a_worker(client, user, smtp_server, celery_worker):
    response = client.post(reverse("account_request_login_code"), {"email": "MANAGER@example.org"})

    assert response.status_code == 302
    messages = smtp_server.wait_for(1)
    assert len(messages) == 1
    received = messages[0]
    assert received["to"] == ["manager@example.org"]
    assert received["message"]["Subject"] == "TASP: Sign-In Code"
    text = received["message"].get_body(("plain",)).get_content()
    html = received["message"].get_body(("html",)).get_content()
    assert "Your code to log in is below" in text
    assert "/accounts/magic-link/login/?token=" in text  # and a link, beside the code
    assert settings.CHARITY["name"] in html


def test_a_task_queued_on_commit_is_not_sent_when_the_transaction_rolls_back(
    smtp_server, celery_worker
):
    from django.db import transaction

    from tasp.tasks import send_email_task

    with pytest.raises(RuntimeError), transaction.atomic():
        send_email_task.delay_on_commit(subject="Never", body="Rolled back", to=["a@example.org"])
        raise RuntimeError("roll back")
    send_email_task.delay(subject="Sent", body="Committed", to=["b@example.org"])

    messages = smtp_server.wait_for(1)
    assert [m["message"]["Subject"] for m in messages] == ["Sent"]
