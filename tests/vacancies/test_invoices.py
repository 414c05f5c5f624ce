"""A non-member's advert and its invoice stay in step: an advert that will never go live does not
leave an invoice to be chased, and a voided invoice takes its advert out of the payment queue."""

from datetime import timedelta

import pytest
from django.urls import reverse

from billing.models import Invoice
from membership.services import void_invoice
from tests.vacancies.factories import VacancyFactory
from tests.vacancies.test_posting import BILLING, advert_data
from vacancies import services
from vacancies.models import Vacancy

pytestmark = pytest.mark.django_db


def submitted(poster):
    vacancy = VacancyFactory(posted_by=poster, **BILLING)
    return services.submit_vacancy(vacancy=vacancy, user=poster)


@pytest.mark.parametrize(
    ("reason", "wording"), [("spam", "spam"), ("off_topic", "off-topic"), ("other", "other")]
)
def test_rejecting_an_unpaid_advert_voids_its_invoice(non_member, staff_user, reason, wording):
    vacancy = submitted(non_member)
    number = vacancy.invoice.number

    services.reject_vacancy(vacancy=vacancy, by=staff_user, reason=reason)

    invoice = Invoice.objects.get(number=number)
    assert invoice.status == Invoice.Status.VOID
    assert invoice.void_reason == f"Advert rejected: {wording}"
    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.REJECTED
    assert f"Invoice {number} voided." in vacancy.status_changes.last().note


def test_withdrawing_an_unpaid_advert_voids_its_invoice(client, non_member):
    vacancy = submitted(non_member)
    number = vacancy.invoice.number
    client.force_login(non_member)

    client.post(reverse("vacancies:close", args=[vacancy.slug]))

    invoice = Invoice.objects.get(number=number)
    assert (invoice.status, invoice.void_reason) == (
        Invoice.Status.VOID,
        "Advert withdrawn by the poster",
    )
    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.CLOSED


def test_closing_an_advert_that_went_live_leaves_its_invoice_to_be_paid(non_member, staff_user):
    vacancy = submitted(non_member)
    services.approve_vacancy(vacancy=vacancy, by=staff_user)  # against the unpaid invoice

    services.close_vacancy(vacancy=vacancy, by=non_member)

    assert Invoice.objects.get().status == Invoice.Status.ISSUED


def test_a_paid_invoice_is_not_voided_by_rejection(non_member, staff_user):
    from billing.services import mark_paid

    vacancy = submitted(non_member)
    mark_paid(invoice=Invoice.objects.get(), method="bacs", reference="BANK-9", user=staff_user)

    services.reject_vacancy(vacancy=vacancy, by=staff_user, reason="incomplete")

    assert Invoice.objects.get().status == Invoice.Status.PAID


def test_fixing_a_rejected_advert_raises_a_new_invoice_at_the_same_price(
    client, non_member, staff_user
):
    vacancy = submitted(non_member)
    services.reject_vacancy(vacancy=vacancy, by=staff_user, reason="incomplete")
    client.force_login(non_member)

    client.post(reverse("vacancies:edit", args=[vacancy.slug]), advert_data(title="Fixed"))

    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.PENDING_PAYMENT
    issued = Invoice.objects.get(status=Invoice.Status.ISSUED)
    assert vacancy.invoice == issued
    assert issued.total == vacancy.price


def test_staff_voiding_the_invoice_closes_the_advert_waiting_for_it(
    non_member, staff_user, mailoutbox, django_capture_on_commit_callbacks
):
    vacancy = submitted(non_member)
    number = vacancy.invoice.number

    with django_capture_on_commit_callbacks(execute=True):
        void_invoice(invoice=Invoice.objects.get(), reason="Sent in error", user=staff_user)

    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.CLOSED
    assert vacancy.invoice is None
    change = vacancy.status_changes.last()
    assert (change.from_status, change.to_status) == (
        Vacancy.Status.PENDING_PAYMENT,
        Vacancy.Status.CLOSED,
    )
    assert change.note == f"Invoice {number} voided: Sent in error"
    assert mailoutbox[-1].subject.startswith("Your vacancy advert has closed")
    assert "invoice for your advert" in mailoutbox[-1].body


