from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from billing.models import Invoice
from tests.helpers import log_in_with_second_factor
from tests.vacancies.factories import UserFactory, VacancyFactory, today
from vacancies import services
from vacancies.models import Vacancy, VacancyPricing

pytestmark = pytest.mark.django_db


def advert_data(**overrides):
    data = {
        "title": "Independent Scrutineer",
        "role_type": "independent_scrutineer",
        "organisation_name": "Northshire Safeguarding Children Partnership",
        "location": "Leeds",
        "region": "yorkshire",
        "contract_type": "CONTRACTOR",
        "working_pattern": "3 days per month",
        "remuneration": "£450 per day",
        "pay_amount": "450",
        "pay_period": "DAY",
        "closes_on": (today() + timedelta(days=21)).isoformat(),
        "description": "Scrutinise our arrangements.\n\nReport to the partners.",
        "apply_url": "https://jobs.example.org/scrutineer",
        "apply_email": "",
        "website": "",
    }
    data.update(overrides)
    return data


BILLING = {
    "billing_name": "Agency Ltd",
    "billing_address": "1 High Street\nExample Town",
    "billing_email": "accounts@agency.example.com",
    "po_number": "PO-77",
}


def test_posting_needs_a_login(client):
    response = client.get(reverse("vacancies:post"))

    assert response.status_code == 302
    assert "/accounts/login/" in response.url


def test_a_member_posts_free_and_the_advert_goes_to_moderation(
    client, member, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(member)
    page = client.get(reverse("vacancies:post"))
    assert "Free:" in page.content.decode()
    assert "billing_name" not in page.content.decode()
    assert page.context["form"]["organisation_name"].value() == (
        "Northshire Safeguarding Children Partnership"
    )

    response = client.post(reverse("vacancies:post"), advert_data())
    vacancy = Vacancy.objects.get()
    assert response.url == reverse("vacancies:manage", args=[vacancy.slug])
    assert vacancy.status == Vacancy.Status.DRAFT
    assert (
        vacancy.description
        == "<p>Scrutinise our arrangements.</p>\n\n<p>Report to the partners.</p>"
    )

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("vacancies:submit", args=[vacancy.slug]))

    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.PENDING_MODERATION
    assert vacancy.is_member_post and vacancy.price is None
    assert vacancy.organisation.name == "Northshire Safeguarding Children Partnership"
    assert not Invoice.objects.exists()
    assert [c.to_status for c in vacancy.status_changes.all()] == ["draft", "pending_moderation"]
    subjects = {m.to[0]: m.subject for m in mailoutbox}
    assert subjects["rep@northshire.example.org"].startswith("We have received your vacancy")
    assert subjects["office@tasp.example.org"] == "Vacancy to moderate: Independent Scrutineer"


def test_a_non_member_sees_the_price_and_is_invoiced(
    client, non_member, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(non_member)
    page = client.get(reverse("vacancies:post")).content.decode()
    assert "Price: £650.00" in page

    client.post(reverse("vacancies:post"), advert_data(**BILLING))
    vacancy = Vacancy.objects.get()
    manage = client.get(reverse("vacancies:manage", args=[vacancy.slug])).content.decode()
    assert "Submit and get the invoice (£650.00)" in manage
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("vacancies:submit", args=[vacancy.slug]))

    vacancy.refresh_from_db()
    invoice = Invoice.objects.get()
    assert vacancy.status == Vacancy.Status.PENDING_PAYMENT
    assert vacancy.price == Decimal("650.00") and not vacancy.is_member_post
    assert vacancy.invoice == invoice
    assert invoice.net_total == Decimal("650.00")
    assert invoice.po_number == "PO-77"
    assert invoice.bill_to_email == "accounts@agency.example.com"
    received = next(m for m in mailoutbox if m.to == ["hr@agency.example.com"])
    assert invoice.number in received.body and "£650.00" in received.body


