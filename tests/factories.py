"""The factories the test folders share, in one place to import them from: a user, an
organisation and its people, a membership (``active=True``, ``invoiced=True`` for one whose
invoice is issued, ``managed_by=user`` for its business manager), a fee schedule, newsletters,
issues and subscribers, and vacancies (``published=True``, ``pending=True``)."""

from tests.membership.factories import (  # noqa: F401
    FeeScheduleFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    representatives,
    year_of,
)
from tests.newsletters.factories import (  # noqa: F401
    IssueFactory,
    NewsletterFactory,
    SubscriberFactory,
    subscribe,
)
from tests.vacancies.factories import UserFactory, VacancyFactory  # noqa: F401
