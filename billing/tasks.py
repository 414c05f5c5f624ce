from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task


# The names tasks had when they lived in membership: any queued before the move still run.
@shared_task(
    name="membership.tasks.email_invoice_task",
    autoretry_for=(SMTPException, OSError),
    retry_backoff=30,
    max_retries=6,
)
def email_invoice_task(invoice_id: int, reminder: bool = False, kind: str = "invoice") -> None:
    """Email an invoice (``kind`` "invoice" or "reminder") or the receipt for a paid one, with
    its PDF. Built here, not in the request: the attachment never goes through the broker."""
    from tasp.mail import build_templated_email

    from .cards import invoice_payment_link
    from .models import Invoice
    from .pdf import render_invoice_pdf
    from .services import invoice_recipients

    kind = "reminder" if reminder else kind  # tasks queued before ``kind`` existed
    invoice = Invoice.objects.filter(pk=invoice_id).first()
    wanted = Invoice.Status.PAID if kind == "receipt" else Invoice.Status.ISSUED
    if invoice is None or (invoice.status != wanted and kind != "invoice"):
        return
    if invoice.status == Invoice.Status.VOID:
        return
    recipients = invoice_recipients(invoice)
    if not recipients:
        return
    receipt = kind == "receipt"
    filename = f"{invoice.number}-receipt.pdf" if receipt else f"{invoice.number}.pdf"
    build_templated_email(
        {"invoice": "billing/invoice", "reminder": "billing/invoice_reminder"}.get(
            kind, "billing/receipt"
        ),
        to=recipients,
        context={"invoice": invoice, "pay_link": invoice_payment_link(invoice)},
        attachments=[(filename, render_invoice_pdf(invoice, receipt=receipt), "application/pdf")],
    ).send()


@shared_task(
    name="membership.tasks.email_credit_note_task",
    autoretry_for=(SMTPException, OSError),
    retry_backoff=30,
    max_retries=6,
)
def email_credit_note_task(credit_note_id: int) -> None:
    """Email a credit note's PDF to the payer of the invoice it reduces."""
    from tasp.mail import build_templated_email

    from .models import CreditNote
    from .pdf import render_credit_note_pdf
    from .services import invoice_recipients

    note = CreditNote.objects.select_related("invoice").filter(pk=credit_note_id).first()
    if note is None:
        return
    recipients = invoice_recipients(note.invoice)
    if not recipients:
        return
    build_templated_email(
        "billing/credit_note",
        to=recipients,
        context={"note": note, "invoice": note.invoice},
        attachments=[(f"{note.number}.pdf", render_credit_note_pdf(note), "application/pdf")],
    ).send()
