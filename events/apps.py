from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "events"

    def ready(self):
        from billing.signals import invoice_paid, invoice_voided

        invoice_paid.connect(invoice_paid_receiver, dispatch_uid="events.invoice_paid")
        invoice_voided.connect(invoice_voided_receiver, dispatch_uid="events.invoice_voided")


def invoice_paid_receiver(sender, invoice, **kwargs) -> None:
    """billing's ``invoice_paid``: the booking it billed is confirmed."""
    from .services import record_invoice_payment

    record_invoice_payment(invoice=invoice)


def invoice_voided_receiver(sender, invoice, reason="", **kwargs) -> None:
    """billing's ``invoice_voided``: the places of a booking billed by it are released."""
    from .services import record_invoice_void

    record_invoice_void(invoice=invoice, reason=reason)
