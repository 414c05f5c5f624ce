import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from billing import services as billing
from billing.models import Invoice
from membership import services
from membership.models import Membership, Organisation, Person, Representative
from tests.membership.factories import MembershipFactory, representatives, year_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("this_years_fees")]


def formset_data(people, *, prefix="reps", extra_blank=0, delete=(), initial=0):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(people) + extra_blank),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, person in enumerate(people):
        data.update(
            {
                f"{prefix}-{index}-name": person.name,
                f"{prefix}-{index}-email": person.email,
                f"{prefix}-{index}-job_title": person.job_title,
                f"{prefix}-{index}-role": person.role,
            }
        )
        if index in delete:
            data[f"{prefix}-{index}-DELETE"] = "on"
    return data


def org_data(organisation, prefix="org-"):
    return {
        f"{prefix}name": organisation.name,
        f"{prefix}areas": organisation.areas,
        f"{prefix}address": organisation.address,
        f"{prefix}billing_name": organisation.billing_name,
        f"{prefix}billing_email": organisation.billing_email,
    }


def test_the_membership_page_shows_this_years_fee_table(client):
    html = client.get("/membership/").content.decode()

    assert f"Fees for {year_of().label}" in html
    for money in ["£1,500.00", "£2,500.00", "£3,375.00", "£4,000.00", "£4,375.00", "+ £50.00"]:
        assert money in html


@pytest.mark.parametrize(
    ("count", "total"), [("5", "£1,500.00"), ("11", "£3,375.00"), ("26", "£4,425.00")]
)
def test_a_quote_for_n_representatives_with_its_breakdown(client, count, total):
    html = client.get("/membership/", {"representatives": count}).content.decode()

    assert f"<strong data-quote-total>{total}</strong>" in html
    assert "Band up to" in html


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "at least 1"),
        ("-3", "at least 1"),
        ("seven", "whole number"),
        ("1e9", "whole number"),
        ("100000", "contact us"),
        ("", "Enter the number"),
    ],
)
def test_bad_quote_input_is_a_form_error_not_a_500(client, value, message):
    response = client.get("/membership/", {"representatives": value})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert "data-quote-total" not in response.content.decode()


def test_the_json_quote_uses_the_same_function(client):
    assert client.get("/membership/quote/", {"representatives": 16}).json()["total"] == "4000.00"
    bad = client.get("/membership/quote/", {"representatives": "-1"})
    assert bad.status_code == 400 and "error" in bad.json()
    odd = client.get("/membership/quote/", {"representatives": 3, "year": "x'--", "kind": "??"})
    assert odd.json()["total"] == "1500.00"


def test_renew_needs_a_login(client):
    response = client.get("/membership/renew/")

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_someone_who_manages_no_renewal_gets_404(client, business_manager, other_manager):
    MembershipFactory(renewal_due=True, managed_by=business_manager)
    client.force_login(other_manager)

    assert client.get("/membership/renew/").status_code == 404
    assert client.post("/membership/renew/decline/", {"confirm": "yes"}).status_code == 404
    assert Membership.objects.get().status == Membership.Status.RENEWAL_DUE


def test_a_representative_who_is_not_business_manager_cannot_renew(client, django_user_model):
    membership = MembershipFactory(renewal_due=True, reps=3)
    person = membership.representatives.first().person
    person.user = django_user_model.objects.create_user(email=person.email)
    person.save()
    client.force_login(person.user)

    assert client.get("/membership/renew/").status_code == 404


def test_renewing_through_the_form(client, business_manager, sent_mail):
    membership = MembershipFactory(renewal_due=True, managed_by=business_manager, reps=5)
    client.force_login(business_manager)
    page = client.get("/membership/renew/")
    assert page.status_code == 200
    assert "£1,500.00" in page.content.decode()
    people = representatives(7)
    data = {
        **org_data(membership.organisation),
        **formset_data(people, initial=5),  # the page prefills this year's five
        "po_number": "PO-777",
        "continue": "1",
    }
    data["org-billing_name"] = "Finance Team"

    with sent_mail() as outbox:
        response = client.post("/membership/renew/", data)
        assert response.url == "/membership/renew/check/", response.content.decode()[:2000]
        response = client.post(response.url)

    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.status == Membership.Status.INVOICED
    assert membership.invoice.total == Decimal("2500.00")
    assert membership.invoice.bill_to_contact == "Finance Team"
    assert membership.po_number == "PO-777"
    assert len(outbox) == 1


