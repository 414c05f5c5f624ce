"""Renewing as a business manager meets it: the form prefilled with this year's people and one
spare box, a page to check the answers (fee, purchase order, the invoice's date and due date)
before confirming, saving to come back later, and the year's invoice-date policy."""

import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from billing.models import Invoice
from membership import services
from membership.models import Membership, MembershipYear, RenewalDraft
from tests.membership.factories import FeeScheduleFactory, MembershipFactory, year_of
from tests.membership.test_views import formset_data, org_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("this_years_fees")]

RENEW, CHECK, ACCOUNT = "/membership/renew/", "/membership/renew/check/", "/membership/account/"


def current_people(membership) -> list[services.RepresentativeData]:
    return [
        services.RepresentativeData(
            name=r.person.name, email=r.person.email, role=r.role, job_title=r.person.job_title
        )
        for r in membership.representatives.select_related("person")
    ]


def answers(membership, people, *, po_number="", button="continue", **extra) -> dict:
    """The renewal form as posted from the page; the rows it prefilled (from saved answers, or
    this year's representatives) count as the formset's initial rows."""
    draft = RenewalDraft.objects.filter(membership=membership).first()
    count = len(draft.representatives) if draft else membership.representatives.count()
    return {
        **org_data(membership.organisation),
        **formset_data(people, initial=count),
        "po_number": po_number,
        button: "1",
        **extra,
    }


def test_the_form_is_prefilled_with_this_years_people_and_one_spare_box(client, business_manager):
    membership = MembershipFactory(renewal_due=True, managed_by=business_manager, reps=4)
    client.force_login(business_manager)

    response = client.get(RENEW)

    formset = response.context["formset"]
    assert (formset.initial_form_count(), formset.total_form_count()) == (4, 5)
    html = response.content.decode()
    for person in current_people(membership):
        assert f'value="{person.email}"' in html
    rows = html[html.index("data-rep-rows") : html.index('<template id="rep-empty-form"')]
    assert "asteriskField" not in rows  # no row, spare or not, is marked required
    assert "give their name, email address and role; the job title is optional" in html
    assert "Job title (optional)" in html


def test_a_half_filled_spare_box_says_what_is_missing_and_an_empty_one_is_skipped(
    client, business_manager
):
    membership = MembershipFactory(renewal_due=True, managed_by=business_manager, reps=2)
    client.force_login(business_manager)
    people = current_people(membership)
    data = answers(membership, people, **{"reps-TOTAL_FORMS": "4", "reps-2-name": "Sam New"})

    html = client.post(RENEW, data).content.decode()

    assert "Enter the representative&#x27;s email address." in html
    assert "Choose the representative&#x27;s role." in html
    assert "Representative 4" not in html.split("There is a problem")[1].split("</ul>")[0]
    assert not RenewalDraft.objects.exists()

    data.pop("reps-2-name")
    assert client.post(RENEW, data).url == CHECK
    assert len(RenewalDraft.objects.get().representatives) == 2


@pytest.fixture
def today():
    """A day in this membership year, the clock stopped there."""
    day = year_of().starts_on + timedelta(days=40)
    with time_machine.travel(at_ten(day), tick=False):
        yield day


def test_continue_shows_the_answers_to_check_and_only_confirming_invoices(
    client, business_manager, sent_mail, settings, today
):
    settings.INVOICE_PAYMENT_TERMS_DAYS = 30
    membership = MembershipFactory(renewal_due=True, managed_by=business_manager, reps=5)
    client.force_login(business_manager)
    people = [
        *current_people(membership),
        services.RepresentativeData(name="Sam New", email="sam@example.org", role="independent"),
    ]
    data = answers(membership, people, po_number="PO-55", **{"org-billing_name": "Finance Team"})

    assert client.post(RENEW, data).url == CHECK
    page = client.get(CHECK)

    html = page.content.decode()
    assert page.status_code == 200
    assert "Check your answers before you renew" in html
    assert membership.organisation.name in html and "Finance Team" in html
    assert "Sam New" in html and "Named representatives (6)" in html
    assert '<dd class="col-sm-6" id="check-fee">£2,500.00' in html  # six: the next band
    assert '<dd class="col-sm-6" id="check-po">PO-55</dd>' in html
    assert f'id="check-invoice-date">{today:%-d %B %Y}<' in html
    assert f'id="check-due-date">{today + timedelta(days=30):%-d %B %Y}<' in html
    assert html.count(">Change<span") == 7
    assert 'href="/membership/renew/#representatives"' in html
    assert "By bank transfer, using the details on the invoice." in html
    membership.refresh_from_db()
    assert membership.status == Membership.Status.RENEWAL_DUE and not Invoice.objects.exists()
    assert membership.organisation.billing_name == "Accounts Payable"  # nothing changed yet

    with sent_mail() as outbox:
        confirmed = client.post(CHECK)

    assert confirmed.url == ACCOUNT
    membership.refresh_from_db()
    assert membership.status == Membership.Status.INVOICED
    assert (membership.invoice.total, membership.invoice.po_number) == (Decimal("2500.00"), "PO-55")
    assert membership.invoice.bill_to_contact == "Finance Team"
    assert membership.representatives.count() == 6
    assert not RenewalDraft.objects.exists()
    assert len(outbox) == 1
    # Confirming again (a double click) invoices nothing more.
    assert client.post(CHECK).url == ACCOUNT
    assert Invoice.objects.count() == 1


