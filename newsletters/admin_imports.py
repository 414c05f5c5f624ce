"""Subscriber imports in the admin: the upload form (on the subscriber admin), each import's
page (its progress while a worker runs it, its report once it ends) and the report as CSV."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path

from tasp import csv

from . import imports
from .forms import ImportForm
from .models import SubscriberImport

SHOWN_REJECTIONS = 200  # on the page; the CSV report has every row


def upload_view(model_admin, request):
    """The subscriber admin's "Import CSV" page: the file is stored and its import queued, and
    staff go to the import's page to watch it."""
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        subscriber_import = imports.start_subscriber_import(
            file=form.cleaned_data["file"],
            newsletter=form.cleaned_data["newsletter"],
            basis=form.cleaned_data["lawful_basis"],
            dry_run=form.cleaned_data["dry_run"],
            user=request.user,
        )
        return redirect("admin:newsletters_subscriberimport_change", subscriber_import.pk)
    context = {
        **model_admin.admin_site.each_context(request),
        "form": form,
        "title": "Import subscribers",
        "opts": model_admin.model._meta,
    }
    return render(request, "admin/newsletters/import.html", context)


def _may_import(request) -> bool:
    return request.user.has_perm("newsletters.add_subscriber")


@admin.register(SubscriberImport)
class SubscriberImportAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "filename",
        "newsletter",
        "dry_run",
        "status",
        "rows",
        "added",
        "updated",
        "rejected",
        "created_by",
    ]
    list_filter = ["status", "dry_run"]
    list_select_related = ["newsletter", "created_by"]

    def get_queryset(self, request):
        # The report holds a row per row of the file: only the page that shows it reads it.
        return super().get_queryset(request).defer("report")

    def has_view_permission(self, request, obj=None):
        # Whoever may upload one follows it to its report.
        return _may_import(request) or super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return False  # imports start from the subscriber admin's upload form

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not obj.has_ended:
            return False  # its worker is still writing it
        return super().has_delete_permission(request, obj)

    def delete_model(self, request, obj):
        imports.delete_subscriber_imports(subscriber_imports=[obj])

    def delete_queryset(self, request, queryset):
        imports.delete_subscriber_imports(subscriber_imports=queryset)

    @admin.display(description="Rows")
    def rows(self, obj):
        return f"{obj.rows_done:,} of {obj.rows_total:,}"

    def get_urls(self):
        def view(name, function):
            return path(
                f"<int:pk>/{name}/",
                self.admin_site.admin_view(function),
                name=f"newsletters_subscriberimport_{name.replace('.', '_')}",
            )

        return [
            view("progress", self.progress),
            view("report.csv", self.report_csv),
            view("resume", self.resume),
            view("import", self.import_file),
            *super().get_urls(),
        ]

    def _get(self, request, pk) -> SubscriberImport:
        subscriber_import = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_view_permission(request, subscriber_import):
            raise PermissionDenied
        return subscriber_import

    def change_view(self, request, object_id, form_url="", extra_context=None):
        subscriber_import = self._get(request, object_id)
        rejections = []
        if subscriber_import.has_ended:
            rejections = [
                (line, value, reason)
                for line, value, result, reason in subscriber_import.report_rows()
                if result == imports.REJECTED
            ][:SHOWN_REJECTIONS]
        context = {
            **self.admin_site.each_context(request),
            "subscriber_import": subscriber_import,
            "progress": subscriber_import.progress(),
            "rejections": rejections,
            "shown_rejections": SHOWN_REJECTIONS,
            "may_import": _may_import(request),
            "title": f"Import of {subscriber_import.filename}",
            "opts": self.model._meta,
        }
        return render(request, "admin/newsletters/import_detail.html", context)

    def progress(self, request, pk):
        return JsonResponse(self._get(request, pk).progress())

    def report_csv(self, request, pk):
        subscriber_import = self._get(request, pk)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="subscriber-import-{subscriber_import.pk}-report.csv"'
        )
        csv.writer(response).writerow(["Line", "Email address", "Result", "Reason"])
        response.write(subscriber_import.report)  # written by tasp.csv's writer
        return response

    def resume(self, request, pk):
        subscriber_import = self._get(request, pk)
        if request.method != "POST" or not _may_import(request):
            raise PermissionDenied
        if imports.resume_subscriber_import(subscriber_import=subscriber_import):
            messages.success(request, "The import carries on from where it stopped.")
        return redirect("admin:newsletters_subscriberimport_change", pk)

    def import_file(self, request, pk):
        """A finished dry run's file, imported for real."""
        dry_run = self._get(request, pk)
        if request.method != "POST" or not _may_import(request):
            raise PermissionDenied
        if not (dry_run.dry_run and dry_run.status == SubscriberImport.Status.DONE):
            messages.error(request, "Only a finished dry run can be imported from its page.")
            return redirect("admin:newsletters_subscriberimport_change", pk)
        subscriber_import = imports.import_for_real(dry_run=dry_run, user=request.user)
        return redirect("admin:newsletters_subscriberimport_change", subscriber_import.pk)
