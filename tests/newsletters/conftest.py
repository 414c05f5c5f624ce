import pytest

from tests.newsletters.factories import NewsletterFactory


@pytest.fixture
def newsletter():
    return NewsletterFactory()


@pytest.fixture
def queued_emails(tasks):
    """Transactional emails (confirmations, staff alerts) as queued for the worker."""
    return tasks.view("send_email_task")


@pytest.fixture
def retries(tasks):
    """The batch tasks queued again, as (args, countdown)."""
    from newsletters.tasks import send_batch_task

    return tasks.view(send_batch_task.name, lambda task: (task.args, task.countdown))


@pytest.fixture
def send_through(settings):
    """``send_through(handler, batch)``: send the batch to a mail server of the test's own,
    ``handler`` (aiosmtpd's), for as long as the batch takes."""
    from newsletters import sending
    from tests.conftest import start_smtp_server

    def send(handler, batch) -> None:
        controller, settings.EMAIL_PORT = start_smtp_server(handler)
        try:
            sending.send_batch(batch_id=batch.pk)
        finally:
            controller.stop()

    return send
