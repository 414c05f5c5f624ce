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