def test_the_price_staff_set_is_the_price_charged(client, non_member):
    pricing = VacancyPricing.current()
    pricing.non_member_price = Decimal("700.00")
    pricing.save()
    client.force_login(non_member)

    assert "Price: £700.00" in client.get(reverse("vacancies:post")).content.decode()
    vacancy = VacancyFactory(posted_by=non_member, **BILLING)
    services.submit_vacancy(vacancy=vacancy, user=non_member)
    vacancy.refresh_from_db()
    assert vacancy.price == Decimal("700.00")


def test_a_non_member_cannot_get_the_member_price_by_editing_the_form(client, non_member):
    client.force_login(non_member)

    client.post(
        reverse("vacancies:post"),
        advert_data(**BILLING, is_member_post="on", price="0.00", status="pending_moderation"),
    )
    vacancy = Vacancy.objects.get()
    assert vacancy.status == Vacancy.Status.DRAFT
    client.post(reverse("vacancies:submit", args=[vacancy.slug]), {"is_member_post": "on"})

    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.PENDING_PAYMENT
    assert vacancy.price == Decimal("650.00") and not vacancy.is_member_post


def test_a_non_member_must_give_billing_details(client, non_member):
    client.force_login(non_member)

    response = client.post(reverse("vacancies:post"), advert_data())

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {
        "billing_name",
        "billing_address",
        "billing_email",
    }
    assert not Vacancy.objects.exists()


def test_submitting_twice_raises_one_invoice(non_member):
    vacancy = VacancyFactory(posted_by=non_member, **BILLING)

    first = services.submit_vacancy(vacancy=vacancy, user=non_member)
    second = services.submit_vacancy(vacancy=vacancy, user=non_member)

    assert first.invoice == second.invoice
    assert Invoice.objects.count() == 1


def test_paying_the_invoice_moves_the_advert_to_moderation(
    non_member, staff_user, mailoutbox, django_capture_on_commit_callbacks
):
    from billing.services import mark_paid

    vacancy = VacancyFactory(posted_by=non_member, **BILLING)
    services.submit_vacancy(vacancy=vacancy, user=non_member)

    with django_capture_on_commit_callbacks(execute=True):
        mark_paid(invoice=Invoice.objects.get(), method="bacs", reference="BANK-1", user=staff_user)

    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.PENDING_MODERATION
    assert vacancy.paid_at is not None
    assert vacancy.payment_state.startswith("Paid")
    assert vacancy.status_changes.last().note == "Payment received."
    assert mailoutbox[-1].subject.startswith("Payment received for your vacancy advert")


def test_editing_a_published_advert_sends_it_back_to_moderation(
    client, member, mailoutbox, django_capture_on_commit_callbacks
):
    vacancy = VacancyFactory(posted_by=member, published=True)
    client.force_login(member)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("vacancies:edit", args=[vacancy.slug]), advert_data(title="Independent Chair")
        )

    assert response.status_code == 302
    vacancy.refresh_from_db()
    assert vacancy.title == "Independent Chair"
    assert vacancy.status == Vacancy.Status.PENDING_MODERATION
    assert not Vacancy.objects.open().exists()
    assert vacancy.status_changes.last().note == "Edited by the poster."
    assert {m.subject for m in mailoutbox} == {
        "We have received your vacancy advert: Independent Chair",
        "Vacancy to moderate: Independent Chair",
    }


def test_editing_a_draft_keeps_it_a_draft(client, member):
    vacancy = VacancyFactory(posted_by=member)
    client.force_login(member)

    client.post(reverse("vacancies:edit", args=[vacancy.slug]), advert_data(location="York"))

    vacancy.refresh_from_db()
    assert (vacancy.location, vacancy.status) == ("York", Vacancy.Status.DRAFT)


def test_the_poster_closes_early_and_relists_as_a_new_draft(
    client, member, mailoutbox, django_capture_on_commit_callbacks
):
    vacancy = VacancyFactory(posted_by=member, published=True)
    client.force_login(member)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("vacancies:close", args=[vacancy.slug]))
    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.CLOSED
    assert mailoutbox[-1].subject.startswith("Your vacancy advert has closed")

    response = client.post(reverse("vacancies:relist", args=[vacancy.slug]))
    copy = Vacancy.objects.exclude(pk=vacancy.pk).get()
    assert response.url == reverse("vacancies:manage", args=[copy.slug])
    assert copy.status == Vacancy.Status.DRAFT
    assert copy.relisted_from == vacancy
    assert copy.title == vacancy.title and copy.posted_by == member
    assert copy.published_at is None and copy.price is None


