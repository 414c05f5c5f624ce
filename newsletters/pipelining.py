"""Several SMTP connections kept busy from one thread: what makes a send run at the wire's pace.

Each connection pipelines (RFC 2920): one message's content and end-of-data go in the same write
as the next message's MAIL, RCPT and DATA, so a message costs one round trip, and while one
connection waits for its replies the others are written to and read from. A selector drives
them all from the calling thread, which builds the messages in between: no threads, no locks.
A server that does not offer PIPELINING gets one command at a time, as RFC 5321 says.

What each reply means is decided by ``transport.delivery_error``, as for every way out: a refused
recipient is reported against its message and the connection goes on after RSET; a refused
sender stops the batch (``stopped``); a connection that drops or times out after it had
delivered gives its unfinished messages one more try on a fresh connection, else the batch stops.
A message whose outcome is unknown is never reported: it stays queued and is sent again later.
"""

from __future__ import annotations

import selectors
import smtplib
import ssl
import time
from collections import deque
from dataclasses import dataclass

from django.conf import settings

from .transport import SERVICE_CLOSING, DeliveryError, Outcome, delivery_error, open_smtp

WOULD_BLOCK = (BlockingIOError, InterruptedError, ssl.SSLWantReadError, ssl.SSLWantWriteError)
READ, BOTH = selectors.EVENT_READ, selectors.EVENT_READ | selectors.EVENT_WRITE


@dataclass(slots=True, eq=False)
class Message:
    item: object  # what the outcome is reported for (a batch's row: delivering.Queued)
    sender: str
    recipient: str
    data: bytes
    retried: bool = False
    mail: tuple[int, str] | None = None  # the envelope's replies, as they come
    rcpt: tuple[int, str] | None = None
    data_reply: tuple[int, str] | None = None


class Connection:
    def __init__(self, smtp: smtplib.SMTP):
        self.pipelining = smtp.has_extn("pipelining")
        self.sock, smtp.sock, smtp.file = smtp.sock, None, None  # ours from here on
        self.sock.setblocking(False)
        self.inbox = b""
        self.continued: list[str] = []  # a multi-line reply's lines so far
        self.out = memoryview(b"")
        self.commands: deque[tuple[bytes, str, Message | None]] = deque()  # the next writes
        self.awaiting: deque[tuple[str, Message | None]] = deque()  # replies due, in order
        self.carrying: list[Message] = []  # messages here whose outcome is not known yet
        self.envelope: Message | None = None  # the message whose MAIL/RCPT/DATA are out
        self.delivered = 0
        self.closed = False
        self.timeout = float(settings.EMAIL_TIMEOUT or 60)
        self.touch()

    def touch(self) -> None:
        """Something was written or read: the server has another timeout to answer in."""
        self.deadline = time.monotonic() + self.timeout

    @property
    def idle(self) -> bool:
        return not (self.awaiting or self.out or self.commands or self.envelope)


def gone(reason: str, code: int | None = None) -> DeliveryError:
    """Why a connection was given up: never about a recipient."""
    return DeliveryError(code, reason, stage=DeliveryError.Stage.CONNECTION)


