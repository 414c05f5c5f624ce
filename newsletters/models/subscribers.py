"""Subscribers, their lists and consent, and the addresses erased at their request."""

from __future__ import annotations

import functools
import hashlib
import hmac
from base64 import urlsafe_b64encode
from typing import Self

from django.conf import settings
from django.core import signing
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.encoding import force_bytes

from tasp.states import Moves, MovesQuerySet

from .content import Newsletter

TOKEN_SALT = "newsletters.subscriber"
UNSUBSCRIBE_SALT = "newsletters.unsubscribe"


def sign(value: str, *, salt: str) -> str:
    """``signing.Signer(salt=salt).sign(value)``, with the key derived from the salt and
    SECRET_KEY once rather than on every call: a send signs two links for every message.
    Links are checked by Django's ``Signer`` (which also knows SECRET_KEY_FALLBACKS)."""
    mac = hmac.digest(_signing_key(salt, settings.SECRET_KEY), value.encode(), "sha256")
    return f"{value}:{urlsafe_b64encode(mac).rstrip(b'=').decode()}"


@functools.lru_cache(maxsize=16)
def _signing_key(salt: str, secret: str | bytes) -> bytes:
    # What django.utils.crypto.salted_hmac derives for Signer's salt + "signer".
    return hashlib.sha256(force_bytes(f"{salt}signer") + force_bytes(secret)).digest()


class SubscriberQuerySet(MovesQuerySet):
    def active(self) -> Self:
        return self.filter(status=Subscriber.Status.ACTIVE)


class Subscriber(Moves, models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending confirmation"
        ACTIVE = "active", "Active"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"
        BOUNCED = "bounced", "Bounced"
        COMPLAINED = "complained", "Complained"

    # Someone who unsubscribed comes back only by their own new consent; an address that
    # bounced or complained is never made active again.
    MOVES = {
        Status.PENDING: frozenset(
            {Status.ACTIVE, Status.UNSUBSCRIBED, Status.BOUNCED, Status.COMPLAINED}
        ),
        Status.ACTIVE: frozenset({Status.UNSUBSCRIBED, Status.BOUNCED, Status.COMPLAINED}),
        Status.UNSUBSCRIBED: frozenset({Status.ACTIVE, Status.BOUNCED, Status.COMPLAINED}),
        Status.BOUNCED: frozenset({Status.COMPLAINED}),
        Status.COMPLAINED: frozenset({Status.BOUNCED}),
    }

    class Basis(models.TextChoices):
        CONSENT = "consent", "Consent"
        SOFT_OPT_IN = "soft_opt_in", "Charitable-purpose soft opt-in (PECR)"
        CONTRACT = "contract", "Service messages about a booked place"

    class Source(models.TextChoices):
        FORM = "form", "Subscribe form"
        IMPORT = "import", "Import"
        MEMBERSHIP = "membership", "Membership"
        ADMIN = "admin", "Added by staff"
        PREFERENCES = "preferences", "Preferences page"
        EVENT = "event", "Event booking"

    email = models.EmailField(max_length=254)
    name = models.CharField(max_length=150, blank=True)
    organisation = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=20, choices=Status, default=Status.PENDING)
    lawful_basis = models.CharField(max_length=20, choices=Basis, default=Basis.CONSENT)
    source = models.CharField(max_length=20, choices=Source, default=Source.FORM)
    consent_at = models.DateTimeField(null=True, blank=True)
    consent_ip = models.GenericIPAddressField(null=True, blank=True)
    consent_wording = models.TextField(
        blank=True, help_text="What the person saw when they agreed."
    )
    collected_at = models.DateTimeField(
        null=True, blank=True, help_text="Soft opt-in: when the details were collected."
    )
    collected_where = models.CharField(max_length=200, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    newsletters = models.ManyToManyField(
        Newsletter, through="Subscription", related_name="subscribers"
    )

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="subscriber_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.email

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    @property
    def token(self) -> str:
        return self.token_for(self.pk)

    @staticmethod
    def token_for(pk: int) -> str:
        """Signed per subscriber for unsubscribe and preference links: unguessable, unalterable."""
        return sign(str(pk), salt=TOKEN_SALT)

    @classmethod
    def from_token(cls, token: str) -> Subscriber | None:
        try:
            pk = signing.Signer(salt=TOKEN_SALT).unsign(token)
        except signing.BadSignature:
            return None
        return cls.objects.filter(pk=pk).first()

    def unsubscribe_token(self, newsletter_id: int) -> str:
        return self.unsubscribe_token_for(self.pk, newsletter_id)

    @staticmethod
    def unsubscribe_token_for(pk: int, newsletter_id: int) -> str:
        """Signed per subscriber and list: an email's unsubscribe link leaves that list only."""
        return sign(f"{pk}.{newsletter_id}", salt=UNSUBSCRIBE_SALT)

    @classmethod
    def from_unsubscribe_token(cls, token: str) -> tuple[Subscriber | None, Newsletter | None]:
        """The subscriber and the list an unsubscribe link names. Links from before lists were
        named carry the subscriber's token alone, which means every list (list is None)."""
        try:
            value = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token)
        except signing.BadSignature:
            return cls.from_token(token), None
        pk, _, newsletter_id = value.partition(".")
        subscriber = cls.objects.filter(pk=pk).first()
        # A list since deleted: its mail has stopped anyway, so the link leaves everything.
        return subscriber, Newsletter.objects.filter(pk=newsletter_id).first()

    def confirmation_token(self) -> str:
        return signing.TimestampSigner(salt="newsletters.confirm").sign_object(
            {"id": self.pk, "email": self.email}
        )

    def record_basis(
        self, basis: str, *, source: str, at, ip: str | None = None, wording: str = "", where=""
    ) -> None:
        """The one place the evidence for emailing someone is written, and they become active
        (unsaved: the caller saves it with its other changes). Consent: when, from which
        address, the words they agreed to. Soft opt-in: when and where their details were
        collected."""
        self.lawful_basis, self.source = basis, source
        if basis == self.Basis.CONSENT:
            self.consent_at, self.consent_ip, self.consent_wording = at, ip, wording
        else:
            self.collected_at, self.collected_where = at, where
        self.unsubscribed_at = None
        if self.status != self.Status.ACTIVE:
            self.set_status(self.Status.ACTIVE)

    @property
    def is_suppressed(self) -> bool:
        return self.status in {
            self.Status.UNSUBSCRIBED,
            self.Status.BOUNCED,
            self.Status.COMPLAINED,
        }


class ErasedAddressQuerySet(models.QuerySet):
    def of(self, email: str) -> Self:
        return self.filter(digest=ErasedAddress.digest_of(email))


class ErasedAddress(models.Model):
    """Someone erased at their request, kept only as a one-way digest of the address, so that
    membership or an import never quietly adds them back. Their own double opt-in removes it."""

    digest = models.CharField(max_length=64, unique=True)
    erased_at = models.DateTimeField(default=timezone.now)

    objects = ErasedAddressQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "erased addresses"

    def __str__(self) -> str:
        return f"Erased {self.erased_at:%Y-%m-%d}"

    @staticmethod
    def digest_of(email: str) -> str:
        return hashlib.sha256(email.strip().lower().encode()).hexdigest()


class Subscription(models.Model):
    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="subscriptions"
    )
    newsletter = models.ForeignKey(
        Newsletter, on_delete=models.CASCADE, related_name="subscriptions"
    )
    subscribed_at = models.DateTimeField(default=timezone.now)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "newsletter"], name="one_subscription_per_list"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subscriber} → {self.newsletter}"

    @property
    def is_active(self) -> bool:
        return self.unsubscribed_at is None