def test_card_payment_is_offered_on_the_check_page_only_when_it_is_on(
    client, business_manager, settings
):
    membership = MembershipFactory(renewal_due=True, managed_by=business_manager)
    client.force_login(business_manager)
    client.post(RENEW, answers(membership, current_people(membership)))
    settings.STRIPE_SECRET_KEY = "sk_test_check"

    html = client.get(CHECK).content.decode()

    assert "By card, with the link in the invoice email, or by bank transfer" in html


def test_the_check_page_without_saved_answers_goes_back_to_the_form(client, business_manager):
    MembershipFactory(renewal_due=True, managed_by=business_manager)
    client.force_login(business_manager)

    assert client.get(CHECK).url == RENEW
    assert client.post(CHECK).url == RENEW
    assert not Invoice.objects.exists()


def test_nobody_else_reaches_the_check_page(client, business_manager, other_manager):
    membership = MembershipFactory(renewal_due=True, managed_by=business_manager)
    services.save_renewal_draft(
        membership=membership,
        representatives=current_people(membership),
        po_number="",
        user=business_manager,
        organisation_details={},
    )
    client.force_login(other_manager)

    assert client.get(CHECK).status_code == 404
    assert client.post(CHECK).status_code == 404
    assert Membership.objects.get().status == Membership.Status.RENEWAL_DUE


def test_save_and_come_back_keeps_the_answers_until_the_purchase_order_comes(
    client, business_manager, sent_mail
):
    membership = MembershipFactory(renewal_due=True, managed_by=business_manager, reps=3)
    client.force_login(business_manager)
    people = [
        *current_people(membership),
        services.RepresentativeData(name="Kim Added", email="kim@example.org", role="health"),
    ]

    saved = client.post(RENEW, answers(membership, people, button="save"), follow=True)

    assert saved.redirect_chain == [(ACCOUNT, 302)]
    page = saved.content.decode()
    assert "Your renewal is saved, not confirmed: nothing is invoiced" in page
    assert "Continue your renewal</a>" in page and 'id="saved-renewal"' in page
    membership.refresh_from_db()
    assert membership.status == Membership.Status.RENEWAL_DUE
    assert membership.representatives.count() == 3 and not Invoice.objects.exists()

    # Days later, from the emailed renewal link (a fresh login): the saved answers are back.
    client.logout()
    link = services._login_link(
        membership.representatives.get(role="business_manager").person, next_url=RENEW
    )
    token = re.search(r"token=([^&]+)", link).group(1)
    landed = client.post(reverse("accounts:magic-login"), {"token": token, "next": RENEW})
    form = client.get(landed.url)
    assert 'id="renewal-saved"' in form.content.decode()
    assert form.context["formset"].initial[-1]["email"] == "kim@example.org"
    assert form.context["formset"].total_form_count() == 5  # the four saved, one spare

    with sent_mail():
        continued = client.post(RENEW, answers(membership, people, po_number="PO-LATER"))
        assert continued.url == CHECK
        client.post(CHECK)

    membership.refresh_from_db()
    assert membership.invoice.po_number == "PO-LATER"
    assert membership.representatives.count() == 4


def test_answers_cannot_be_saved_once_the_renewal_is_no_longer_open(business_manager, tasks):
    membership = MembershipFactory(renewal_due=True, managed_by=business_manager)
    people = current_people(membership)
    services.submit_renewal(
        membership=membership, representatives=people, po_number="", user=business_manager
    )

    with pytest.raises(services.MembershipError, match="no longer open"):
        services.save_renewal_draft(
            membership=membership,
            representatives=people,
            po_number="PO-1",
            user=business_manager,
            organisation_details={},
        )
    assert not RenewalDraft.objects.exists()


# --- The invoice's date: a policy staff set per membership year ---------------------------------


@pytest.fixture
def renewal(business_manager):
    """A renewal for next year, due, with a fee schedule to price it."""
    following = year_of().next()
    FeeScheduleFactory(year=following)
    return MembershipFactory(year=following, renewal_due=True, managed_by=business_manager, reps=5)


def at_ten(day: date) -> datetime:
    return datetime.combine(day, time(10))


