from datetime import date

import pytest

from tests.vacancies.factories import UserFactory


def make_member(user, *, name="Northshire Safeguarding Children Partnership", on=None):
    """Make ``user`` a named person of an organisation with an active membership this year."""
    from membership.models import Membership, MembershipYear, Organisation, Person

    organisation = Organisation.objects.create(name=name)
    Person.objects.create(organisation=organisation, name=str(user), email=user.email, user=user)
    Membership.objects.create(
        organisation=organisation,
        year=MembershipYear.for_date(on or date.today()),
        status=Membership.Status.ACTIVE,
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
def mail_sent_in_process(monkeypatch):
    """Queued emails are sent at once, as the worker would, when their transaction commits (run
    the callbacks with ``django_capture_on_commit_callbacks(execute=True)``)."""
    from tasp.tasks import send_email_task

    monkeypatch.setattr(send_email_task, "delay", lambda **kwargs: send_email_task(**kwargs))
