from django.apps import AppConfig


class VacanciesConfig(AppConfig):
    name = "vacancies"

    def ready(self):
        from billing.signals import invoice_paid, invoice_voided

        from .billing import invoice_paid_receiver, invoice_voided_receiver

        invoice_paid.connect(invoice_paid_receiver, dispatch_uid="vacancies.invoice_paid")
        invoice_voided.connect(invoice_voided_receiver, dispatch_uid="vacancies.invoice_voided")

        from newsletters.signals import subscription_confirmed

        subscription_confirmed.connect(
            alert_options_receiver, dispatch_uid="vacancies.alert_options"
        )


def alert_options_receiver(sender, subscriber, options, **kwargs):
    from .services import apply_confirmed_alert_options

    apply_confirmed_alert_options(subscriber=subscriber, options=options)
