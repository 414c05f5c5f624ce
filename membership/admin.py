from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from simple_history.admin import SimpleHistoryAdmin

from tasp import csv

from . import services
from .fees import FeeError
from .forms import MembershipAdminForm
from .models import (
    CreditNote,
    FeeBand,
    FeeSchedule,
    Invoice,
    InvoiceLine,
    Membership,
    MembershipYear,
    Organisation,
    Payment,
    Person,
    ReminderRule,
    Representative,
    SentReminder,
    StripeEvent,
)


class FeeBandInline(admin.TabularInline):
    model = FeeBand
    extra = 1


@admin.register(FeeSchedule)
class FeeScheduleAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "year", "kind", "per_extra_representative"]
    list_filter = ["year", "kind"]
    inlines = [FeeBandInline]


@admin.register(MembershipYear)
class MembershipYearAdmin(admin.ModelAdmin):
    list_display = ["label", "starts_on", "ends_on", "still_needs", "pipeline"]
    actions = ["copy_fee_schedules", "open_renewals"]

    @admin.display(description="still needs")
    def still_needs(self, year):
        return "; ".join(year.still_needs()) or "—"

    @admin.action(
        permissions=["change"],
        description="Copy fee schedules to next year (bands and extra representatives)",
    )
    def copy_fee_schedules(self, request, queryset):
        for year in queryset:
            try:
                copies = year.copy_fee_schedules_to_next()
            except FeeError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(
                    request,
                    f"{year.next()}: {len(copies)} fee schedule(s) copied from {year}. "
                    "Adjust them under Fee schedules before opening renewals.",
                )

    @admin.display(description="renewal pipeline")
    def pipeline(self, year):
        parts = [
            f"{label}: {row['count']} (£{row['amount']:,.2f})"
            for label, row in services.pipeline(year).items()
            if row["count"]
        ]
        return "; ".join(parts) or "no memberships"

    @admin.action(
        permissions=["change"],
        description="Open renewals for the selected year (from last year's members)",
    )
    def open_renewals(self, request, queryset):
        for year in queryset:
            try:
                opened = services.open_renewals(year=year)
            except services.MembershipError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(request, f"{year}: {opened} renewals opened and emailed.")


class PersonInline(admin.TabularInline):
    model = Person
    extra = 0
    fields = ["name", "email", "job_title", "user"]
    raw_id_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "areas", "billing_email"]
    list_filter = ["kind"]
    search_fields = ["name", "areas", "billing_name", "billing_email", "people__email"]
    inlines = [PersonInline]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "organisation", "job_title"]
    search_fields = ["name", "email", "organisation__name"]
    list_select_related = ["organisation"]
    raw_id_fields = ["user"]


class RepresentativeInline(admin.TabularInline):
    model = Representative
    extra = 0
    autocomplete_fields = ["person"]


class VoidForm(forms.Form):
    reason = forms.CharField(max_length=200, label="Reason for voiding")


class CreditForm(forms.Form):
    amount = forms.DecimalField(
        label="Amount to credit (£, VAT included)", max_digits=10, decimal_places=2, min_value=0.01
    )
    reason = forms.CharField(max_length=200, label="Reason for the credit note")


