from __future__ import annotations

import logging
from dataclasses import asdict

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_ratelimit.decorators import ratelimit

from accounts.access import acts_as_staff
from billing import cards
from billing.models import CreditNote, Invoice

from . import people, services
from .fees import FeeError
from .forms import (
    JoinForm,
    QuoteForm,
    RenewalForm,
    representative_formset,
)
from .models import Membership, MembershipChange, MembershipYear, Organisation

logger = logging.getLogger(__name__)


def _quote_context(request, schedule):
    """The quote part of the page: a bound form when ?representatives= is given."""
    if "representatives" not in request.GET:
        return {"quote_form": QuoteForm(), "quote": None}
    form = QuoteForm(request.GET)
    quote = None
    if form.is_valid() and schedule is not None:
        try:
            quote = schedule.quote(form.cleaned_data["representatives"])
        except FeeError as error:
            form.add_error("representatives", str(error))
    return {"quote_form": form, "quote": quote}


@require_safe
def index(request):
    year = MembershipYear.current()
    schedule = year.fee_schedule_for(Organisation.Kind.SINGLE_AREA)
    bands = list(schedule.bands.all()) if schedule else []
    context = {
        "year": year,
        "schedule": schedule,
        "bands": bands,
        "top_band": bands[-1] if bands else None,
        **_quote_context(request, schedule),
    }
    return render(request, "membership/index.html", context)


@require_safe
def quote(request):
    """JSON for the live fee on the quote form and the renewal page; same function as the page."""
    form = QuoteForm(request.GET)
    kind = request.GET.get("kind") or Organisation.Kind.SINGLE_AREA
    year_id = request.GET.get("year", "")
    # isascii(): str.isdigit() is also true for "²" and other non-ASCII digits int() refuses.
    is_number = year_id.isascii() and year_id.isdigit()
    year = MembershipYear.objects.filter(pk=year_id).first() if is_number else None
    schedule = (year or MembershipYear.current()).fee_schedule_for(kind)
    if not form.is_valid():
        return JsonResponse({"error": form.errors["representatives"][0]}, status=400)
    if schedule is None:
        return JsonResponse({"error": "No fee schedule is set for this year yet."}, status=404)
    try:
        result = schedule.quote(form.cleaned_data["representatives"])
    except FeeError as error:
        return JsonResponse({"error": str(error)}, status=400)
    return JsonResponse(result.as_dict())


# Applications per hour: from one address, and for one organisation name or billing email
# however it is spelt; over the limit the site's 429 page is shown and nothing is saved.
JOIN_RATE = "5/h"


def _normalised_field(name: str):
    def key(group, request) -> str:
        value = " ".join(request.POST.get(name, "").split()).casefold()
        # A blank field is a form error: it shares no counter with everyone else's blank.
        return f"{name}:{value}" if value else f"{name}:blank:{request.META.get('REMOTE_ADDR')}"

    return key


@ratelimit(key="ip", rate=JOIN_RATE, method="POST", block=True)
@ratelimit(key=_normalised_field("name"), rate=JOIN_RATE, method="POST", block=True)
@ratelimit(key=_normalised_field("billing_email"), rate=JOIN_RATE, method="POST", block=True)
@require_http_methods(["GET", "POST"])
def join(request):
    form = JoinForm(request.POST or None)
    formset = representative_formset(
        request.POST or None, spare=3
    )  # a new organisation names several
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            services.apply_to_join(
                organisation_details=form.details(),
                representatives=formset.representatives(),
                po_number=form.cleaned_data["po_number"],
            )
        except services.MembershipError as error:
            form.add_error(None, str(error))
        else:
            return redirect("membership:join-done")
    return render(request, "membership/join.html", {"form": form, "formset": formset})


@require_safe
def join_done(request):
    return render(request, "membership/join_done.html")


