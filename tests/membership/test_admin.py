from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.urls import reverse

from billing.models import Invoice, Payment
from membership import services
from membership.models import FeeSchedule, Membership
from tests.helpers import log_in_with_second_factor
from tests.membership.factories import (
    MembershipFactory,
    OrganisationFactory,
    representatives,
    year_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoiced(business_manager, this_years_fees):
    membership = MembershipFactory(renewal_due=True, managed_by=business_manager)
    services.submit_renewal(
        membership=membership,
        representatives=representatives(5),
        po_number="PO-1",
        user=business_manager,
    )
    membership.refresh_from_db()
    return membership


def action(client, model, name, pks, **extra):
    return client.post(
        reverse(f"admin:{'billing' if model == 'invoice' else 'membership'}_{model}_changelist"),
        {"action": name, "_selected_action": [str(pk) for pk in pks], **extra},
    )


@pytest.mark.parametrize(
    "url",
    [
        "/admin/membership/membership/?year__id__exact=1&status__exact=renewal_due&organisation__kind__exact=single_area&q=Example",
        "/admin/billing/invoice/?status__exact=issued&q=TASP",
        "/admin/membership/organisation/?kind__exact=national",
        "/admin/membership/membershipyear/",
        "/admin/membership/reminderrule/",
    ],
)
def test_admin_lists_filter_and_search(client, staff_user, invoiced, url):
    log_in_with_second_factor(client, staff_user)

    assert client.get(url).status_code == 200


def test_fee_band_changes_keep_a_history(this_years_fees):
    band = this_years_fees.bands.get(up_to=5)
    band.fee = Decimal("1550.00")
    band.save()

    assert [h.fee for h in band.history.order_by("history_date")][-1] == Decimal("1550.00")


def test_fee_schedules_are_edited_with_their_bands(client, staff_user, this_years_fees):
    log_in_with_second_factor(client, staff_user)

    response = client.get(reverse("admin:membership_feeschedule_change", args=[this_years_fees.pk]))

    assert response.status_code == 200
    assert "£4,375.00" in response.content.decode() or "4375.00" in response.content.decode()


def test_mark_paid_activates_and_twice_records_once(client, staff_user, invoiced):
    log_in_with_second_factor(client, staff_user)

    action(client, "invoice", "mark_paid_bacs", [invoiced.invoice_id])
    action(client, "invoice", "mark_paid_bacs", [invoiced.invoice_id])

    invoiced.refresh_from_db()
    assert invoiced.status == Membership.Status.ACTIVE
    assert Payment.objects.count() == 1
    assert Payment.objects.get().recorded_by == staff_user


def test_void_asks_for_a_reason_first(client, staff_user, invoiced):
    log_in_with_second_factor(client, staff_user)

    ask = action(client, "invoice", "void", [invoiced.invoice_id])
    assert ask.status_code == 200 and "Reason for voiding" in ask.content.decode()
    assert Invoice.objects.get().status == Invoice.Status.ISSUED

    action(client, "invoice", "void", [invoiced.invoice_id], apply="1", reason="Wrong PO")

    assert Invoice.objects.get().void_reason == "Wrong PO"


def test_export_csv_lists_members_and_representatives(client, staff_user, invoiced):
    log_in_with_second_factor(client, staff_user)

    response = action(client, "membership", "export_csv", [invoiced.pk])

    body = response.content.decode()
    assert response["Content-Type"] == "text/csv"
    assert invoiced.organisation.name in body and "rep4@example.org" in body


def test_a_negative_negotiated_fee_in_the_admin_is_an_error(client, staff_user):
    membership = MembershipFactory(renewal_due=True)
    log_in_with_second_factor(client, staff_user)
    url = reverse("admin:membership_membership_change", args=[membership.pk])
    data = {
        "organisation": membership.organisation_id,
        "year": membership.year_id,
        "status": "renewal_due",
        "schedule_fee": "1500.00",
        "negotiated_fee": "-10.00",
        "negotiated_reason": "discount",
        "po_number": "",
        "representatives-TOTAL_FORMS": "0",
        "representatives-INITIAL_FORMS": "0",
    }

    response = client.post(url, data)

    assert response.status_code == 200
    membership.refresh_from_db()
    assert membership.negotiated_fee is None

    data["negotiated_fee"] = "1000.00"
    data["status"] = "active"  # read-only here: activation goes through the services
    assert client.post(url, data).status_code == 302
    membership.refresh_from_db()
    assert membership.negotiated_fee == Decimal("1000.00")
    assert membership.negotiated_by == staff_user
    assert membership.status == Membership.Status.RENEWAL_DUE


@time_machine.travel(date(2027, 2, 1))
def test_open_renewals_action(client, staff_user, business_manager, sent_mail):
    this_year = year_of()
    MembershipFactory(year=this_year, active=True, managed_by=business_manager)
    next_year = this_year.next()
    schedule = FeeSchedule.objects.create(year=next_year, per_extra_representative=50)
    schedule.bands.create(up_to=5, fee=Decimal("1600.00"))
    log_in_with_second_factor(client, staff_user)

    with sent_mail() as outbox:
        action(client, "membershipyear", "open_renewals", [next_year.pk])

    renewal = Membership.objects.get(year=next_year)
    assert renewal.schedule_fee == Decimal("1600.00")
    assert len(outbox) == 1
    assert "Renewal due: 1" in client.get("/admin/membership/membershipyear/").content.decode()


@pytest.fixture
def viewer(django_user_model):
    """Staff who may look at the membership admin but change nothing."""
    user = django_user_model.objects.create_user(
        email="viewer@example.org", password="a-strong-staff-pass", is_staff=True
    )
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=["membership", "billing"],
            codename__in=["view_invoice", "view_membership", "view_membershipyear"],
        )
    )
    return user


