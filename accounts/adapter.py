"""How django-allauth fits this site: links from SITE_URL, mail through the Celery worker."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from tasp.mail import queue_message


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