@cache_control(private=True, no_store=True)  # the signed token in the address names the person
@login_required
@require_http_methods(["GET", "POST"])
def confirm_representative(request, token):
    """From the emailed link: the owner of an existing account, logged in with the address it
    was sent to, confirms they represent the organisation; only then is their account linked."""
    person = people.person_for_confirmation(token, user=request.user)
    if person is None:
        return render(request, "membership/confirm_representative.html", status=404)
    if request.method == "POST":
        try:
            people.confirm_representative(person=person, user=request.user)
        except services.MembershipError:
            return render(request, "membership/confirm_representative.html", status=404)
        messages.success(request, f"Thank you: you now represent {person.organisation.name}.")
        return redirect("membership:account")
    return render(request, "membership/confirm_representative.html", {"person": person})


def initial_representatives(membership: Membership) -> list[dict]:
    return [
        {
            "name": r.person.name,
            "email": r.person.email,
            "job_title": r.person.job_title,
            "role": r.role,
        }
        for r in membership.representatives.select_related("person")
    ]


def _priced_representatives(membership: Membership, formset) -> list | None:
    """A valid formset's representatives when the year's schedule can price that many; None,
    with the reason on the formset, when it cannot."""
    representatives = formset.representatives()
    try:
        membership.quote(len(representatives))
    except FeeError as error:
        formset._non_form_errors.append(str(error))
        return None
    return representatives


def posted_representatives(request, membership, formset, *forms) -> tuple[list | None, int]:
    """The representatives a valid POST names, priced (None on GET or with errors, every form
    checked so each shows its own), and how many the page quotes for."""
    count = len(formset.initial or [])
    if request.method != "POST":
        return None, count
    if not all([formset.is_valid(), *[form.is_valid() for form in forms]]):
        return None, count
    representatives = _priced_representatives(membership, formset)
    return representatives, len(representatives) if representatives is not None else count


def _declinable_for(user, membership_id: str) -> Membership:
    """The renewal (due, submitted or invoiced and unpaid) this business manager may decline:
    the one the form names, else the earliest; anyone else's is a 404."""
    memberships = (
        Membership.objects.managed_by(user)
        .declinable()
        .select_related("organisation", "year")
        .order_by("year__starts_on")
    )
    if membership_id:
        if not (membership_id.isascii() and membership_id.isdigit()):
            raise Http404("No renewal is waiting for you.")
        memberships = memberships.filter(pk=membership_id)
    membership = memberships.first()
    if membership is None:
        raise Http404("No renewal is waiting for you.")
    return membership


@login_required
@require_POST
def decline(request):
    membership = _declinable_for(request.user, request.POST.get("membership", ""))
    back = "membership:renew" if membership.status == Membership.Status.RENEWAL_DUE else None
    if request.POST.get("confirm") != "yes":
        messages.error(request, "Tick the box to confirm that you will not renew.")
        return redirect(back or "membership:account")
    try:
        services.decline_renewal(membership=membership, user=request.user)
    except services.MembershipError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"We have noted that you will not renew for {membership.year}.")
    return redirect("membership:account")


@login_required
@require_safe
def account(request):
    organisations = list(
        Organisation.objects.of_user(request.user).prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related(
                    "year", "invoice", "renewal_draft"
                ).prefetch_related("representatives__person"),
            ),
            # Every invoice raised to the organisation, void ones too (a voided invoice is no
            # longer linked from its membership).
            Prefetch(
                "invoices",
                queryset=Invoice.objects.order_by("-issued_on", "-number").prefetch_related(
                    "credit_notes", "payments"
                ),
            ),
        )
    )
    if not organisations:
        return render(request, "membership/account.html", {"organisations": []}, status=200)
    current = MembershipYear.current()
    years = {current.pk, current.next().pk}
    managed = set(Organisation.objects.managed_by(request.user).values_list("pk", flat=True))
    stripe_enabled = cards.stripe_enabled()
    for organisation in organisations:
        organisation.recent = [m for m in organisation.memberships.all() if m.year_id in years]
        organisation.is_managed = organisation.pk in managed
        for invoice in organisation.invoices.all():
            invoice.pay_url = (
                reverse("billing:invoice-pay", args=[cards.invoice_payment_token(invoice)])
                if stripe_enabled and invoice.status == Invoice.Status.ISSUED
                else ""
            )
        organisation.changeable = organisation.is_managed and any(
            m.year_id == current.pk and m.status == Membership.Status.ACTIVE
            for m in organisation.memberships.all()
        )
        due = [
            m for m in organisation.memberships.all() if m.status == Membership.Status.RENEWAL_DUE
        ]
        organisation.renewal_due = bool(due)
        organisation.saved_renewal = next(
            (m.renewal_draft for m in due if hasattr(m, "renewal_draft")), None
        )
    return render(
        request,
        "membership/account.html",
        {"organisations": organisations, "stripe_enabled": stripe_enabled},
    )


