import json
from urllib.parse import urlsplit

import nested_admin
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.csp import CSP
from django.utils.html import format_html, format_html_join
from django.views.decorators.csp import csp_override

from tasp import csv

from . import sending, subscriptions
from .admin_imports import upload_view
from .admin_reports import SendReportAdmin
from .editor import IssueForm, IssueImageForm, ItemForm, image_picker
from .forms import ScheduleForm, SubscriberAdminForm, TestSendForm
from .models import (
    Issue,
    IssueImage,
    Item,
    Newsletter,
    Section,
    Send,
    Subscriber,
    Subscription,
)
from .rendering import RenderedIssue

_site = urlsplit(settings.SITE_URL)
# The HTML email preview is the message as mail clients get it: CSS inlined into style
# attributes, images at SITE_URL. Only this admin view allows inline styles; nothing in it runs.
EMAIL_PREVIEW_CSP = {
    "default-src": [CSP.NONE],
    "style-src": [CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", f"{_site.scheme}://{_site.netloc}"],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
}


@csp_override(EMAIL_PREVIEW_CSP)
def _html_email_preview(request, html: str) -> HttpResponse:
    return HttpResponse(html)


@admin.register(Newsletter)
class NewsletterAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "from_email", "is_public", "in_archive", "for_representatives"]
    prepopulated_fields = {"slug": ["name"]}


class ItemInline(nested_admin.NestedStackedInline):
    model = Item
    form = ItemForm
    extra = 0
    sortable_field_name = "position"
    fields = ["position", "title", "body", "link_url", "link_text", "image"]
    autocomplete_fields = ["image"]


class SectionInline(nested_admin.NestedStackedInline):
    model = Section
    extra = 0
    sortable_field_name = "position"
    inlines = [ItemInline]


@admin.register(IssueImage)
class IssueImageAdmin(admin.ModelAdmin):
    form = IssueImageForm
    list_display = ["alt_text", "image", "uploaded_at"]
    search_fields = ["alt_text"]

    def get_urls(self):
        picker = self.admin_site.admin_view(lambda request: image_picker(request, self))
        return [path("picker/", picker, name="newsletters_issueimage_picker"), *super().get_urls()]


