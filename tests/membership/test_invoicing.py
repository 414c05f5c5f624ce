import threading
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
import time_machine
from django.db import connection
from pypdf import PdfReader

from billing import services as billing
from billing.models import Invoice, InvoiceLine, Payment
from billing.pdf import render_invoice_pdf
from billing.signals import invoice_paid
from membership import services
from membership.models import Membership
from tests.membership.factories import MembershipFactory, OrganisationFactory, representatives

pytestmark = pytest.mark.django_db


def simple_invoice(**kwargs):
    return billing.issue_invoice(
        bill_to=billing.BillTo(
            name="Luton Council", address="Town Hall\nLuton", email="ap@luton.example.org"
        ),
        lines=[billing.LineData(description="Vacancy advert", unit_price=Decimal("650.00"))],
        **kwargs,
    )


@time_machine.travel(date(2026, 11, 23))
def test_invoice_numbers_are_sequential_per_year_and_due_in_thirty_days():
    first, second = simple_invoice(), simple_invoice()
    next_year = simple_invoice(issued_on=date(2027, 1, 4))

    assert (first.number, second.number) == ("TASP-2026-0001", "TASP-2026-0002")
    assert next_year.number == "TASP-2027-0001"
    assert first.due_on == date(2026, 12, 23)


@pytest.mark.django_db(transaction=True)
def test_invoices_issued_at_the_same_instant_get_distinct_gapless_numbers():
    barrier = threading.Barrier(4)
    numbers, errors = [], []

    def issue():
        try:
            barrier.wait(timeout=10)
            numbers.append(simple_invoice(issued_on=date(2026, 5, 1)).number)
        except Exception as error:  # pragma: no cover
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert sorted(numbers) == [f"TASP-2026-{n:04d}" for n in range(1, 5)]


def test_vat_is_worked_out_per_line(settings):
    invoice = billing.issue_invoice(
        bill_to=OrganisationFactory(name="Surrey Safeguarding Children Partnership"),
        lines=[
            billing.LineData(
                description="Membership",
                unit_price=Decimal("1500.00"),
                vat_treatment="outside_scope",
            ),
            billing.LineData(
                description="Conference places",
                unit_price=Decimal("95.50"),
                quantity=2,
                vat_treatment="standard",
            ),
            billing.LineData(description="Book", unit_price=Decimal("10.00"), vat_treatment="zero"),
        ],
    )

    assert invoice.net_total == Decimal("1701.00")
    assert invoice.vat_total == Decimal("38.20")
    assert invoice.total == Decimal("1739.20")
    assert invoice.bill_to_name == "Surrey Safeguarding Children Partnership"
    assert [line.vat_treatment for line in invoice.lines.all()] == [
        "outside_scope",
        "standard",
        "zero",
    ]


def test_the_bill_to_is_a_snapshot():
    organisation = OrganisationFactory(name="Durham Partnership", address="Old address")
    invoice = billing.issue_invoice(
        bill_to=organisation, lines=[billing.LineData("Membership", Decimal("1500"))]
    )
    organisation.name, organisation.address = "Renamed", "New address"
    organisation.save()

    invoice.refresh_from_db()
    assert (invoice.bill_to_name, invoice.bill_to_address) == ("Durham Partnership", "Old address")


def test_the_pdf_carries_what_a_finance_office_needs(settings):
    settings.INVOICE_BANK_DETAILS = {
        "account_name": "TASP",
        "bank": "Example Bank",
        "sort_code": "12-34-56",
        "account_number": "87654321",
    }
    invoice = simple_invoice(po_number="PO-4471", issued_on=date(2026, 11, 23))

    text = "\n".join(
        page.extract_text() for page in PdfReader(BytesIO(render_invoice_pdf(invoice))).pages
    )

    for expected in [
        "The Association of Safeguarding Partners",
        f"Registered charity number {settings.CHARITY['charity_number']}",
        invoice.number,
        "23 November 2026",
        "23 December 2026",
        "PO-4471",
        "Vacancy advert",
        "£650.00",
        "Outside the scope of VAT",
        "Luton Council",
        "12-34-56",
        "87654321",
    ]:
        assert expected in text, expected


