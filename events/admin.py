from django.contrib import admin, messages
from django.db.models import Count, Q, Sum
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import format_html_join

from billing import services as billing
from tasp.csv import SafeWriter
from tasp.templatetags.money import money

from .forms import MessageForm
from .messages import MessageRefused, message_delegates
from .models import Booking, Delegate, Event, Interest, Session, TicketType
from .pdf import render_door_pdf

HOLDS_PLACES = Q(bookings__status__in=Booking.HOLDING)
DELEGATE_FIELDS = [
    "name",
    "email",
    "organisation",
    "job_title",
    "ticket_type",
    "sessions",
    "dietary",
    "access_requirements",
    "attended",
    "substituted_for",
]


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
    readonly_fields = ["ticket_summary"]
    actions = ["delegate_list", "dietary_summary", "door_pdf", "message_delegates"]
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
        ("Bookings so far", {"fields": ["ticket_summary"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                booked=Count("bookings__delegates", filter=HOLDS_PLACES),
                paid=Sum("bookings__total", filter=Q(bookings__status=Booking.Status.CONFIRMED)),
            )
        )

    @admin.display(description="delegates", ordering="booked")
    def delegate_count(self, event):
        return event.booked

    @admin.display(description="takings (confirmed)", ordering="paid")
    def takings(self, event):
        return money(event.paid or 0)

    @admin.display(description="by ticket type")
    def ticket_summary(self, event):
        """Places held and confirmed takings per ticket type, against its capacity."""
        if event.pk is None:
            return "-"
        rows = (
            Delegate.objects.filter(booking__event=event, booking__status__in=Booking.HOLDING)
            .values("ticket_type__name", "ticket_type__capacity")
            .annotate(
                held=Count("pk"),
                takings=Sum("price", filter=Q(booking__status=Booking.Status.CONFIRMED)),
            )
            .order_by("ticket_type__position", "ticket_type__name")
        )
        return (
            format_html_join(
                "",
                "<p>{}: {} held{} · {} taken (confirmed)</p>",
                (
                    (
                        row["ticket_type__name"],
                        row["held"],
                        f" of {row['ticket_type__capacity']}"
                        if row["ticket_type__capacity"]
                        else "",
                        money(row["takings"] or 0),
                    )
                    for row in rows
                ),
            )
            or "No bookings yet."
        )

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

    @admin.action(description="Download the dietary summary (CSV)")
    def dietary_summary(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="dietary.csv"'
        writer = SafeWriter(response)
        writer.writerow(["Event", "Dietary requirement", "Delegates"])
        rows = (
            Delegate.objects.filter(
                booking__event__in=queryset, booking__status__in=Booking.HOLDING
            )
            .values_list("booking__event__title", "dietary")
            .annotate(n=Count("pk"))
            .order_by("booking__event__title", "dietary")
        )
        for title, dietary, count in rows:
            writer.writerow([title, dietary or "None given", count])
        return response

    @admin.action(description="Badges and sign-in sheets (PDF, one event)")
    def door_pdf(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Choose one event for its badges.", messages.ERROR)
            return None
        event = queryset.get()
        response = HttpResponse(render_door_pdf(event), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{event.slug}-badges.pdf"'
        return response

    @admin.action(permissions=["change"], description="Message all delegates (email, one event)")
    def message_delegates(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Message one event's delegates at a time.", messages.ERROR)
            return None
        event = queryset.get()
        form = MessageForm(request.POST if "send" in request.POST else None)
        if form.is_valid():
            try:
                send = message_delegates(event=event, user=request.user, **form.cleaned_data)
            except MessageRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                self.message_user(
                    request, f"Sending to {send.audience.count()} delegates of {event}."
                )
                return redirect("admin:newsletters_issue_change", send.issue_id)
        return render(
            request,
            "admin/events/message_delegates.html",
            {"form": form, "event": event, "opts": self.model._meta, "events": queryset},
        )


@admin.register(Delegate)
class DelegateAdmin(admin.ModelAdmin):
    """Attendance on the day: filter by event, tick who came, save."""

    list_display = ["name", "organisation", "event", "ticket_type", "dietary", "attended"]
    list_editable = ["attended"]
    list_filter = ["booking__event", "attended", "ticket_type"]
    search_fields = ["name", "email", "organisation", "booking__reference"]
    list_select_related = ["booking__event", "ticket_type"]
    fields = DELEGATE_FIELDS
    readonly_fields = ["substituted_for"]
    filter_horizontal = ["sessions"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(booking__status__in=Booking.HOLDING)

    def has_add_permission(self, request):
        return False

    @admin.display(description="event", ordering="booking__event__starts_at")
    def event(self, delegate):
        return delegate.booking.event


class DelegateInline(admin.StackedInline):
    model = Delegate
    extra = 0
    fields = [*DELEGATE_FIELDS[:-2], "price", *DELEGATE_FIELDS[-2:]]
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


@admin.register(Interest)
class InterestAdmin(admin.ModelAdmin):
    list_display = [
        "email",
        "event",
        "kind",
        "ticket_type",
        "session",
        "status",
        "created_at",
        "offer_expires_at",
    ]
    list_filter = ["kind", "status", "event"]
    search_fields = ["email", "name"]
    readonly_fields = ["status", "offered_at", "offer_expires_at", "created_at"]