def test_only_a_closed_advert_can_be_relisted(client, member):
    vacancy = VacancyFactory(posted_by=member, published=True)
    client.force_login(member)

    response = client.post(reverse("vacancies:relist", args=[vacancy.slug]), follow=True)

    assert "Only a closed advert can be relisted." in response.content.decode()
    assert Vacancy.objects.count() == 1


def test_the_honeypot_saves_nothing(client, member):
    client.force_login(member)

    response = client.post(reverse("vacancies:post"), advert_data(website="http://spam.example"))

    assert response.status_code == 302
    assert not Vacancy.objects.exists()


def test_posting_is_rate_limited(client, member, settings):
    settings.VACANCY_POST_RATE = "2/h"
    client.force_login(member)

    statuses = [
        client.post(reverse("vacancies:post"), advert_data(title=f"Post {n}")).status_code
        for n in range(3)
    ]

    assert statuses == [302, 302, 429]
    assert Vacancy.objects.count() == 2


def test_two_users_posting_from_one_address_are_limited_by_the_address(
    client, member, non_member, settings
):
    settings.VACANCY_POST_RATE = "2/h"  # the test client always comes from 127.0.0.1
    client.force_login(member)
    first_user = [
        client.post(reverse("vacancies:post"), advert_data(title=f"Post {n}")).status_code
        for n in range(2)
    ]
    client.force_login(non_member)

    # Their first post, so within their own limit, but the address's third.
    second_user = client.post(reverse("vacancies:post"), {**advert_data(), **BILLING})

    assert first_user == [302, 302]
    assert second_user.status_code == 429
    assert not Vacancy.objects.filter(posted_by=non_member).exists()


def test_a_relisted_advert_is_submitted_with_a_new_closing_date(client, member):
    old = VacancyFactory(posted_by=member, closed=True, closes_on=today() - timedelta(days=3))
    copy = services.relist_vacancy(vacancy=old, by=member)

    with pytest.raises(services.NotAllowed, match="closing date must be after today"):
        services.submit_vacancy(vacancy=copy, user=member)

    client.force_login(member)
    client.post(reverse("vacancies:edit", args=[copy.slug]), advert_data())
    services.submit_vacancy(vacancy=copy, user=member)
    copy.refresh_from_db()
    assert copy.status == Vacancy.Status.PENDING_MODERATION


def test_someone_elses_member_status_is_not_borrowed(client, member):
    stranger = UserFactory(email="stranger@example.com")
    client.force_login(stranger)

    assert "Price: £650.00" in client.get(reverse("vacancies:post")).content.decode()


def test_an_invoiced_poster_can_pay_by_card_when_stripe_is_on(client, non_member, settings):
    vacancy = VacancyFactory(posted_by=non_member, **BILLING)
    services.submit_vacancy(vacancy=vacancy, user=non_member)
    client.force_login(non_member)
    url = reverse("vacancies:manage", args=[vacancy.slug])

    settings.STRIPE_SECRET_KEY = ""
    assert "Pay by card now" not in client.get(url).content.decode()
    settings.STRIPE_SECRET_KEY = "sk_test_example"
    html = client.get(url).content.decode()
    assert "Pay by card now" in html
    assert "/membership/" in html.split("Pay by card now")[0].rsplit("href=", 1)[1]


def test_fixing_a_rejected_unpaid_advert_does_not_skip_the_invoice(client, non_member, staff_user):
    vacancy = VacancyFactory(posted_by=non_member, **BILLING)
    services.submit_vacancy(vacancy=vacancy, user=non_member)
    services.reject_vacancy(vacancy=vacancy, by=staff_user, reason="incomplete")
    client.force_login(non_member)

    client.post(reverse("vacancies:edit", args=[vacancy.slug]), advert_data(title="Fixed"))

    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.PENDING_PAYMENT
    # The rejection voided the first invoice; the fixed advert waits on one new invoice.
    assert Invoice.objects.filter(status=Invoice.Status.ISSUED).count() == 1


