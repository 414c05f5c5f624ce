"""Renewing online: the renewal form, saved as a draft the business manager can come back to,
then a page to check the answers (with the fee and the invoice's dates) before confirming."""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from billing import cards
from billing import services as billing
from billing.models import CENT

from . import services
from .fees import FeeError
from .forms import OrganisationDetailsForm, RenewalForm, representative_formset
from .models import Membership, RenewalDraft, Representative
from .views import initial_representatives, posted_representatives

SAVED_MESSAGE = (
    "Your renewal is saved, not confirmed: nothing is invoiced until you confirm it. Come back "
    "to it from your account page or the link in your renewal email, for example when you have "
    "the purchase order number."
)


def _renewal_for(user) -> Membership:
    """The renewal this business manager may act on; anyone else's is a 404."""
    membership = (
        Membership.objects.managed_by(user)
        .open_for_renewal()
        .select_related("organisation", "year")
        .order_by("year__starts_on")
        .first()
    )
    if membership is None:
        raise Http404("No renewal is waiting for you.")
    return membership


def _renewed_for(user) -> Membership | None:
    """A renewal this business manager has already confirmed, when none is left to make."""
    if Membership.objects.managed_by(user).open_for_renewal().exists():
        return None
    return (
        Membership.objects.managed_by(user)
        .filter(
            status__in=[Membership.Status.INVOICED, Membership.Status.ACTIVE],
            year__starts_on__gt=timezone.localdate() - timedelta(days=366),
            accepted_by__isnull=False,
        )
        .select_related("organisation", "year", "invoice")
        .order_by("-year__starts_on")
        .first()
    )


def _already_renewed(request):
    """The emailed renewal link (or a second click on Confirm) after renewing: to the account
    page, saying what was done; None while a renewal is still open."""
    renewed = _renewed_for(request.user)
    if renewed is None:
        return None
    invoice = f": invoice {renewed.invoice.number}" if renewed.invoice else ""
    messages.info(
        request, f"{renewed.organisation.name}'s renewal for {renewed.year} is confirmed{invoice}."
    )
    return redirect("membership:account")


@login_required
@require_http_methods(["GET", "POST"])
def renew(request):
    if request.method == "GET" and (done := _already_renewed(request)) is not None:
        return done
    membership = _renewal_for(request.user)
    draft = RenewalDraft.objects.filter(membership=membership).first()
    data = request.POST or None
    details = OrganisationDetailsForm(
        data,
        instance=membership.organisation,
        prefix="org",
        initial=draft.organisation_details if draft else None,
    )
    formset = representative_formset(
        data, initial=draft.representatives if draft else initial_representatives(membership)
    )
    form = RenewalForm(data, initial={"po_number": (draft or membership).po_number})
    representatives, count = posted_representatives(request, membership, formset, details, form)
    if representatives is not None and "recalculate" in request.POST:
        # Without JavaScript: show the new fee and a fresh spare row, save nothing.
        details = OrganisationDetailsForm(
            initial=details.cleaned_data, instance=membership.organisation, prefix="org"
        )
        formset = representative_formset(initial=[asdict(r) for r in representatives])
        form = RenewalForm(initial=form.cleaned_data)
    elif representatives is not None:
        try:
            services.save_renewal_draft(
                membership=membership,
                representatives=representatives,
                po_number=form.cleaned_data["po_number"],
                user=request.user,
                organisation_details=details.cleaned_data,
            )
        except services.MembershipError as error:
            form.add_error(None, str(error))
        else:
            if "save" in request.POST:
                messages.success(request, SAVED_MESSAGE)
                return redirect("membership:account")
            return redirect("membership:renew-check")
    try:
        quote = membership.quote(count) if count else None
    except FeeError:
        quote = None
    context = {
        "membership": membership,
        "draft": draft,
        "details": details,
        "formset": formset,
        "form": form,
        "quote": quote,
        "schedule": membership.fee_schedule(),
    }
    return render(request, "membership/renew.html", context)


def _with_vat(fee: Decimal) -> tuple[Decimal, Decimal]:
    """(the VAT rate membership fees carry, the fee with it), as the invoice will add it."""
    rate = billing.vat_rate(settings.MEMBERSHIP_VAT_TREATMENT)
    return rate, fee + (fee * rate / 100).quantize(CENT)


@login_required
@require_http_methods(["GET", "POST"])
def renew_check(request):
    """Check your answers: what the renewal will say and cost, and when the invoice is dated
    and due; confirming is the one step that invoices."""
    if (done := _already_renewed(request)) is not None:
        return done
    membership = _renewal_for(request.user)
    draft = RenewalDraft.objects.filter(membership=membership).first()
    if draft is None:
        return redirect("membership:renew")
    representatives = [services.RepresentativeData(**r) for r in draft.representatives]
    organisation = membership.organisation
    if request.method == "POST":
        try:
            invoice = services.submit_renewal(
                membership=membership,
                representatives=representatives,
                po_number=draft.po_number,
                user=request.user,
                organisation_details=draft.changed_details(organisation),
            )
        except services.MembershipError as error:
            messages.error(request, str(error))
            return redirect("membership:renew")
        messages.success(
            request,
            f"Thank you: your renewal is confirmed and invoice {invoice.number} "
            "has been emailed to you.",
        )
        return redirect("membership:account")
    try:
        fee = (
            membership.negotiated_fee
            if membership.negotiated_fee is not None
            else membership.quote(len(representatives)).total
        )
    except FeeError as error:
        messages.error(request, str(error))
        return redirect("membership:renew")
    vat_rate, total = _with_vat(fee)
    issued_on = membership.year.renewal_invoice_date(timezone.localdate())
    context = {
        "membership": membership,
        "draft": draft,
        "organisation": {
            name: draft.organisation_details.get(name, getattr(organisation, name))
            for name in OrganisationDetailsForm.Meta.fields
        },
        "representatives": [
            (person, Representative.Role(person.role).label) for person in representatives
        ],
        "fee": fee,
        "vat_rate": vat_rate,
        "total": total,
        "issued_on": issued_on,
        "due_on": billing.due_on_for(issued_on),
        "card_payment": cards.stripe_enabled(),
    }
    return render(request, "membership/renew_check.html", context)
