"""Failures that are the mail server's or ours, not a recipient's: a real SMTP server (aiosmtpd)
in the test process refuses our sender or message, hangs up, or is not there at all."""

import asyncio
import socket

import pytest

from newsletters import sending
from newsletters.models import Batch, Delivery, Send, Subscriber
from tests.conftest import start_smtp_server
from tests.newsletters.factories import started_send

pytestmark = pytest.mark.django_db


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RefusesUs:
    """Takes ``accept`` messages, then refuses at MAIL FROM or DATA as a relay that will not
    send for us does. Advertises PIPELINING when asked, so both client paths are covered."""

    def __init__(self, recorder, *, refuse_at: str, accept: int = 0, pipelining: bool = False):
        self.recorder = recorder
        self.refuse_at = refuse_at
        self.accept = accept
        self.pipelining = pipelining

    def refusing(self) -> bool:
        return len(self.recorder.messages) >= self.accept

    connections = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.connections += 1
        session.host_name = hostname
        if self.pipelining:
            responses.insert(-1, "250-PIPELINING")
        return responses

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.refuse_at == "MAIL" and self.refusing():
            return "550 5.7.1 Sender not authorised"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse_at == "RCPT" and self.refusing():
            return "550 5.7.1 Sender not authorised: unable to relay"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.refuse_at == "DATA" and self.refusing():
            return "554 5.7.1 Message rejected as spam"
        return await self.recorder.handle_DATA(server, session, envelope)


@pytest.mark.parametrize(
    ("refuse_at", "accept", "pipelining"),
    [("MAIL", 0, False), ("MAIL", 1, True), ("RCPT", 0, False), ("RCPT", 1, True)],
)
def test_a_refused_sender_pauses_the_send_and_fails_or_bounces_no_one(
    newsletter,
    settings,
    smtp_server,
    queued_emails,
    retries,
    django_capture_on_commit_callbacks,
    refuse_at,
    accept,
    pipelining,
    send_through,
):
    # One connection, so "the first message is taken, then every one refused" is an order.
    settings.NEWSLETTER_SMTP_CONNECTIONS = 1
    readers, send, batch = started_send(newsletter, 4)
    refuser = RefusesUs(smtp_server, refuse_at=refuse_at, accept=accept, pipelining=pipelining)
    with django_capture_on_commit_callbacks(execute=True):
        send_through(refuser, batch)

    send.refresh_from_db()
    assert send.status == Send.Status.PAUSED
    assert "Sender not authorised" in send.paused_reason
    assert "Sender not authorised" in queued_emails[0]["body"]  # staff told, once
    assert len(queued_emails) == 1 and retries == []
    rows = list(send.deliveries.order_by("pk").values_list("status", "attempts", "last_error"))
    assert rows == [("sent", 1, "")] * accept + [("queued", 0, "")] * (4 - accept)
    assert set(Subscriber.objects.values_list("status", flat=True)) == {"active"}

    # Once the mail settings are fixed, resuming sends the rest.
    settings.EMAIL_PORT = start_smtp_server(smtp_server)[1]
    sending.resume_send(send=send)
    sending.send_batch(batch_id=batch.pk)

    send.refresh_from_db()
    assert send.status == Send.Status.SENT
    assert sorted(r for m in smtp_server.messages for r in m["to"]) == sorted(
        r.email for r in readers
    )


@pytest.mark.parametrize("pipelining", [False, True])
def test_a_message_refused_after_data_fails_that_delivery_without_a_bounce_or_a_pause(
    newsletter, settings, smtp_server, queued_emails, retries, pipelining, send_through
):
    settings.NEWSLETTER_SMTP_CONNECTIONS = 1  # taken, then refused: an order
    _readers, send, batch = started_send(newsletter, 3)
    refuser = RefusesUs(smtp_server, refuse_at="DATA", accept=1, pipelining=pipelining)
    send_through(refuser, batch)

    send.refresh_from_db()
    rows = list(send.deliveries.order_by("pk").values_list("status", "attempts"))
    assert rows == [("sent", 1), ("failed", 1), ("failed", 1)]  # charged, not retried for ever
    assert "rejected as spam" in send.deliveries.filter(status="failed").first().last_error
    assert set(Subscriber.objects.values_list("status", flat=True)) == {"active"}  # no bounce
    assert send.status == Send.Status.SENT and retries == []


