from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path

from accounts.access import acts_as_staff, admin_login

from . import views
from .public_cache import public_page
from .sitemaps import SITEMAPS

# The admin opens only to active staff whose session passed a second factor.
admin.site.has_permission = acts_as_staff
admin.site.login = admin_login
admin.site.site_header = "TASP administration"
admin.site.site_title = "TASP admin"
admin.site.index_title = "Membership, newsletters and vacancies"

urlpatterns = [
    path("", public_page("newsletters", "vacancies", "events")(views.home), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots"),
    path(
        "sitemap.xml",
        public_page("newsletters", "vacancies", "events", "resources")(sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap",
    ),
    path("favicon.ico", views.favicon),
    path("privacy/", views.privacy, name="privacy"),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("membership/", include("membership.urls")),
    path("membership/", include("billing.urls")),
    path("newsletters/", include("newsletters.urls")),
    path("vacancies/", include("vacancies.urls")),
    path("resources/", include("resources.urls")),
    path("events/", include("events.urls")),
    path("admin/", admin.site.urls),
    path("_nested_admin/", include("nested_admin.urls")),
]

if settings.ANYMAIL.get("WEBHOOK_SECRET"):
    # ESP webhooks (bounces, complaints, unsubscribes): without a secret anyone could post a
    # bounce and suppress any subscriber, so they exist only when authenticated.
    urlpatterns += [path("anymail/", include("anymail.urls"))]

if settings.ERROR_PROBE:
    urlpatterns += [path("_probe/error/", views.error_probe, name="error-probe")]

if settings.SERVE_MEDIA:
    # django.conf.urls.static.static() serves nothing when DEBUG is off, so route it here.
    urlpatterns += [
        re_path(rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.+)$", views.media, name="media")
    ]
