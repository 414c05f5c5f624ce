from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from . import views

admin.site.site_header = "TASP administration"
admin.site.site_title = "TASP admin"
admin.site.index_title = "Membership, newsletters and vacancies"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    path("membership/", include("membership.urls")),
    path("newsletters/", include("newsletters.urls")),
    path("vacancies/", include("vacancies.urls")),
    path("admin/", admin.site.urls),
    path("_nested_admin/", include("nested_admin.urls")),
    # ESP webhooks (bounces, complaints, unsubscribes), authenticated by ANYMAIL's WEBHOOK_SECRET.
    path("anymail/", include("anymail.urls")),
]

if settings.ERROR_PROBE:
    urlpatterns += [path("_probe/error/", views.error_probe, name="error-probe")]

if settings.SERVE_MEDIA:
    # django.conf.urls.static.static() serves nothing when DEBUG is off, so route it here.
    urlpatterns += [
        re_path(rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.+)$", views.media, name="media")
    ]
