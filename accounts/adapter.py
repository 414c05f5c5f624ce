"""How django-allauth fits this site: links from SITE_URL, mail through the Celery worker."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from tasp.mail import queue_message


def requested_login_link(email: str, request) -> str:
    """For the email of someone who asked to log in: a one-time link, beside the code, that
    lands where they were going (the request's ``next``); "" for staff, who use the code."""
    from allauth.account.utils import get_next_redirect_url

    from .models import User
    from .services import REQUESTED_LINK_SCOPE, magic_link_for

    user = User.objects.filter(email__iexact=email, is_active=True).first()
    if user is None or user.is_staff:
        return ""
    next_url = (get_next_redirect_url(request) if request is not None else None) or ""
    return magic_link_for(user, next_url=next_url, scope=REQUESTED_LINK_SCOPE)


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth's subject and text (templates/account/email/), wrapped in the site's HTML
        email layout and sent from a worker, so the request takes the same time whether or not
        the address has an account."""
        context = {
            "email": email,
            "charity": settings.CHARITY,
            "site_url": settings.SITE_URL,
            **context,
        }
        if template_prefix == "account/email/login_code":
            context["login_link"] = requested_login_link(email, context.get("request"))
        message = self.render_mail(template_prefix, email, context)
        message.alternatives = [
            (
                render_to_string(
                    "emails/accounts/allauth.html",
                    {**context, "email_subject": message.subject, "text": message.body},
                ),
                "text/html",
            )
        ]
        queue_message(message)

    def get_reset_password_from_key_url(self, key: str) -> str:
        # Never the request's Host header: a forged Host would send the key to another site.
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return settings.SITE_URL + path.replace("UID-KEY", key)

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        return settings.SITE_URL + reverse("account_confirm_email", args=[emailconfirmation.key])
