from celery import shared_task

from newsletters.transport import DeliveryError


@shared_task
def start_send_task(send_id: int) -> None:
    from .sending import start_send

    start_send(send_id=send_id)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_batch_task(batch_id: int) -> None:
    from .sending import send_batch

    send_batch(batch_id=batch_id)


@shared_task
def start_due_sends_task() -> None:
    from .sending import start_due_sends

    start_due_sends()


@shared_task
def requeue_stale_batches_task() -> None:
    from .sending import requeue_stale_batches

    requeue_stale_batches()


@shared_task(bind=True, max_retries=5)
def send_test_task(self, issue_id: int, newsletter_id: int, emails: list[str]) -> None:
    from .models import Issue, Newsletter
    from .sending import send_test

    try:
        send_test(
            issue=Issue.objects.get(pk=issue_id),
            newsletter=Newsletter.objects.get(pk=newsletter_id),
            emails=emails,
        )
    except DeliveryError as error:
        if error.permanent:
            raise
        raise self.retry(exc=error, countdown=30) from error


@shared_task(acks_late=True, reject_on_worker_lost=True)
def import_subscribers_task(import_id: int) -> None:
    from .imports import run_subscriber_import

    run_subscriber_import(import_id=import_id)


@shared_task
def requeue_stalled_imports_task() -> None:
    from .imports import requeue_stalled_imports

    requeue_stalled_imports()


@shared_task
def email_send_report_task(send_id: int) -> None:
    from .reports import email_send_report

    email_send_report(send_id=send_id)


@shared_task
def purge_expired_signups_task() -> None:
    from .subscriptions import purge_expired_signups

    purge_expired_signups()
