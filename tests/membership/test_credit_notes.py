"""Credit notes (their own gapless series), receipts, and invoices that are not bills."""

import threading
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.db import connection

from billing import services as billing
from billing.models import CreditNote, Invoice, Payment
from billing.pdf import render_credit_note_pdf, render_invoice_pdf
from membership import services
from membership.models import Membership
from tests.helpers import log_in_with_second_factor
from tests.membership.factories import FeeScheduleFactory, MembershipFactory, representatives
from tests.membership.test_invoice_pdf import assert_laid_out_cleanly

pytestmark = pytest.mark.django_db

DAY = date(2027, 6, 15)


def advert_invoice(amount="650.00", **kwargs):
    return billing.issue_invoice(
        bill_to=billing.BillTo(name="Luton Council", email="ap@luton.example.org"),
        lines=[billing.LineData(description="Vacancy advert", unit_price=Decimal(amount))],
        **kwargs,
    )


@time_machine.travel(DAY, tick=False)
def test_voiding_issues_a_credit_note_for_the_whole_invoice_numbered_in_its_own_series(
    sent_mail,
):
    first, second = advert_invoice(), advert_invoice()

    with sent_mail() as outbox:
        billing.void_invoice(invoice=first, reason="Posted twice")
        billing.void_invoice(invoice=first, reason="Posted twice")  # again: nothing new
        billing.void_invoice(invoice=second, reason="Withdrawn")

    notes = list(CreditNote.objects.order_by("number"))
    assert [(n.number, n.invoice, n.total, n.reason) for n in notes] == [
        ("TASP-CN-2027-0001", first, Decimal("650.00"), "Void: Posted twice"),
        ("TASP-CN-2027-0002", second, Decimal("650.00"), "Void: Withdrawn"),
    ]
    assert [(m.to, m.attachments[0][0]) for m in outbox] == [
        (["ap@luton.example.org"], "TASP-CN-2027-0001.pdf"),
        (["ap@luton.example.org"], "TASP-CN-2027-0002.pdf"),
    ]
    assert "Invoice TASP-2027-0001 is cancelled" in outbox[0].body


@pytest.mark.django_db(transaction=True)
def test_credit_notes_made_at_the_same_instant_get_distinct_gapless_numbers():
    invoices = [advert_invoice(issued_on=date(2027, 5, 1)) for _ in range(4)]
    barrier = threading.Barrier(4)
    errors = []

    def void(invoice):
        try:
            barrier.wait(timeout=10)
            billing.void_invoice(invoice=invoice, reason="Test")
        except Exception as error:  # pragma: no cover
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=void, args=[invoice]) for invoice in invoices]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    year = date.today().year
    assert errors == []
    assert sorted(CreditNote.objects.values_list("number", flat=True)) == [
        f"TASP-CN-{year}-{n:04d}" for n in range(1, 5)
    ]


@time_machine.travel(DAY, tick=False)
def test_a_partial_credit_reduces_what_is_owed_and_a_credit_to_nothing_settles_it(sent_mail):
    invoice = advert_invoice("1000.00")

    note = billing.credit_invoice(invoice=invoice, amount=Decimal("250.00"), reason="Discount")
    invoice.refresh_from_db()
    assert (note.number, invoice.status, invoice.balance) == (
        "TASP-CN-2027-0001",
        Invoice.Status.ISSUED,
        Decimal("750.00"),
    )
    assert Invoice.objects.with_balance().get().owed == Decimal("750.00")
    # Paying what is left settles it; the payer gets a receipt.
    with sent_mail() as outbox:
        billing.mark_paid(invoice=invoice, method=Payment.Method.BACS)
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert invoice.payments.get().amount == Decimal("750.00")
    assert [(m.subject, m.attachments[0][0]) for m in outbox] == [
        ("TASP receipt for invoice TASP-2027-0001", "TASP-2027-0001-receipt.pdf")
    ]

    other = advert_invoice("300.00")
    outbox.clear()
    with sent_mail() as outbox:
        billing.credit_invoice(invoice=other, amount=Decimal("300.00"), reason="Goodwill")
    other.refresh_from_db()
    assert other.status == Invoice.Status.PAID and other.balance == 0
    assert [m.subject for m in outbox] == [
        "TASP credit note TASP-CN-2027-0002 for invoice TASP-2027-0002"
    ]