def _export_csv(memberships) -> HttpResponse:
    response = HttpResponse(content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="tasp-members.csv"'
    writer = csv.writer(response)
    writer.writerow(
        ["organisation", "kind", "year", "status", "fee", "po_number", "name", "email", "role"]
    )
    for membership in memberships.select_related("organisation", "year").prefetch_related(
        "representatives__person"
    ):
        for rep in membership.representatives.all() or [None]:
            writer.writerow(
                [
                    membership.organisation.name,
                    membership.organisation.get_kind_display(),
                    membership.year.label,
                    membership.get_status_display(),
                    f"{membership.fee:.2f}",
                    membership.po_number,
                    rep.person.name if rep else "",
                    rep.person.email if rep else "",
                    rep.get_role_display() if rep else "",
                ]
            )
    return response


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    form = MembershipAdminForm
    list_display = [
        "organisation",
        "year",
        "status",
        "fee",
        "representative_count",
        "po_number",
        "invoice",
    ]
    list_filter = ["year", "status", "organisation__kind"]
    search_fields = ["organisation__name", "po_number", "representatives__person__email"]
    list_select_related = ["organisation", "year", "invoice"]
    readonly_fields = ["negotiated_by", "negotiated_at", "accepted_by", "price_locked_at"]
    raw_id_fields = ["invoice"]
    inlines = [RepresentativeInline]
    actions = ["approve", "send_reminder", "accept_po", "export_csv"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(rep_count=Count("representatives"))

    def get_readonly_fields(self, request, obj=None):
        # Status, fee and invoice move only through the actions (services), which send the
        # emails and the membership_activated signal; a hand edit would skip them.
        if obj is None:
            return self.readonly_fields
        return [
            *self.readonly_fields,
            "organisation",
            "year",
            "status",
            "schedule_fee",
            "invoice",
            "midyear_changes",
        ]

    @admin.display(description="changes during the year")
    def midyear_changes(self, membership):
        changes = membership.changes.select_related("invoice", "changed_by")
        return (
            format_html_join(
                mark_safe("<br>"),
                "{}: {} to {} representatives, {} {}{}",
                (
                    (
                        f"{change.changed_at:%-d %b %Y}",
                        change.representatives_before,
                        change.representatives_after,
                        change.get_outcome_display(),
                        f"£{change.charge:,.2f}" if change.charge else "",
                        f" (invoice {change.invoice.number})" if change.invoice else "",
                    )
                    for change in changes
                ),
            )
            or "None"
        )

    @admin.display(description="representatives", ordering="rep_count")
    def representative_count(self, membership):
        return membership.rep_count

    def save_model(self, request, obj, form, change):
        # Who agreed a negotiated fee, and when, is recorded beside it.
        if {"negotiated_fee", "negotiated_reason"} & set(form.changed_data):
            obj.negotiated_by = request.user
            obj.negotiated_at = timezone.now()
        super().save_model(request, obj, form, change)

    @admin.action(permissions=["change"], description="Approve applications: invoice and email")
    def approve(self, request, queryset):
        for membership in queryset:
            try:
                invoice = services.approve_application(membership=membership, user=request.user)
            except services.MembershipError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(request, f"{membership}: invoice {invoice.number} sent.")

    @admin.action(permissions=["change"], description="Send renewal reminder now")
    def send_reminder(self, request, queryset):
        sent = 0
        for membership in queryset.renewal_due():
            sent += services.send_renewal_reminder(membership=membership)
        self.message_user(request, f"Reminders sent for {sent} renewals.")

    @admin.action(
        permissions=["change"], description="Accept purchase order: make active before payment"
    )
    def accept_po(self, request, queryset):
        for membership in queryset:
            try:
                services.accept_purchase_order(membership=membership, user=request.user)
            except services.MembershipError as error:
                self.message_user(request, str(error), messages.ERROR)

    @admin.action(description="Export members and representatives (CSV)")
    def export_csv(self, request, queryset):
        return _export_csv(queryset)


class InvoiceLineInline(admin.TabularInline):
    model = InvoiceLine
    extra = 0
    can_delete = False
    readonly_fields = [
        "description",
        "quantity",
        "unit_price",
        "vat_treatment",
        "vat_rate",
        "net_amount",
        "vat_amount",
    ]
    exclude = ["position"]

    def has_add_permission(self, request, obj=None):
        return False


class CreditNoteInline(admin.TabularInline):
    model = CreditNote
    extra = 0
    can_delete = False
    fields = readonly_fields = ["number", "issued_on", "total", "reason", "created_by"]

    def has_add_permission(self, request, obj=None):
        return False  # "Credit part of the invoice" (an action) numbers and emails them


class PaymentInline(admin.TabularInline):
    model = Payment
    extra = 0
    fields = ["method", "amount", "reference", "received_on", "recorded_by", "note"]
    readonly_fields = ["recorded_by", "note"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Invoice)
class InvoiceAdmin(SimpleHistoryAdmin):
    list_display = ["number", "bill_to_name", "issued_on", "due_on", "total", "status", "po_number"]
    list_filter = ["status", "issued_on"]
    search_fields = ["number", "bill_to_name", "po_number", "bill_to_email"]
    date_hierarchy = "issued_on"
    readonly_fields = [
        "number",
        "status",
        "net_total",
        "vat_total",
        "total",
        "paid_on",
        "void_reason",
        "voided_at",
        "issued_on",
        # Every invoice here has been issued (the admin cannot add one): what was billed, to
        # whom, against which purchase order, is a record. Void it and issue another to change it.
        "organisation",
        "bill_to_name",
        "bill_to_address",
        "bill_to_contact",
        "bill_to_email",
        "po_number",
    ]
    inlines = [InvoiceLineInline, CreditNoteInline, PaymentInline]
    actions = ["mark_paid_bacs", "void", "credit", "resend", "send_receipt"]

    def has_add_permission(self, request):
        return False  # invoices come from services.issue_invoice, which numbers them

    def save_formset(self, request, form, formset, change):
        # Payments added inline go through record_payment, so the invoice and memberships follow.
        if formset.model is Payment:
            for payment_form in formset.forms:
                data = payment_form.cleaned_data
                if payment_form.has_changed() and data and not data.get("DELETE"):
                    try:
                        services.record_payment(
                            invoice=form.instance,
                            amount=data["amount"],
                            method=data["method"],
                            reference=data.get("reference", ""),
                            received_on=data["received_on"],
                            user=request.user,
                        )
                    except services.MembershipError as error:
                        self.message_user(request, str(error), messages.ERROR)
            return
        super().save_formset(request, form, formset, change)

    @admin.action(permissions=["change"], description="Mark paid (BACS received today)")
    def mark_paid_bacs(self, request, queryset):
        for invoice in queryset.unpaid():
            services.mark_paid(invoice=invoice, method=Payment.Method.BACS, user=request.user)
        self.message_user(request, "Marked paid.")

    @admin.action(permissions=["change"], description="Void with a reason")
    def void(self, request, queryset):
        form = VoidForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            for invoice in queryset:
                try:
                    services.void_invoice(
                        invoice=invoice, reason=form.cleaned_data["reason"], user=request.user
                    )
                except services.MembershipError as error:
                    self.message_user(request, str(error), messages.ERROR)
            self.message_user(request, "Voided.")
            return None
        return render(
            request,
            "membership/admin_void.html",
            {"form": form, "invoices": queryset, "opts": self.model._meta},
        )

    @admin.action(permissions=["change"], description="Credit part of the invoice (credit note)")
    def credit(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Credit one invoice at a time.", messages.ERROR)
            return None
        invoice = queryset.get()
        form = CreditForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            try:
                note = services.credit_invoice(
                    invoice=invoice,
                    amount=form.cleaned_data["amount"],
                    reason=form.cleaned_data["reason"],
                    user=request.user,
                )
            except services.MembershipError as error:
                form.add_error(None, str(error))
            else:
                self.message_user(
                    request, f"Credit note {note.number} issued and emailed to the payer."
                )
                return None
        return render(
            request,
            "membership/admin_credit.html",
            {"form": form, "invoice": invoice, "opts": self.model._meta},
        )

    @admin.action(permissions=["change"], description="Email the invoice again")
    def resend(self, request, queryset):
        for invoice in queryset:
            services.send_invoice(invoice=invoice)
        self.message_user(request, "Queued.")

    @admin.action(permissions=["change"], description="Email the receipt (paid invoices)")
    def send_receipt(self, request, queryset):
        sent = 0
        for invoice in queryset:
            try:
                services.send_receipt(invoice=invoice)
            except services.MembershipError as error:
                self.message_user(request, str(error), messages.WARNING)
            else:
                sent += 1
        if sent:
            self.message_user(request, f"{sent} receipt{'s' if sent != 1 else ''} queued.")


@admin.register(CreditNote)
class CreditNoteAdmin(admin.ModelAdmin):
    list_display = ["number", "invoice", "issued_on", "total", "reason"]
    search_fields = ["number", "invoice__number", "invoice__bill_to_name"]
    date_hierarchy = "issued_on"
    readonly_fields = [f.name for f in CreditNote._meta.fields]

    def has_add_permission(self, request):
        return False  # from the invoice: "Void with a reason" or "Credit part of the invoice"

    def has_delete_permission(self, request, obj=None):
        return False  # a numbered record


admin.site.register(ReminderRule)
admin.site.register(SentReminder)
admin.site.register(StripeEvent)
