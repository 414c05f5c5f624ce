"""Sign-ups waiting for their confirmation link to be followed: the details stay here, on the
server, and the emailed link carries only a random token (newsletters/subscriptions.py)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Self

from django.conf import settings
from django.db import models
from django.utils import timezone

from .content import Newsletter
from .subscribers import Subscriber


class PendingSignupQuerySet(models.QuerySet):
    def live(self, now=None) -> Self:
        return self.filter(expires_at__gt=now or timezone.now())

    def expired(self, now=None) -> Self:
        return self.filter(expires_at__lte=now or timezone.now())

    def for_token(self, token: str) -> Self:
        return self.filter(token_digest=PendingSignup.digest_of(token))


class PendingSignup(models.Model):
    """What someone asked for on a subscribe form, until they confirm it or it expires (then a
    periodic task deletes it). Only a digest of the link's token is kept, so the table cannot
    be turned back into working links."""

    token_digest = models.CharField(max_length=64, unique=True)
    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="pending_signups"
    )
    # The address as it was asked for: a link stops working if the subscriber's changes.
    email = models.EmailField(max_length=254)
    name = models.CharField(max_length=150, blank=True)
    organisation = models.CharField(max_length=200, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    newsletters = models.ManyToManyField(Newsletter, related_name="+")
    # What the requesting app keeps until the link is followed (vacancy alerts: their filters).
    options = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)

    objects = PendingSignupQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.email} (until {self.expires_at:%Y-%m-%d %H:%M})"

    @staticmethod
    def digest_of(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @staticmethod
    def new_token() -> str:
        """43 URL-safe characters, 256 random bits; never a ":", which the links signed before
        these tokens always have."""
        return secrets.token_urlsafe(32)

    @staticmethod
    def lifetime() -> timedelta:
        return timedelta(seconds=settings.NEWSLETTER_CONFIRM_MAX_AGE)