def test_fixing_a_rejected_member_advert_sends_it_back_to_moderation(client, member, staff_user):
    vacancy = VacancyFactory(posted_by=member)
    services.submit_vacancy(vacancy=vacancy, user=member)
    services.reject_vacancy(vacancy=vacancy, by=staff_user, reason="off_topic")
    client.force_login(member)

    client.post(reverse("vacancies:edit", args=[vacancy.slug]), advert_data(title="Fixed"))

    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.PENDING_MODERATION
    assert vacancy.rejection_reason == "off_topic"  # kept for staff until approved


def test_relisting_twice_makes_one_draft(client, member):
    vacancy = VacancyFactory(posted_by=member, closed=True)
    client.force_login(member)

    first = client.post(reverse("vacancies:relist", args=[vacancy.slug]))
    second = client.post(reverse("vacancies:relist", args=[vacancy.slug]))

    copy = Vacancy.objects.get(relisted_from=vacancy)
    assert first.url == second.url == reverse("vacancies:manage", args=[copy.slug])
    assert Vacancy.objects.count() == 2


def test_an_edit_that_cannot_go_back_to_moderation_saves_nothing(client, member, monkeypatch):
    vacancy = VacancyFactory(posted_by=member, published=True)
    client.force_login(member)

    def broken(*args, **kwargs):
        raise RuntimeError("mail server down")

    monkeypatch.setattr(services, "_email_staff", broken)
    with pytest.raises(RuntimeError):
        client.post(
            reverse("vacancies:edit", args=[vacancy.slug]), advert_data(title="Independent Chair")
        )

    vacancy.refresh_from_db()
    assert vacancy.title.startswith("Independent Scrutineer")
    assert vacancy.status == Vacancy.Status.PUBLISHED


def test_an_edit_of_an_advert_closed_meanwhile_is_refused(member):
    vacancy = VacancyFactory(posted_by=member, published=True)
    stale = Vacancy.objects.get(pk=vacancy.pk)
    services.close_vacancy(vacancy=vacancy, by=member)

    with pytest.raises(services.NotAllowed, match="closed advert cannot be changed"):
        services.edit_vacancy(vacancy=stale, by=member, changes={"title": "Changed"})

    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.CLOSED
    assert vacancy.title.startswith("Independent Scrutineer")


def test_staff_editing_a_members_draft_see_the_members_price(client, member, staff_user):
    vacancy = VacancyFactory(posted_by=member)
    log_in_with_second_factor(client, staff_user)

    page = client.get(reverse("vacancies:edit", args=[vacancy.slug])).content.decode()
    manage = client.get(reverse("vacancies:manage", args=[vacancy.slug])).content.decode()

    assert "billing_name" not in page
    assert "Free:" in page
    assert "Add billing details" not in manage
    assert "Submit for approval" in manage


def test_staff_submitting_a_members_draft_post_it_free(member, staff_user):
    vacancy = VacancyFactory(posted_by=member)

    services.submit_vacancy(vacancy=vacancy, user=staff_user)

    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.PENDING_MODERATION
    assert vacancy.is_member_post and vacancy.price is None
    assert vacancy.organisation.name == "Northshire Safeguarding Children Partnership"
    assert not Invoice.objects.exists()


def test_a_member_submitting_a_non_members_draft_does_not_make_it_free(member, non_member):
    vacancy = VacancyFactory(posted_by=non_member, **BILLING)

    services.submit_vacancy(vacancy=vacancy, user=member)

    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.PENDING_PAYMENT
    assert vacancy.price == Decimal("650.00")


def test_a_draft_closing_today_cannot_be_submitted(member):
    vacancy = VacancyFactory(posted_by=member, closes_on=today())

    with pytest.raises(services.NotAllowed, match="closing date must be after today"):
        services.submit_vacancy(vacancy=vacancy, user=member)

    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.DRAFT


