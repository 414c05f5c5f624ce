"""Card payments through Stripe Checkout: a session for what an invoice owes, fulfilment from
the signed webhook or the success page (once per session), and pay-by-card links."""

from __future__ import annotations

import logging
from decimal import Decimal
from enum import StrEnum

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from tasp.mail import send_templated_email

from .models import CENT, Invoice, Payment, StripeEvent
from .services import BillingError, record_payment

logger = logging.getLogger(__name__)


def stripe_enabled() -> bool:
    return bool(settings.STRIPE_SECRET_KEY)


def create_checkout_session(*, invoice: Invoice, success_url: str, cancel_url: str) -> str:
    """A Stripe Checkout page for the invoice's outstanding amount; returns its URL."""
    import stripe

    outstanding = invoice.balance
    if invoice.status != Invoice.Status.ISSUED or outstanding <= 0:
        raise BillingError(f"{invoice.number} is not awaiting payment.")
    session = stripe.checkout.Session.create(
        api_key=settings.STRIPE_SECRET_KEY,
        mode="payment",
        client_reference_id=str(invoice.pk),
        metadata={"invoice_number": invoice.number},
        customer_email=invoice.bill_to_email or None,
        line_items=[
            {
                "quantity": 1,
                "price_data": {
                    "currency": "gbp",
                    "unit_amount": int(outstanding * 100),
                    "product_data": {"name": f"Invoice {invoice.number}"},
                },
            }
        ],
        success_url=success_url,
        cancel_url=cancel_url,
    )
    return session["url"]


def retrieve_checkout_session(session_id: str) -> dict:
    import stripe

    return stripe.checkout.Session.retrieve(session_id, api_key=settings.STRIPE_SECRET_KEY)


def fulfil_checkout_session(*, session) -> Invoice | None:
    """Record a completed Checkout payment once, however often Stripe or the success page asks."""
    if session.get("payment_status") != "paid":
        return None
    invoice = _invoice_named_by(session.get("client_reference_id"))
    if invoice is None:
        logger.warning("Checkout session %s names no invoice", session.get("id"))
        return None
    amount = (Decimal(session["amount_total"]) / 100).quantize(CENT)
    try:
        record_payment(
            invoice=invoice, amount=amount, method=Payment.Method.CARD, reference=session["id"]
        )
    except BillingError as error:
        # Stripe has taken the money but the invoice can't take it (voided while the payer was
        # at Checkout). Raising would only make Stripe retry for days; instead the money goes
        # on the books against the invoice the payer paid, with its Stripe reference and a note,
        # so the accounts reconcile with Stripe, and staff are told to refund it or apply it to
        # the replacement invoice. The invoice stays void and no membership becomes active.
        _hold_card_payment(invoice=invoice, amount=amount, session=session, problem=str(error))
    invoice.refresh_from_db()
    return invoice


@transaction.atomic
def _hold_card_payment(*, invoice: Invoice, amount: Decimal, session, problem: str) -> None:
    """Record a card payment the invoice could not take, once, and email staff about it."""
    if amount <= 0:
        logger.warning("Checkout session %s paid nothing on %s", session["id"], invoice.number)
        return
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    payment, created = Payment.objects.get_or_create(
        invoice=invoice,
        method=Payment.Method.CARD,
        reference=session["id"],
        defaults={
            "amount": amount,
            "received_on": timezone.localdate(),
            "note": f"Not applied: {problem} Refund it or move it to the replacement invoice.",
        },
    )
    if not created:
        return
    logger.error("Card payment %s held on %s: %s", session["id"], invoice.number, problem)
    send_templated_email(
        "billing/card_payment_held",
        to=settings.STAFF_NOTIFICATION_EMAILS,
        context={"invoice": invoice, "payment": payment, "problem": problem},
    )


def _invoice_named_by(reference) -> Invoice | None:
    """The invoice a Checkout session's client_reference_id names (we set it to the invoice's
    pk); None for a session that is not one of ours, whatever its reference holds."""
    if not (isinstance(reference, str) and reference.isascii() and reference.isdigit()):
        return None
    return Invoice.objects.filter(pk=reference).first()


FULFILLING_EVENTS = {"checkout.session.completed", "checkout.session.async_payment_succeeded"}
# Stripe's default: a delivery signed more than five minutes from now, either way, is refused,
# so one captured on the way cannot be replayed later. stripe's own check looks only back.
STRIPE_WEBHOOK_TOLERANCE = 300


class WebhookRefused(Exception):
    """A webhook delivery we cannot use; the message, answered with a 400, says why."""


class WebhookOutcome(StrEnum):
    """What a webhook delivery we could use did, as the answer to Stripe says."""

    FULFILLED = "fulfilled"  # an invoice was paid
    DUPLICATE = "duplicate"  # this event was handled before
    IGNORED = "ignored"  # nothing for us to do


