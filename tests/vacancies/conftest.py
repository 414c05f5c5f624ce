import pytest

from tests.vacancies.factories import UserFactory


def make_member(user, *, name="Northshire Safeguarding Children Partnership", on=None):
    """Make ``user`` a named representative on an organisation's active membership this year."""
    from membership.models import Membership, MembershipYear, Organisation, Person, Representative

    organisation = Organisation.objects.create(name=name)
    person = Person.objects.create(
        organisation=organisation, name=str(user), email=user.email, user=user
    )
    membership = Membership.objects.create(
        organisation=organisation,
        year=MembershipYear.for_date(on),  # None: today in London, not the machine's zone
        status=Membership.Status.ACTIVE,
    )
    Representative.objects.create(
        membership=membership, person=person, role=Representative.Role.BUSINESS_MANAGER
    )
    return organisation


@pytest.fixture
def member(db):
    user = UserFactory(email="rep@northshire.example.org", full_name="Robin Rep")
    make_member(user)
    return user


@pytest.fixture
def non_member(db):
    return UserFactory(email="hr@agency.example.com", full_name="Nia Nonmember")


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture(autouse=True)
def emails_in_process(tasks):
    """Posters' emails are sent at once, as the worker would, when their transaction commits
    (with ``django_capture_on_commit_callbacks(execute=True)`` or a real commit), also when a
    real worker runs the other tasks; the other tasks are caught by ``tasks``."""
    from tasp.tasks import send_email_task

    tasks.in_process.add(send_email_task.name)
