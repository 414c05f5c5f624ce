"""Anonymous public pages kept in the cache (Redis in production) until what they show changes.

A page is wrapped in the URLconf with ``public_page("vacancies", ...)``, naming the topics it
shows. A topic has a generation number in the cache; a page's key carries its topics'
generations, London's date (an advert closes at the end of its day) and the full path, so saving
or deleting any model of a topic (``TOPIC_MODELS``, connected in ``connect``) or a state move of
one (``tasp.states``) makes every page showing it render afresh on its next request.
``PUBLIC_PAGE_CACHE_SECONDS`` bounds whatever a bulk write missed; 0 turns the cache off.

Only what is the same for everyone is kept: a GET or HEAD from a visitor who is not logged in,
with no message waiting, answered 200 without setting a cookie, without a form token (a page
that called ``get_token`` is never stored) and not marked ``no-store``. Logged-in visitors always
get a fresh page. (A page marked ``private`` for browsers' and proxies' sake, because what it
offers depends on who asks, is still kept: only anonymous answers are, and they are the same.)
"""

from __future__ import annotations

import hashlib
import logging
from functools import wraps
from zoneinfo import ZoneInfo

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

LONDON = ZoneInfo("Europe/London")
logger = logging.getLogger(__name__)
PREFIX = "public-page"

# Which models each topic's pages show: a change to any of them renews the topic's pages.
TOPIC_MODELS = {
    "newsletters": ["newsletters.Newsletter", "newsletters.Issue", "newsletters.Section",
                    "newsletters.Item", "newsletters.IssueImage"],
    "vacancies": ["vacancies.Vacancy", "vacancies.VacancyPricing"],
    "membership": ["membership.FeeSchedule", "membership.FeeBand", "membership.MembershipYear"],
    "events": ["events.Event", "events.Session", "events.TicketType", "events.Booking",
               "events.Delegate"],
    "resources": ["resources.Resource", "resources.Topic", "resources.Audience"],
}  # fmt: skip


# A generation number outlives any page kept under it (PUBLIC_PAGE_CACHE_SECONDS), so one that
# lapses after a quiet month cannot bring an old page back; it does not stay for ever.
GENERATION_SECONDS = 30 * 24 * 3600


def generation_key(topic: str) -> str:
    return f"{PREFIX}:generation:{topic}"


def changed(*topics: str) -> None:
    """Every cached page showing one of these topics is renewed on its next request. A cache
    that cannot be reached is logged, not raised: the change itself has been made, and pages
    kept from before it age out within PUBLIC_PAGE_CACHE_SECONDS."""
    for topic in topics:
        key = generation_key(topic)
        try:
            if not cache.add(key, 2, timeout=GENERATION_SECONDS):
                try:
                    cache.incr(key)
                except ValueError:  # evicted between add and incr
                    cache.set(key, 2, timeout=GENERATION_SECONDS)
        except Exception:
            logger.warning("Could not renew the cached %s pages", topic, exc_info=True)


def model_changed(model) -> None:
    label = model._meta.label
    changed(*(topic for topic, labels in TOPIC_MODELS.items() if label in labels))


def page_key(request, topics: tuple[str, ...]) -> str:
    generations = cache.get_many([generation_key(topic) for topic in topics])
    parts = [
        *(f"{topic}={generations.get(generation_key(topic), 1)}" for topic in topics),
        timezone.localdate(timezone=LONDON).isoformat(),
        request.get_full_path(),
    ]
    return f"{PREFIX}:{hashlib.sha256('|'.join(parts).encode()).hexdigest()}"


def cacheable_request(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
        and "messages" not in request.COOKIES
    )


def cacheable_response(request, response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and "no-store" not in response.get("Cache-Control", "")
    )


def public_page(*topics: str):
    """Keep the anonymous answer of this view until one of ``topics`` changes (see above)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not settings.PUBLIC_PAGE_CACHE_SECONDS or not cacheable_request(request):
                return view(request, *args, **kwargs)
            try:
                key = page_key(request, topics)
                stored = cache.get(key)
            except Exception:  # no cache: the page is rendered as if it had none
                logger.warning("Page cache unavailable", exc_info=True)
                return view(request, *args, **kwargs)
            if stored is not None:
                stored["X-Cache"] = "hit"
                return stored
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            if cacheable_response(request, response):
                # One piece: a feed is written in thousands of small ones, and the server
                # would send each in a write of its own every time the page is served.
                response.content = response.content
                try:
                    cache.set(key, response, settings.PUBLIC_PAGE_CACHE_SECONDS)
                except Exception:
                    logger.warning("Page cache unavailable", exc_info=True)
                else:
                    response["X-Cache"] = "miss"
            return response

        return wrapped

    return decorator


def _on_change(sender, **kwargs) -> None:
    model_changed(sender)


def connect() -> None:
    """Renew a topic's pages whenever one of its models is saved or deleted."""
    for labels in TOPIC_MODELS.values():
        for label in labels:
            model = apps.get_model(label)
            uid = f"public-page-{label}"
            post_save.connect(_on_change, sender=model, dispatch_uid=uid)
            post_delete.connect(_on_change, sender=model, dispatch_uid=uid)
