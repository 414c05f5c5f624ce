"""Representatives as people: who manages a membership, the logins emailed links are for,
confirming an existing account, and naming exactly these people on a membership."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse

from accounts.services import magic_link_for
from tasp.mail import send_templated_email

from .models import Membership, Person, Representative


class MembershipError(Exception):
    """A workflow step that is not allowed in the current state; the message is for people."""


@dataclass(frozen=True)
class RepresentativeData:
    name: str
    email: str
    role: str
    job_title: str = ""


def business_managers(membership: Membership) -> list[Person]:
    return [
        r.person
        for r in membership.representatives.select_related("person", "person__user")
        if r.role == Representative.Role.BUSINESS_MANAGER
    ]


def business_manager_emails(membership: Membership) -> list[str]:
    return [person.email for person in business_managers(membership)]


def _existing_account(person: Person):
    """The account someone already has with the person's address, not linked to the person."""
    if person.user_id:
        return None
    return get_user_model().objects.filter(email__iexact=person.email).first()


def _ensure_login(person: Person):
    """The login emailed links are for. People log in with their email address (password or
    magic link): a person with no account yet gets one, linked to them. An account that
    already has the address is returned but not linked: whoever names a representative may
    not add their organisation to someone else's account, so only its owner, confirming
    (``confirm_representative``), links it."""
    if person.user_id:
        return person.user
    user = _existing_account(person)
    if user is not None:
        return user
    user = get_user_model().objects.create_user(email=person.email, full_name=person.name)
    person.user = user
    person.save(update_fields=["user"])
    return user


def _login_link(person: Person, *, next_url: str) -> str:
    """A magic link to ``next_url``; for an account not yet linked to the person it lands on
    the page where its owner confirms they are this representative instead."""
    user = _ensure_login(person)
    if person.user_id != user.pk:
        next_url = reverse("membership:confirm-representative", args=[confirmation_token(person)])
    return magic_link_for(user, next_url=next_url)


CONFIRMATION_SALT = "membership.confirm-representative"
CONFIRMATION_MAX_AGE = timedelta(days=30)


def confirmation_token(person: Person) -> str:
    """A signed token naming the person and the address it was sent to."""
    from django.core import signing

    return signing.dumps([person.pk, person.email.lower()], salt=CONFIRMATION_SALT)


def person_for_confirmation(token: str, *, user) -> Person | None:
    """The person a confirmation link names, if ``user`` is logged in with the address it was
    sent to and the person is not linked to another account; None otherwise."""
    from django.core import signing

    try:
        person_id, email = signing.loads(
            token, salt=CONFIRMATION_SALT, max_age=CONFIRMATION_MAX_AGE
        )
    except (signing.BadSignature, TypeError, ValueError):
        return None
    if not getattr(user, "is_authenticated", False) or user.email.lower() != email:
        return None
    person = Person.objects.select_related("organisation").filter(pk=person_id).first()
    if person is None or person.email.lower() != email or person.user_id not in (None, user.pk):
        return None
    return person


@transaction.atomic
def confirm_representative(*, person: Person, user) -> Person:
    """Link the login to the person it was named as, now its owner has confirmed (from a link
    sent to the address); confirming again changes nothing."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.user_id == user.pk:
        return person
    if person.user_id is not None or person.email.lower() != user.email.lower():
        raise MembershipError("This confirmation link is not for your login.")
    person.user = user
    person.save(update_fields=["user"])
    return person


def request_confirmation(*, person: Person, role: str) -> None:
    """Ask someone who already has an account to confirm they represent the organisation."""
    link = reverse("membership:confirm-representative", args=[confirmation_token(person)])
    send_templated_email(
        "membership/confirm_representative",
        to=[person.email],
        context={
            "person": person,
            "organisation": person.organisation,
            "role": Representative.Role(role).label,
            "link": f"{settings.SITE_URL}{link}",
        },
    )


def replace_representatives(
    *, membership: Membership, representatives: list[RepresentativeData]
) -> None:
    """Name exactly these people on the membership, reusing the organisation's person rows.
    Nobody's existing account is linked here: its owner is emailed a link to confirm instead."""
    emails = [r.email.strip().lower() for r in representatives]
    if len(set(emails)) != len(emails):
        raise MembershipError("Each representative needs a different email address.")
    membership.representatives.all().delete()
    organisation = membership.organisation
    for data in representatives:
        person = Person.objects.filter(
            organisation=organisation, email__iexact=data.email.strip()
        ).first()
        if person is None:
            person = Person(organisation=organisation, email=data.email.strip().lower())
        person.name = data.name.strip()
        person.job_title = data.job_title.strip()
        person.save()
        Representative.objects.create(membership=membership, person=person, role=data.role)
        if _existing_account(person) is not None:
            request_confirmation(person=person, role=data.role)
        elif data.role == Representative.Role.BUSINESS_MANAGER:
            _ensure_login(person)