def _user_invoices(request):
    """Every invoice for staff; for anyone else, those of the organisations they represent."""
    if acts_as_staff(request):
        return Invoice.objects.all()
    return Invoice.objects.filter(organisation__in=Organisation.objects.of_user(request.user))


def _user_invoice(request, number: str) -> Invoice:
    return get_object_or_404(_user_invoices(request), number=number)


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_safe
def invoice_pdf(request, number):
    from billing.pdf import render_invoice_pdf

    invoice = _user_invoice(request, number)
    return _pdf_response(render_invoice_pdf(invoice), f"{invoice.number}.pdf")


@login_required
@require_safe
def receipt_pdf(request, number):
    from billing.pdf import render_invoice_pdf

    invoice = _user_invoice(request, number)
    if invoice.status != Invoice.Status.PAID:
        raise Http404("This invoice is not paid, so it has no receipt yet.")
    return _pdf_response(render_invoice_pdf(invoice, receipt=True), f"{invoice.number}-receipt.pdf")


@login_required
@require_safe
def credit_note_pdf(request, number):
    from billing.pdf import render_credit_note_pdf

    note = get_object_or_404(
        CreditNote.objects.select_related("invoice"),
        number=number,
        invoice__in=_user_invoices(request),
    )
    return _pdf_response(render_credit_note_pdf(note), f"{note.number}.pdf")


def _changeable_for(user) -> Membership:
    """This year's active membership whose representatives this business manager may change."""
    membership = (
        Membership.objects.managed_by(user)
        .filter(year=MembershipYear.current(), status=Membership.Status.ACTIVE)
        .select_related("organisation", "year")
        .first()
    )
    if membership is None:
        raise Http404("No active membership of yours can be changed this year.")
    return membership


@login_required
@require_http_methods(["GET", "POST"])
def change_representatives(request):
    """During the year: add, remove or change representatives; a higher band is invoiced."""
    membership = _changeable_for(request.user)
    data = request.POST or None
    formset = representative_formset(data, initial=initial_representatives(membership))
    form = RenewalForm(data)
    representatives, count = posted_representatives(request, membership, formset, form)
    valid = representatives is not None
    if request.method == "POST":
        if valid and "recalculate" in request.POST:
            formset = representative_formset(initial=[asdict(r) for r in representatives])
            form = RenewalForm(initial=form.cleaned_data)
        elif valid:
            try:
                change = services.change_representatives(
                    membership=membership,
                    representatives=representatives,
                    user=request.user,
                    po_number=form.cleaned_data["po_number"],
                )
            except services.MembershipError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _change_message(change))
                return redirect("membership:account")
    try:
        quote = membership.quote(count) if count else None
    except FeeError:
        quote = None
    charge = (
        services.midyear_charge(membership, quote.total, timezone.localdate())
        if quote and membership.negotiated_fee is None
        else None
    )
    context = {
        "membership": membership,
        "formset": formset,
        "form": form,
        "quote": quote,
        "charge": charge,
        "pro_rata": settings.MEMBERSHIP_MIDYEAR_CHARGE == "pro_rata",
    }
    return render(request, "membership/change_representatives.html", context)


def _change_message(change: MembershipChange) -> str:
    saved = f"Your representatives are saved ({change.representatives_after} named)."
    if change.invoice:
        return (
            f"{saved} Invoice {change.invoice.number} for £{change.charge:,.2f}, the difference "
            "for the higher band, has been emailed to you."
        )
    if change.outcome == MembershipChange.Outcome.LOWER_BAND:
        return f"{saved} This is a lower band: TASP will be in touch about any credit."
    if change.outcome == MembershipChange.Outcome.NEGOTIATED:
        return f"{saved} Your fee was agreed with TASP, who will be in touch if it changes."
    return f"{saved} Your fee is unchanged."
