"""The send report in the admin: a page per send (newsletters/reports.py says what is on it)
and its failed and bounced addresses as CSV. Mixed into the Send admin."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.html import format_html

from .models import Send
from .reports import PROBLEMS_SHOWN, report_for, write_problems_csv


class SendReportAdmin:
    """Adds /admin/newsletters/send/<id>/report/ (and report.csv) and a link to it."""

    def get_urls(self):
        def view(route, function, name):
            return path(route, self.admin_site.admin_view(function), name=name)

        return [
            view("<int:send_id>/report/", self.report_view, "newsletters_send_report"),
            view("<int:send_id>/report.csv", self.report_csv, "newsletters_send_report_csv"),
            *super().get_urls(),
        ]

    @admin.display(description="Report")
    def report_link(self, obj):
        if obj is None or obj.pk is None or obj.started_at is None:
            return "—"
        url = reverse("admin:newsletters_send_report", args=[obj.pk])
        return format_html('<a href="{}">Send report</a>', url)

    def _send(self, request, send_id) -> Send:
        send = get_object_or_404(
            Send.objects.select_related("issue", "newsletter", "created_by"), pk=send_id
        )
        if not self.has_view_permission(request, send):
            raise PermissionDenied
        return send

    def report_view(self, request, send_id):
        send = self._send(request, send_id)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Send report: {send.issue} to {send.newsletter}",
            "send": send,
            "report": report_for(send),
            "problems_shown": PROBLEMS_SHOWN,
        }
        return render(request, "admin/newsletters/send_report.html", context)

    def report_csv(self, request, send_id):
        send = self._send(request, send_id)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="send-{send.pk}-failed-and-bounced.csv"'
        )
        write_problems_csv(send, response)
        return response
