from datetime import date

import pytest
import time_machine

from tests.vacancies.factories import VacancyFactory
from vacancies.models import Vacancy
from vacancies.tasks import close_expired_vacancies_task, remind_closing_vacancies_task

pytestmark = pytest.mark.django_db

CLOSES = date(2026, 11, 30)


def test_an_advert_is_open_to_the_end_of_its_closing_day_in_london(client):
    with time_machine.travel("2026-11-01 12:00 +00:00"):
        vacancy = VacancyFactory(published=True, closes_on=CLOSES)

    with time_machine.travel("2026-11-30 23:59 +00:00", tick=False):
        assert list(Vacancy.objects.open()) == [vacancy]
        assert close_expired_vacancies_task() == 0
    with time_machine.travel("2026-12-01 00:01 +00:00", tick=False):
        assert not Vacancy.objects.open().exists()
        assert client.get(vacancy.get_absolute_url()).status_code == 410


def test_london_summer_time_decides_the_day():
    vacancy = VacancyFactory(published=True, closes_on=date(2026, 7, 1))

    # 23:30 UTC on 1 July is already 2 July in London (BST): the advert has closed.
    with time_machine.travel("2026-07-01 23:30 +00:00", tick=False):
        assert not Vacancy.objects.open().filter(pk=vacancy.pk).exists()


def test_the_beat_task_closes_expired_adverts_once_and_tells_the_poster(
    mailoutbox, django_capture_on_commit_callbacks
):
    with time_machine.travel("2026-11-01 12:00 +00:00"):
        expired = VacancyFactory(published=True, closes_on=CLOSES)
        still_open = VacancyFactory(published=True, closes_on=date(2026, 12, 5))
        draft = VacancyFactory(closes_on=CLOSES)

    with (
        time_machine.travel("2026-12-01 00:05 +00:00", tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert close_expired_vacancies_task() == 1
        assert close_expired_vacancies_task() == 0  # safe to run again

    for vacancy in (expired, still_open, draft):
        vacancy.refresh_from_db()
    assert expired.status == Vacancy.Status.CLOSED
    assert expired.status_changes.last().note == "Closing date passed."
    assert still_open.status == Vacancy.Status.PUBLISHED
    assert draft.status == Vacancy.Status.DRAFT
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [expired.posted_by.email]
    assert "reached its closing date" in mailoutbox[0].body


def test_posters_are_told_two_days_before_and_only_once(
    mailoutbox, django_capture_on_commit_callbacks
):
    with time_machine.travel("2026-11-01 12:00 +00:00"):
        soon = VacancyFactory(published=True, closes_on=CLOSES)
        later = VacancyFactory(published=True, closes_on=date(2026, 12, 2))

    with (
        time_machine.travel("2026-11-27 09:00 +00:00", tick=False),  # three days before
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert remind_closing_vacancies_task() == 0
    with (
        time_machine.travel("2026-11-28 09:00 +00:00", tick=False),  # two days before
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert remind_closing_vacancies_task() == 1
        assert remind_closing_vacancies_task() == 0

    assert [m.to for m in mailoutbox] == [[soon.posted_by.email]]
    assert mailoutbox[0].subject.startswith("Your vacancy advert closes on 30 November 2026")
    later.refresh_from_db()
    assert later.closing_reminder_sent_at is None


def test_the_tasks_are_on_the_beat_schedule(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert "vacancies.tasks.close_expired_vacancies_task" in tasks
    assert "vacancies.tasks.remind_closing_vacancies_task" in tasks
