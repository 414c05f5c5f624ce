from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task


@shared_task(autoretry_for=(SMTPException, OSError), retry_backoff=30, max_retries=6)
def email_invoice_task(invoice_id: int, reminder: bool = False) -> None:
    """Build the PDF here, not in the request: the attachment never goes through the broker."""
    from tasp.mail import build_templated_email

    from .models import Invoice
    from .pdf import render_invoice_pdf
    from .services import invoice_payment_link, invoice_recipients

    invoice = Invoice.objects.filter(pk=invoice_id).first()
    if invoice is None or invoice.status == Invoice.Status.VOID:
        return
    if reminder and invoice.status != Invoice.Status.ISSUED:
        return
    recipients = invoice_recipients(invoice)
    if not recipients:
        return
    build_templated_email(
        "membership/invoice_reminder" if reminder else "membership/invoice",
        to=recipients,
        context={"invoice": invoice, "pay_link": invoice_payment_link(invoice)},
        attachments=[(f"{invoice.number}.pdf", render_invoice_pdf(invoice), "application/pdf")],
    ).send()


@shared_task
def send_reminders_task() -> None:
    from .services import send_reminders

    send_reminders()


@shared_task
def lapse_unpaid_task() -> None:
    from .services import lapse_unpaid

    lapse_unpaid()
