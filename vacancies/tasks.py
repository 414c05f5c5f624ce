from __future__ import annotations

from celery import shared_task


@shared_task
def close_expired_vacancies_task() -> int:
    from .services import close_expired_vacancies

    return close_expired_vacancies()


@shared_task
def remind_closing_vacancies_task() -> int:
    from .services import remind_closing_vacancies

    return remind_closing_vacancies()
