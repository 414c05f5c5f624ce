"""Naming someone as a representative never adds the organisation to an account they already
have: they are emailed a signed link, and only confirming it, logged in with that address,
links their account."""

import re
from datetime import date
from urllib.parse import unquote, urlsplit

import pytest
import time_machine
from django.core import signing
from django.urls import reverse

from billing import services as billing
from membership import people, services
from membership.models import Organisation, Person
from tests.membership.factories import MembershipFactory, representatives
from tests.membership.test_views import formset_data

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.time_machine(date(2026, 6, 15), tick=False),  # fixtures run in 2026/27 too
    pytest.mark.usefixtures("this_years_fees"),
]

VICTIM = "victim@example.org"
CONFIRM_PATH = re.compile(r"/membership/representatives/confirm/[^/\s\"]+/")


@pytest.fixture
def victim(django_user_model):
    return django_user_model.objects.create_user(
        email=VICTIM, password="a-strong-victim-pass", full_name="Vic Tim"
    )


def application(manager_email=VICTIM, name="Trojan Safeguarding Partnership"):
    return {
        "name": name,
        "kind": "single_area",
        "areas": "Troy",
        "address": "1 Wooden Horse Lane",
        "billing_name": "Finance",
        "billing_email": "finance@trojan.example.org",
        "po_number": "",
        **formset_data(representatives(5, manager_email=manager_email)),
    }


def confirmation_path(message) -> str:
    return CONFIRM_PATH.search(message.body).group(0)


def test_joining_with_an_existing_accounts_address_does_not_link_that_account(
    client, victim, sent_mail
):
    with sent_mail():
        assert client.post("/membership/join/", application()).status_code == 302

    person = Person.objects.get(email=VICTIM)
    assert person.organisation.name == "Trojan Safeguarding Partnership"
    assert person.representations.exists()  # the application records the representative
    assert person.user is None
    assert not Organisation.objects.of_user(victim).exists()
    client.force_login(victim)
    assert "Trojan" not in client.get("/membership/account/").content.decode()


def test_joining_emails_an_existing_account_a_link_to_confirm(client, victim, sent_mail):
    with sent_mail() as outbox:
        client.post("/membership/join/", application())

    [message] = [m for m in outbox if m.to == [VICTIM]]
    assert message.subject == "Please confirm you represent Trojan Safeguarding Partnership at TASP"
    assert CONFIRM_PATH.search(message.body)
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html" and CONFIRM_PATH.search(html)


def test_confirming_while_logged_in_as_that_address_links_the_account(client, victim, sent_mail):
    with sent_mail() as outbox:
        client.post("/membership/join/", application())
    path = confirmation_path(next(m for m in outbox if m.to == [VICTIM]))
    client.force_login(victim)

    page = client.get(path)
    assert page.status_code == 200
    assert "Trojan Safeguarding Partnership" in page.content.decode()
    assert Person.objects.get(email=VICTIM).user is None  # a GET (a link scanner) changes nothing

    response = client.post(path)
    again = client.post(path)

    assert response.status_code == 302 and response.url == reverse("membership:account")
    assert again.status_code == 302
    assert Person.objects.get(email=VICTIM).user == victim
    assert "Trojan" in client.get("/membership/account/").content.decode()


def test_a_confirmation_link_does_nothing_for_another_login(
    client, victim, other_manager, sent_mail
):
    with sent_mail() as outbox:
        client.post("/membership/join/", application())
    path = confirmation_path(next(m for m in outbox if m.to == [VICTIM]))
    client.force_login(other_manager)

    assert client.get(path).status_code == 404
    assert client.post(path).status_code == 404
    assert Person.objects.get(email=VICTIM).user is None


def test_a_confirmation_link_asks_an_anonymous_visitor_to_log_in(client, victim, sent_mail):
    with sent_mail() as outbox:
        client.post("/membership/join/", application())
    path = confirmation_path(next(m for m in outbox if m.to == [VICTIM]))

    response = client.post(path)

    assert response.status_code == 302
    assert urlsplit(response.url).path.startswith("/accounts/login/")
    assert Person.objects.get(email=VICTIM).user is None


def test_a_forged_or_expired_confirmation_link_is_not_found(client, victim, sent_mail):
    with sent_mail():
        client.post("/membership/join/", application())
    person = Person.objects.get(email=VICTIM)
    client.force_login(victim)
    unsigned = signing.dumps([person.pk, VICTIM])  # without the confirmation salt

    assert client.post(f"/membership/representatives/confirm/{unsigned}/").status_code == 404
    assert client.post("/membership/representatives/confirm/nonsense/").status_code == 404
    with time_machine.travel(date(2026, 8, 1)):
        old = people.confirmation_token(person)
    with time_machine.travel(date(2026, 9, 15)):
        client.force_login(victim)
        assert client.post(f"/membership/representatives/confirm/{old}/").status_code == 404
    assert Person.objects.get(email=VICTIM).user is None


def test_renewing_with_an_existing_accounts_address_does_not_link_that_account(
    business_manager, victim, sent_mail
):
    membership = MembershipFactory(renewal_due=True, managed_by=business_manager)
    named = [*representatives(4), services.RepresentativeData("Vic Tim", VICTIM, "other")]

    with sent_mail() as outbox:
        services.submit_renewal(
            membership=membership, representatives=named, po_number="", user=business_manager
        )

    assert Person.objects.get(email=VICTIM).user is None
    assert not Organisation.objects.of_user(victim).exists()
    assert any(m.to == [VICTIM] and CONFIRM_PATH.search(m.body) for m in outbox)
    # The business manager who renewed keeps their own, already linked, account.
    assert Person.objects.get(email="manager@example.org").user == business_manager


def test_a_welcome_email_to_an_existing_account_leads_to_confirming_not_a_link(
    victim, staff_user, sent_mail
):
    with sent_mail() as outbox:
        membership = services.apply_to_join(
            organisation_details={"name": "Trojan Safeguarding Partnership", "kind": "other"},
            representatives=representatives(3, manager_email=VICTIM),
            po_number="",
        )
        invoice = services.approve_application(membership=membership, user=staff_user)
        billing.record_payment(invoice=invoice, amount=invoice.total, method="bacs")

    [welcome] = [m for m in outbox if m.to == [VICTIM] and m.subject == "Welcome to TASP"]
    assert "/accounts/magic-link/login/?token=" in welcome.body
    assert CONFIRM_PATH.search(unquote(welcome.body))  # logs them in, then asks them to confirm
    assert Person.objects.get(email=VICTIM).user is None


def test_joining_with_a_new_address_still_gives_the_business_manager_a_login(
    client, sent_mail, django_user_model
):
    with sent_mail() as outbox:
        client.post("/membership/join/", application(manager_email="new.manager@example.org"))

    person = Person.objects.get(email="new.manager@example.org")
    assert person.user == django_user_model.objects.get(email="new.manager@example.org")
    assert not any(CONFIRM_PATH.search(m.body) for m in outbox)
