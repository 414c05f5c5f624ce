from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from . import services
from .forms import (
    BILLING_FIELDS,
    VACANCY_FIELDS,
    AlertOptionsForm,
    ModerationForm,
    VacancyCleaningMixin,
)
from .models import AlertFilter, Vacancy, VacancyPricing, VacancyStatusChange


class VacancyAdminForm(VacancyCleaningMixin, forms.ModelForm):
    class Meta:
        model = Vacancy
        fields = [
            *VACANCY_FIELDS,
            *BILLING_FIELDS,
            "rejection_reason",
            "rejection_note",
            "posted_by",
            "relisted_from",
            "organisation",
        ]


class StatusChangeInline(admin.TabularInline):
    model = VacancyStatusChange
    extra = 0
    can_delete = False
    fields = ["changed_at", "from_status", "to_status", "changed_by", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class AwaitingFilter(admin.SimpleListFilter):
    title = "moderation queue"
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [("waiting", "Waiting (moderation or payment)")]

    def queryset(self, request, queryset):
        if self.value() == "waiting":
            return queryset.awaiting_moderation()
        return queryset


@admin.register(Vacancy)
class VacancyAdmin(admin.ModelAdmin):
    form = VacancyAdminForm
    list_display = [
        "title",
        "organisation_name",
        "role_type",
        "status",
        "payment",
        "closes_on",
        "submitted_at",
        "moderate_link",
    ]
    list_filter = [AwaitingFilter, "status", "role_type", "region", "is_member_post"]
    search_fields = ["title", "organisation_name", "posted_by__email", "invoice__number"]
    list_select_related = ["posted_by"]
    date_hierarchy = "closes_on"
    inlines = [StatusChangeInline]
    raw_id_fields = ["posted_by", "relisted_from", "organisation"]
    readonly_fields = [
        "slug",
        "status",
        "payment",
        "is_member_post",
        "price",
        "invoice",
        "paid_at",
        "submitted_at",
        "published_at",
        "closed_at",
        "closing_reminder_sent_at",
    ]
    # Payments are recorded on the invoice (billing admin); its signal moves the advert on.
    actions = ["approve_selected", "accept_purchase_orders", "close_selected"]

    @admin.display(description="payment")
    def payment(self, obj):
        return obj.payment_state

    @admin.display(description="")
    def moderate_link(self, obj):
        if obj.status in (Vacancy.Status.PENDING_MODERATION, Vacancy.Status.PENDING_PAYMENT):
            url = reverse("admin:vacancies_vacancy_moderate", args=[obj.pk])
            return format_html('<a href="{}">Moderate “{}”</a>', url, obj.title)
        return ""

    def get_urls(self):
        return [
            path(
                "<int:pk>/moderate/",
                self.admin_site.admin_view(self.moderate_view),
                name="vacancies_vacancy_moderate",
            ),
            *super().get_urls(),
        ]

    def moderate_view(self, request, pk):
        if not self.has_change_permission(request):
            raise PermissionDenied
        vacancy = get_object_or_404(Vacancy.objects.select_related("posted_by"), pk=pk)
        waiting_on_po = vacancy.status == Vacancy.Status.PENDING_PAYMENT and vacancy.po_number
        form = ModerationForm(
            request.POST or None, purchase_order=vacancy.po_number if waiting_on_po else ""
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                if data["decision"] == "accept_po":
                    services.accept_purchase_order(
                        vacancy=vacancy, by=request.user, note=data["note"]
                    )
                    self.message_user(request, f"“{vacancy.title}” is published.")
                elif data["decision"] == "approve":
                    services.approve_vacancy(vacancy=vacancy, by=request.user, note=data["note"])
                    self.message_user(request, f"“{vacancy.title}” is published.")
                else:
                    services.reject_vacancy(
                        vacancy=vacancy, by=request.user, reason=data["reason"], note=data["note"]
                    )
                    self.message_user(request, f"“{vacancy.title}” is rejected.")
            except services.NotAllowed as error:
                self.message_user(request, str(error), level=messages.ERROR)
                return redirect("admin:vacancies_vacancy_moderate", vacancy.pk)
            return redirect(reverse("admin:vacancies_vacancy_changelist") + "?queue=waiting")
        return TemplateResponse(
            request,
            "vacancies/admin_moderate.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Moderate: {vacancy.title}",
                "opts": self.model._meta,
                "vacancy": vacancy,
                "form": form,
                "history": vacancy.status_changes.select_related("changed_by"),
            },
        )

    def _each(self, request, queryset, action, done):
        count = 0
        for vacancy in queryset:
            try:
                action(vacancy)
                count += 1
            except services.NotAllowed as error:
                self.message_user(request, f"{vacancy.title}: {error}", level=messages.WARNING)
        self.message_user(request, done.format(count=count))

    @admin.action(description="Approve and publish the selected adverts")
    def approve_selected(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda v: services.approve_vacancy(vacancy=v, by=request.user),
            "{count} advert(s) published.",
        )

    @admin.action(description="Accept the purchase orders and publish the selected adverts")
    def accept_purchase_orders(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda v: services.accept_purchase_order(vacancy=v, by=request.user),
            "{count} advert(s) published on their purchase orders.",
        )

    @admin.action(description="Close the selected adverts")
    def close_selected(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda v: services.close_vacancy(vacancy=v, by=request.user, note="Closed by staff."),
            "{count} advert(s) closed.",
        )


@admin.register(VacancyPricing)
class VacancyPricingAdmin(admin.ModelAdmin):
    list_display = ["__str__", "updated_at"]

    def has_add_permission(self, request):
        return not VacancyPricing.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        # One price: go straight to it.
        pricing = VacancyPricing.current()
        return redirect("admin:vacancies_vacancypricing_change", pricing.pk)


class AlertFilterAdminForm(AlertOptionsForm, forms.ModelForm):
    class Meta:
        model = AlertFilter
        fields = ["subscriber", "role_types", "regions"]


@admin.register(AlertFilter)
class AlertFilterAdmin(admin.ModelAdmin):
    """What each vacancy-alerts reader asked for (they change it from their emails)."""

    form = AlertFilterAdminForm
    list_display = ["subscriber", "describe", "updated_at"]
    search_fields = ["subscriber__email", "subscriber__name"]
    autocomplete_fields = ["subscriber"]

    @admin.display(description="hears about")
    def describe(self, obj):
        return obj.describe()
