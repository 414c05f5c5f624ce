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


@shared_task
def announce_vacancy_task(vacancy_id: int) -> None:
    from .alerts import announce_if_immediate

    announce_if_immediate(vacancy_id=vacancy_id)


@shared_task
def send_vacancy_digest_task() -> None:
    from .alerts import send_vacancy_digest

    send_vacancy_digest()
