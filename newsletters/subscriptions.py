"""Subscribing: double opt-in, confirming, preferences, unsubscribing, suppression, members' soft
opt-in and erasure. Consent evidence is recorded with each change."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone

from tasp.mail import send_templated_email

from .models import (
    ErasedAddress,
    Newsletter,
    PendingSignup,
    Subscriber,
    Subscription,
)
from .signals import subscription_confirmed

logger = logging.getLogger(__name__)


CONSENT_WORDING = (
    "Yes, email me the newsletters I have ticked. I can unsubscribe at any time "
    "with the link in every email. The privacy notice says what is kept about me and why."
)


@transaction.atomic
def request_subscription(
    *,
    email: str,
    name: str,
    organisation: str,
    newsletters: list[Newsletter],
    ip: str | None,
    options: dict | None = None,
) -> None:
    """Record the request and email a confirmation link; says nothing about known addresses.
    The details wait on the server (``PendingSignup``) and the link carries only a random
    token; ``options`` are kept with them and reach ``subscription_confirmed`` listeners."""
    subscriber, _ = Subscriber.objects.select_for_update().get_or_create(
        email__iexact=email.strip(),
        defaults={"email": email, "name": name, "organisation": organisation},
    )
    if subscriber.status in (Subscriber.Status.BOUNCED, Subscriber.Status.COMPLAINED):
        return  # never mail an address that bounced or complained
    token, now = PendingSignup.new_token(), timezone.now()
    signup = PendingSignup.objects.create(
        token_digest=PendingSignup.digest_of(token),
        subscriber=subscriber,
        email=subscriber.email,
        name=name,
        organisation=organisation,
        ip=ip,
        options=options or {},
        # To the microsecond: what the subscriber does after this moment outranks the link.
        created_at=now,
        expires_at=now + PendingSignup.lifetime(),
    )
    signup.newsletters.set(newsletters)
    from django.urls import reverse

    send_templated_email(
        "newsletters/confirm",
        to=[subscriber.email],
        context={
            "name": name or subscriber.name,
            "newsletters": newsletters,
            "link": f"{settings.SITE_URL}{reverse('newsletters:confirm', args=[token])}",
        },
    )


class ConfirmationRefused(Exception):
    """A genuine confirmation link overtaken by what the subscriber did since; says what."""


CONFIRM_SALT = "newsletters.confirm"


def _requested(token: str) -> dict | None:
    """What a live confirmation link asks for, as a dict (subscriber id, email, list ids, name,
    organisation, ip, options, issued); None for a bad or expired link.

    Links carry a random token whose details wait in a ``PendingSignup``. Links sent before
    that carried the details themselves, signed (they always hold the signer's ":"): they keep
    working until they expire as they always did, NEWSLETTER_CONFIRM_MAX_AGE after sending."""
    if signing.TimestampSigner().sep not in token:
        signup = PendingSignup.objects.live().for_token(token).first()
        if signup is None:
            return None
        return {
            "id": signup.subscriber_id,
            "email": signup.email,
            "lists": [n.pk for n in signup.newsletters.all()],
            "name": signup.name,
            "organisation": signup.organisation,
            "ip": signup.ip,
            "options": signup.options,
            "issued": signup.created_at,
        }
    try:
        data = signing.TimestampSigner(salt=CONFIRM_SALT).unsign_object(
            token, max_age=settings.NEWSLETTER_CONFIRM_MAX_AGE
        )
    except signing.BadSignature:
        return None
    return {**data, "issued": _issued_at(token, data)}


def purge_expired_signups(now=None) -> int:
    """Delete sign-ups whose link has expired, with the details they held, and the address of
    anyone who asked and never confirmed (on no list, sent nothing, no other live sign-up);
    beat runs it hourly. Returns how many sign-ups went."""
    expired = PendingSignup.objects.expired(now)
    asked = set(expired.values_list("subscriber_id", flat=True))
    _, deleted = expired.delete()
    Subscriber.objects.filter(
        pk__in=asked,
        status=Subscriber.Status.PENDING,
        subscriptions__isnull=True,
        deliveries__isnull=True,
        pending_signups__isnull=True,
    ).delete()
    return deleted.get(PendingSignup._meta.label, 0)


def _issued_at(token: str, data: dict) -> datetime:
    """When the confirmation link was made; links from before "issued" was added carry only the
    signature's timestamp (whole seconds). Call only once the token has been unsigned."""
    if data.get("issued"):
        return datetime.fromisoformat(data["issued"])
    _value, timestamp, _signature = token.rsplit(signing.TimestampSigner().sep, 2)
    return datetime.fromtimestamp(signing.b62_decode(timestamp), tz=UTC)


@dataclass(frozen=True)
class PendingConfirmation:
    """What a confirmation link asks, read without changing anything (for the page it opens)."""

    subscriber: Subscriber
    newsletters: list[Newsletter]
    done: bool  # this link (or a later one) has already confirmed every list it names


def read_confirmation(*, token: str) -> PendingConfirmation | None:
    """The subscriber and lists a confirmation link names, and whether it has done its work;
    None when the link is bad, old or no longer matches the subscriber."""
    data = _requested(token)
    if data is None:
        return None
    subscriber = Subscriber.objects.filter(pk=data["id"]).first()
    if subscriber is None or subscriber.email != data["email"]:
        return None
    newsletters = list(Newsletter.objects.filter(pk__in=data.get("lists", [])))
    issued = data["issued"]
    started = set(
        Subscription.objects.filter(
            subscriber=subscriber,
            newsletter__in=newsletters,
            unsubscribed_at__isnull=True,
            subscribed_at__gte=issued,
        ).values_list("newsletter_id", flat=True)
    )
    done = (
        subscriber.status == Subscriber.Status.ACTIVE
        and bool(newsletters)
        and started == {n.pk for n in newsletters}
    )
    return PendingConfirmation(subscriber=subscriber, newsletters=newsletters, done=done)


@transaction.atomic
def confirm_subscription(*, token: str) -> Subscriber | None:
    """Activate the subscriber and the lists they asked for; None when the link is bad or old.

    A link works once: a list it already started, or one left after the link was sent, is not
    touched again, and a link sent before the subscriber unsubscribed from everything raises
    ``ConfirmationRefused``, so an old link posted again never undoes an unsubscribe."""
    data = _requested(token)
    if data is None:
        return None
    subscriber = Subscriber.objects.select_for_update().filter(pk=data["id"]).first()
    if subscriber is None or subscriber.email != data["email"]:
        return None
    if subscriber.status in (Subscriber.Status.BOUNCED, Subscriber.Status.COMPLAINED):
        return None
    issued = data["issued"]
    if subscriber.unsubscribed_at and subscriber.unsubscribed_at > issued:
        raise ConfirmationRefused(
            "You unsubscribed after we sent this confirmation link, so it no longer subscribes "
            "you. To get our emails again, subscribe again and use the new link we send."
        )
    subscriptions = {s.newsletter_id: s for s in Subscription.objects.filter(subscriber=subscriber)}
    newsletters, left = [], []
    for newsletter in Newsletter.objects.filter(pk__in=data.get("lists", [])):
        subscription = subscriptions.get(newsletter.pk)
        if subscription is None:
            newsletters.append(newsletter)
        elif subscription.unsubscribed_at and subscription.unsubscribed_at > issued:
            left.append(newsletter)  # left after the link was sent: it stays left
        elif not subscription.unsubscribed_at and subscription.subscribed_at >= issued:
            continue  # started by this link, or a later one: nothing left for it to do
        else:
            newsletters.append(newsletter)
    if not newsletters:
        if left:
            raise ConfirmationRefused(
                f"You left {', '.join(n.name for n in left)} after we sent this confirmation "
                "link, so it no longer subscribes you. To get it again, subscribe again and use "
                "the new link we send."
            )
        if subscriber.status == Subscriber.Status.ACTIVE:
            return subscriber  # this link (or a later one) has done its work already
    now = timezone.now()
    subscriber.name = data.get("name") or subscriber.name
    subscriber.organisation = data.get("organisation") or subscriber.organisation
    subscriber.record_basis(
        Subscriber.Basis.CONSENT,
        source=Subscriber.Source.FORM,
        at=now,
        ip=data.get("ip"),
        wording=CONSENT_WORDING,
    )
    subscriber.confirmed_at = now
    subscriber.save()
    ErasedAddress.objects.of(subscriber.email).delete()  # they came back of their own accord
    for newsletter in newsletters:
        Subscription.objects.update_or_create(
            subscriber=subscriber,
            newsletter=newsletter,
            defaults={"unsubscribed_at": None, "subscribed_at": now},
        )
    subscription_confirmed.send(
        sender=Subscriber,
        subscriber=subscriber,
        newsletters=newsletters,
        options=data.get("options") or {},
    )
    return subscriber


@transaction.atomic
def unsubscribe(*, subscriber: Subscriber, newsletter: Newsletter | None = None) -> None:
    """From one list, or from everything; safe to repeat."""
    now = timezone.now()
    subscriptions = Subscription.objects.filter(subscriber=subscriber, unsubscribed_at__isnull=True)
    if newsletter is not None:
        subscriptions = subscriptions.filter(newsletter=newsletter)
    subscriptions.update(unsubscribed_at=now)
    if newsletter is None:  # the table moves only the active and the pending
        Subscriber.objects.filter(pk=subscriber.pk).move(
            Subscriber.Status.UNSUBSCRIBED, unsubscribed_at=now
        )


class PreferencesRefused(Exception):
    """A change someone may not make from their preferences page; the message tells them why."""


@transaction.atomic
def update_preferences(
    *, subscriber: Subscriber, name: str, newsletters: list[Newsletter], ip: str | None = None
) -> bool:
    """Save the lists they ticked and their name; no list ticked leaves everything.

    Someone who had unsubscribed and ticks lists again, from the page their own signed link
    opened, is subscribed again with fresh consent evidence; True when that happened. An address
    that bounced or complained is never mailed again, whatever is ticked.
    """
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    chosen = {n.pk for n in newsletters}
    if chosen - set(Newsletter.objects.offered_to(subscriber).values_list("pk", flat=True)):
        raise PreferencesRefused("Choose from the lists on this page.")
    if chosen and subscriber.status in (Subscriber.Status.BOUNCED, Subscriber.Status.COMPLAINED):
        raise PreferencesRefused(
            f"We cannot send email to {subscriber.email}: "
            + (
                "messages to it bounced"
                if subscriber.status == Subscriber.Status.BOUNCED
                else "one of our emails to it was reported as spam"
            )
            + f", so we have stopped for good. To get our emails again, write to "
            f"{settings.CHARITY['email']}."
        )
    now = timezone.now()
    subscriber.name = name
    returning = bool(chosen) and subscriber.status == Subscriber.Status.UNSUBSCRIBED
    if returning:
        subscriber.record_basis(
            Subscriber.Basis.CONSENT,
            source=Subscriber.Source.PREFERENCES,
            at=now,
            ip=ip,
            wording=CONSENT_WORDING,
        )
    subscriber.save()
    for newsletter in Newsletter.objects.all():
        if newsletter.pk in chosen:
            Subscription.objects.update_or_create(
                subscriber=subscriber, newsletter=newsletter, defaults={"unsubscribed_at": None}
            )
        else:
            Subscription.objects.filter(
                subscriber=subscriber, newsletter=newsletter, unsubscribed_at__isnull=True
            ).update(unsubscribed_at=now)
    if not chosen:
        unsubscribe(subscriber=subscriber)
    return returning


def suppress(*, email: str, status: str) -> None:
    """A bounce, complaint or ESP unsubscribe: stop mailing this address everywhere."""
    Subscriber.objects.filter(email__iexact=email).move(status, unsubscribed_at=timezone.now())


def subscribe_member(
    *, email: str, name: str, organisation: str, newsletter: Newsletter
) -> Subscriber | None:
    """A representative of an active member: subscribed unless they ever opted out or asked to
    be erased (then None)."""
    if ErasedAddress.objects.of(email).exists():
        return None
    subscriber = Subscriber.objects.filter(email__iexact=email).first()
    if subscriber is None or subscriber.status == Subscriber.Status.PENDING:
        # New, or never confirmed their own request: membership is now the basis, and the
        # record says so.
        subscriber = subscriber or Subscriber(email=email, name=name, organisation=organisation)
        now = timezone.now()
        subscriber.record_basis(
            Subscriber.Basis.SOFT_OPT_IN,
            source=Subscriber.Source.MEMBERSHIP,
            at=now,
            where=f"Membership of {organisation}",
        )
        subscriber.confirmed_at = now
        subscriber.save()
    if subscriber.is_suppressed:
        return subscriber  # they opted out once: membership does not opt them back in
    if Subscription.objects.filter(
        subscriber=subscriber, newsletter=newsletter, unsubscribed_at__isnull=False
    ).exists():
        return subscriber  # left this list before: stays off it
    Subscription.objects.get_or_create(subscriber=subscriber, newsletter=newsletter)
    return subscriber


def subscribe_representatives(*, membership) -> int:
    """Put an active member's representatives on the lists marked for them (the main
    newsletter, which a migration makes), with membership as the source. Returns how many
    people are subscribed; with no list marked, nobody is, and the log says so."""
    newsletters = list(Newsletter.objects.filter(for_representatives=True).order_by("pk"))
    if not newsletters:
        logger.warning(
            "No newsletter list is marked for members' representatives, so those of %s were "
            "not subscribed: tick “for members' representatives” on a list in the admin.",
            membership,
        )
        return 0
    count = 0
    for representative in membership.representatives.select_related("person"):
        person = representative.person
        for newsletter in newsletters:
            subscriber = subscribe_member(
                email=person.email,
                name=person.name,
                organisation=membership.organisation.name,
                newsletter=newsletter,
            )
        count += subscriber is not None and not subscriber.is_suppressed
    return count


@transaction.atomic
def erase_subscribers(*, subscribers) -> int:
    """Right to erasure: delete the subscribers with their subscriptions and delivery records
    (which hold the address), keeping only a digest so nothing adds them back by itself."""
    emails = list(subscribers.values_list("email", flat=True))
    ErasedAddress.objects.bulk_create(
        [ErasedAddress(digest=ErasedAddress.digest_of(email)) for email in emails],
        ignore_conflicts=True,
    )
    subscribers.delete()
    return len(emails)