@admin.register(Issue)
class IssueAdmin(nested_admin.NestedModelAdmin):
    form = IssueForm
    list_display = ["title", "newsletter", "issued_on", "status"]
    list_filter = ["status", "newsletter"]
    search_fields = ["title"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [SectionInline]
    readonly_fields = ["status", "send_panel"]
    fieldsets = [
        (None, {"fields": ["newsletter", "title", "slug", "issued_on", "status"]}),
        ("Welcome and sign-off", {"fields": ["welcome", "signoff_name", "signoff_role"]}),
        ("Preview, test and send", {"fields": ["send_panel"]}),
    ]

    def get_urls(self):
        urls = [
            path(
                "<int:pk>/preview/<str:kind>/",
                self.admin_site.admin_view(self.preview),
                name="newsletters_issue_preview",
            ),
            path(
                "<int:pk>/test-send/",
                self.admin_site.admin_view(self.test_send),
                name="newsletters_issue_test_send",
            ),
            path(
                "<int:pk>/send/",
                self.admin_site.admin_view(self.send_view),
                name="newsletters_issue_send",
            ),
            path(
                "send/<int:send_id>/progress/",
                self.admin_site.admin_view(self.progress),
                name="newsletters_send_progress",
            ),
            path(
                "send/<int:send_id>/<str:action>/",
                self.admin_site.admin_view(self.pause_resume),
                name="newsletters_send_control",
            ),
        ]
        return urls + super().get_urls()

    @admin.display(description="Send")
    def send_panel(self, obj):
        if not obj or not obj.pk:
            return "Save the issue first."
        links = format_html(
            '<a class="button" href="{}" target="_blank">Preview web version</a> '
            '<a class="button" href="{}" target="_blank">Preview email (HTML)</a> '
            '<a class="button" href="{}" target="_blank">Preview email (plain text)</a> '
            '<a class="button" href="{}">Send a test</a> '
            '<a class="button" href="{}">Send or schedule…</a>',
            reverse("admin:newsletters_issue_preview", args=[obj.pk, "web"]),
            reverse("admin:newsletters_issue_preview", args=[obj.pk, "html"]),
            reverse("admin:newsletters_issue_preview", args=[obj.pk, "text"]),
            reverse("admin:newsletters_issue_test_send", args=[obj.pk]),
            reverse("admin:newsletters_issue_send", args=[obj.pk]),
        )
        rows = format_html_join(
            "",
            '<div class="tasp-send" data-progress-url="{}"><strong>{}</strong>: '
            '<span class="tasp-send-status">{}</span>{}</div>',
            (
                (
                    reverse("admin:newsletters_send_progress", args=[send.pk]),
                    send.newsletter,
                    send.get_status_display(),
                    format_html(
                        ' · <a href="{}">Send report</a>',
                        reverse("admin:newsletters_send_report", args=[send.pk]),
                    )
                    if send.started_at
                    else "",
                )
                for send in obj.sends.select_related("newsletter")
            ),
        )
        return format_html('{}<div class="tasp-sends">{}</div>', links, rows)

    def preview(self, request, pk, kind):
        issue = get_object_or_404(Issue, pk=pk)
        if kind == "web":
            sections = issue.sections.prefetch_related("items__image")
            return render(
                request, "newsletters/issue_detail.html", {"issue": issue, "sections": sections}
            )
        rendered = RenderedIssue.render(issue, issue.newsletter)
        subscriber = Subscriber(pk=0, name=request.user.get_short_name(), email=request.user.email)
        html, text = rendered.personalise(name=subscriber.name, token="preview")
        if kind == "text":
            return HttpResponse(text, content_type="text/plain; charset=utf-8")
        return _html_email_preview(request, html)

    def test_send(self, request, pk):
        issue = get_object_or_404(Issue, pk=pk)
        if not self.has_change_permission(request, issue):
            raise PermissionDenied
        form = TestSendForm(request.POST or None, initial={"emails": request.user.email})
        if request.method == "POST" and form.is_valid():
            from .tasks import send_test_task

            send_test_task.delay_on_commit(
                issue.pk, issue.newsletter_id, form.cleaned_data["emails"]
            )
            messages.success(
                request, f"A test is on its way to {', '.join(form.cleaned_data['emails'])}."
            )
            return redirect("admin:newsletters_issue_change", issue.pk)
        context = {
            **self.admin_site.each_context(request),
            "issue": issue,
            "form": form,
            "title": f"Send a test of {issue}",
            "opts": self.model._meta,
        }
        return render(request, "admin/newsletters/test_send.html", context)

    def send_view(self, request, pk):
        issue = get_object_or_404(Issue, pk=pk)
        if not self.has_change_permission(request, issue):
            raise PermissionDenied
        form = ScheduleForm(
            request.POST or None, initial={"newsletter": issue.newsletter, "when": "now"}
        )
        newsletter = issue.newsletter
        if form.is_bound and form.is_valid():
            newsletter = form.cleaned_data["newsletter"]
            if "confirm" in request.POST:
                at = (
                    form.cleaned_data["scheduled_at"]
                    if form.cleaned_data["when"] == "later"
                    else None
                )
                try:
                    sending.schedule_send(
                        issue=issue, newsletter=newsletter, at=at, user=request.user
                    )
                except sending.SendRefused as refusal:
                    messages.error(request, str(refusal))
                else:
                    when = f"at {timezone.localtime(at):%d %B %Y %H:%M}" if at else "now"
                    messages.success(request, f"“{issue}” will be sent to {newsletter} {when}.")
                return redirect("admin:newsletters_issue_change", issue.pk)
        context = {
            **self.admin_site.each_context(request),
            "issue": issue,
            "form": form,
            "confirming": form.is_bound and form.is_valid(),
            "newsletter": newsletter,
            "recipients": sending.count_recipients(newsletter),
            "title": f"Send {issue}",
            "opts": self.model._meta,
        }
        return render(request, "admin/newsletters/send.html", context)

    def progress(self, request, send_id):
        send = get_object_or_404(Send.objects.select_related("issue"), pk=send_id)
        data = send.progress()
        # The issue's own status, shown above the sends, follows without a reload.
        data["issue_status_display"] = send.issue.get_status_display()
        control = {Send.Status.PAUSED: "resume", Send.Status.SCHEDULED: "cancel"}
        data["control_url"] = reverse(
            "admin:newsletters_send_control", args=[send.pk, control.get(send.status, "pause")]
        )
        return JsonResponse(data)

    def pause_resume(self, request, send_id, action):
        send = get_object_or_404(Send, pk=send_id)
        if request.method != "POST" or not self.has_change_permission(request, send.issue):
            raise PermissionDenied
        if action == "pause":
            sending.pause_send(send=send)
            messages.info(request, "The send is paused.")
        elif action == "resume":
            sending.resume_send(send=send)
            messages.success(request, "The send has resumed.")
        elif action == "cancel":
            if sending.cancel_send(send=send):
                messages.success(request, f"The send to {send.newsletter} is cancelled.")
            else:
                messages.error(request, "That send has already started: pause it instead.")
        return redirect("admin:newsletters_issue_change", send.issue_id)

    class Media:
        css = {"all": ["css/admin.css"]}
        js = ["js/newsletter-progress.js"]


class SubscriptionInline(admin.TabularInline):
    model = Subscription
    extra = 0


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    form = SubscriberAdminForm
    list_display = [
        "email",
        "name",
        "organisation",
        "status",
        "lawful_basis",
        "source",
        "created_at",
    ]
    list_filter = ["status", "lawful_basis", "source", "newsletters"]
    search_fields = ["email", "name", "organisation"]
    inlines = [SubscriptionInline]
    actions = ["export_csv", "export_json", "erase"]
    change_list_template = "admin/newsletters/subscriber_changelist.html"

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="newsletters_subscriber_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        return upload_view(self, request)  # the import runs in a worker: admin_imports.py

    @admin.action(description="Export selected subscribers as CSV")
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="subscribers.csv"'
        writer = csv.writer(response)
        writer.writerow(
            ["Email Address", "Name", "Organisation", "Status", "Lawful basis", "Source", "Created"]
        )
        for s in queryset:
            writer.writerow(
                [
                    s.email,
                    s.name,
                    s.organisation,
                    s.status,
                    s.lawful_basis,
                    s.source,
                    s.created_at.isoformat(),
                ]
            )
        return response

    @admin.action(description="Export selected subscribers' data (JSON)")
    def export_json(self, request, queryset):
        subscribers = queryset.prefetch_related(
            "subscriptions__newsletter", "deliveries__send__issue", "deliveries__send__newsletter"
        )
        data = [subscriber_data(s) for s in subscribers]
        response = HttpResponse(json.dumps(data, indent=2), content_type="application/json")
        response["Content-Disposition"] = 'attachment; filename="subscriber-data.json"'
        return response

    @admin.action(
        description="Erase selected subscribers (right to erasure)", permissions=["delete"]
    )
    def erase(self, request, queryset):
        count = subscriptions.erase_subscribers(subscribers=queryset)
        messages.success(
            request, f"Erased {count} subscriber(s) with their subscriptions and delivery records."
        )


def _iso(value):
    return value.isoformat() if value else None


def subscriber_data(subscriber) -> dict:
    """Everything kept about one person (a subject access request), newest deliveries first."""
    return {
        "email": subscriber.email,
        "name": subscriber.name,
        "organisation": subscriber.organisation,
        "status": subscriber.status,
        "lawful_basis": subscriber.lawful_basis,
        "source": subscriber.source,
        "consent_at": subscriber.consent_at.isoformat() if subscriber.consent_at else None,
        "consent_ip": subscriber.consent_ip,
        "consent_wording": subscriber.consent_wording,
        "collected_at": subscriber.collected_at.isoformat() if subscriber.collected_at else None,
        "collected_where": subscriber.collected_where,
        "created_at": _iso(subscriber.created_at),
        "confirmed_at": _iso(subscriber.confirmed_at),
        "unsubscribed_at": _iso(subscriber.unsubscribed_at),
        "emails_sent": [
            {
                "issue": d.send.issue.title,
                "list": d.send.newsletter.name,
                "status": d.status,
                "sent_at": _iso(d.sent_at),
            }
            for d in sorted(subscriber.deliveries.all(), key=lambda d: d.pk, reverse=True)
        ],
        "subscriptions": [
            {
                "list": s.newsletter.name,
                "since": s.subscribed_at.isoformat(),
                "left": s.unsubscribed_at.isoformat() if s.unsubscribed_at else None,
            }
            for s in subscriber.subscriptions.all()
        ],
    }


@admin.register(Send)
class SendAdmin(SendReportAdmin, admin.ModelAdmin):
    list_display = [
        "issue",
        "newsletter",
        "status",
        "scheduled_at",
        "started_at",
        "finished_at",
        "report_link",
    ]
    list_filter = ["status", "newsletter"]
    readonly_fields = [
        "issue",
        "newsletter",
        "status",
        "scheduled_at",
        "started_at",
        "finished_at",
        "paused_reason",
        "created_by",
        "is_segmented",
        "tracked",
        "report_link",
    ]
    # The audience can be thousands of subscribers: their deliveries list them instead.
    exclude = ["html_template", "text_template", "subject", "audience"]

    actions = ["cancel_scheduled"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # A send's deliveries are the record of who got the issue and what keeps it from going
        # to a list twice: only a send called off before it started may go.
        if obj is not None and obj.status != Send.Status.CANCELLED:
            return False
        return super().has_delete_permission(request, obj)

    @admin.action(description="Cancel selected sends that have not started", permissions=["change"])
    def cancel_scheduled(self, request, queryset):
        cancelled = sum(sending.cancel_send(send=send) for send in queryset)
        skipped = queryset.count() - cancelled
        messages.success(request, f"{cancelled} send(s) cancelled.")
        if skipped:
            messages.warning(request, f"{skipped} had already started and were left alone.")
