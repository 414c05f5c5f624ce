from django import forms
from django.contrib import admin, messages
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from tasp.templatetags.money import money

from . import services
from .models import CreditNote, Invoice, InvoiceLine, Payment, StripeEvent


class VoidForm(forms.Form):
    reason = forms.CharField(max_length=200, label="Reason for voiding")


class CreditForm(forms.Form):
    amount = forms.DecimalField(
        label="Amount to credit (£, VAT included)", max_digits=10, decimal_places=2, min_value=0.01
    )
    reason = forms.CharField(max_length=200, label="Reason for the credit note")


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


class PaymentStateFilter(admin.SimpleListFilter):
    """Where the money stands, which the status alone does not say: an issued invoice may be
    overdue."""

    title = "payment"
    parameter_name = "payment"

    def lookups(self, request, model_admin):
        return [
            ("overdue", "Overdue"),
            ("due", "Unpaid, not yet due"),
            ("paid", "Paid"),
            ("void", "Void"),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        return {
            "overdue": lambda: queryset.unpaid().filter(due_on__lt=today),
            "due": lambda: queryset.unpaid().filter(due_on__gte=today),
            "paid": lambda: queryset.filter(status=Invoice.Status.PAID),
            "void": lambda: queryset.filter(status=Invoice.Status.VOID),
        }.get(self.value(), lambda: queryset)()


@admin.register(Invoice)
class InvoiceAdmin(SimpleHistoryAdmin):
    list_display = [
        "number",
        "bill_to_name",
        "issued_on",
        "due_on",
        "amount",
        "payment_state",
        "po_number",
        "pdf",
    ]
    list_filter = [PaymentStateFilter, "status", "issued_on"]
    search_fields = ["number", "bill_to_name", "po_number", "bill_to_email"]
    date_hierarchy = "issued_on"
    readonly_fields = [
        "number",
        "pdf",
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

    @admin.display(description="total", ordering="total")
    def amount(self, invoice):
        return money(invoice.total)

    @admin.display(description="status", ordering="status")
    def payment_state(self, invoice):
        return "Overdue" if invoice.is_overdue else invoice.get_status_display()

    @admin.display(description="PDF")
    def pdf(self, invoice):
        return format_html(
            '<a href="{}">PDF<span class="visually-hidden"> of invoice {}</span></a>',
            reverse("membership:invoice-pdf", args=[invoice.number]),
            invoice.number,
        )

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
                    except services.BillingError as error:
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
                except services.BillingError as error:
                    self.message_user(request, str(error), messages.ERROR)
            self.message_user(request, "Voided.")
            return None
        return render(
            request,
            "billing/admin_void.html",
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
            except services.BillingError as error:
                form.add_error(None, str(error))
            else:
                self.message_user(
                    request, f"Credit note {note.number} issued and emailed to the payer."
                )
                return None
        return render(
            request,
            "billing/admin_credit.html",
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
            except services.BillingError as error:
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


admin.site.register(StripeEvent)
