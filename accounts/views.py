from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from . import services
from .forms import EmailAuthenticationForm, MagicLinkForm, QueuedPasswordResetForm


class LoginView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


@method_decorator(ratelimit(key="ip", rate="10/h", method="POST"), name="post")
class PasswordResetView(auth_views.PasswordResetView):
    form_class = QueuedPasswordResetForm
    template_name = "accounts/password_reset_form.html"
    success_url = reverse_lazy("accounts:password_reset_done")


def _safe_next(request, candidate: str) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


@ratelimit(key="ip", rate="10/h", method="POST")
@ratelimit(key="post:email", rate="5/h", method="POST")
@require_http_methods(["GET", "POST"])
def magic_link(request):
    form = MagicLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.send_magic_link(
            email=form.cleaned_data["email"],
            next_url=_safe_next(request, request.GET.get("next", "")),
        )
        # The same answer whether or not the address has an account: nothing to enumerate.
        return render(
            request, "accounts/magic_link_sent.html", {"email": form.cleaned_data["email"]}
        )
    return render(request, "accounts/magic_link_form.html", {"form": form})


@cache_control(private=True, no_store=True)  # the login token is in the address
@require_http_methods(["GET", "POST"])
def magic_login(request):
    """GET shows a button, POST logs in: link scanners that follow GETs cannot spend the link."""
    token = request.POST.get("token") or request.GET.get("token", "")
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next", ""))
    if request.method == "POST":
        user = authenticate(request, sesame=token, scope="login") if token else None
        if user is None:
            messages.error(request, "That login link has expired or has already been used.")
            return redirect("accounts:magic-link")
        login(request, user)
        messages.success(request, "You are logged in.")
        return redirect(next_url or "accounts:account")
    return render(request, "accounts/magic_login.html", {"token": token, "next": next_url})


@login_required
def account(request):
    return render(request, "accounts/account.html")
