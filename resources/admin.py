from django.contrib import admin, messages

from . import services
from .models import Audience, Resource, Topic


@admin.register(Topic, Audience)
class TermAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "access", "public_from", "published_on", "downloads"]
    list_filter = ["access", "kind", "topics", "audiences"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["topics", "audiences"]
    readonly_fields = ["downloads"]
    date_hierarchy = "published_on"
    actions = ["announce"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "summary", "body", "file"]}),
        ("Who opens it", {"fields": ["access", "public_from", "published_on"]}),
        ("Finding it", {"fields": ["topics", "audiences"]}),
        ("Use", {"fields": ["downloads"], "description": "Downloads in all; not who."}),
    ]

    @admin.action(permissions=["change"], description="Announce in the next newsletter issue")
    def announce(self, request, queryset):
        try:
            issue = services.announce_in_newsletter(resources=queryset)
        except services.AnnounceRefused as refusal:
            self.message_user(request, str(refusal), messages.ERROR)
        else:
            self.message_user(
                request, f"Added to “{services.MEMBERS_SECTION}” in the draft issue “{issue}”."
            )
