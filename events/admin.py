from django.contrib import admin, messages
from django.db.models import Count, Q, Sum
from django.http import HttpResponse

from billing import services as billing
from membership.templatetags.money import money
from tasp.csv import SafeWriter

from .models import Booking, Delegate, Event, Session, TicketType

HOLDING = Q(bookings__status__in=[Booking.Status.AWAITING_PAYMENT, Booking.Status.CONFIRMED])


class TicketTypeInline(admin.TabularInline):
    model = TicketType
    extra = 0


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0
    fields = ["title", "starts_at", "ends_at", "speakers", "is_workshop", "capacity"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "starts_at", "delegate_count", "capacity", "takings"]
    list_filter = ["kind", "is_published"]
    search_fields = ["title"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [TicketTypeInline, SessionInline]
    actions = ["delegate_list"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "summary", "description", "is_published"]}),
        (
            "When and where",
            {"fields": ["starts_at", "ends_at", "venue_name", "venue_address", "online_url"]},
        ),
        ("Signposted events", {"fields": ["organiser", "external_url"]}),
        (
            "Booking",
            {
                "fields": [
                    "capacity",
                    "member_booking_opens_at",
                    "public_booking_opens_at",
                    "booking_closes_at",
                    "changes_close_at",
                    "cancellation_policy",
                ]
            },
        ),
        ("Joining instructions", {"fields": ["joining_instructions", "joining_days_before"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                booked=Count("bookings__delegates", filter=HOLDING),
                paid=Sum("bookings__total", filter=Q(bookings__status=Booking.Status.CONFIRMED)),
            )
        )

    @admin.display(description="delegates", ordering="booked")
    def delegate_count(self, event):
        return event.booked

    @admin.display(description="takings (confirmed)", ordering="paid")
    def takings(self, event):
        return money(event.paid or 0)

    @admin.action(description="Download the delegate list (CSV)")
    def delegate_list(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="delegates.csv"'
        writer = SafeWriter(response)
        writer.writerow(
            [
                "Event",
                "Booking",
                "Status",
                "Name",
                "Email",
                "Organisation",
                "Job title",
                "Ticket",
                "Workshops",
                "Dietary requirements",
                "Access requirements",
                "Attended",
            ]
        )
        delegates = (
            Delegate.objects.filter(booking__event__in=queryset)
            .exclude(booking__status__in=[Booking.Status.CANCELLED, Booking.Status.RELEASED])
            .select_related("booking__event", "ticket_type")
            .prefetch_related("sessions")
            .order_by("booking__event__starts_at", "name")
        )
        for d in delegates:
            writer.writerow(
                [
                    d.booking.event.title,
                    d.booking.reference,
                    d.booking.get_status_display(),
                    d.name,
                    d.email,
                    d.organisation,
                    d.job_title,
                    d.ticket_type.name,
                    "; ".join(s.title for s in d.sessions.all()),
                    d.dietary,
                    d.access_requirements,
                    "yes" if d.attended else "",
                ]
            )
        return response


class DelegateInline(admin.StackedInline):
    model = Delegate
    extra = 0
    fields = [
        "name",
        "email",
        "organisation",
        "job_title",
        "ticket_type",
        "sessions",
        "dietary",
        "access_requirements",
        "price",
        "attended",
        "substituted_for",
    ]
    readonly_fields = ["price", "substituted_for"]
    filter_horizontal = ["sessions"]


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ["reference", "event", "organisation_name", "status", "total", "created_at"]
    list_filter = ["status", "event"]
    search_fields = ["reference", "organisation_name", "booker_email", "delegates__email"]
    readonly_fields = [
        "reference",
        "event",
        "status",
        "invoice",
        "total",
        "at_member_price",
        "created_at",
        "confirmed_at",
        "cancelled_at",
    ]
    fields = [
        "reference",
        "event",
        "status",
        "booker_name",
        "booker_email",
        "organisation_name",
        "billing_address",
        "po_number",
        "at_member_price",
        "invoice",
        "total",
        "created_at",
        "confirmed_at",
        "cancelled_at",
    ]
    inlines = [DelegateInline]
    actions = ["release"]

    def has_add_permission(self, request):
        return False  # bookings are made on the event's page, where the price is decided

    @admin.action(permissions=["change"], description="Release unpaid bookings (void the invoice)")
    def release(self, request, queryset):
        for booking in queryset.select_related("invoice"):
            if booking.status != Booking.Status.AWAITING_PAYMENT or booking.invoice is None:
                self.message_user(
                    request, f"{booking.reference} is not waiting for payment.", messages.ERROR
                )
                continue
            try:
                billing.void_invoice(
                    invoice=booking.invoice,
                    reason=f"Booking {booking.reference} released unpaid",
                    user=request.user,
                )
            except billing.BillingError as refusal:
                self.message_user(request, f"{booking.reference}: {refusal}", messages.ERROR)
            else:
                self.message_user(request, f"{booking.reference} released: its places are free.")
