"""The SMTP client that sends batches (newsletters/pipelining.py) against real servers: TLS and a
login, a server that takes fewer connections than asked for, one that stops answering, and one
that defers a message; in each, nobody is charged for the server's trouble."""

import asyncio
import socket
import ssl

import pytest

from newsletters import sending
from newsletters.models import Delivery, Send
from tests.newsletters.factories import started_send

pytestmark = pytest.mark.django_db


def received(recorder) -> list[str]:
    return sorted(r for m in recorder.messages for r in m["to"])


class Pipelining:
    """Offers PIPELINING, records messages, counts sessions."""

    def __init__(self, recorder):
        self.recorder = recorder
        self.sessions = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.sessions += 1
        session.host_name = hostname
        responses.insert(-1, "250-PIPELINING")
        return responses

    async def handle_DATA(self, server, session, envelope):
        return await self.recorder.handle_DATA(server, session, envelope)


def test_a_batch_goes_over_starttls_with_a_login(newsletter, settings, smtp_server, monkeypatch):
    import trustme
    from aiosmtpd.controller import Controller

    authority = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(server_context)
    client_context = ssl.create_default_context()
    authority.configure_trust(client_context)
    monkeypatch.setattr("newsletters.transport.ssl.create_default_context", lambda: client_context)
    logins = []

    def authenticate(server, session, envelope, mechanism, auth_data):
        from aiosmtpd.smtp import AuthResult

        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"s3cret")

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(
        Pipelining(smtp_server),
        hostname="127.0.0.1",
        port=port,
        tls_context=server_context,
        require_starttls=True,
        authenticator=authenticate,
        auth_required=True,
    )
    controller.start()
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = True
    settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = "tasp", "s3cret"
    settings.NEWSLETTER_SMTP_CONNECTIONS = 3
    readers, send, batch = started_send(newsletter, 30)
    try:
        sending.send_batch(batch_id=batch.pk)
    finally:
        controller.stop()

    assert received(smtp_server) == sorted(r.email for r in readers)
    assert set(logins) == {(b"tasp", b"s3cret")} and len(logins) == 3
    assert set(send.deliveries.values_list("status", flat=True)) == {"sent"}


class TakesTwoConnections(Pipelining):
    """Answers a third connection's greeting with 421, as a server at its limit does."""

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        if self.sessions >= 2:
            return "421 4.7.0 Too many connections from your host"
        return await super().handle_EHLO(server, session, envelope, hostname, responses)

    async def handle_HELO(self, server, session, envelope, hostname):
        return "421 4.7.0 Too many connections from your host"


def test_a_server_that_takes_fewer_connections_gets_the_batch_over_those(
    newsletter, settings, smtp_server, retries, send_through
):
    settings.NEWSLETTER_SMTP_CONNECTIONS = 8
    readers, send, batch = started_send(newsletter, 40)
    server = TakesTwoConnections(smtp_server)
    send_through(server, batch)

    assert server.sessions == 2
    assert received(smtp_server) == sorted(r.email for r in readers)  # everyone, once
    send.refresh_from_db()
    assert send.status == Send.Status.SENT and retries == []


class StopsAnswering(Pipelining):
    """Takes the first message, then sits on every later one past the client's timeout."""

    async def handle_DATA(self, server, session, envelope):
        if self.recorder.messages:
            await asyncio.sleep(3)
        return await super().handle_DATA(server, session, envelope)


def test_a_server_that_stops_answering_holds_the_batch_and_charges_no_one(
    newsletter, settings, smtp_server, retries, django_capture_on_commit_callbacks, send_through
):
    settings.EMAIL_TIMEOUT = 1
    settings.NEWSLETTER_SMTP_CONNECTIONS = 1
    settings.NEWSLETTER_RETRY_BASE_SECONDS = 30
    _readers, send, batch = started_send(newsletter, 3)
    with django_capture_on_commit_callbacks(execute=True):
        send_through(StopsAnswering(smtp_server), batch)

    rows = list(send.deliveries.order_by("pk").values_list("status", "attempts"))
    assert rows == [("sent", 1), ("queued", 0), ("queued", 0)]
    assert retries == [((batch.pk,), 30)]  # the batch waits for the server, with backoff


class DefersOne(Pipelining):
    def __init__(self, recorder, *, deferred: str):
        super().__init__(recorder)
        self.deferred = deferred

    async def handle_DATA(self, server, session, envelope):
        if envelope.rcpt_tos == [self.deferred]:
            return "451 4.3.0 Try again later"
        return await super().handle_DATA(server, session, envelope)


def test_a_message_deferred_at_the_end_of_data_is_retried_later_and_the_rest_go(
    newsletter, settings, smtp_server, retries, send_through
):
    settings.NEWSLETTER_SMTP_CONNECTIONS = 2
    readers, send, batch = started_send(newsletter, 6)
    deferred = readers[2].email
    server = DefersOne(smtp_server, deferred=deferred)
    send_through(server, batch)

    assert received(smtp_server) == sorted(r.email for r in readers if r.email != deferred)
    waiting = send.deliveries.get(email=deferred)
    assert (waiting.status, waiting.attempts) == (Delivery.Status.QUEUED, 1)
    assert "451" in waiting.last_error and waiting.retry_after is not None
    assert server.sessions == 2
