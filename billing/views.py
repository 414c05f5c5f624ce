"""Paying by card: the emailed pay link, Stripe's return page and its webhook."""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from . import cards
from .models import Invoice

logger = logging.getLogger(__name__)


@cache_control(private=True, no_store=True)  # the signed token in the address names the invoice
@require_http_methods(["GET", "POST"])
def invoice_pay(request, token):
    """Pay by card from the emailed link: no login, the signed token names the invoice."""
    invoice = cards.invoice_for_payment_token(token)
    if invoice is None or not cards.stripe_enabled():
        raise Http404("This payment link is not valid.")
    if request.method == "POST" and invoice.status == Invoice.Status.ISSUED:
        success = request.build_absolute_uri(reverse("billing:pay-success"))
        url = cards.create_checkout_session(
            invoice=invoice,
            success_url=success + "?session_id={CHECKOUT_SESSION_ID}",
            cancel_url=request.build_absolute_uri(request.path),
        )
        return redirect(url)
    return render(request, "billing/invoice_pay.html", {"invoice": invoice})


@cache_control(private=True, no_store=True)  # the payment's session id is in the address
@require_safe
def pay_success(request):
    """Stripe sends the payer here; fulfil now in case the webhook is late (idempotent)."""
    session_id = request.GET.get("session_id", "")
    if not cards.stripe_enabled() or not session_id.startswith("cs_"):
        raise Http404("Unknown payment.")
    try:
        session = cards.retrieve_checkout_session(session_id)
    except Exception as error:  # Stripe's error classes vary by version; a 404 is the answer
        logger.warning("Could not retrieve checkout session %s: %s", session_id, error)
        raise Http404("Unknown payment.") from error
    data = session.to_dict() if hasattr(session, "to_dict") else dict(session)
    invoice = cards.fulfil_checkout_session(session=data)
    return render(request, "billing/pay_success.html", {"invoice": invoice})


@csrf_exempt  # Stripe cannot send a CSRF token; the signature on the raw body authenticates it
@require_POST
def stripe_webhook(request):
    if not settings.STRIPE_WEBHOOK_SECRET:
        raise Http404("Card payments are not configured.")
    try:
        outcome = cards.handle_stripe_webhook(
            payload=request.body, signature=request.headers.get("Stripe-Signature", "")
        )
    except cards.WebhookRefused as refusal:
        return HttpResponseBadRequest(str(refusal), content_type="text/plain; charset=utf-8")
    # We need a 2xx response otherwise Stripe will keep trying.
    return JsonResponse({"status": outcome})