@pytest.mark.parametrize(
    ("model", "name"),
    [
        ("invoice", "mark_paid_bacs"),
        ("invoice", "void"),
        ("invoice", "resend"),
        ("invoice", "credit"),
        ("invoice", "send_receipt"),
        ("membership", "approve"),
        ("membership", "send_reminder"),
        ("membership", "accept_po"),
        ("membershipyear", "open_renewals"),
    ],
)
def test_view_only_staff_are_not_offered_state_changing_actions(
    client, viewer, invoiced, model, name
):
    log_in_with_second_factor(client, viewer)

    app = "billing" if model == "invoice" else "membership"
    response = client.get(reverse(f"admin:{app}_{model}_changelist"))

    assert response.status_code == 200
    action_form = response.context["action_form"]
    offered = [value for value, _ in action_form.fields["action"].choices] if action_form else []
    assert name not in offered


def test_view_only_staff_cannot_mark_an_invoice_paid(client, viewer, invoiced):
    log_in_with_second_factor(client, viewer)

    action(client, "invoice", "mark_paid_bacs", [invoiced.invoice_id])
    action(client, "invoice", "void", [invoiced.invoice_id], apply="1", reason="Because")

    assert Invoice.objects.get().status == Invoice.Status.ISSUED
    assert not Payment.objects.exists()


def test_an_issued_invoices_bill_to_and_po_are_read_only(client, staff_user, invoiced):
    log_in_with_second_factor(client, staff_user)

    response = client.get(reverse("admin:billing_invoice_change", args=[invoiced.invoice_id]))

    assert response.status_code == 200
    editable = set(response.context["adminform"].form.fields)
    frozen = {"bill_to_name", "bill_to_address", "bill_to_contact", "bill_to_email", "po_number"}
    assert not editable & frozen
    assert "PO-1" in response.content.decode()


def test_staff_cannot_add_an_active_membership_by_hand(client, staff_user):
    organisation = OrganisationFactory()
    log_in_with_second_factor(client, staff_user)
    url = reverse("admin:membership_membership_add")
    data = {
        "organisation": organisation.pk,
        "year": year_of().pk,
        "status": "active",
        "schedule_fee": "1500.00",
        "negotiated_fee": "",
        "negotiated_reason": "",
        "po_number": "",
        "invoice": "",
        "representatives-TOTAL_FORMS": "0",
        "representatives-INITIAL_FORMS": "0",
    }

    response = client.post(url, data)

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Membership.objects.exists()

    data["status"] = "submitted"
    assert client.post(url, data).status_code == 302
    assert Membership.objects.get().status == Membership.Status.SUBMITTED


def test_member_csv_cells_that_look_like_formulas_export_as_text(rf, staff_user, invoiced):
    import csv

    from django.contrib import admin

    from membership.models import Person

    invoiced.organisation.name = "=cmd|' /C calc'!A0"
    invoiced.organisation.save()
    Person.objects.filter(email="manager@example.org").update(name="+44 1234 567890")
    request = rf.post("/admin/membership/membership/")
    request.user = staff_user

    response = admin.site._registry[Membership].export_csv(request, Membership.objects.all())

    rows = list(csv.reader(response.content.decode().splitlines()))[1:]
    assert {row[0] for row in rows} == {"'=cmd|' /C calc'!A0"}
    assert "'+44 1234 567890" in {row[6] for row in rows}


@time_machine.travel("2027-08-01 10:00 +01:00", tick=False)
def test_the_invoice_list_shows_money_overdue_invoices_and_their_pdfs(client, staff_user):
    from billing import services as billing
    from tests.helpers import log_in_with_second_factor

    overdue = billing.issue_invoice(
        bill_to=billing.BillTo(name="Luton Council"),
        lines=[billing.LineData(description="Membership", unit_price=Decimal("3375.00"))],
        issued_on=date(2027, 5, 1),
    )
    not_due = billing.issue_invoice(
        bill_to=billing.BillTo(name="Riverton Council"),
        lines=[billing.LineData(description="Advert", unit_price=Decimal("650.00"))],
    )
    log_in_with_second_factor(client, staff_user)

    page = client.get("/admin/billing/invoice/").content.decode()
    assert "£3,375.00" in page and "3375.00<" not in page
    assert f'href="/membership/invoices/{overdue.number}.pdf"' in page
    overdue_only = client.get("/admin/billing/invoice/?payment=overdue").content.decode()
    assert overdue.number in overdue_only and not_due.number not in overdue_only
    assert ">Overdue<" in overdue_only
