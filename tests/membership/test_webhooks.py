import hashlib
import hmac
import json
import time
from urllib.parse import urlsplit

import pytest
import stripe
from django.urls import reverse

from billing import cards
from billing import services as billing
from billing.models import Invoice, Payment, StripeEvent
from membership import services
from membership.models import Membership
from tests.membership.factories import MembershipFactory, representatives

pytestmark = pytest.mark.django_db

SECRET = "whsec_test_membership"


@pytest.fixture
def stripe_settings(settings):
    settings.STRIPE_SECRET_KEY = "sk_test_membership"
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    return settings


@pytest.fixture
def invoice(business_manager, this_years_fees):
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
        reverse("billing:stripe-webhook"),
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
    monkeypatch.setattr(cards, "retrieve_checkout_session", lambda session_id: dict(session))

    response = client.get(reverse("billing:pay-success"), {"session_id": "cs_test_abc"})
    again = client.get(reverse("billing:pay-success"), {"session_id": "cs_test_abc"})
    payload = event(invoice)
    late = post(client, payload, signed(payload))

    assert response.status_code == again.status_code == 200
    assert "has been received" in response.content.decode()
    assert late.json()["status"] == "fulfilled"
    assert Payment.objects.count() == 1


def test_the_pay_link_needs_a_valid_token(client, stripe_settings, invoice):
    link = cards.invoice_payment_link(invoice)

    assert client.get(urlsplit(link).path).status_code == 200
    assert client.get(reverse("billing:invoice-pay", args=["forged"])).status_code == 404


def test_paying_by_card_from_the_emailed_link_end_to_end(client, fake_stripe, invoice):
    link = cards.invoice_payment_link(invoice)

    response = client.post(urlsplit(link).path)

    assert response.status_code == 302
    assert response.url.startswith("https://checkout.stripe.test/pay/cs_test_1")
    method, path, form, auth = fake_stripe.requests[0]
    assert (method, path, auth) == ("POST", "/v1/checkout/sessions", "Bearer sk_test_fake")
    assert form["line_items[0][price_data][unit_amount]"] == ["150000"]
    assert form["client_reference_id"] == [str(invoice.pk)]

    # The payer comes back before the webhook: the success page asks Stripe and fulfils.
    fake_stripe.sessions["cs_test_1"]["payment_status"] = "paid"
    page = client.get(reverse("billing:pay-success"), {"session_id": "cs_test_1"})
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
    response = client.get(reverse("billing:pay-success"), {"session_id": "cs_test_nope"})

    assert response.status_code == 404


def test_a_card_payment_on_a_void_invoice_is_kept_for_staff_and_stripe_gets_a_200(
    client, stripe_settings, invoice, sent_mail
):
    stripe_settings.STAFF_NOTIFICATION_EMAILS = ["office@tasp.example.org"]
    billing.void_invoice(invoice=invoice, reason="Wrong purchase order")
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


def malformed(invoice, case: str) -> bytes:
    body = json.loads(event(invoice))
    session = body["data"]["object"]
    if case == "list body":
        return json.dumps([body]).encode()
    if case == "not JSON":
        return b"{'id': 'evt_1'"
    if case == "not UTF-8":
        return b'{"id": "evt_\xff"}'
    if case == "missing id":
        del body["id"]
    elif case == "missing type":
        body["type"] = None
    elif case == "missing data.object":
        del body["data"]["object"]
    elif case == "data is a list":
        body["data"] = [session]
    elif case == "missing amount_total":
        del session["amount_total"]
    elif case == "amount_total abc":
        session["amount_total"] = "abc"
    elif case == "amount_total fraction":
        session["amount_total"] = 1500.5
    elif case == "amount_total huge":
        session["amount_total"] = 10**40
    elif case == "missing session id":
        session["id"] = ""
    elif case == "session id too long":
        session["id"] = "cs_" + "x" * 300
    elif case == "reference not text":
        session["client_reference_id"] = [invoice.pk]
    return json.dumps(body).encode()


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("list body", "Malformed event: the body is not a JSON object."),
        ("not JSON", "Malformed event: the body is not JSON."),
        ("not UTF-8", "Malformed event: the body is not UTF-8 text."),
        ("missing id", "Malformed event: missing id."),
        ("missing type", "Malformed event: missing type."),
        ("missing data.object", "Malformed event: missing data.object."),
        ("data is a list", "Malformed event: missing data.object."),
        ("missing amount_total", "Malformed event: missing data.object.amount_total."),
        ("amount_total abc", "Malformed event: data.object.amount_total is not a whole number"),
        ("amount_total fraction", "Malformed event: data.object.amount_total is not a whole"),
        ("amount_total huge", "Malformed event: data.object.amount_total is too large."),
        ("missing session id", "Malformed event: missing data.object.id."),
        ("session id too long", "Malformed event: data.object.id is longer than 200"),
        ("reference not text", "Malformed event: data.object.client_reference_id is not text."),
    ],
)
def test_a_signed_but_malformed_event_is_a_400_saying_what_is_wrong(
    client, stripe_settings, invoice, case, reason
):
    payload = malformed(invoice, case)

    response = post(client, payload, signed(payload))

    assert response.status_code == 400
    assert response.content.decode().startswith(reason)
    assert not StripeEvent.objects.exists() and not Payment.objects.exists()
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.ISSUED


