"""Two ways out for newsletter messages, with one error vocabulary.

``pipelining.PipelinedSMTP`` hands pre-built bytes to an SMTP server over several pipelined
connections (the fast path); ``BackendSender`` gives Django email objects to whatever
EMAIL_BACKEND is set (an ESP through django-anymail, the file outbox, the test outbox). Both
report each message's ``Outcome``; a ``DeliveryError`` says whether a failure is temporary
(retry later) or permanent (give up), and whether it is about the address at all: only a reply
to RCPT TO is; a refused sender or message, or no connection, is not.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.core.mail import get_connection

logger = logging.getLogger(__name__)

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
HARD_BOUNCE_CODES = {550, 551, 553}
SERVICE_CLOSING = 421  # "service not available, closing transmission channel"


class DeliveryError(Exception):
    """A message not handed over, and whose fault that was.

    ``stage`` says what the failure is about. ``RECIPIENT``: this address (a reply to RCPT TO, or
    a temporary reply to one message), so it counts against this delivery. ``MESSAGE``: this one
    message was refused after the server had it (a full mailbox, a spam verdict): it counts
    against this delivery but is never a bounce; a server refusing every message shows up in
    the error threshold. ``SENDER``: us (MAIL FROM, relaying or the login refused), so it says
    nothing about the address: the batch stops. ``CONNECTION``: no server to talk to (refused,
    dropped, 421) or an ESP down or over quota: the batch stops and waits.
    """

    class Stage(StrEnum):
        RECIPIENT = "recipient"
        MESSAGE = "message"
        SENDER = "sender"
        CONNECTION = "connection"

    def __init__(self, code: int | None, message: str, *, stage: Stage = Stage.RECIPIENT):
        super().__init__(f"{code or ''} {message}".strip())
        self.code = code
        self.stage = stage

    @property
    def permanent(self) -> bool:
        return self.code is not None and 500 <= self.code < 600

    @property
    def hard_bounce(self) -> bool:
        return self.stage == self.Stage.RECIPIENT and self.code in HARD_BOUNCE_CODES

    @property
    def stops_batch(self) -> bool:
        """Not about this recipient: no delivery is charged with it, the batch's rows wait."""
        return self.stage in (self.Stage.SENDER, self.Stage.CONNECTION)


@dataclass(slots=True)
class Outcome:
    """What became of one message handed to a sender: ``error`` None when it was taken."""

    item: object
    error: DeliveryError | None = None


def open_smtp() -> smtplib.SMTP:
    """A connection to EMAIL_HOST, greeted, secured and logged in as the settings say."""
    cls = smtplib.SMTP_SSL if settings.EMAIL_USE_SSL else smtplib.SMTP
    connection = cls(settings.EMAIL_HOST, settings.EMAIL_PORT, timeout=settings.EMAIL_TIMEOUT)
    try:
        connection.ehlo_or_helo_if_needed()
        if settings.EMAIL_USE_TLS:
            connection.starttls(context=ssl.create_default_context())
            connection.ehlo()  # the extensions offered inside TLS
        if settings.EMAIL_HOST_USER:
            connection.login(settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD)
    except BaseException:
        connection.close()
        raise
    return connection


CONNECTION_REPLIES = (
    smtplib.SMTPConnectError,
    smtplib.SMTPHeloError,
    smtplib.SMTPAuthenticationError,
)


