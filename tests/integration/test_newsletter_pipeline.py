"""The sending pipeline end to end: a real worker on Redis, PostgreSQL, a real SMTP server."""

import pytest

from newsletters import sending
from newsletters.models import Batch, Delivery, Send, Subscriber
from tests.conftest import start_smtp_server
from tests.newsletters.factories import IssueFactory, NewsletterFactory, subscribe
from tests.tasks import wait_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def recipients(messages):
    return sorted(rcpt for m in messages for rcpt in m["to"])


def test_a_full_send_reaches_every_active_subscriber_exactly_once(
    settings, smtp_server, celery_worker
):
    settings.NEWSLETTER_BATCH_SIZE = 4
    newsletter = NewsletterFactory()
    readers = subscribe(newsletter, 10)
    subscribe(newsletter, 2, status=Subscriber.Status.UNSUBSCRIBED)
    issue = IssueFactory(newsletter=newsletter, title="Newsletter - Spring 2020")

    send = sending.schedule_send(issue=issue, newsletter=newsletter)

    assert wait_until(lambda: Send.objects.get(pk=send.pk).status == Send.Status.SENT)
    assert recipients(smtp_server.messages) == sorted(r.email for r in readers)
    message = smtp_server.messages[0]["message"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["List-Unsubscribe"].startswith("<http://127.0.0.1:8000/newsletters/unsubscribe/")
    assert message["Subject"] == "Newsletter - Spring 2020"
    assert message["X-TASP-Send"] == f"tasp-send-{send.pk}"
    assert "Dear Reader" in message.get_body(("plain",)).get_content()
    assert "View this email in your browser" in message.get_body(("html",)).get_content()


class Flaky:
    """Answers 451 to some recipients the first times, 550 to one, accepts the rest."""

    def __init__(self, recorder, *, temporary: set[str], permanent: set[str], refusals: int = 2):
        self.recorder = recorder
        self.temporary = dict.fromkeys(temporary, refusals)
        self.permanent = permanent

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.permanent:
            return "550 5.1.1 No such user"
        if self.temporary.get(address):
            self.temporary[address] -= 1
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        return await self.recorder.handle_DATA(server, session, envelope)


def test_temporary_failures_retry_and_permanent_ones_fail(settings, smtp_server, celery_worker):
    settings.NEWSLETTER_RETRY_BASE_SECONDS = 0.3
    newsletter = NewsletterFactory()
    readers = subscribe(newsletter, 6)
    slow, gone = readers[0].email, readers[1].email
    flaky = Flaky(smtp_server, temporary={slow, readers[2].email}, permanent={gone})
    controller, settings.EMAIL_PORT = start_smtp_server(flaky)
    try:
        send = sending.schedule_send(
            issue=IssueFactory(newsletter=newsletter), newsletter=newsletter
        )
        assert wait_until(
            lambda: Send.objects.get(pk=send.pk).status == Send.Status.SENT, timeout=40
        )
    finally:
        controller.stop()

    assert recipients(smtp_server.messages) == sorted(r.email for r in readers if r.email != gone)
    assert Delivery.objects.get(email=slow).attempts == 3
    failed = Delivery.objects.get(email=gone)
    assert failed.status == Delivery.Status.FAILED and "550" in failed.last_error
    assert Subscriber.objects.get(email=gone).status == Subscriber.Status.BOUNCED


def test_a_mail_server_outage_charges_no_one_and_the_send_completes_when_it_is_back(
    settings, smtp_server, celery_worker
):
    import socket

    from aiosmtpd.controller import Controller

    settings.NEWSLETTER_RETRY_BASE_SECONDS = 0.5
    settings.NEWSLETTER_MAX_CONNECTION_FAILURES = 10
    newsletter = NewsletterFactory()
    readers = subscribe(newsletter, 5)
    with socket.socket() as probe:  # a port nothing listens on, yet
        probe.bind(("127.0.0.1", 0))
        settings.EMAIL_PORT = port = probe.getsockname()[1]

    send = sending.schedule_send(issue=IssueFactory(newsletter=newsletter), newsletter=newsletter)

    assert wait_until(lambda: Batch.objects.filter(send=send, connection_failures__gte=1).exists())
    assert list(Delivery.objects.values_list("status", "attempts").distinct()) == [("queued", 0)]
    assert Send.objects.get(pk=send.pk).status == Send.Status.SENDING
    controller = Controller(smtp_server, hostname="127.0.0.1", port=port)
    controller.start()  # the server comes back; the batch's retry finds it
    try:
        assert wait_until(lambda: Send.objects.get(pk=send.pk).status == Send.Status.SENT)
    finally:
        controller.stop()

    assert recipients(smtp_server.messages) == sorted(r.email for r in readers)
    assert list(Delivery.objects.values_list("status", "attempts").distinct()) == [("sent", 1)]
