import posixpath

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.static import serve

from . import health


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    from events.models import Event
    from vacancies.models import Vacancy

    latest_vacancies = Vacancy.objects.open().order_by("-published_at")[:3]
    next_event = Event.objects.upcoming().exclude(kind=Event.Kind.EXTERNAL).first()
    return render(
        request, "home.html", {"latest_vacancies": latest_vacancies, "next_event": next_event}
    )


@require_safe
def privacy(request: HttpRequest) -> HttpResponse:
    """The privacy notice: what it says about retention and counting follows the settings."""
    return render(
        request,
        "privacy.html",
        {
            "tracking": settings.NEWSLETTER_TRACKING,
            "confirm_days": settings.NEWSLETTER_CONFIRM_MAX_AGE // (24 * 3600),
            "access_requirements_days": settings.EVENTS_ACCESS_REQUIREMENTS_DAYS,
        },
    )


# Private and per-person pages stay out of search engines; everything else is in the sitemap.
ROBOTS_DISALLOW = [
    "/admin/",
    "/accounts/",
    "/membership/account/",
    "/membership/renew/",
    "/membership/pay/",
    "/membership/invoices/",
    "/newsletters/confirm/",
    "/newsletters/unsubscribe/",
    "/newsletters/preferences/",
    "/vacancies/mine/",
    "/events/bookings/",
    "/events/delegates/",
    "/events/offers/",
]


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page says: send them to the static one."""
    return redirect(static("img/favicon.ico"), permanent=True)


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW)]
    lines.append(f"Sitemap: {settings.SITE_URL}/sitemap.xml")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    states = health.report()
    healthy = all(state == "up" for state in states.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **states}, status=200 if healthy else 503
    )


class ErrorProbe(Exception):
    """Raised on purpose by /_probe/error/ (DJANGO_ERROR_PROBE)."""


def error_probe(request: HttpRequest) -> HttpResponse:
    raise ErrorProbe("The error probe was asked for a server error.")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Django's own page is bare; this one says what to do, in the site's layout."""
    return render(request, "403_csrf.html", status=403)


def rate_limited(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "429.html", status=429)


@require_safe
def media(request, path):
    """Uploaded files (newsletter images) when no proxy serves MEDIA_ROOT. Job packs are not
    served here, only by vacancies.views.job_pack, which checks that their advert is public."""
    from vacancies.models import JOB_PACK_FOLDER

    # The same normalisation serve() applies, so "a/../vacancies/job-packs/..." is caught too.
    if (posixpath.normpath(path).lstrip("/") + "/").lower().startswith(JOB_PACK_FOLDER + "/"):
        raise Http404("No such file.")
    return sandboxed(serve(request, path, document_root=settings.MEDIA_ROOT))


def sandboxed(response: HttpResponse) -> HttpResponse:
    """Whatever someone uploaded cannot run as a page of this site (an SVG or HTML file with
    script in it, say): sandboxed, with its declared type taken at its word."""
    response.headers["Content-Security-Policy"] = "sandbox"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
