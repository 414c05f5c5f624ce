from django.apps import AppConfig


class VacanciesConfig(AppConfig):
    name = "vacancies"

    def ready(self):
        from membership.signals import invoice_paid, invoice_voided

        from .billing import invoice_paid_receiver, invoice_voided_receiver

        invoice_paid.connect(invoice_paid_receiver, dispatch_uid="vacancies.invoice_paid")
        invoice_voided.connect(invoice_voided_receiver, dispatch_uid="vacancies.invoice_voided")