@time_machine.travel(DAY, tick=False)
@pytest.mark.parametrize(
    ("amount", "reason", "message"),
    [
        ("0", "x", "more than £0.00"),
        ("-5", "x", "more than £0.00"),
        ("650.01", "x", "£650.00 left to credit"),
        ("10", "  ", "Give a reason"),
    ],
)
def test_a_bad_credit_is_refused_and_changes_nothing(amount, reason, message):
    invoice = advert_invoice()
    with pytest.raises(billing.BillingError, match=message):
        billing.credit_invoice(invoice=invoice, amount=Decimal(amount), reason=reason)
    assert not CreditNote.objects.exists()


@time_machine.travel(DAY, tick=False)
def test_a_void_invoice_takes_no_further_credit():
    invoice = advert_invoice()
    billing.void_invoice(invoice=invoice, reason="Withdrawn")
    with pytest.raises(billing.BillingError, match="is void"):
        billing.credit_invoice(invoice=invoice, amount=Decimal("1.00"), reason="x")
    assert CreditNote.objects.count() == 1


@time_machine.travel(DAY, tick=False)
def test_a_voided_part_credited_invoice_is_credited_only_the_rest():
    invoice = advert_invoice("1000.00")
    billing.credit_invoice(invoice=invoice, amount=Decimal("100.00"), reason="Discount")
    billing.void_invoice(invoice=invoice, reason="Withdrawn")
    assert list(invoice.credit_notes.order_by("number").values_list("total", flat=True)) == [
        Decimal("100.00"),
        Decimal("900.00"),
    ]


@time_machine.travel(DAY, tick=False)
def test_credit_note_and_receipt_pdfs_say_what_a_finance_office_needs(settings):
    settings.INVOICE_VAT_NUMBER = "GB123456789"
    settings.INVOICE_VAT_TREATMENT = "standard"
    invoice = advert_invoice()  # £650 + £130 VAT
    note = billing.credit_invoice(invoice=invoice, amount=Decimal("390.00"), reason="Half price")
    assert (note.net_total, note.vat_total) == (Decimal("325.00"), Decimal("65.00"))

    text = assert_laid_out_cleanly(render_credit_note_pdf(note))
    for expected in [
        "Credit note TASP-CN-2027-0001",
        "Against invoice: TASP-2027-0001 of 15 June 2027",
        "VAT registration number GB123456789",
        "Registered charity number",
        "Luton Council",
        "Half price",
        "Net credit £325.00",
        "Total credit £390.00",
        "£390.00 remains to pay",
    ]:
        assert expected in " ".join(text.split()), expected

    billing.mark_paid(invoice=invoice, method=Payment.Method.BACS, reference="BACS-77")
    invoice.refresh_from_db()
    receipt = " ".join(assert_laid_out_cleanly(render_invoice_pdf(invoice, receipt=True)).split())
    for expected in [
        "Receipt for invoice TASP-2027-0001",
        "Paid on: 15 June 2027",
        "Credit TASP-CN-2027-0001 -£390.00",
        "reference BACS-77",
        "Paid -£390.00",
        "Balance £0.00",
        "Paid in full, with thanks",
    ]:
        assert expected in receipt, expected
    assert "Please pay" not in receipt


