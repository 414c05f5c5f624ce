from django.contrib import admin, messages
from django.db.models import Count
from django.http import HttpResponse
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from simple_history.admin import SimpleHistoryAdmin

from tasp import csv

from . import renewals, services
from .fees import FeeError
from .forms import MembershipAdminForm
from .models import (
    FeeBand,
    FeeSchedule,
    Membership,
    MembershipYear,
    Organisation,
    Person,
    ReminderRule,
    Representative,
    SentReminder,
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
            for label, row in renewals.pipeline(year).items()
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
                opened = renewals.open_renewals(year=year)
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
    # Who and which year first, then the representatives (the change form puts the inline here),
    # then the fee they set and any fee agreed instead, then the purchase order and invoice.
    fieldsets = [
        (None, {"fields": ["organisation", "year", "status"]}),
        (
            "Fee",
            {
                "fields": [
                    "schedule_fee",
                    "negotiated_fee",
                    "negotiated_reason",
                    "negotiated_by",
                    "negotiated_at",
                    "price_locked_at",
                ]
            },
        ),
        ("Purchase order and invoice", {"fields": ["po_number", "invoice", "accepted_by"]}),
        ("Changes during the year", {"fields": ["midyear_changes"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        if obj is None:  # nothing has changed yet on a membership being added
            return [
                (name, options)
                for name, options in self.fieldsets
                if name != "Changes during the year"
            ]
        return self.fieldsets

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
            obj.agree_fee(obj.negotiated_fee, obj.negotiated_reason, request.user)
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
            sent += renewals.send_renewal_reminder(membership=membership)
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


admin.site.register(ReminderRule)
admin.site.register(SentReminder)