@pytest.mark.parametrize("offset", [3600, -3600, 301, -301])
def test_an_event_signed_outside_the_tolerance_either_way_is_refused(
    client, stripe_settings, invoice, offset
):
    payload = event(invoice)

    response = post(client, payload, signed(payload, timestamp=int(time.time()) + offset))

    assert response.status_code == 400
    assert response.content.decode() == "Event timestamp outside the tolerance (300 seconds)."
    assert not StripeEvent.objects.exists() and not Payment.objects.exists()


@pytest.mark.parametrize("offset", [240, -240])
def test_an_event_signed_within_the_tolerance_either_way_is_accepted(
    client, stripe_settings, invoice, offset
):
    payload = event(invoice)

    response = post(client, payload, signed(payload, timestamp=int(time.time()) + offset))

    assert response.status_code == 200 and response.json()["status"] == "fulfilled"


@pytest.mark.parametrize("header", ["", "garbage", "t=1,v1=deadbeef", "wrong-secret"])
def test_a_bad_signature_is_answered_invalid_signature(client, stripe_settings, invoice, header):
    payload = event(invoice)
    if header == "wrong-secret":
        header = signed(payload, secret="whsec_other")

    response = post(client, payload, header)

    assert response.status_code == 400
    assert response.content.decode() == "Invalid signature."


@pytest.mark.parametrize("reference", ["INV-abc", "１２", "", None, str(10**40)])
def test_a_paid_session_naming_no_invoice_of_ours_is_acknowledged_and_pays_nothing(
    client, stripe_settings, invoice, reference
):
    body = json.loads(event(invoice))
    body["data"]["object"]["client_reference_id"] = reference
    payload = json.dumps(body).encode()

    response = post(client, payload, signed(payload))

    # Not ours (a payment link made in Stripe's dashboard, say): a 400 would only make Stripe
    # retry it for days.
    assert response.status_code == 200 and response.json()["status"] == "ignored"
    assert not Payment.objects.exists()
    assert StripeEvent.objects.count() == 1


def test_a_card_payment_on_an_invoice_already_paid_is_held_and_staff_are_told(
    client, stripe_settings, invoice, sent_mail
):
    stripe_settings.STAFF_NOTIFICATION_EMAILS = ["office@tasp.example.org"]
    billing.mark_paid(invoice=invoice, method=Payment.Method.BACS, reference="BACS-1")
    completed = event(invoice)

    with sent_mail() as outbox:
        response = post(client, completed, signed(completed))

    assert response.status_code == 200
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    card = Payment.objects.get(method=Payment.Method.CARD)
    assert (card.amount, card.reference) == (invoice.total, "cs_test_abc")
    assert "already paid" in card.note and "Refund" in card.note
    [message] = outbox  # staff only: no second receipt for the payer
    assert message.to == ["office@tasp.example.org"]
    assert f"already paid invoice {invoice.number}" in message.subject
    assert "second payment" in message.body