class RefusesOneAddress(RefusesUs):
    """Says "no such user" to one address, takes everything else, counts connections."""

    def __init__(self, recorder, *, unknown: str, pipelining: bool):
        super().__init__(recorder, refuse_at="", pipelining=pipelining)
        self.unknown = unknown

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == self.unknown:
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        return await self.recorder.handle_DATA(server, session, envelope)


@pytest.mark.parametrize("pipelining", [False, True])
def test_a_refused_recipient_does_not_cost_the_connection(
    newsletter, settings, smtp_server, queued_emails, retries, pipelining, send_through
):
    settings.NEWSLETTER_SMTP_CONNECTIONS = 1
    readers, send, batch = started_send(newsletter, 5)
    unknown = readers[1].email
    refuser = RefusesOneAddress(smtp_server, unknown=unknown, pipelining=pipelining)
    send_through(refuser, batch)

    assert refuser.connections == 1  # RSET, and on to the next recipient
    assert sorted(r for m in smtp_server.messages for r in m["to"]) == sorted(
        r.email for r in readers if r.email != unknown
    )
    assert send.deliveries.get(email=unknown).status == "failed"
    assert Subscriber.objects.get(email=unknown).status == "bounced"


def test_a_batch_goes_over_several_connections_at_once_and_each_message_once(
    newsletter, settings, smtp_server, queued_emails, retries, send_through
):
    settings.NEWSLETTER_SMTP_CONNECTIONS = 4
    readers, send, batch = started_send(newsletter, 40)
    counter = RefusesOneAddress(smtp_server, unknown="nobody@example.org", pipelining=True)
    send_through(counter, batch)

    assert counter.connections == 4
    got = [r for m in smtp_server.messages for r in m["to"]]
    assert sorted(got) == sorted(r.email for r in readers)  # everyone, once
    assert set(send.deliveries.values_list("status", flat=True)) == {"sent"}
    send.refresh_from_db()
    assert send.status == Send.Status.SENT


def test_an_esp_that_is_down_or_refuses_our_key_charges_no_recipient(
    newsletter, settings, queued_emails, retries, monkeypatch, django_capture_on_commit_callbacks
):
    from anymail.exceptions import AnymailAPIError

    from newsletters import transport

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    _readers, send, batch = started_send(newsletter, 3)

    class Response:
        def __init__(self, status):
            self.status_code, self.text, self.reason = status, "", ""

        def json(self):
            return {}

    def failing(status):
        def send(self, *, message):
            error = AnymailAPIError(  # as anymail's requests-based backends raise it
                f"ESP API response {status}", status_code=status, response=Response(status)
            )
            raise transport._backend_error(error)

        return send

    monkeypatch.setattr(transport.BackendSender, "send", failing(503))
    with django_capture_on_commit_callbacks(execute=True):
        sending.send_batch(batch_id=batch.pk)
    assert len(retries) == 1  # the batch waits, with backoff
    assert list(send.deliveries.values_list("status", "attempts").distinct()) == [("queued", 0)]

    monkeypatch.setattr(transport.BackendSender, "send", failing(401))
    sending.send_batch(batch_id=batch.pk)
    send.refresh_from_db()
    assert send.status == Send.Status.PAUSED and "HTTP 401" in send.paused_reason
    assert list(send.deliveries.values_list("status", "attempts").distinct()) == [("queued", 0)]


