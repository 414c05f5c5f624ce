"""What vacancies asks of membership: who has member benefits, and for which organisation."""

from __future__ import annotations

from datetime import date


def is_member_user(user, on: date) -> bool:
    """Does ``user`` have member benefits on ``on``: a representative named on a membership
    that has them (active, or renewing within the grace period)?"""
    from membership.services import is_member

    return is_member(user=user, on=on)


def member_organisation(user, on: date):
    """The organisation giving ``user`` member benefits on ``on`` (the same rule as
    ``is_member_user``), or None."""
    from membership.models import Membership

    membership = (
        Membership.objects.with_benefits_for(user, on)
        .select_related("organisation")
        .order_by("organisation__name", "pk")
        .first()
    )
    return membership.organisation if membership else None


def make_member_organisation(*, name: str, user, on: date) -> None:
    """Demo data only: name ``user`` as a representative of an organisation with an active
    membership on ``on``."""
    from membership.models import Membership, MembershipYear, Organisation, Person, Representative

    organisation, _ = Organisation.objects.get_or_create(name=name)
    person, _ = Person.objects.get_or_create(
        organisation=organisation,
        email=user.email,
        defaults={"name": user.get_full_name() or user.email, "user": user},
    )
    membership, _ = Membership.objects.update_or_create(
        organisation=organisation,
        year=MembershipYear.for_date(on),
        defaults={"status": Membership.Status.ACTIVE},
    )
    Representative.objects.get_or_create(
        membership=membership,
        person=person,
        defaults={"role": Representative.Role.BUSINESS_MANAGER},
    )
