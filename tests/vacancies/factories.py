from datetime import timedelta

import factory
from django.utils import timezone

from vacancies.models import Vacancy


def today():
    return timezone.localdate()


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "accounts.User"
        django_get_or_create = ["email"]
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"poster{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")
    password = factory.django.Password("a-strong-poster-pass")

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        """Posters have confirmed their address (allauth lets only those log in)."""
        if create and extracted is not False:
            from accounts.services import mark_address_verified

            mark_address_verified(obj)


class VacancyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vacancy
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Independent Scrutineer {n}")
    role_type = Vacancy.RoleType.INDEPENDENT_SCRUTINEER
    organisation_name = "Northshire Safeguarding Children Partnership"
    location = "Leeds"
    region = Vacancy.Region.YORKSHIRE
    contract_type = Vacancy.ContractType.CONTRACTOR
    working_pattern = "3 days per month"
    remuneration = "£450 per day"
    closes_on = factory.LazyFunction(lambda: today() + timedelta(days=20))
    description = "<p>Scrutinise the partnership's arrangements.</p>"
    apply_url = "https://jobs.example.org/scrutineer"
    posted_by = factory.SubFactory(UserFactory)

    class Params:
        published = factory.Trait(
            status=Vacancy.Status.PUBLISHED,
            published_at=factory.LazyFunction(timezone.now),
            is_member_post=True,
        )
        pending = factory.Trait(status=Vacancy.Status.PENDING_MODERATION, is_member_post=True)
        closed = factory.Trait(
            status=Vacancy.Status.CLOSED,
            closed_at=factory.LazyFunction(timezone.now),
            published_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=30)),
        )
