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


def keep_tasks_in_process(monkeypatch, *, send_mail: bool = True) -> list:
    """Nothing these tests queue may reach the broker: the session's queue outlives the test,
    and a later test's real worker would run it. Emails are sent at once, as the worker would,
    when their transaction commits (with ``django_capture_on_commit_callbacks(execute=True)``
    or a real commit); other tasks are recorded in the returned list as (name, args)."""
    from billing.tasks import email_invoice_task
    from tasp.tasks import send_email_task
    from vacancies.tasks import announce_vacancy_task

    recorded = []
    if send_mail:
        monkeypatch.setattr(send_email_task, "delay", lambda **kwargs: send_email_task(**kwargs))
    else:
        monkeypatch.setattr(
            send_email_task, "delay", lambda **kwargs: recorded.append(("send_email", kwargs))
        )
    for task in (email_invoice_task, announce_vacancy_task):
        monkeypatch.setattr(
            task, "delay", lambda *args, name=task.name, **kwargs: recorded.append((name, args))
        )
    return recorded


@pytest.fixture(autouse=True)
def tasks_in_process(request, monkeypatch):
    if request.node.get_closest_marker("integration"):
        # The worker is real here; only the posters' emails are sent in-process.
        from tasp.tasks import send_email_task

        monkeypatch.setattr(send_email_task, "delay", lambda **kwargs: send_email_task(**kwargs))
        return []
    return keep_tasks_in_process(monkeypatch)
