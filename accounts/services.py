from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.http import urlencode
from sesame.backends import ModelBackend as SesameBackend
from sesame.utils import get_query_string

from .models import User

MAGIC_LINK_SCOPE = "login"
# The link in the email of someone who asked to log in (beside the code): it lasts as long as
# the code does, not the week of a renewal invitation's.
REQUESTED_LINK_SCOPE = "login-requested"


def magic_link_for(user: User, *, next_url: str = "", scope: str = MAGIC_LINK_SCOPE) -> str:
    """An absolute, one-time login link for ``user`` that lands on ``next_url``.

    Renewal invitations and reminders carry one, and so does the email of someone who asks to
    log in (``REQUESTED_LINK_SCOPE``). Staff accounts get none: an emailed link never logs in an
    account that can use the admin."""
    if user.is_staff:
        return f"{settings.SITE_URL}{reverse('account_login')}?{urlencode({'next': next_url})}"
    query = get_query_string(user, scope=scope)
    if next_url:
        query += "&" + urlencode({"next": next_url})
    return f"{settings.SITE_URL}{reverse('accounts:magic-login')}{query}"


def user_for_magic_link(token: str) -> User | None:
    """The account a magic link logs in, or None when the token is bad, used or expired.

    Checked by sesame's backend directly rather than through ``authenticate()``: a bad token is not a failed
    password, so it must not count towards django-axes locking out the sender's IP address
    (one person's stale links would lock a whole office out of its valid ones)."""
    if not token:
        return None
    backend = SesameBackend()
    user = backend.authenticate(None, sesame=token, scope=MAGIC_LINK_SCOPE) or backend.authenticate(
        None,
        sesame=token,
        scope=REQUESTED_LINK_SCOPE,
        max_age=settings.ACCOUNT_LOGIN_BY_CODE_TIMEOUT,
    )
    if user is None or user.is_staff or not user.is_active:
        return None
    mark_address_verified(user)
    return user


def mark_address_verified(user: User) -> None:
    """Record the account's address as verified (following an emailed link proves the mailbox,
    as allauth's confirmation link would), so allauth lets it log in with a password."""
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(
        user=user,
        email__iexact=user.email,
        defaults={"email": user.email, "verified": True, "primary": True},
    )
