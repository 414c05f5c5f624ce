from __future__ import annotations

from celery import shared_task


@shared_task
def send_reminders_task() -> None:
    from .renewals import send_reminders

    send_reminders()


@shared_task
def lapse_unpaid_task() -> None:
    from .renewals import lapse_unpaid

    lapse_unpaid()
