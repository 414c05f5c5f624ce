"""Who may act as staff: an active staff account whose session proved a second factor.

A password, an emailed code or a magic link alone never opens the admin: the session must also
have passed a TOTP code or a recovery code (allauth.mfa), either at log-in or afterwards.
"""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

SESSION_KEY = "accounts_second_factor_user"


def record_second_factor(request: HttpRequest, user) -> None:
    request.session[SESSION_KEY] = str(user.pk)


def has_second_factor(request: HttpRequest) -> bool:
    user = request.user
    return user.is_authenticated and request.session.get(SESSION_KEY) == str(user.pk)


def acts_as_staff(request: HttpRequest) -> bool:
    user = request.user
    return user.is_active and user.is_staff and has_second_factor(request)


def has_authenticator(user) -> bool:
    return Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()


def admin_login(request: HttpRequest, extra_context=None):
    """The admin's log-in page: the site's own log-in, then the second factor."""
    next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("admin:index")
    if not request.user.is_authenticated:
        return _redirect("account_login", next_url)
    if not (request.user.is_active and request.user.is_staff):
        raise PermissionDenied("This account cannot use the admin.")
    if has_second_factor(request):
        return HttpResponseRedirect(next_url)
    if has_authenticator(request.user):
        return _redirect("mfa_reauthenticate", next_url)
    messages.info(
        request,
        "Staff need a second factor for the admin. Set up an authenticator app to continue.",
    )
    return _redirect("mfa_activate_totp", next_url)


def _redirect(url_name: str, next_url: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(
        f"{resolve_url(url_name)}?{urlencode({REDIRECT_FIELD_NAME: next_url})}"
    )