def handle_stripe_webhook(*, payload: bytes, signature: str) -> WebhookOutcome:
    """Verify the signature on the raw body, then handle each event id once: the id is stored in
    the same transaction as the payment, so a duplicate or replayed delivery does nothing.
    Raises ``WebhookRefused``, changing nothing, for a delivery it cannot use."""
    event = _verified_event(payload=payload, signature=signature)
    session = _checkout_session(event) if event["type"] in FULFILLING_EVENTS else None
    with transaction.atomic():
        try:
            with transaction.atomic():
                StripeEvent.objects.create(event_id=event["id"], type=event["type"])
        except IntegrityError:
            return WebhookOutcome.DUPLICATE
        if session is not None:
            # Events may arrive out of order; fulfilment keys on the session id, so a late
            # "completed" after "async_payment_succeeded" finds the payment already recorded.
            invoice = fulfil_checkout_session(session=session)
            return WebhookOutcome.FULFILLED if invoice else WebhookOutcome.IGNORED
    return WebhookOutcome.IGNORED


def _verified_event(*, payload: bytes, signature: str) -> dict:
    """The event a delivery signed with our webhook secret within the tolerance carries."""
    import json

    import stripe

    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError:
        raise WebhookRefused("Malformed event: the body is not UTF-8 text.") from None
    try:
        # No tolerance here: the timestamp is checked below, into the future as well.
        stripe.WebhookSignature.verify_header(text, signature, settings.STRIPE_WEBHOOK_SECRET)
    except stripe.SignatureVerificationError:
        raise WebhookRefused("Invalid signature.") from None
    if abs(timezone.now().timestamp() - _signed_at(signature)) > STRIPE_WEBHOOK_TOLERANCE:
        raise WebhookRefused(
            f"Event timestamp outside the tolerance ({STRIPE_WEBHOOK_TOLERANCE} seconds)."
        )
    try:
        event = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: nesting too deep to parse
        raise WebhookRefused("Malformed event: the body is not JSON.") from None
    if not isinstance(event, dict):
        raise WebhookRefused("Malformed event: the body is not a JSON object.")
    _event_text(event, "id", StripeEvent._meta.get_field("event_id").max_length)
    _event_text(event, "type", StripeEvent._meta.get_field("type").max_length)
    return event


def _signed_at(header: str) -> int:
    """The t= of a Stripe-Signature header that verified, read the way stripe reads it."""
    items = [item.split("=", 2) for item in header.split(",")]
    return int(next(item[1] for item in items if item[0] == "t"))


def _event_text(data: dict, key: str, max_length: int, *, path: str = "") -> str:
    path = f"{path}{key}"
    value = data.get(key)
    if not isinstance(value, str) or not value:
        raise WebhookRefused(f"Malformed event: missing {path}.")
    if len(value) > max_length:
        raise WebhookRefused(f"Malformed event: {path} is longer than {max_length} characters.")
    return value


def _checkout_session(event: dict) -> dict:
    """The Checkout session a fulfilling event carries, with every field fulfilment reads checked."""
    data = event.get("data")
    session = data.get("object") if isinstance(data, dict) else None
    if not isinstance(session, dict):
        raise WebhookRefused("Malformed event: missing data.object.")
    reference_length = Payment._meta.get_field("reference").max_length
    _event_text(session, "id", reference_length, path="data.object.")
    reference = session.get("client_reference_id")
    if reference is not None and not isinstance(reference, str):
        raise WebhookRefused("Malformed event: data.object.client_reference_id is not text.")
    if session.get("payment_status") == "paid":
        if "amount_total" not in session:
            raise WebhookRefused("Malformed event: missing data.object.amount_total.")
        amount = session["amount_total"]
        if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
            raise WebhookRefused(
                "Malformed event: data.object.amount_total is not a whole number of pence."
            )
        most = 10 ** Payment._meta.get_field("amount").max_digits - 1  # in pence
        if amount > most:
            raise WebhookRefused("Malformed event: data.object.amount_total is too large.")
    return session


def invoice_payment_token(invoice: Invoice) -> str:
    from django.core import signing

    return signing.dumps(invoice.number, salt="membership.invoice-pay")


def invoice_for_payment_token(token: str) -> Invoice | None:
    """The invoice a pay-by-card link names; links last as long as the invoice is unpaid."""
    from django.core import signing

    try:
        number = signing.loads(token, salt="membership.invoice-pay")
    except signing.BadSignature:
        return None
    return Invoice.objects.filter(number=number).first()


def invoice_payment_link(invoice: Invoice) -> str:
    """A pay-by-card link that needs no login, or "" when card payments are off."""
    if not stripe_enabled() or invoice.status != Invoice.Status.ISSUED:
        return ""
    path = reverse("billing:invoice-pay", args=[invoice_payment_token(invoice)])
    return f"{settings.SITE_URL}{path}"
