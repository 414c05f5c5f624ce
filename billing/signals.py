"""What billing tells the things it bills; it imports none of its listeners."""

from django.dispatch import Signal

# Sent once, inside the transaction that locked the invoice, when it is settled:
# ``invoice_paid.send(sender=Invoice, invoice=invoice)``.
invoice_paid = Signal()

# Sent once, inside the transaction that locked the invoice, when an unpaid invoice is voided:
# ``invoice_voided.send(sender=Invoice, invoice=invoice, reason=reason)``.
invoice_voided = Signal()

# Asked whenever an invoice, reminder, receipt or credit note is emailed: each receiver returns a
# list of further addresses for it (``invoice_recipients.send(sender=Invoice, invoice=invoice)``).
invoice_recipients = Signal()