class PipelinedSMTP:
    """``submit`` messages, collect ``done()`` outcomes; leaving the block finishes what was
    submitted (unless sending stopped) and says QUIT."""

    raw = True

    def __init__(self, connections: int):
        self.size = max(1, connections)
        self.connections: list[Connection] = []
        self.selector = selectors.DefaultSelector()
        self.pending: deque[Message] = deque()
        self.outcomes: list[Outcome] = []
        self.stopped: DeliveryError | None = None

    def __enter__(self) -> PipelinedSMTP:
        return self

    def __exit__(self, exc_type, *exc) -> None:
        try:
            if exc_type is None:
                self._run(until=self._finished)
        finally:
            for connection in list(self.connections):
                self._quit(connection)
            self.selector.close()

    def submit(self, item, *, sender: str, recipient: str, data: bytes) -> bool:
        """Hand over one message; False once sending has stopped. ``data`` is CRLF lines ending
        in CRLF, none starting with "." (``MimeTemplate.build`` makes them so: its bodies are
        quoted-printable with a leading dot encoded), so it goes as it is, without stuffing."""
        if self.stopped is not None:
            return False
        self.pending.append(Message(item, sender, recipient, data))
        # A few messages wait ready, so a connection that frees up is given one at once.
        self._run(until=lambda: len(self.pending) < self.size or self.stopped is not None)
        return self.stopped is None

    def done(self) -> list[Outcome]:
        """The outcomes that came in since the last call."""
        outcomes, self.outcomes = self.outcomes, []
        return outcomes

    # The loop.

    def _finished(self) -> bool:
        in_flight = any(not c.idle for c in self.connections)
        return not in_flight and (not self.pending or self.stopped is not None)

    def _run(self, *, until) -> None:
        while True:
            self._dispatch()
            if until():
                return
            if all(c.idle for c in self.connections):
                return  # nothing in flight and nothing to start: only a stop gets here
            self._step()

    def _dispatch(self) -> None:
        """Give waiting messages to idle connections, opening connections up to ``size``."""
        if self.stopped is not None:
            return
        for connection in self.connections:
            if not self.pending:
                return
            if connection.idle:
                self._start(connection, self.pending.popleft())
        while self.pending and len(self.connections) < self.size:
            try:
                connection = Connection(open_smtp())
            except (smtplib.SMTPException, OSError) as error:
                if not self.connections:  # none at all: an outage, or we are refused
                    self._halt(delivery_error(error, opening=True))
                    return
                self.size = len(self.connections)  # the server takes no more at once
                return
            self.connections.append(connection)
            self.selector.register(connection.sock, READ, connection)
            self._start(connection, self.pending.popleft())

    def _step(self) -> None:
        now = time.monotonic()
        wait = max(0.0, min(c.deadline for c in self.connections if not c.idle) - now)
        for key, events in self.selector.select(wait):
            connection = key.data
            if events & selectors.EVENT_WRITE and not connection.closed:
                self._write(connection)
            if events & selectors.EVENT_READ and not connection.closed:
                self._read(connection)
        now = time.monotonic()
        for connection in list(self.connections):
            if not connection.idle and now > connection.deadline:
                self._lost(connection, gone("The mail server did not answer"))

    # Writing and reading.

    def _start(self, connection: Connection, message: Message) -> None:
        connection.envelope = message
        connection.carrying.append(message)
        connection.commands.extend(
            [
                (f"MAIL FROM:<{message.sender}>\r\n".encode(), "mail", message),
                (f"RCPT TO:<{message.recipient}>\r\n".encode(), "rcpt", message),
                (b"DATA\r\n", "data", message),
            ]
        )
        self._flush(connection)

    def _flush(self, connection: Connection) -> None:
        """Write the next group once every reply to the last one is in: every command waiting
        when the server pipelines (DATA always ends a group), else the next one alone."""
        if connection.closed or connection.awaiting or connection.out or not connection.commands:
            return
        count = len(connection.commands) if connection.pipelining else 1
        group = [connection.commands.popleft() for _ in range(count)]
        connection.out = memoryview(b"".join(command for command, _, _ in group))
        connection.awaiting.extend((tag, message) for _, tag, message in group)
        connection.touch()
        self._write(connection)

    def _write(self, connection: Connection) -> None:
        try:
            sent = connection.sock.send(connection.out)
        except WOULD_BLOCK:
            sent = 0
        except OSError as error:
            self._lost(connection, delivery_error(error))
            return
        connection.out = connection.out[sent:]
        if sent:
            connection.touch()
        self.selector.modify(connection.sock, BOTH if connection.out else READ, connection)

    def _read(self, connection: Connection) -> None:
        try:
            data = connection.sock.recv(65536)
            while isinstance(connection.sock, ssl.SSLSocket) and connection.sock.pending():
                data += connection.sock.recv(connection.sock.pending())
        except WOULD_BLOCK:
            return
        except OSError as error:
            self._lost(connection, delivery_error(error))
            return
        if not data:
            self._lost(connection, gone("The mail server closed the connection"))
            return
        connection.touch()
        lines = (connection.inbox + data).split(b"\r\n")
        connection.inbox = lines.pop()  # an unfinished line, or b""
        for line in lines:
            text = line[4:].decode("utf-8", "replace")
            if line[3:4] == b"-":
                connection.continued.append(text)
                continue
            try:
                code = int(line[:3])
            except ValueError:
                self._lost(connection, gone(f"Not an SMTP reply: {line[:80]!r}"))
                return
            text, connection.continued = "\n".join([*connection.continued, text]), []
            self._reply(connection, code, text)
            if connection.closed:
                return

    # What the replies mean.

    def _reply(self, connection: Connection, code: int, text: str) -> None:
        if not connection.awaiting:
            self._lost(connection, gone(f"An unexpected reply: {text}", code))
            return
        if code == SERVICE_CLOSING:
            self._lost(connection, gone(text, code))
            return
        tag, message = connection.awaiting.popleft()
        if tag == "mail":
            message.mail = (code, text)
            if code != 250:
                self._refused_early(connection, message)
        elif tag == "rcpt":
            message.rcpt = (code, text)
            if code not in (250, 251):
                self._refused_early(connection, message)
        elif tag == "data":
            message.data_reply = (code, text)
            self._settle(connection, message)
        elif tag == "end":
            error = None if code == 250 else delivery_error(smtplib.SMTPDataError(code, text))
            self._report(connection, message, error)
            if error is None:
                connection.delivered += 1
        elif tag == "rset" and code != 250:
            self._lost(connection, gone(f"RSET refused: {text}", code))
            return
        if not connection.awaiting:
            if self.stopped is None and connection.envelope is None and self.pending:
                self._start(connection, self.pending.popleft())
            self._flush(connection)

    def _refused_early(self, connection: Connection, message: Message) -> None:
        """MAIL or RCPT refused: without pipelining the rest of the envelope is not sent, and
        the message is settled now; with it, DATA's reply settles it."""
        unsent = [c for c in connection.commands if c[2] is message]
        if unsent:
            for command in unsent:
                connection.commands.remove(command)
            self._settle(connection, message)

    def _settle(self, connection: Connection, message: Message) -> None:
        """Every reply to one envelope is in: send its content, or say why not and RSET."""
        connection.envelope = None
        mail, rcpt, data = message.mail, message.rcpt, message.data_reply
        accepted = mail[0] == 250 and rcpt is not None and rcpt[0] in (250, 251)
        if data is not None and data[0] == 354 and not accepted:
            # A server that took DATA with no recipient: end the empty message.
            connection.commands.append((b".\r\n", "ignore", None))
        if accepted and data[0] == 354:
            connection.commands.append((message.data + b".\r\n", "end", message))
            return
        connection.commands.append((b"RSET\r\n", "rset", None))
        if mail[0] != 250:
            error = delivery_error(smtplib.SMTPSenderRefused(mail[0], mail[1], message.sender))
        elif not accepted:
            error = delivery_error(smtplib.SMTPRecipientsRefused({message.recipient: rcpt}))
        else:
            error = delivery_error(smtplib.SMTPDataError(*data))
        if error.stops_batch:  # about us, not the address: nobody is charged with it
            connection.carrying.remove(message)
            self._halt(error)
        else:
            self._report(connection, message, error)

    def _report(self, connection: Connection, message: Message, error) -> None:
        connection.carrying.remove(message)
        self.outcomes.append(Outcome(message.item, error))

    def _lost(self, connection: Connection, error: DeliveryError) -> None:
        """The connection has gone (``error``, a CONNECTION error, says why). What it carried
        goes again on a fresh connection if this one had worked (an idle timeout, a limit of
        messages per connection), once each; otherwise the batch stops for an outage, its
        messages still unsent."""
        self._close(connection)
        unsure = connection.carrying
        if not unsure:
            return  # an idle connection the server closed: the next message opens another
        if connection.delivered and not any(m.retried for m in unsure):
            for message in reversed(unsure):
                message.retried = True
                message.mail = message.rcpt = message.data_reply = None
                self.pending.appendleft(message)
        else:
            self._halt(error)

    def _halt(self, error: DeliveryError) -> None:
        if self.stopped is None:
            self.stopped = error

    def _close(self, connection: Connection) -> None:
        connection.closed = True
        self.connections.remove(connection)
        self.selector.unregister(connection.sock)
        connection.sock.close()

    def _quit(self, connection: Connection) -> None:
        if not connection.idle:  # left mid-message (the caller raised): only hang up
            self._close(connection)
            return
        try:
            connection.sock.setblocking(True)
            connection.sock.settimeout(1.0)
            connection.sock.sendall(b"QUIT\r\n")
            connection.sock.recv(1024)
        except OSError:
            pass
        self._close(connection)
