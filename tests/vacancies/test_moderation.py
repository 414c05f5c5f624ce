from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from billing import services as billing
from tests.helpers import log_in_with_second_factor
from tests.vacancies.factories import VacancyFactory, today
from vacancies import services
from vacancies.models import Vacancy

pytestmark = pytest.mark.django_db


def moderate(client, vacancy, **data):
    return client.post(reverse("admin:vacancies_vacancy_moderate", args=[vacancy.pk]), data)


def test_the_queue_lists_adverts_waiting_for_moderation_or_payment(client, staff_user):
    waiting = VacancyFactory(pending=True, title="Waiting for us")
    unpaid = VacancyFactory(status=Vacancy.Status.PENDING_PAYMENT, title="Waiting for money")
    VacancyFactory(published=True, title="Already live")
    log_in_with_second_factor(client, staff_user)

    response = client.get(reverse("admin:vacancies_vacancy_changelist") + "?queue=waiting")

    html = response.content.decode()
    assert response.status_code == 200
    assert waiting.title in html and unpaid.title in html
    assert "Already live" not in html
    assert f"Moderate “{waiting.title}”" in html


def test_staff_approve_and_the_poster_is_told(
    client, staff_user, mailoutbox, django_capture_on_commit_callbacks
):
    vacancy = VacancyFactory(pending=True)
    log_in_with_second_factor(client, staff_user)
    assert (
        client.get(reverse("admin:vacancies_vacancy_moderate", args=[vacancy.pk])).status_code
        == 200
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = moderate(client, vacancy, decision="approve", note="")

    assert response.status_code == 302
    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.PUBLISHED
    assert vacancy.published_at is not None
    assert list(Vacancy.objects.open()) == [vacancy]
    change = vacancy.status_changes.last()
    assert (change.from_status, change.to_status, change.changed_by) == (
        "pending_moderation",
        "published",
        staff_user,
    )
    assert mailoutbox[0].to == [vacancy.posted_by.email]
    assert mailoutbox[0].subject.startswith("Your vacancy advert is approved and published")


def test_rejecting_needs_a_typed_reason(client, staff_user):
    vacancy = VacancyFactory(pending=True)
    log_in_with_second_factor(client, staff_user)

    response = moderate(client, vacancy, decision="reject", reason="", note="")

    assert response.status_code == 200
    assert "Choose why the advert is rejected." in response.content.decode()
    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.PENDING_MODERATION


def test_staff_reject_with_a_reason_the_poster_reads(
    client, staff_user, mailoutbox, django_capture_on_commit_callbacks
):
    vacancy = VacancyFactory(pending=True)
    log_in_with_second_factor(client, staff_user)

    with django_capture_on_commit_callbacks(execute=True):
        moderate(client, vacancy, decision="reject", reason="incomplete", note="Add the hours.")

    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.REJECTED
    assert vacancy.rejection_reason == "incomplete"
    assert vacancy.status_changes.last().note == "Incomplete. Add the hours."
    assert "Reason: Incomplete" in mailoutbox[0].body
    assert "Add the hours." in mailoutbox[0].body
    assert not Vacancy.objects.open().exists()


def test_staff_may_approve_against_an_unpaid_invoice(staff_user):
    invoice = billing.issue_invoice(
        bill_to=billing.BillTo(name="Luton Council"),
        lines=[billing.LineData(description="Advert", unit_price=Decimal("650.00"))],
    )
    vacancy = VacancyFactory(
        status=Vacancy.Status.PENDING_PAYMENT,
        is_member_post=False,
        price=Decimal("650.00"),
        invoice=invoice,
    )

    services.approve_vacancy(vacancy=vacancy, by=staff_user)

    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.PUBLISHED
    assert vacancy.payment_state == f"Invoiced: {invoice.number}, unpaid"
    assert f"against invoice {invoice.number}" in vacancy.status_changes.last().note


def test_a_draft_cannot_be_approved(client, staff_user):
    vacancy = VacancyFactory()
    log_in_with_second_factor(client, staff_user)

    response = moderate(client, vacancy, decision="approve", note="")

    assert response.status_code == 302
    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.DRAFT


def test_an_advert_past_its_closing_date_is_not_approved(staff_user):
    vacancy = VacancyFactory(pending=True, closes_on=today() - timedelta(days=1))

    with pytest.raises(services.NotAllowed):
        services.approve_vacancy(vacancy=vacancy, by=staff_user)


def test_approving_twice_publishes_once(staff_user):
    vacancy = VacancyFactory(pending=True)

    services.approve_vacancy(vacancy=vacancy, by=staff_user)
    services.approve_vacancy(vacancy=vacancy, by=staff_user)

    assert vacancy.status_changes.filter(to_status="published").count() == 1


def test_a_non_staff_user_cannot_moderate(client, user):
    vacancy = VacancyFactory(pending=True)
    client.force_login(user)

    response = moderate(client, vacancy, decision="approve")

    assert response.status_code == 302 and "/admin/login/" in response.url
    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.PENDING_MODERATION


def test_staff_change_the_price_in_the_admin(client, staff_user):
    log_in_with_second_factor(client, staff_user)

    response = client.get(reverse("admin:vacancies_vacancypricing_changelist"))
    assert response.status_code == 302
    response = client.post(response.url, {"non_member_price": "675.50", "alert_frequency": "daily"})

    from vacancies.models import VacancyPricing

    assert response.status_code == 302
    assert str(VacancyPricing.current().non_member_price) == "675.50"
    assert VacancyPricing.current().alert_frequency == "daily"


def test_the_admin_change_form_shows_history_and_payment(client, staff_user):
    vacancy = VacancyFactory(pending=True)
    vacancy.status_changes.create(to_status="pending_moderation", note="Member: free advert.")
    log_in_with_second_factor(client, staff_user)

    html = client.get(reverse("admin:vacancies_vacancy_change", args=[vacancy.pk])).content.decode()

    assert "Member: free advert." in html
    assert "Free (member)" in html
