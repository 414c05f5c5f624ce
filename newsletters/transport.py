"""Two ways out for newsletter messages, with one error vocabulary.

``SMTPTransport`` hands pre-built bytes to an SMTP server over one connection (the fast path);
``BackendTransport`` gives Django email objects to whatever EMAIL_BACKEND is set (an ESP through
django-anymail, the file outbox, the test outbox). Either raises ``DeliveryError`` saying whether a
failure is temporary (retry later) or permanent (give up on this address).
"""

from __future__ import annotations

import smtplib
import ssl

from django.conf import settings
from django.core.mail import get_connection

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
HARD_BOUNCE_CODES = {550, 551, 553}


class DeliveryError(Exception):
    def __init__(self, code: int | None, message: str):
        super().__init__(f"{code or ''} {message}".strip())
        self.code = code

    @property
    def permanent(self) -> bool:
        return self.code is not None and 500 <= self.code < 600

    @property
    def hard_bounce(self) -> bool:
        return self.code in HARD_BOUNCE_CODES


def open_transport():
    return SMTPTransport() if settings.EMAIL_BACKEND == SMTP_BACKEND else BackendTransport()


class SMTPTransport:
    raw = True

    def __init__(self):
        self.connection: smtplib.SMTP | None = None

    def __enter__(self) -> SMTPTransport:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def open(self) -> smtplib.SMTP:
        if self.connection is None:
            cls = smtplib.SMTP_SSL if settings.EMAIL_USE_SSL else smtplib.SMTP
            connection = cls(
                settings.EMAIL_HOST, settings.EMAIL_PORT, timeout=settings.EMAIL_TIMEOUT
            )
            if settings.EMAIL_USE_TLS:
                connection.starttls(context=ssl.create_default_context())
            if settings.EMAIL_HOST_USER:
                connection.login(settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD)
            self.connection = connection
        return self.connection

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.quit()
            except (smtplib.SMTPException, OSError):
                self.connection.close()
            self.connection = None

    def send(self, *, from_email: str, to: str, message: bytes) -> None:
        try:
            connection = self.open()
            if connection.has_extn("pipelining"):
                _send_pipelined(connection, from_email, to, message)
            else:
                connection.sendmail(from_email, [to], message)
        except smtplib.SMTPRecipientsRefused as error:
            code, reply = next(iter(error.recipients.values()))
            self._drop()
            raise DeliveryError(code, _text(reply)) from error
        except smtplib.SMTPResponseException as error:
            self._drop()
            raise DeliveryError(error.smtp_code, _text(error.smtp_error)) from error
        except (smtplib.SMTPException, OSError) as error:
            # Refused or dropped connections say nothing about the address: try again later.
            self._drop()
            raise DeliveryError(None, str(error) or error.__class__.__name__) from error

    def _drop(self) -> None:
        # After a failed message the connection's state is unknown: start the next one afresh.
        if self.connection is not None:
            try:
                self.connection.close()
            finally:
                self.connection = None


def _send_pipelined(connection: smtplib.SMTP, from_email: str, to: str, message: bytes) -> None:
    """MAIL, RCPT and DATA in one write (RFC 2920), then the body: two round trips, not four.

    ``message`` is ours: CRLF line ends, base64 bodies, so no line starts with a dot.
    """
    connection.send(f"MAIL FROM:<{from_email}>\r\nRCPT TO:<{to}>\r\nDATA\r\n".encode())
    replies = [connection.getreply() for _ in range(3)]
    (mail_code, mail_reply), (rcpt_code, rcpt_reply), (data_code, data_reply) = replies
    if mail_code != 250:
        raise smtplib.SMTPSenderRefused(mail_code, mail_reply, from_email)
    if rcpt_code not in (250, 251):
        raise smtplib.SMTPRecipientsRefused({to: (rcpt_code, rcpt_reply)})
    if data_code != 354:
        raise smtplib.SMTPDataError(data_code, data_reply)
    connection.send(message + b".\r\n")
    code, reply = connection.getreply()
    if code != 250:
        raise smtplib.SMTPDataError(code, reply)


class BackendTransport:
    raw = False

    def __enter__(self) -> BackendTransport:
        self.connection = get_connection(fail_silently=False)
        self.connection.open()
        return self

    def __exit__(self, *exc) -> None:
        self.connection.close()

    def send(self, *, message) -> None:
        try:
            self.connection.send_messages([message])
        except smtplib.SMTPResponseException as error:
            raise DeliveryError(error.smtp_code, _text(error.smtp_error)) from error
        except Exception as error:
            code = _anymail_code(error)
            raise DeliveryError(code, str(error)[:400]) from error


def _anymail_code(error: Exception) -> int | None:
    from anymail.exceptions import AnymailRecipientsRefused

    if isinstance(error, AnymailRecipientsRefused):
        return 550
    return None


def _text(reply) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
