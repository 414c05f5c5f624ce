from django.apps import AppConfig


class MembershipConfig(AppConfig):
    name = "membership"

    def ready(self):
        from billing import signals

        from . import receivers

        signals.invoice_paid.connect(receivers.invoice_paid, dispatch_uid="membership.paid")
        signals.invoice_voided.connect(receivers.invoice_voided, dispatch_uid="membership.voided")
        signals.invoice_recipients.connect(
            receivers.invoice_recipients, dispatch_uid="membership.recipients"
        )