@time_machine.travel(DAY, tick=False)
def test_a_zero_invoice_is_settled_at_once_not_emailed_or_chased(sent_mail, business_manager):
    FeeScheduleFactory()
    membership = MembershipFactory(managed_by=business_manager, negotiated_fee=Decimal("0.00"))
    with sent_mail() as outbox:
        invoice = services.submit_renewal(
            membership=membership,
            representatives=representatives(1),
            po_number="",
            user=business_manager,
        )
    invoice.refresh_from_db()
    membership.refresh_from_db()
    assert (invoice.total, invoice.status, invoice.paid_on) == (
        Decimal("0.00"),
        Invoice.Status.PAID,
        DAY,
    )
    assert membership.status == Membership.Status.ACTIVE
    assert not invoice.payments.exists()
    # The activation email, but no invoice for £0.00 and no receipt.
    assert not [m for m in outbox if m.attachments]
    assert not Invoice.objects.to_chase(date(2028, 1, 1)).exists()


def test_receipts_are_only_for_paid_invoices(sent_mail):
    invoice = advert_invoice()
    with pytest.raises(billing.BillingError, match="not paid"):
        billing.send_receipt(invoice=invoice)
    billing.mark_paid(invoice=invoice, method=Payment.Method.BACS)
    invoice.refresh_from_db()
    with sent_mail() as outbox:
        billing.send_receipt(invoice=invoice)
    assert [m.attachments[0][0] for m in outbox] == [f"{invoice.number}-receipt.pdf"]


@time_machine.travel(DAY, tick=False)
def test_staff_credit_part_of_an_invoice_and_send_its_receipt_from_the_admin(
    client, staff_user, sent_mail
):
    invoice = advert_invoice()
    log_in_with_second_factor(client, staff_user)
    url = "/admin/billing/invoice/"
    form = client.post(url, {"action": "credit", "_selected_action": [invoice.pk]})
    assert form.status_code == 200 and b"Issue credit note" in form.content
    refused = client.post(
        url,
        {
            "action": "credit",
            "_selected_action": [invoice.pk],
            "apply": "1",
            "amount": "700",
            "reason": "Too much",
        },
    )
    assert "£650.00 left to credit" in refused.content.decode()
    assert not CreditNote.objects.exists()
    with sent_mail() as outbox:
        done = client.post(
            url,
            {
                "action": "credit",
                "_selected_action": [invoice.pk],
                "apply": "1",
                "amount": "150.00",
                "reason": "Late publication",
            },
        )
    assert done.status_code == 302
    assert invoice.credit_notes.get().total == Decimal("150.00")
    assert len(outbox) == 1
    change = client.get(f"{url}{invoice.pk}/change/").content.decode()
    assert "TASP-CN-2027-0001" in change

    billing.mark_paid(invoice=invoice, method=Payment.Method.BACS)
    outbox.clear()
    with sent_mail() as outbox:
        client.post(url, {"action": "send_receipt", "_selected_action": [invoice.pk]})
    assert [m.subject for m in outbox] == [f"TASP receipt for invoice {invoice.number}"]


@time_machine.travel(DAY, tick=False)
def test_members_download_receipts_and_credit_notes_from_their_account(
    client, business_manager, django_user_model
):
    FeeScheduleFactory()
    membership = MembershipFactory(managed_by=business_manager)
    invoice = services.submit_renewal(
        membership=membership,
        representatives=representatives(1),
        po_number="",
        user=business_manager,
    )
    note = billing.credit_invoice(invoice=invoice, amount=Decimal("100.00"), reason="Loyalty")
    billing.mark_paid(invoice=invoice, method=Payment.Method.BACS)
    client.force_login(business_manager)

    page = client.get("/membership/account/").content.decode()
    assert f"/membership/invoices/{invoice.number}/receipt.pdf" in page
    assert f"/membership/credit-notes/{note.number}.pdf" in page
    receipt = client.get(f"/membership/invoices/{invoice.number}/receipt.pdf")
    credit = client.get(f"/membership/credit-notes/{note.number}.pdf")
    assert (receipt.status_code, receipt["Content-Type"]) == (200, "application/pdf")
    assert credit.status_code == 200 and credit.content.startswith(b"%PDF")

    client.force_login(django_user_model.objects.create_user(email="x@example.org"))
    assert client.get(f"/membership/credit-notes/{note.number}.pdf").status_code == 404
    assert client.get(f"/membership/invoices/{invoice.number}/receipt.pdf").status_code == 404
