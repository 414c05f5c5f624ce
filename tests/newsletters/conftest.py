import pytest

from tests.newsletters.factories import NewsletterFactory


@pytest.fixture
def newsletter():
    return NewsletterFactory()


@pytest.fixture
def queued_emails(tasks):
    """Transactional emails (confirmations, staff alerts) as queued for the worker."""
    return tasks.view("send_email_task")
