"""An advert paid by purchase order goes live as soon as staff accept the purchase order, not
once the invoice is paid at the end of its payment terms."""

from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.urls import reverse

from billing import services as billing
from billing.models import Invoice, Payment
from tests.helpers import log_in_with_second_factor
from tests.vacancies.factories import VacancyFactory, today
from tests.vacancies.test_posting import BILLING
from vacancies import services
from vacancies.models import PaymentState, Vacancy

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_a_day():
    """The clock stopped at ten in the morning, today."""
    with time_machine.travel(datetime.combine(today(), time(10)), tick=False):
        yield today()


def submitted(poster, **billing_details):
    vacancy = VacancyFactory(posted_by=poster, **{**BILLING, **billing_details})
    return services.submit_vacancy(vacancy=vacancy, user=poster)


def test_accepting_the_purchase_order_publishes_the_advert_before_the_invoice_is_paid(
    non_member, staff_user, on_a_day, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.INVOICE_PAYMENT_TERMS_DAYS = 30
    vacancy = submitted(non_member)
    assert vacancy.status == Vacancy.Status.PENDING_PAYMENT
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.accept_purchase_order(vacancy=vacancy, by=staff_user)

    vacancy.refresh_from_db()
    invoice = vacancy.invoice
    assert vacancy.status == Vacancy.Status.PUBLISHED and vacancy.is_open
    assert list(Vacancy.objects.open()) == [vacancy]
    assert invoice.status == Invoice.Status.ISSUED and vacancy.paid_at is None
    assert vacancy.payment == PaymentState.PO_ACCEPTED
    assert (
        vacancy.payment_state == f"Purchase order PO-77 accepted: invoice {invoice.number}, unpaid"
    )
    change = vacancy.status_changes.last()
    due = on_a_day + timedelta(days=30)
    assert (change.from_status, change.to_status, change.changed_by) == (
        "pending_payment",
        "published",
        staff_user,
    )
    assert change.note == (
        f"Purchase order PO-77 accepted: published against invoice {invoice.number}, "
        f"due {due:%-d %B %Y}."
    )
    assert [m.subject for m in mailoutbox if m.to == [non_member.email]] == [
        f"Your vacancy advert is approved and published: {vacancy.title}"
    ]

    # The invoice paid in its own time later: the advert stays published, now paid.
    billing.mark_paid(invoice=invoice, method=Payment.Method.BACS)
    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.PUBLISHED and vacancy.paid_at is not None


def test_accepting_twice_publishes_once(non_member, staff_user):
    vacancy = submitted(non_member)

    services.accept_purchase_order(vacancy=vacancy, by=staff_user)
    services.accept_purchase_order(vacancy=vacancy, by=staff_user)

    assert [c.to_status for c in vacancy.status_changes.all()] == [
        "pending_payment",
        "published",
    ]


def test_no_purchase_order_means_nothing_to_accept(non_member, staff_user):
    vacancy = submitted(non_member, po_number="")

    with pytest.raises(services.NotAllowed, match="no purchase order number"):
        services.accept_purchase_order(vacancy=vacancy, by=staff_user)
    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.PENDING_PAYMENT and vacancy.po_accepted_at is None


def test_an_advert_past_its_closing_date_is_not_published_on_its_purchase_order(
    non_member, staff_user
):
    vacancy = submitted(non_member)
    Vacancy.objects.filter(pk=vacancy.pk).update(closes_on=today() - timedelta(days=1))

    with pytest.raises(services.NotAllowed, match="closing date has passed"):
        services.accept_purchase_order(vacancy=vacancy, by=staff_user)
    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.PENDING_PAYMENT and vacancy.po_accepted_at is None


def test_staff_accept_the_purchase_order_from_the_moderation_page(client, non_member, staff_user):
    vacancy = submitted(non_member)
    log_in_with_second_factor(client, staff_user)
    url = reverse("admin:vacancies_vacancy_moderate", args=[vacancy.pk])
    assert "Accept purchase order PO-77 and publish" in client.get(url).content.decode()

    response = client.post(url, {"decision": "accept_po", "note": "PO checked with finance"})

    assert response.status_code == 302
    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.PUBLISHED and vacancy.po_accepted_at is not None
    assert vacancy.status_changes.last().note.endswith("PO checked with finance")


def test_a_member_advert_offers_no_purchase_order_to_accept(client, staff_user):
    vacancy = VacancyFactory(pending=True)
    log_in_with_second_factor(client, staff_user)

    page = client.get(reverse("admin:vacancies_vacancy_moderate", args=[vacancy.pk]))

    assert "Accept purchase order" not in page.content.decode()
    response = client.post(
        reverse("admin:vacancies_vacancy_moderate", args=[vacancy.pk]), {"decision": "accept_po"}
    )
    assert response.status_code == 200  # not one of the choices: nothing changes
    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.PENDING_MODERATION


def test_the_poster_is_told_a_purchase_order_can_publish_the_advert(client, non_member):
    vacancy = submitted(non_member)
    client.force_login(non_member)

    page = client.get(reverse("vacancies:manage", args=[vacancy.slug])).content.decode()

    assert "or is published as soon as we accept purchase order PO-77" in page