def test_an_unreachable_mail_server_holds_the_batch_without_charging_recipients(
    newsletter, settings, smtp_server, retries, django_capture_on_commit_callbacks
):
    settings.NEWSLETTER_RETRY_BASE_SECONDS = 30
    readers, send, batch = started_send(newsletter, 3)
    server_port, settings.EMAIL_PORT = settings.EMAIL_PORT, unused_port()  # nothing listens

    with django_capture_on_commit_callbacks(execute=True):
        sending.send_batch(batch_id=batch.pk)
        sending.send_batch(batch_id=batch.pk)  # the retry, still down

    assert retries == [((batch.pk,), 30), ((batch.pk,), 60)]  # backoff, not per recipient
    assert list(send.deliveries.values_list("status", "attempts").distinct()) == [("queued", 0)]
    batch.refresh_from_db()
    assert batch.connection_failures == 2 and not batch.done
    send.refresh_from_db()
    assert send.status == Send.Status.SENDING

    settings.EMAIL_PORT = server_port  # back
    sending.send_batch(batch_id=batch.pk)

    send.refresh_from_db()
    assert send.status == Send.Status.SENT
    assert list(send.deliveries.values_list("status", "attempts").distinct()) == [("sent", 1)]
    assert sorted(r for m in smtp_server.messages for r in m["to"]) == sorted(
        r.email for r in readers
    )


def test_a_long_outage_pauses_the_send_with_every_row_left_to_resume(
    newsletter, settings, smtp_server, retries, queued_emails, django_capture_on_commit_callbacks
):
    settings.NEWSLETTER_MAX_CONNECTION_FAILURES = 3
    _readers, send, batch = started_send(newsletter, 3)
    server_port, settings.EMAIL_PORT = settings.EMAIL_PORT, unused_port()

    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            sending.send_batch(batch_id=batch.pk)

    send.refresh_from_db()
    assert send.status == Send.Status.PAUSED
    assert "3 times in a row" in send.paused_reason and len(queued_emails) == 1
    assert len(retries) == 2  # the third failure paused instead of retrying
    assert list(send.deliveries.values_list("status", "attempts").distinct()) == [("queued", 0)]

    settings.EMAIL_PORT = server_port
    sending.resume_send(send=send)
    sending.send_batch(batch_id=batch.pk)

    send.refresh_from_db()
    assert send.status == Send.Status.SENT
    assert len(smtp_server.messages) == 3


class HangsUpAfterEachMessage:
    """Accepts a message, then closes the connection (a per-connection message limit)."""

    def __init__(self, recorder):
        self.recorder = recorder

    async def handle_DATA(self, server, session, envelope):
        reply = await self.recorder.handle_DATA(server, session, envelope)
        asyncio.get_running_loop().call_soon(server.transport.close)  # after the reply goes
        return reply


def test_a_server_that_hangs_up_between_messages_gets_the_whole_batch_in_one_run(
    newsletter, settings, smtp_server, retries, send_through
):
    readers, send, batch = started_send(newsletter, 3)
    send_through(HangsUpAfterEachMessage(smtp_server), batch)

    send.refresh_from_db()
    assert send.status == Send.Status.SENT and retries == []
    assert sorted(r for m in smtp_server.messages for r in m["to"]) == sorted(
        r.email for r in readers
    )


def test_a_connection_failure_of_the_email_backend_charges_no_recipient(
    newsletter, settings, retries, monkeypatch, django_capture_on_commit_callbacks
):
    """ESPs and other backends: a refused connection is an outage too."""
    from django.core.mail.backends.locmem import EmailBackend

    def refuse(self, messages):
        raise ConnectionRefusedError("Connection refused")

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    settings.NEWSLETTER_RETRY_BASE_SECONDS = 30
    _readers, send, batch = started_send(newsletter, 2)

    with django_capture_on_commit_callbacks(execute=True):
        sending.send_batch(batch_id=batch.pk)

    assert retries == [((batch.pk,), 30)]
    assert list(send.deliveries.values_list("status", "attempts").distinct()) == [("queued", 0)]
    assert Batch.objects.get(pk=batch.pk).connection_failures == 1


def test_a_recipient_refused_at_rcpt_is_still_failed_and_bounced(
    newsletter, settings, smtp_server, retries, send_through
):
    readers, _send, batch = started_send(newsletter, 3)
    gone = readers[1]
    refuser = RefusesOneAddress(smtp_server, unknown=gone.email, pipelining=False)
    send_through(refuser, batch)

    failed = Delivery.objects.get(subscriber=gone)
    assert failed.status == Delivery.Status.FAILED and "550" in failed.last_error
    gone.refresh_from_db()
    assert gone.status == Subscriber.Status.BOUNCED
    assert len(smtp_server.messages) == 2
