"""The membership emails go through a real Celery worker on Redis to a real SMTP server."""

from io import BytesIO

import pytest
from pypdf import PdfReader

from membership import renewals, services
from tests.membership.factories import MembershipFactory, representatives
from tests.tasks import wait_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def wait_for_matching(smtp_server, worker, predicate, timeout: float = 20.0) -> list:
    """The received messages that match, once the worker has done all it was given (so a
    duplicate, were there one, has arrived too)."""
    wait_until(lambda: any(predicate(m) for m in smtp_server.messages), timeout)
    worker.wait_until_idle()
    return [m for m in smtp_server.messages if predicate(m)]


def test_a_confirmed_renewal_emails_the_invoice_pdf_through_the_worker(
    business_manager, smtp_server, celery_worker, this_years_fees
):
    membership = MembershipFactory(renewal_due=True, managed_by=business_manager)

    invoice = services.submit_renewal(
        membership=membership,
        representatives=representatives(11),
        po_number="PO-INT",
        user=business_manager,
    )

    [received] = wait_for_matching(
        smtp_server, celery_worker, lambda m: membership.organisation.billing_email in m["to"]
    )
    message = received["message"]
    assert set(received["to"]) == {"manager@example.org", membership.organisation.billing_email}
    assert message["Subject"] == f"TASP invoice {invoice.number}"
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == f"{invoice.number}.pdf"
    text = PdfReader(BytesIO(attachment.get_content())).pages[0].extract_text()
    assert "£3,375.00" in text and "PO-INT" in text


def test_the_renewal_invitation_reaches_business_managers_with_a_login_link(
    business_manager, smtp_server, celery_worker
):
    membership = MembershipFactory(renewal_due=True, managed_by=business_manager, reps=4)

    renewals.send_renewal_email(membership=membership)

    smtp_server.wait_for(1)
    [received] = [
        m
        for m in smtp_server.messages
        if m["message"]["Subject"].startswith("Renew ")
        and membership.organisation.name in m["message"]["Subject"]
    ]
    assert received["to"] == ["manager@example.org"]
    assert (
        "/accounts/magic-link/login/?token="
        in received["message"].get_body(("plain",)).get_content()
    )