def test_the_renewal_link_opened_again_after_renewing_shows_the_renewal_and_invoice(
    client, business_manager
):
    membership = MembershipFactory(renewal_due=True, managed_by=business_manager, reps=2)
    people = [
        services.RepresentativeData(name=r.person.name, email=r.person.email, role=r.role)
        for r in membership.representatives.select_related("person")
    ]
    invoice = services.submit_renewal(
        membership=membership, representatives=people, po_number="", user=business_manager
    )
    client.force_login(business_manager)

    response = client.get("/membership/renew/", follow=True)

    assert response.redirect_chain == [("/membership/account/", 302)]
    page = response.content.decode()
    assert f"renewal for {membership.year} is confirmed: invoice {invoice.number}" in page


def test_prefilled_representatives_count_even_when_untouched(client, business_manager):
    membership = MembershipFactory(renewal_due=True, managed_by=business_manager, reps=5)
    client.force_login(business_manager)
    current = [
        services.RepresentativeData(
            name=r.person.name, email=r.person.email, role=r.role, job_title=r.person.job_title
        )
        for r in membership.representatives.select_related("person")
    ]
    added = services.RepresentativeData(name="New Person", email="new@example.org", role="other")
    data = {
        **org_data(membership.organisation),
        **formset_data([*current, added], initial=5, extra_blank=2),
        "continue": "1",
    }
    data.update({"reps-6-role": "", "reps-7-role": ""})  # untouched blank rows

    assert client.post("/membership/renew/", data).url == "/membership/renew/check/"
    assert client.post("/membership/renew/check/").url == "/membership/account/"

    membership.refresh_from_db()
    assert membership.representatives.count() == 6
    assert membership.invoice.total == Decimal("2500.00")


def test_update_fee_without_javascript_saves_nothing(client, business_manager):
    membership = MembershipFactory(renewal_due=True, managed_by=business_manager)
    client.force_login(business_manager)
    data = {
        **org_data(membership.organisation),
        **formset_data(representatives(12), initial=1),  # the page prefills the manager
        "po_number": "",
        "recalculate": "1",
    }

    response = client.post("/membership/renew/", data)

    assert response.status_code == 200
    assert "<strong data-quote-total>£3,375.00</strong>" in response.content.decode()
    membership.refresh_from_db()
    assert membership.status == Membership.Status.RENEWAL_DUE
    assert membership.representatives.count() == 1


@pytest.mark.parametrize("problem", ["duplicate", "none", "bad_email", "too_many"])
def test_bad_renewal_input_is_a_form_error_and_changes_nothing(client, business_manager, problem):
    membership = MembershipFactory(renewal_due=True, managed_by=business_manager)
    client.force_login(business_manager)
    people = representatives(4)
    if problem == "duplicate":
        people.append(people[2])
        expected = "named twice"
    elif problem == "none":
        people = people[:1]
        expected = "at least one representative"
    elif problem == "bad_email":
        people[1] = services.RepresentativeData(name="X", email="not-an-email", role="police")
        expected = "valid email"
    else:
        people = representatives(201)
        expected = "200"
    data = {**org_data(membership.organisation), **formset_data(people), "continue": "1"}
    if problem == "none":
        data.update(formset_data(people, delete={0}))

    response = client.post("/membership/renew/", data)

    assert response.status_code == 200
    assert expected in response.content.decode()
    membership.refresh_from_db()
    assert membership.status == Membership.Status.RENEWAL_DUE
    assert not Invoice.objects.exists()
    assert Person.objects.count() == 1


def test_declining_from_the_page(client, business_manager, sent_mail):
    membership = MembershipFactory(renewal_due=True, managed_by=business_manager)
    client.force_login(business_manager)

    assert client.post("/membership/renew/decline/").status_code == 302
    assert Membership.objects.get().status == Membership.Status.RENEWAL_DUE
    with sent_mail():
        client.post("/membership/renew/decline/", {"confirm": "yes"})

    membership.refresh_from_db()
    assert membership.status == Membership.Status.CANCELLED


def test_the_account_page_shows_only_my_organisation(client, business_manager, other_manager):
    mine = MembershipFactory(active=True, managed_by=business_manager, reps=3)
    theirs = MembershipFactory(active=True, managed_by=other_manager, reps=2)
    client.force_login(business_manager)

    html = client.get("/membership/account/").content.decode()

    assert mine.organisation.name in html
    assert theirs.organisation.name not in html


def test_account_queries_do_not_grow_with_representatives(
    client, business_manager, django_assert_max_num_queries
):
    MembershipFactory(active=True, managed_by=business_manager, reps=20)
    client.force_login(business_manager)

    with django_assert_max_num_queries(15):
        assert client.get("/membership/account/").status_code == 200


