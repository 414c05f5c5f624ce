from django.apps import AppConfig


class VacanciesConfig(AppConfig):
    name = "vacancies"

    def ready(self):
        from billing.signals import invoice_paid, invoice_voided

        invoice_paid.connect(invoice_paid_receiver, dispatch_uid="vacancies.invoice_paid")
        invoice_voided.connect(invoice_voided_receiver, dispatch_uid="vacancies.invoice_voided")

        from newsletters.signals import subscription_confirmed

        subscription_confirmed.connect(
            alert_options_receiver, dispatch_uid="vacancies.alert_options"
        )


def invoice_paid_receiver(sender, invoice, **kwargs) -> None:
    """billing's ``invoice_paid``: an advert waiting on this invoice moves on."""
    from .services import record_invoice_payment

    record_invoice_payment(invoice=invoice)


def invoice_voided_receiver(sender, invoice, reason="", **kwargs) -> None:
    """billing's ``invoice_voided``: an advert waiting on this invoice is closed."""
    from .services import record_invoice_void

    record_invoice_void(invoice=invoice, reason=reason)


def alert_options_receiver(sender, subscriber, options, **kwargs):
    from .alerts import apply_confirmed_alert_options

    apply_confirmed_alert_options(subscriber=subscriber, options=options)
