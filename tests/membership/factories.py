from __future__ import annotations

from datetime import date
from decimal import Decimal

import factory
from django.utils import timezone

from membership.models import (
    FeeBand,
    FeeSchedule,
    Membership,
    MembershipYear,
    Organisation,
    Person,
    Representative,
)
from membership.services import RepresentativeData

ROLES = [
    Representative.Role.BUSINESS_MANAGER,
    Representative.Role.LOCAL_AUTHORITY,
    Representative.Role.POLICE,
    Representative.Role.HEALTH,
    Representative.Role.INDEPENDENT,
]
# TASP's table from 2020/21 on (the seed migration's): the fees the tests expect.
TIERED_BANDS = [(5, "1500.00"), (10, "2500.00"), (15, "3375.00"), (20, "4000.00"), (25, "4375.00")]


def year_of(day: date | None = None) -> MembershipYear:
    return MembershipYear.for_date(day or timezone.localdate())


def representatives(count: int, *, manager_email: str = "manager@example.org"):
    """``count`` representatives: a business manager first, then the statutory partners."""
    people = [RepresentativeData(name="Pat Manager", email=manager_email, role=ROLES[0])]
    for number in range(1, count):
        people.append(
            RepresentativeData(
                name=f"Rep {number}",
                email=f"rep{number}@example.org",
                role=ROLES[number % len(ROLES)] if number < len(ROLES) else "other",
            )
        )
    return people


class FeeScheduleFactory(factory.django.DjangoModelFactory):
    """A year's general schedule (this membership year's by default) with TASP's tiered bands
    and £50 per extra representative. A year that has its schedule already keeps it: the seed
    migration's years come back as seeded. ``band_fees=[(up_to, fee), ...]`` sets other bands."""

    class Meta:
        model = FeeSchedule
        django_get_or_create = ("year", "kind")
        skip_postgeneration_save = True

    year = factory.LazyFunction(year_of)
    kind = ""
    per_extra_representative = Decimal("50.00")
    notes = "A guide and a basis for negotiation."

    @factory.post_generation
    def band_fees(self, create, bands, **kwargs):
        if self.bands.exists():
            return
        for up_to, fee in bands or TIERED_BANDS:
            FeeBand.objects.create(schedule=self, up_to=up_to, fee=Decimal(fee))


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Exampleshire Safeguarding Children Partnership {n}")
    kind = Organisation.Kind.SINGLE_AREA
    areas = "Exampleshire"
    address = "County Hall\nExample Street\nExampletown EX1 1AA"
    billing_name = "Accounts Payable"
    billing_email = factory.Sequence(lambda n: f"accounts{n}@example.org")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Person {n}")
    email = factory.Sequence(lambda n: f"person{n}@example.org")


def _approve(membership: Membership) -> None:
    from membership.services import approve_application

    approve_application(membership=membership)
    membership.refresh_from_db()


class MembershipFactory(factory.django.DjangoModelFactory):
    """``managed_by=user`` names that login as business manager; ``reps=N`` adds N-1 others."""

    class Meta:
        model = Membership
        skip_postgeneration_save = True

    class Params:
        renewal_due = factory.Trait(status=Membership.Status.RENEWAL_DUE)
        active = factory.Trait(status=Membership.Status.ACTIVE)
        # Invoiced the way staff approve an application: the invoice is issued (and emailed).
        invoiced = factory.Trait(
            status=Membership.Status.SUBMITTED,
            price_locked_at=factory.LazyFunction(timezone.now),
            approve=factory.PostGeneration(
                lambda membership, create, extracted: _approve(membership)
            ),
        )

    organisation = factory.SubFactory(OrganisationFactory)
    year = factory.LazyFunction(year_of)
    status = Membership.Status.RENEWAL_DUE
    schedule_fee = Decimal("1500.00")

    @factory.post_generation
    def managed_by(self, create, user, **kwargs):
        if user is None:
            return
        person, _ = Person.objects.get_or_create(
            organisation=self.organisation,
            email=user.email,
            defaults={"name": user.get_full_name() or "Manager", "user": user},
        )
        if person.user_id != user.pk:
            person.user = user
            person.save()
        Representative.objects.create(
            membership=self, person=person, role=Representative.Role.BUSINESS_MANAGER
        )

    @factory.post_generation
    def reps(self, create, count, **kwargs):
        for number in range(1, count or 0):
            person = PersonFactory(organisation=self.organisation)
            Representative.objects.create(
                membership=self, person=person, role=ROLES[1:][(number - 1) % (len(ROLES) - 1)]
            )