def test_invoice_pdf_is_mine_only(client, business_manager, other_manager):
    membership = MembershipFactory(renewal_due=True, managed_by=business_manager)
    invoice = services.submit_renewal(
        membership=membership,
        representatives=representatives(5),
        po_number="",
        user=business_manager,
    )
    url = reverse("membership:invoice-pdf", args=[invoice.number])

    client.force_login(other_manager)
    assert client.get(url).status_code == 404
    client.force_login(business_manager)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_joining_through_the_form(client, sent_mail):
    data = {
        "name": "Guernsey Safeguarding Children Partnership",
        "kind": "single_area",
        "areas": "Guernsey",
        "address": "St Peter Port",
        "billing_name": "Treasury",
        "billing_email": "treasury@guernsey.example.org",
        "po_number": "",
        **formset_data(representatives(5, manager_email="bm@guernsey.example.org"), extra_blank=2),
    }

    with sent_mail() as outbox:
        response = client.post("/membership/join/", data)

    assert response.status_code == 302
    membership = Membership.objects.get()
    assert membership.status == Membership.Status.SUBMITTED
    assert membership.representatives.count() == 5
    assert len(outbox) == 2


def test_joining_with_a_taken_name_is_a_form_error(client):
    Organisation.objects.create(name="Wakefield Partnership")
    data = {
        "name": "wakefield partnership",
        "kind": "single_area",
        **formset_data(representatives(3)),
    }

    response = client.post("/membership/join/", data)

    assert response.status_code == 200
    assert "already has this name" in response.content.decode()
    assert Organisation.objects.count() == 1


@pytest.mark.parametrize("url", ["/membership/", "/membership/join/"])
def test_public_pages_render(client, url):
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("year", ["²", "١٢", "99999999999999999999999", "-1", " 1"])
def test_an_odd_quote_year_falls_back_to_this_year_not_a_500(client, year):
    response = client.get("/membership/quote/", {"representatives": 5, "year": year})

    assert response.status_code == 200
    assert response.json()["total"] == "1500.00"


def _submitted_renewal(business_manager, **kwargs):
    membership = MembershipFactory(renewal_due=True, managed_by=business_manager, **kwargs)
    invoice = services.submit_renewal(
        membership=membership,
        representatives=representatives(5),
        po_number="PO-1",
        user=business_manager,
    )
    membership.refresh_from_db()
    return membership, invoice


def test_declining_an_invoiced_renewal_from_the_account_page_voids_its_invoice(
    client, business_manager, other_manager, sent_mail, settings
):
    settings.STAFF_NOTIFICATION_EMAILS = ["office@tasp.example.org"]
    membership, invoice = _submitted_renewal(business_manager)

    client.force_login(other_manager)
    decline = {"confirm": "yes", "membership": str(membership.pk)}
    assert client.post("/membership/renew/decline/", decline).status_code == 404
    client.force_login(business_manager)
    page = client.get("/membership/account/").content.decode()
    assert "We will not renew</button>" in page
    assert f'name="membership" value="{membership.pk}"' in page

    with sent_mail() as outbox:
        response = client.post("/membership/renew/decline/", decline)

    assert response.status_code == 302
    membership.refresh_from_db()
    invoice.refresh_from_db()
    assert membership.status == Membership.Status.CANCELLED
    assert (invoice.status, invoice.void_reason) == (
        Invoice.Status.VOID,
        "Organisation will not renew",
    )
    # Staff are told; the billing contact gets the credit note that cancels the invoice.
    note = invoice.credit_notes.get()
    assert (note.total, note.reason) == (invoice.total, "Void: Organisation will not renew")
    assert sorted((m.to, m.subject) for m in outbox) == [
        (
            [membership.organisation.billing_email],
            f"TASP credit note {note.number} for invoice {invoice.number}",
        ),
        (
            ["office@tasp.example.org"],
            f"{membership.organisation.name} will not renew for {membership.year}",
        ),
    ]


def test_a_part_paid_renewal_cannot_be_declined_from_the_web(client, business_manager):
    membership, invoice = _submitted_renewal(business_manager)
    billing.record_payment(
        invoice=invoice, amount=Decimal("100.00"), method="bacs", reference="PART"
    )
    client.force_login(business_manager)

    response = client.post(
        "/membership/renew/decline/",
        {"confirm": "yes", "membership": str(membership.pk)},
        follow=True,
    )

    assert "has been paid" in response.content.decode()
    membership.refresh_from_db()
    invoice.refresh_from_db()
    assert membership.status == Membership.Status.INVOICED
    assert invoice.status == Invoice.Status.ISSUED


NO_MANAGER = [
    services.RepresentativeData(name="Ann Police", email="ann@example.org", role="police"),
    services.RepresentativeData(name="Hal Health", email="hal@example.org", role="health"),
]


def test_joining_needs_a_business_manager(client):
    data = {
        "name": "Bexley Safeguarding Children Partnership",
        "kind": "single_area",
        "billing_email": "finance@bexley.example.org",
        **formset_data(NO_MANAGER),
    }

    response = client.post("/membership/join/", data)

    assert response.status_code == 200
    assert "at least one representative with the role" in response.content.decode()
    assert not Organisation.objects.exists()