def test_a_typo_is_fixed_on_a_published_advert_in_its_last_day(client, member):
    vacancy = VacancyFactory(posted_by=member, published=True, closes_on=today())
    client.force_login(member)

    response = client.post(
        reverse("vacancies:edit", args=[vacancy.slug]),
        advert_data(title="Independent Scrutineer (fixed)", closes_on=today().isoformat()),
    )

    assert response.status_code == 302
    vacancy.refresh_from_db()
    assert vacancy.title == "Independent Scrutineer (fixed)"


def test_moving_a_closed_date_earlier_to_today_is_still_refused(client, member):
    vacancy = VacancyFactory(posted_by=member, published=True)
    client.force_login(member)

    response = client.post(
        reverse("vacancies:edit", args=[vacancy.slug]), advert_data(closes_on=today().isoformat())
    )

    assert response.context["form"].errors["closes_on"] == [
        "The closing date must be in the future."
    ]


def test_a_later_closing_date_earns_a_new_reminder(member):
    from django.utils import timezone

    vacancy = VacancyFactory(
        posted_by=member, published=True, closing_reminder_sent_at=timezone.now()
    )

    services.edit_vacancy(
        vacancy=vacancy, by=member, changes={"closes_on": vacancy.closes_on + timedelta(days=14)}
    )

    vacancy.refresh_from_db()
    assert vacancy.closing_reminder_sent_at is None


def test_a_new_title_keeps_the_reminder_already_sent(member):
    from django.utils import timezone

    vacancy = VacancyFactory(
        posted_by=member, published=True, closing_reminder_sent_at=timezone.now()
    )

    services.edit_vacancy(vacancy=vacancy, by=member, changes={"title": "Independent Chair"})

    vacancy.refresh_from_db()
    assert vacancy.closing_reminder_sent_at is not None


@pytest.mark.parametrize("field", ["organisation_name", "contact_name", "billing_name"])
def test_names_on_two_lines_are_refused_on_the_advert_form(client, non_member, field):
    client.force_login(non_member)
    data = {**advert_data(), **BILLING, field: "Agency Ltd\r\nBcc: evil@example.com"}

    response = client.post(reverse("vacancies:post"), data)

    assert response.status_code == 200
    assert "Give the name on one line." in response.content.decode()
    assert not Vacancy.objects.exists()


def test_a_members_advert_starts_with_the_organisation_they_represent(client, member):
    VacancyFactory(posted_by=member, organisation_name="An old name", organisation_website="")
    client.force_login(member)

    form = client.get(reverse("vacancies:post")).context["form"]

    assert form["organisation_name"].value() == "Northshire Safeguarding Children Partnership"
    assert "billing_name" not in form.fields  # members pay nothing


def test_a_non_members_advert_starts_with_the_last_adverts_hiring_and_billing_details(
    client, non_member
):
    VacancyFactory(posted_by=non_member, organisation_name="Older Agency", **BILLING)
    VacancyFactory(
        posted_by=non_member,
        organisation_name="Agency Ltd",
        organisation_website="https://agency.example.com/",
        **{**BILLING, "billing_name": "Agency Ltd Finance", "po_number": "PO-OLD"},
    )
    VacancyFactory(organisation_name="Someone else's", billing_name="Not theirs")
    client.force_login(non_member)

    form = client.get(reverse("vacancies:post")).context["form"]

    assert {name: form[name].value() for name in services.CARRIED_OVER} == {
        "organisation_name": "Agency Ltd",
        "organisation_website": "https://agency.example.com/",
        "billing_name": "Agency Ltd Finance",
        "billing_address": BILLING["billing_address"],
        "billing_email": BILLING["billing_email"],
    }
    assert form["po_number"].value() is None  # a purchase order is for one advert


def test_a_first_advert_starts_with_the_posters_own_address_for_the_invoice(client, non_member):
    client.force_login(non_member)

    form = client.get(reverse("vacancies:post")).context["form"]

    assert form["billing_email"].value() == non_member.email
    assert form["organisation_name"].value() is None
