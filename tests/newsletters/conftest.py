import pytest

from tasp.tasks import send_email_task
from tests.newsletters.factories import NewsletterFactory


@pytest.fixture
def newsletter():
    return NewsletterFactory()


@pytest.fixture
def queued_emails(monkeypatch):
    """Transactional emails (confirmations, staff alerts) as queued for the worker."""
    queued = []
    monkeypatch.setattr(send_email_task, "delay", lambda **kw: queued.append(kw))
    return queued