def test_renewing_needs_a_business_manager(client, business_manager):
    membership = MembershipFactory(renewal_due=True, managed_by=business_manager)
    client.force_login(business_manager)
    # The prefilled business manager's row is replaced by a police representative.
    data = {
        **org_data(membership.organisation),
        **formset_data(NO_MANAGER, initial=1),
        "continue": "1",
    }

    response = client.post("/membership/renew/", data)

    assert response.status_code == 200
    assert "at least one representative with the role" in response.content.decode()
    membership.refresh_from_db()
    assert membership.status == Membership.Status.RENEWAL_DUE
    assert not Invoice.objects.exists()
    assert membership.representatives.get().role == Representative.Role.BUSINESS_MANAGER


def test_void_invoices_stay_on_the_account_page_and_can_be_downloaded(client, business_manager):
    membership, voided = _submitted_renewal(business_manager)
    billing.void_invoice(invoice=voided, reason="Wrong purchase order")
    reissued = services.submit_renewal(
        membership=membership,
        representatives=representatives(5),
        po_number="PO-2",
        user=business_manager,
    )
    client.force_login(business_manager)

    html = client.get("/membership/account/").content.decode()
    pdf = client.get(reverse("membership:invoice-pdf", args=[voided.number]))

    assert voided.number in html and reissued.number in html
    assert "<strong>Void</strong>: Wrong purchase order" in html
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_account_queries_do_not_grow_with_invoices(client, business_manager, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_account"  # the pay-by-card links are built too
    membership, invoice = _submitted_renewal(business_manager)
    client.force_login(business_manager)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/membership/account/").status_code == 200
        return len(captured)

    queries()  # the first request also warms per-process caches
    one = queries()
    for number in range(3):
        billing.void_invoice(invoice=invoice, reason=f"Reissue {number}")
        invoice = services.submit_renewal(
            membership=membership,
            representatives=representatives(5),
            po_number=f"PO-{number}",
            user=business_manager,
        )

    assert Invoice.objects.count() == 4
    assert queries() == one


def test_the_account_page_offers_pay_by_card_for_unpaid_invoices_when_stripe_is_on(
    client, business_manager, settings
):
    settings.STRIPE_SECRET_KEY = ""
    _, invoice = _submitted_renewal(business_manager)
    client.force_login(business_manager)
    assert "Pay by card" not in client.get("/membership/account/").content.decode()

    settings.STRIPE_SECRET_KEY = "sk_test_account"
    html = client.get("/membership/account/").content.decode()

    [link] = re.findall(r'<a href="([^"]+)">Pay by card', html)
    assert link.startswith("/membership/pay/")
    assert f"Pay invoice {invoice.number}" in client.get(link).content.decode()


def join_data(**overrides):
    return {
        "name": "Guernsey Safeguarding Children Partnership",
        "kind": "single_area",
        "areas": "Guernsey",
        "address": "St Peter Port",
        "billing_name": "Treasury",
        "billing_email": "treasury@guernsey.example.org",
        "po_number": "",
        **formset_data(representatives(3, manager_email="bm@guernsey.example.org")),
        **overrides,
    }


def test_a_representative_email_longer_than_the_column_is_a_form_error_not_a_500(client):
    response = client.post("/membership/join/", join_data(**{"reps-1-email": "a" * 300 + "@x.org"}))

    assert response.status_code == 200
    assert "Ensure this value has at most 254 characters" in response.content.decode()
    assert not Organisation.objects.exists() and not Person.objects.exists()


@pytest.mark.parametrize("field", ["name", "billing_name", "reps-0-name"])
@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("Pat\r\nBcc: evil@example.com", "Give the name on one line."),
        ("Pat\u202eManager", "Remove the invisible character U+202E from the name."),
    ],
)
def test_names_with_control_characters_are_refused_on_the_join_form(client, field, value, message):
    response = client.post("/membership/join/", join_data(**{field: value}))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Organisation.objects.exists()


@pytest.mark.parametrize("field", ["org-name", "org-billing_name", "reps-1-name"])
def test_names_with_line_breaks_are_refused_on_the_renewal_form(client, business_manager, field):
    membership = MembershipFactory(renewal_due=True, managed_by=business_manager)
    client.force_login(business_manager)
    data = {
        **org_data(membership.organisation),
        **formset_data(representatives(3), initial=1),
        "continue": "1",
        field: "Pat\r\nBcc: evil@example.com",
    }

    response = client.post("/membership/renew/", data)

    assert response.status_code == 200
    assert "Give the name on one line." in response.content.decode()
    membership.refresh_from_db()
    assert membership.status == Membership.Status.RENEWAL_DUE
    assert not Invoice.objects.exists()
