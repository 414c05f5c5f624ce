"""One way to send a site email: subject, plain text and HTML from templates/emails/."""

from __future__ import annotations

from collections.abc import Sequence
from email.utils import make_msgid, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context
from django.template.loader import get_template, render_to_string


def build_templated_email(
    name: str,
    *,
    to: Sequence[str],
    context: dict,
    reply_to: Sequence[str] | None = None,
    headers: dict | None = None,
    attachments: Sequence[tuple[str, bytes, str]] = (),
) -> EmailMultiAlternatives:
    """``name`` is ``<app>/<email>``: ``emails/<app>/<email>_subject.txt``, ``.txt`` and ``.html``."""
    context = {"charity": settings.CHARITY, "site_url": settings.SITE_URL, **context}
    subject = " ".join(render_text(f"emails/{name}_subject.txt", context).split())
    text = render_text(f"emails/{name}.txt", context)
    html = render_to_string(f"emails/{name}.html", {**context, "email_subject": subject})
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=list(to),
        reply_to=list(reply_to or []),
        headers=headers or {},
    )
    add_site_headers(message)
    message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    return message


def render_text(template_name: str, context: dict) -> str:
    """A plain-text template rendered as text: nothing is HTML-escaped, so the "&" in a link's
    query string (or in a name) stays "&", whether or not the template turns escaping off."""
    template = get_template(template_name).template  # the engine's own, to pass a Context
    return template.render(Context(context, autoescape=False))


def send_templated_email(name: str, **kwargs) -> None:
    """Render now, send from a Celery worker once the current transaction commits."""
    queue_message(build_templated_email(name, **kwargs))


def add_site_headers(message: EmailMultiAlternatives) -> None:
    """Every site email says it is automatic (RFC 3834) and carries a Message-ID of the site's
    own domain (not the worker's host name), fixed when it is built so a retry repeats it."""
    domain = parseaddr(message.from_email or settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2]
    message.extra_headers.setdefault("Message-ID", make_msgid(domain=domain or None))
    message.extra_headers.setdefault("Auto-Submitted", "auto-generated")


def queue_message(message: EmailMultiAlternatives) -> None:
    """Send a built message from a Celery worker once the current transaction commits."""
    from .tasks import send_email_task

    add_site_headers(message)
    send_email_task.delay_on_commit(**serialise(message))


def serialise(message: EmailMultiAlternatives) -> dict:
    if message.attachments:
        raise ValueError("Attachments are built inside the task that sends them, not queued.")
    return {
        "subject": message.subject,
        "body": message.body,
        "to": message.to,
        "html": next((c for c, mimetype in message.alternatives if mimetype == "text/html"), None),
        "from_email": message.from_email,
        "reply_to": message.reply_to,
        "headers": message.extra_headers,
    }
