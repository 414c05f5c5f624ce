"""Why the log-in page is asking: said from where the visitor was going (the ``next`` address),
so someone sent there from "Post a vacancy" reads "Log in or create an account to post a
vacancy" rather than a bare log-in form."""

from __future__ import annotations

from urllib.parse import urlsplit

from django import template
from django.urls import Resolver404, resolve
from django.utils.http import url_has_allowed_host_and_scheme

register = template.Library()

# The page a visitor was going to (its URL name) → why they must log in first.
REASONS = {
    "vacancies:post": "Log in or create an account to post a vacancy.",
    "vacancies:mine": "Log in to see and change your adverts.",
    "vacancies:manage": "Log in to see and change your advert.",
    "vacancies:edit": "Log in to see and change your advert.",
    "membership:renew": "Log in to renew your organisation's membership.",
    "membership:renew-check": "Log in to renew your organisation's membership.",
    "membership:account": "Log in to see your organisation's membership and invoices.",
    "membership:representatives": "Log in to change your organisation's representatives.",
    "resources:detail": "Log in to open members' resources: they are for the named "
    "representatives of member organisations.",
    "resources:download": "Log in to open members' resources: they are for the named "
    "representatives of member organisations.",
    "events:detail": "Log in or create an account to book places; members' representatives "
    "book at the member price.",
}


def reason_for(next_url: str, *, host: str) -> str:
    """Why logging in is needed to reach ``next_url`` (a path on this site), or ""."""
    if not next_url or not url_has_allowed_host_and_scheme(next_url, allowed_hosts={host}):
        return ""
    try:
        match = resolve(urlsplit(next_url).path)
    except Resolver404:
        return ""
    return REASONS.get(match.view_name, "")


@register.simple_tag(takes_context=True)
def login_reason(context) -> str:
    request = context.get("request")
    if request is None:
        return ""
    next_url = request.POST.get("next") or request.GET.get("next", "")
    return reason_for(next_url, host=request.get_host())
