from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.http import urlencode
from sesame.utils import get_query_string

from tasp.mail import send_templated_email

from .models import User


def magic_link_for(user: User, *, next_url: str = "") -> str:
    """An absolute, one-time login link for ``user`` that lands on ``next_url``."""
    query = get_query_string(user, scope="login")
    if next_url:
        query += "&" + urlencode({"next": next_url})
    return f"{settings.SITE_URL}{reverse('accounts:magic-login')}{query}"


def send_magic_link(*, email: str, next_url: str = "") -> None:
    """Email a login link when an active account has this address; say nothing when none does."""
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        return
    send_templated_email(
        "accounts/magic_link",
        to=[user.email],
        context={"user": user, "link": magic_link_for(user, next_url=next_url)},
    )
