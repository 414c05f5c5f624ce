import hashlib
import hmac
import json
import time
from urllib.parse import urlsplit

import pytest
import stripe
from django.urls import reverse

from membership import services
from membership.models import Invoice, Membership, Payment, StripeEvent
from tests.membership.factories import MembershipFactory, representatives

pytestmark = pytest.mark.django_db

SECRET = "whsec_test_membership"


@pytest.fixture
def stripe_settings(settings):
    settings.STRIPE_SECRET_KEY = "sk_test_membership"
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    return settings


@pytest.fixture
def invoice(business_manager):
    membership = MembershipFactory(renewal_due=True, managed_by=business_manager)
    return services.submit_renewal(
        membership=membership,
        representatives=representatives(5),
        po_number="",
        user=business_manager,
    )


def signed(payload: bytes, *, secret: str = SECRET, timestamp: int | None = None) -> str:
    """A Stripe-Signature header made the way Stripe makes it (HMAC-SHA256 of "t.payload")."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    signature = hmac.new(
        secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256
    ).hexdigest()
    return f"t={timestamp},v1={signature}"


def event(invoice, *, event_id="evt_1", type="checkout.session.completed", paid=True):
    return json.dumps(
        {
            "id": event_id,
            "object": "event",
            "type": type,
            "data": {
                "object": {
                    "id": "cs_test_abc",
                    "object": "checkout.session",
                    "payment_status": "paid" if paid else "unpaid",
                    "client_reference_id": str(invoice.pk),
                    "amount_total": int(invoice.total * 100),
                }
            },
        }
    ).encode()


def post(client, payload, signature):
    return client.post(
        reverse("membership:stripe-webhook"),
        payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signature,
    )


def test_our_signatures_match_stripes_own_verifier():
    payload = b'{"id": "evt_x"}'
    header = signed(payload)

    assert stripe.WebhookSignature.verify_header(payload.decode(), header, SECRET, tolerance=300)


def test_a_signed_completed_checkout_marks_the_invoice_paid_once(client, stripe_settings, invoice):
    payload = event(invoice)

    first = post(client, payload, signed(payload))
    second = post(client, payload, signed(payload))  # Stripe retries the same event

    invoice.refresh_from_db()
    assert first.status_code == second.status_code == 200
    assert (first.json()["status"], second.json()["status"]) == ("fulfilled", "duplicate")
    assert invoice.status == Invoice.Status.PAID
    assert Payment.objects.get().method == Payment.Method.CARD
    assert Membership.objects.get().status == Membership.Status.ACTIVE
    assert StripeEvent.objects.count() == 1


def test_a_second_event_for_the_same_session_does_not_pay_twice(client, stripe_settings, invoice):
    completed = event(invoice, event_id="evt_1")
    async_ok = event(invoice, event_id="evt_2", type="checkout.session.async_payment_succeeded")

    # Out of order: the async success arrives before the completion.
    post(client, async_ok, signed(async_ok))
    post(client, completed, signed(completed))

    assert Payment.objects.count() == 1
    assert StripeEvent.objects.count() == 2


@pytest.mark.parametrize(
    "header",
    [
        "",
        "t=1,v1=deadbeef",
        "garbage",
        "wrong-secret",
        "too-old",
    ],
)
def test_bad_signatures_are_refused_and_change_nothing(client, stripe_settings, invoice, header):
    payload = event(invoice)
    if header == "wrong-secret":
        header = signed(payload, secret="whsec_other")
    elif header == "too-old":
        header = signed(payload, timestamp=int(time.time()) - 3600)

    response = post(client, payload, header)

    assert response.status_code == 400
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.ISSUED
    assert not StripeEvent.objects.exists()


def test_a_tampered_body_is_refused(client, stripe_settings, invoice):
    payload = event(invoice)
    header = signed(payload)

    response = post(client, payload.replace(b'"paid"', b'"PAID"'), header)

    assert response.status_code == 400
    assert not Payment.objects.exists()


def test_an_unpaid_session_records_the_event_but_no_payment(client, stripe_settings, invoice):
    payload = event(invoice, paid=False)

    assert post(client, payload, signed(payload)).status_code == 200
    assert not Payment.objects.exists()


def test_without_a_webhook_secret_the_endpoint_is_off(client, settings, invoice):
    settings.STRIPE_WEBHOOK_SECRET = ""
    payload = event(invoice)

    assert post(client, payload, signed(payload)).status_code == 404


def test_the_success_page_fulfils_if_the_webhook_is_late(
    client, stripe_settings, invoice, monkeypatch
):
    session = json.loads(event(invoice))["data"]["object"]
    monkeypatch.setattr(services, "retrieve_checkout_session", lambda session_id: dict(session))

    response = client.get(reverse("membership:pay-success"), {"session_id": "cs_test_abc"})
    again = client.get(reverse("membership:pay-success"), {"session_id": "cs_test_abc"})
    payload = event(invoice)
    late = post(client, payload, signed(payload))

    assert response.status_code == again.status_code == 200
    assert "has been received" in response.content.decode()
    assert late.json()["status"] == "fulfilled"
    assert Payment.objects.count() == 1


def test_the_pay_link_needs_a_valid_token(client, stripe_settings, invoice):
    link = services.invoice_payment_link(invoice)

    assert client.get(urlsplit(link).path).status_code == 200
    assert client.get(reverse("membership:invoice-pay", args=["forged"])).status_code == 404


def test_paying_by_card_from_the_emailed_link_end_to_end(client, fake_stripe, invoice):
    link = services.invoice_payment_link(invoice)

    response = client.post(urlsplit(link).path)

    assert response.status_code == 302
    assert response.url.startswith("https://checkout.stripe.test/pay/cs_test_1")
    method, path, form, auth = fake_stripe.requests[0]
    assert (method, path, auth) == ("POST", "/v1/checkout/sessions", "Bearer sk_test_fake")
    assert form["line_items[0][price_data][unit_amount]"] == ["150000"]
    assert form["client_reference_id"] == [str(invoice.pk)]

    # The payer comes back before the webhook: the success page asks Stripe and fulfils.
    fake_stripe.sessions["cs_test_1"]["payment_status"] = "paid"
    page = client.get(reverse("membership:pay-success"), {"session_id": "cs_test_1"})
    assert "has been received" in page.content.decode()
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID

    # Then the webhook arrives: recorded, but nothing is paid twice.
    payload = json.dumps(
        {
            "id": "evt_late",
            "object": "event",
            "type": "checkout.session.completed",
            "data": {"object": fake_stripe.sessions["cs_test_1"]},
        }
    ).encode()
    assert post(client, payload, signed(payload)).json()["status"] == "fulfilled"
    assert Payment.objects.count() == 1
    assert Membership.objects.get().status == Membership.Status.ACTIVE


def test_an_unknown_session_on_the_success_page_is_a_404(client, fake_stripe):
    response = client.get(reverse("membership:pay-success"), {"session_id": "cs_test_nope"})

    assert response.status_code == 404


def test_a_card_payment_on_a_void_invoice_is_kept_for_staff_and_stripe_gets_a_200(
    client, stripe_settings, invoice, sent_mail
):
    stripe_settings.STAFF_NOTIFICATION_EMAILS = ["office@tasp.example.org"]
    services.void_invoice(invoice=invoice, reason="Wrong purchase order")
    completed = event(invoice, event_id="evt_1")
    async_ok = event(invoice, event_id="evt_2", type="checkout.session.async_payment_succeeded")

    with sent_mail() as outbox:
        first = post(client, completed, signed(completed))
        second = post(client, async_ok, signed(async_ok))  # same session, another event

    assert first.status_code == second.status_code == 200
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.VOID
    payment = Payment.objects.get()
    assert (payment.invoice, payment.amount, payment.reference) == (
        invoice,
        invoice.total,
        "cs_test_abc",
    )
    assert "Refund" in payment.note
    assert Membership.objects.get().status == Membership.Status.RENEWAL_DUE
    [message] = outbox
    assert message.to == ["office@tasp.example.org"]
    assert invoice.number in message.subject and "£1,500.00" in message.subject
    assert "cs_test_abc" in message.body and "Wrong purchase order" in message.body