def confirm_on(client, membership, user, day: date) -> tuple[str, Invoice]:
    """Log in, continue and confirm the renewal on ``day``: the check page's HTML and the invoice."""
    with time_machine.travel(at_ten(day), tick=False):
        client.force_login(user)
        client.post(RENEW, answers(membership, current_people(membership)))
        html = client.get(CHECK).content.decode()
        client.post(CHECK)
    membership.refresh_from_db()
    return html, membership.invoice


def dates_on_check_page(html: str) -> tuple[str, str]:
    issued = re.search(r'id="check-invoice-date">([^<]+)<', html).group(1)
    due = re.search(r'id="check-due-date">([^<]+)<', html).group(1)
    return issued, due


def test_renewal_invoices_dated_when_confirmed_fall_due_the_payment_terms_later(
    client, business_manager, renewal, settings, tasks
):
    settings.INVOICE_PAYMENT_TERMS_DAYS = 30
    year = renewal.year
    assert year.renewal_invoice_dated == MembershipYear.InvoiceDating.CONFIRMED  # the default
    confirmed_on = year.starts_on - timedelta(days=45)

    html, invoice = confirm_on(client, renewal, business_manager, confirmed_on)

    assert (invoice.issued_on, invoice.due_on) == (confirmed_on, confirmed_on + timedelta(days=30))
    assert dates_on_check_page(html) == (
        f"{confirmed_on:%-d %B %Y}",
        f"{confirmed_on + timedelta(days=30):%-d %B %Y}",
    )


def test_renewal_invoices_dated_the_first_day_of_the_year_fall_due_from_there(
    client, business_manager, renewal, settings, tasks
):
    settings.INVOICE_PAYMENT_TERMS_DAYS = 30
    year = renewal.year
    year.renewal_invoice_dated = MembershipYear.InvoiceDating.YEAR_START
    year.save()

    html, invoice = confirm_on(
        client, renewal, business_manager, year.starts_on - timedelta(days=45)
    )

    due_on = year.starts_on + timedelta(days=30)
    assert (invoice.issued_on, invoice.due_on) == (year.starts_on, due_on)
    assert invoice.number.startswith(f"TASP-{year.starts_on.year}-")
    assert dates_on_check_page(html) == (f"1 April {year.starts_on.year}", f"{due_on:%-d %B %Y}")


def test_a_renewal_confirmed_after_the_year_started_is_never_dated_in_the_past(
    client, business_manager, renewal, tasks
):
    year = renewal.year
    year.renewal_invoice_dated = MembershipYear.InvoiceDating.YEAR_START
    year.save()
    late = year.starts_on + timedelta(days=12)

    html, invoice = confirm_on(client, renewal, business_manager, late)

    assert invoice.issued_on == late
    assert dates_on_check_page(html)[0] == f"{late:%-d %B %Y}"


def test_the_year_says_what_date_a_renewal_invoice_gets():
    year = year_of()
    before, after = year.starts_on - timedelta(days=1), year.starts_on + timedelta(days=1)

    assert [year.renewal_invoice_date(d) for d in (before, after)] == [before, after]
    year.renewal_invoice_dated = MembershipYear.InvoiceDating.YEAR_START
    assert [year.renewal_invoice_date(d) for d in (before, after)] == [year.starts_on, after]


@pytest.mark.parametrize(
    ("stripe_key", "wording"),
    [
        ("", "Pay by bank transfer using the details on the invoice"),
        ("sk_test_card", "Or pay by bank transfer using the details on the invoice"),
    ],
)
def test_the_invoice_email_says_plainly_how_to_pay(
    business_manager, sent_mail, settings, stripe_key, wording
):
    settings.STRIPE_SECRET_KEY = stripe_key
    membership = MembershipFactory(renewal_due=True, managed_by=business_manager)

    with sent_mail() as outbox:
        services.submit_renewal(
            membership=membership,
            representatives=current_people(membership),
            po_number="",
            user=business_manager,
        )

    [email] = outbox
    html = email.alternatives[0][0]
    assert wording in email.body and wording in html
    assert "also pay" not in email.body and "also pay" not in html
    assert ("Pay by card" in email.body) == bool(stripe_key)


def test_a_new_year_keeps_the_invoice_dating_staff_chose_for_the_year_before():
    year = MembershipYear.for_date(date(2041, 6, 1))  # a year no data migration makes
    assert year.renewal_invoice_dated == MembershipYear.InvoiceDating.CONFIRMED
    year.renewal_invoice_dated = MembershipYear.InvoiceDating.YEAR_START
    year.save()

    following = year.next()

    assert following.starts_on == date(2042, 4, 1)
    assert following.renewal_invoice_dated == MembershipYear.InvoiceDating.YEAR_START
