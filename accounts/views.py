from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods

from . import services


def _safe_next(request, candidate: str) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


@cache_control(private=True, no_store=True)  # the login token is in the address
@require_http_methods(["GET", "POST"])
def magic_login(request):
    """GET shows a button, POST logs in: link scanners that follow GETs cannot spend the link."""
    token = request.POST.get("token") or request.GET.get("token", "")
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next", ""))
    if request.method == "GET" and request.user.is_authenticated and next_url:
        # The link opened again by someone already logged in here: take them on, and leave
        # the link unspent (it logs in only its own account, and only once).
        return redirect(next_url)
    if request.method == "POST":
        user = services.user_for_magic_link(token)
        if user is None:
            messages.error(request, "That login link has expired or has already been used.")
            return redirect("account_request_login_code")
        login(request, user, backend="sesame.backends.ModelBackend")
        messages.success(request, "You are logged in.")
        return redirect(next_url or "accounts:account")
    return render(request, "accounts/magic_login.html", {"token": token, "next": next_url})


@login_required
def account(request):
    return render(request, "accounts/account.html")
