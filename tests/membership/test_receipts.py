"""When staff mark an invoice paid or record a payment, the payer gets a receipt by email, once:
the receipt for the whole invoice (with its PDF) when it is settled, and for a part payment a
receipt for that payment saying what is still owed."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from billing import services as billing
from billing.models import Invoice, Payment
from tests.helpers import log_in_with_second_factor
from tests.membership.test_admin import action
from tests.membership.test_credit_notes import advert_invoice

pytestmark = pytest.mark.django_db

DAY = date(2027, 6, 15)


@time_machine.travel(DAY, tick=False)
def test_marking_an_invoice_paid_sends_the_payer_one_receipt_however_often_it_is_clicked(
    sent_mail,
):
    invoice = advert_invoice()

    with sent_mail() as outbox:
        billing.mark_paid(invoice=invoice, method=Payment.Method.BACS)
        billing.mark_paid(invoice=invoice, method=Payment.Method.BACS)  # a second click

    [receipt] = outbox
    assert receipt.to == ["ap@luton.example.org"]
    assert receipt.subject == f"TASP receipt for invoice {invoice.number}"
    assert "was paid in full on 15 June 2027" in receipt.body
    assert [a[0] for a in receipt.attachments] == [f"{invoice.number}-receipt.pdf"]
    assert invoice.payments.count() == 1


@time_machine.travel(DAY, tick=False)
def test_each_payment_recorded_gets_a_receipt_once_and_the_last_one_the_whole_invoices(
    sent_mail,
):
    invoice = advert_invoice("1000.00")

    with sent_mail() as outbox:
        billing.record_payment(
            invoice=invoice, amount=Decimal("400.00"), method="cheque", reference="CHQ-1"
        )
        # The same cheque entered again: nothing new is recorded or sent.
        billing.record_payment(
            invoice=invoice, amount=Decimal("400.00"), method="cheque", reference="CHQ-1"
        )
    [part] = outbox
    assert part.to == ["ap@luton.example.org"]
    assert part.subject == f"TASP receipt for your payment on invoice {invoice.number}"
    assert "we received £400.00 (Cheque, reference CHQ-1) on 15 June 2027" in part.body
    assert "£600.00 of the invoice's £1,000.00 is still to pay" in part.body
    assert "£600.00" in part.alternatives[0][0]

    outbox.clear()
    with sent_mail() as outbox:
        billing.record_payment(
            invoice=invoice, amount=Decimal("600.00"), method="bacs", reference="BACS-9"
        )
        billing.record_payment(
            invoice=invoice, amount=Decimal("600.00"), method="bacs", reference="BACS-9"
        )
    [whole] = outbox
    assert whole.subject == f"TASP receipt for invoice {invoice.number}"
    assert [a[0] for a in whole.attachments] == [f"{invoice.number}-receipt.pdf"]
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID


@time_machine.travel(DAY, tick=False)
def test_staff_marking_paid_in_the_admin_send_one_receipt(client, staff_user, sent_mail):
    invoice = advert_invoice()
    log_in_with_second_factor(client, staff_user)

    with sent_mail() as outbox:
        action(client, "invoice", "mark_paid_bacs", [invoice.pk])
        action(client, "invoice", "mark_paid_bacs", [invoice.pk])

    assert [m.subject for m in outbox] == [f"TASP receipt for invoice {invoice.number}"]
