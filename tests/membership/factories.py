from __future__ import annotations

from datetime import date
from decimal import Decimal

import factory
from django.utils import timezone

from membership.models import Membership, MembershipYear, Organisation, Person, Representative
from membership.services import RepresentativeData

ROLES = [
    Representative.Role.BUSINESS_MANAGER,
    Representative.Role.LOCAL_AUTHORITY,
    Representative.Role.POLICE,
    Representative.Role.HEALTH,
    Representative.Role.INDEPENDENT,
]


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


class MembershipFactory(factory.django.DjangoModelFactory):
    """``managed_by=user`` names that login as business manager; ``reps=N`` adds N-1 others."""

    class Meta:
        model = Membership
        skip_postgeneration_save = True

    class Params:
        renewal_due = factory.Trait(status=Membership.Status.RENEWAL_DUE)
        active = factory.Trait(status=Membership.Status.ACTIVE)

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