def delivery_error(error: Exception, *, opening: bool = False) -> DeliveryError:
    """Which reply failed decides whose fault it is: only RCPT TO speaks about the address."""
    connection, sender = DeliveryError.Stage.CONNECTION, DeliveryError.Stage.SENDER
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, reply = next(iter(error.recipients.values()))
        if code == SERVICE_CLOSING:
            stage = connection
        elif _refuses_us(code, _text(reply)):
            stage = sender  # "unable to relay", "authentication required": every RCPT would fail
        else:
            stage = DeliveryError.Stage.RECIPIENT
        return DeliveryError(code, _text(reply), stage=stage)
    if isinstance(error, smtplib.SMTPResponseException):
        code, text = error.smtp_code, _text(error.smtp_error)
        if opening or isinstance(error, CONNECTION_REPLIES):
            # Greeting, HELO, STARTTLS or login refused: a 5xx is about us and needs staff.
            return DeliveryError(code, text, stage=sender if _is_permanent(code) else connection)
        if code == SERVICE_CLOSING:
            return DeliveryError(code, text, stage=connection)
        if isinstance(error, smtplib.SMTPSenderRefused):
            # Refused at MAIL FROM, for good or for now: the server will not take our mail.
            return DeliveryError(code, text, stage=sender)
        if isinstance(error, smtplib.SMTPDataError) and _is_permanent(code):
            # The recipient was accepted, then this message refused: charged to this delivery
            # (it is not retried for ever), never a bounce.
            return DeliveryError(code, text, stage=DeliveryError.Stage.MESSAGE)
        return DeliveryError(code, text)  # a temporary reply to this message: retry it
    # Refused or dropped connections say nothing about the address.
    return DeliveryError(None, _describe(error), stage=connection)


# Replies to RCPT TO that are about the sending server, not the address (RFC 3463 5.7.x is
# "security or policy", used for both; these words and 530 single out relaying and login).
SENDER_REFUSAL_WORDS = ("relay", "authenticat", "not permitted to send", "sender address rejected")


def _refuses_us(code: int | None, text: str) -> bool:
    return code == 530 or any(word in text.lower() for word in SENDER_REFUSAL_WORDS)


def _is_permanent(code: int | None) -> bool:
    return code is not None and 500 <= code < 600


def _describe(error: Exception) -> str:
    return str(error) or error.__class__.__name__


class BackendSender:
    """Messages as Django emails through EMAIL_BACKEND (an ESP, the file or test outbox), one
    at a time over one connection; the same ``submit``/``done``/``stopped`` as the SMTP way."""

    raw = False

    def __init__(self):
        self.outcomes: list[Outcome] = []
        self.stopped: DeliveryError | None = None
        self.connection = get_connection(fail_silently=False)

    def __enter__(self) -> BackendSender:
        try:
            self.connection.open()
        except Exception as error:
            self.stopped = _backend_error(error)
        return self

    def __exit__(self, *exc) -> None:
        try:
            self.connection.close()
        except Exception:  # the outcomes are decided: closing cannot change them
            logger.warning("Closing the email backend's connection failed", exc_info=True)

    def submit(self, item, *, message) -> bool:
        if self.stopped is not None:
            return False
        try:
            self.send(message=message)
        except DeliveryError as failure:
            if failure.stops_batch:
                self.stopped = failure
                return False
            self.outcomes.append(Outcome(item, failure))
        else:
            self.outcomes.append(Outcome(item))
        return True

    def send(self, *, message) -> None:
        try:
            self.connection.send_messages([message])
        except Exception as error:
            raise _backend_error(error) from error

    def done(self) -> list[Outcome]:
        outcomes, self.outcomes = self.outcomes, []
        return outcomes


def _backend_error(error: Exception) -> DeliveryError:
    from anymail.exceptions import AnymailAPIError, AnymailRecipientsRefused

    text = str(error)[:400]
    if isinstance(error, (smtplib.SMTPException, OSError)):
        return delivery_error(error)
    if isinstance(error, AnymailRecipientsRefused):
        return DeliveryError(550, text)
    if isinstance(error.__cause__, OSError):  # an ESP's API could not be reached
        return DeliveryError(None, text, stage=DeliveryError.Stage.CONNECTION)
    http_status = getattr(error, "status_code", None) or getattr(
        getattr(error, "response", None), "status_code", None
    )
    if isinstance(error, AnymailAPIError) and http_status in (401, 403):
        # A wrong API key or a suspended account: no message will go until staff fix it.
        return DeliveryError(
            554, f"ESP answered HTTP {http_status}: {text}", stage=DeliveryError.Stage.SENDER
        )
    if isinstance(error, AnymailAPIError) and (
        http_status is None or http_status == 429 or http_status >= 500
    ):
        return DeliveryError(None, text, stage=DeliveryError.Stage.CONNECTION)  # down or over quota
    return DeliveryError(None, text)  # about this message (e.g. a 400): retried, then failed


def _text(reply) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