def test_voiding_the_invoice_of_an_advert_published_unpaid_takes_it_down(
    client, non_member, staff_user, mailoutbox, django_capture_on_commit_callbacks
):
    vacancy = submitted(non_member)
    number = vacancy.invoice.number
    services.approve_vacancy(vacancy=vacancy, by=staff_user)  # against the unpaid invoice

    with django_capture_on_commit_callbacks(execute=True):
        void_invoice(invoice=Invoice.objects.get(), reason="Not wanted", user=staff_user)

    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.CLOSED and vacancy.invoice is None
    change = vacancy.status_changes.last()
    assert (change.from_status, change.to_status, change.note) == (
        Vacancy.Status.PUBLISHED,
        Vacancy.Status.CLOSED,
        f"Invoice {number} voided: Not wanted",
    )
    email = mailoutbox[-1]
    assert email.to == [non_member.email]
    assert "was cancelled, so the advert is closed and no longer listed" in email.body
    assert vacancy not in client.get(reverse("vacancies:index")).context["page"]


def test_an_unpaid_advert_that_reaches_its_closing_date_is_closed_and_its_invoice_voided(
    non_member,
):
    import time_machine

    vacancy = submitted(non_member)
    number = vacancy.invoice.number
    after = vacancy.closes_on + timedelta(days=1)

    with time_machine.travel(f"{after:%Y-%m-%d} 09:00 +00:00", tick=False):
        assert services.close_expired_vacancies() == 1
        assert services.close_expired_vacancies() == 0  # once

    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.CLOSED
    invoice = Invoice.objects.get(number=number)
    assert invoice.status == Invoice.Status.VOID
    assert invoice.void_reason == "Advert closed: Closing date passed before it was published"
    assert client_get_status(vacancy) == 404  # never published: nothing to show


def client_get_status(vacancy):
    from django.test import Client

    return Client().get(vacancy.get_absolute_url()).status_code


def test_rejecting_locks_the_invoice_before_the_advert(non_member, staff_user):
    """One lock order, invoice then advert, as a payment takes them (see services._locked)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    vacancy = submitted(non_member)
    with CaptureQueriesContext(connection) as queries:
        services.reject_vacancy(vacancy=vacancy, by=staff_user, reason="spam")

    locks = [q["sql"] for q in queries if "FOR UPDATE" in q["sql"]]
    assert '"billing_invoice"' in locks[0].split("FROM")[1].split("WHERE")[0]
    assert '"vacancies_vacancy"' in locks[1].split("FROM")[1].split("WHERE")[0]


@pytest.mark.django_db(transaction=True)
def test_a_payment_arriving_while_staff_reject_the_advert_does_not_deadlock(non_member, staff_user):
    """The payment holds the invoice and then wants the advert; the rejection, started while
    the payment holds the invoice, waits for it instead of holding the advert (on PostgreSQL,
    the old order was a deadlock, and one of the two failed)."""
    import threading
    import time

    from django.db import connection, transaction

    from billing.services import mark_paid

    vacancy = submitted(non_member)
    invoice = vacancy.invoice
    holding, errors = threading.Event(), []

    def pay():
        try:
            with transaction.atomic():
                Invoice.objects.select_for_update().get(pk=invoice.pk)
                holding.set()
                time.sleep(0.5)  # the rejection starts meanwhile
                mark_paid(invoice=invoice, method="bacs", reference="BACS-1")
        except Exception as error:  # pragma: no cover - the failure this test guards against
            errors.append(error)
        finally:
            connection.close()

    def reject():
        try:
            holding.wait(timeout=10)
            services.reject_vacancy(vacancy=vacancy, by=staff_user, reason="spam")
        except Exception as error:  # pragma: no cover
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=pay), threading.Thread(target=reject)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    invoice.refresh_from_db()
    vacancy.refresh_from_db()
    # Paid first, so the rejection left the paid invoice standing.
    assert invoice.status == Invoice.Status.PAID
    assert (vacancy.status, vacancy.invoice) == (Vacancy.Status.REJECTED, invoice)