@pytest.mark.usefixtures("this_years_fees")
def test_recording_a_payment_twice_records_it_once_and_activates_once(business_manager):
    membership = MembershipFactory(renewal_due=True, managed_by=business_manager)
    invoice = services.submit_renewal(
        membership=membership,
        representatives=representatives(5),
        po_number="",
        user=business_manager,
    )
    paid = []
    invoice_paid.connect(
        lambda sender, invoice, **kw: paid.append(invoice.pk), weak=False, dispatch_uid="t"
    )
    try:
        first = billing.record_payment(
            invoice=invoice, amount=invoice.total, method="bacs", reference="BANK-77"
        )
        second = billing.record_payment(
            invoice=invoice, amount=invoice.total, method="bacs", reference="BANK-77"
        )
    finally:
        invoice_paid.disconnect(dispatch_uid="t")

    invoice.refresh_from_db()
    membership.refresh_from_db()
    assert first == second
    assert invoice.payments.count() == 1
    assert invoice.status == Invoice.Status.PAID
    assert membership.status == Membership.Status.ACTIVE
    assert paid == [invoice.pk]


def test_a_part_payment_leaves_the_invoice_open():
    invoice = simple_invoice()

    billing.record_payment(
        invoice=invoice, amount=Decimal("100.00"), method="cheque", reference="CHQ-1"
    )

    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.ISSUED


def test_void_needs_a_reason_and_a_void_invoice_takes_no_payment():
    invoice = simple_invoice()
    with pytest.raises(billing.BillingError, match="reason"):
        billing.void_invoice(invoice=invoice, reason="  ")

    billing.void_invoice(invoice=invoice, reason="Raised in error")

    invoice.refresh_from_db()
    assert (invoice.status, invoice.void_reason) == (Invoice.Status.VOID, "Raised in error")
    with pytest.raises(billing.BillingError, match="void"):
        billing.record_payment(invoice=invoice, amount=Decimal("650"), method="bacs", reference="X")


@pytest.mark.usefixtures("this_years_fees")
def test_voiding_a_renewal_invoice_reopens_the_renewal(business_manager):
    membership = MembershipFactory(renewal_due=True, managed_by=business_manager)
    invoice = services.submit_renewal(
        membership=membership,
        representatives=representatives(5),
        po_number="",
        user=business_manager,
    )

    billing.void_invoice(invoice=invoice, reason="Wrong number of representatives")

    membership.refresh_from_db()
    assert membership.status == Membership.Status.RENEWAL_DUE
    assert membership.invoice is None and not membership.is_price_locked


def test_an_invoice_needs_lines_and_no_negative_prices():
    with pytest.raises(billing.BillingError):
        billing.issue_invoice(bill_to=billing.BillTo(name="X"), lines=[])
    with pytest.raises(billing.BillingError):
        billing.issue_invoice(
            bill_to=billing.BillTo(name="X"), lines=[billing.LineData("Refund?", Decimal("-5"))]
        )
    assert not Invoice.objects.exists()
    assert InvoiceLine.objects.count() == 0


def test_invoices_keep_a_change_history():
    invoice = simple_invoice()
    billing.void_invoice(invoice=invoice, reason="Duplicate")

    assert [h.status for h in invoice.history.order_by("history_date")] == [
        "issued",
        "issued",
        "void",
    ]


@pytest.mark.usefixtures("this_years_fees")
def test_a_zero_invoice_is_settled_without_a_payment(business_manager, staff_user):
    membership = MembershipFactory(renewal_due=True, managed_by=business_manager)
    services.set_negotiated_fee(
        membership=membership, fee=Decimal("0.00"), reason="Founding member", user=staff_user
    )
    invoice = services.submit_renewal(
        membership=membership,
        representatives=representatives(5),
        po_number="",
        user=business_manager,
    )
    assert invoice.total == Decimal("0.00")

    billing.mark_paid(invoice=invoice, method="bacs", user=staff_user)
    billing.mark_paid(invoice=invoice, method="bacs", user=staff_user)

    invoice.refresh_from_db()
    membership.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID and invoice.paid_on
    assert not Payment.objects.exists()
    assert membership.status == Membership.Status.ACTIVE
