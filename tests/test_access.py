"""Every address that belongs to an organisation or to an advert's poster, asked for by someone
who does not act for it: a user of another organisation, a business manager named only in a
past membership year, and an anonymous visitor. Each gets a 404 or the login page, never the
page, never the organisation's data, and the request changes nothing.

The addresses are those of membership/urls.py and vacancies/urls.py that name an
organisation's or a poster's things (public pages and the Stripe webhook are not here). Two
pages are about whoever asks rather than about the address (the membership account page and
"my vacancies"): those may answer a logged-in visitor with their own page, and are checked for
showing nothing of the organisation. A pay-by-card link is a capability emailed to the payer:
with the real signed token anyone holding it may pay, so here it is asked for with the invoice
number instead of a token, unsigned, or signed for something else.
"""

from datetime import date
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.core import signing
from django.core.files.base import ContentFile
from django.urls import reverse

from billing import services as billing
from billing.models import Invoice
from membership import people
from membership.models import Membership, Person, Representative
from tests.membership.factories import MembershipFactory, OrganisationFactory, year_of
from tests.vacancies.factories import UserFactory, VacancyFactory
from vacancies.models import Vacancy

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(date(2026, 6, 15), tick=False)]

VICTIM = "Victimshire Safeguarding Children Partnership"
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


class World:
    """Victimshire: last year's business manager has moved on; this year's has a renewal due,
    an invoice, adverts not yet public and a representative still to confirm. Othershire is
    another member organisation."""

    def __init__(self, tmp_path, settings):
        settings.MEDIA_ROOT = tmp_path
        settings.STRIPE_SECRET_KEY = "sk_test_never_called"  # so the pay page is switched on
        self.manager = UserFactory(email="bm@victimshire.example.org")
        self.former_manager = UserFactory(email="former.bm@victimshire.example.org")
        self.other_manager = UserFactory(email="bm@othershire.example.org")
        self.organisation = OrganisationFactory(
            name=VICTIM, billing_email="accounts@victimshire.example.org"
        )
        self.last_year = MembershipFactory(
            organisation=self.organisation,
            year=year_of(date(2025, 6, 1)),
            active=True,
            managed_by=self.former_manager,
        )
        self.renewal = MembershipFactory(
            organisation=self.organisation, renewal_due=True, managed_by=self.manager
        )
        self.invoice = billing.issue_invoice(
            bill_to=self.organisation,
            lines=[billing.LineData("Victimshire membership", Decimal("1500.00"))],
        )
        pending = UserFactory(email="pending.rep@victimshire.example.org")
        person = Person.objects.create(
            organisation=self.organisation, name="Pending Rep", email=pending.email
        )
        Representative.objects.create(
            membership=self.renewal, person=person, role=Representative.Role.POLICE
        )
        self.confirmation = people.confirmation_token(person)

        other = OrganisationFactory(name="Othershire Safeguarding Children Partnership")
        MembershipFactory(organisation=other, active=True, managed_by=self.other_manager)

        self.draft = self._advert("Victimshire draft scrutineer")
        self.in_moderation = self._advert("Victimshire scrutineer in moderation", pending=True)
        self.unpaid = self._advert(
            "Victimshire unpaid scrutineer", status=Vacancy.Status.PENDING_PAYMENT
        )
        self.vacancy_invoice = billing.issue_invoice(
            bill_to=billing.BillTo(name="Victimshire Council", email="ap@victimshire.example.org"),
            lines=[billing.LineData("Vacancy advert", Decimal("650.00"))],
        )
        self.unpaid.invoice = self.vacancy_invoice
        self.unpaid.save()

    def _advert(self, title, **state) -> Vacancy:
        vacancy = VacancyFactory(
            title=title, posted_by=self.manager, organisation_name=VICTIM, **state
        )
        vacancy.job_pack.save("Victimshire pack.pdf", ContentFile(PDF), save=True)
        return vacancy

    def secrets(self) -> list[str]:
        """Text that only someone acting for Victimshire may see."""
        return [
            VICTIM,
            "Victimshire",
            self.invoice.number,
            self.vacancy_invoice.number,
            self.manager.email,
            "pending.rep@victimshire.example.org",
        ]

    def state(self):
        return (
            list(Membership.objects.order_by("pk").values_list("pk", "status", "po_number")),
            list(Invoice.objects.order_by("pk").values_list("pk", "status")),
            list(Vacancy.objects.order_by("pk").values_list("pk", "status", "title")),
            list(Person.objects.order_by("pk").values_list("pk", "user_id", "name")),
            Vacancy.objects.count(),
        )


@pytest.fixture
def world(tmp_path, settings):
    return World(tmp_path, settings)


VISITORS = {
    "user of another organisation": lambda world: world.other_manager,
    "business manager named only last year": lambda world: world.former_manager,
    "anonymous": lambda world: None,
}


@pytest.fixture(params=VISITORS.values(), ids=VISITORS.keys())
def visitor(request, client, world):
    user = request.param(world)
    if user is not None:
        client.force_login(user)
    return client


def renewal_form(world) -> dict:
    return {
        "org-name": "Hijacked Partnership",
        "org-billing_email": "thief@example.com",
        "reps-TOTAL_FORMS": "1",
        "reps-INITIAL_FORMS": "0",
        "reps-MIN_NUM_FORMS": "0",
        "reps-MAX_NUM_FORMS": "1000",
        "reps-0-name": "Thief",
        "reps-0-email": "thief@example.com",
        "reps-0-role": "business_manager",
        "po_number": "STOLEN",
    }


def advert(name):
    return lambda world: getattr(world, name).slug


# (method, URL name, its arguments from the world, the form posted)
URLS = {
    "renew": ("get", "membership:renew", None, None),
    "renew, submitted": ("post", "membership:renew", None, renewal_form),
    "decline": (
        "post",
        "membership:decline",
        None,
        lambda world: {"membership": world.renewal.pk, "confirm": "yes"},
    ),
    "decline, no membership named": (
        "post",
        "membership:decline",
        None,
        lambda w: {"confirm": "yes"},
    ),
    "invoice PDF": ("get", "membership:invoice-pdf", lambda w: w.invoice.number, None),
    "pay invoice, by its number": (
        "get",
        "billing:invoice-pay",
        lambda w: w.invoice.number,
        None,
    ),
    "pay invoice, unsigned": (
        "post",
        "billing:invoice-pay",
        lambda w: signing.dumps(w.invoice.number),
        None,
    ),
    "pay advert invoice, by its number": (
        "get",
        "billing:invoice-pay",
        lambda w: w.vacancy_invoice.number,
        None,
    ),
    "pay advert invoice, signed for something else": (
        "post",
        "billing:invoice-pay",
        lambda w: signing.dumps(w.vacancy_invoice.number, salt="membership.confirm-representative"),
        None,
    ),
    "confirm a representative": (
        "get",
        "membership:confirm-representative",
        lambda w: w.confirmation,
        None,
    ),
    "confirm a representative, submitted": (
        "post",
        "membership:confirm-representative",
        lambda w: w.confirmation,
        None,
    ),
    "draft advert preview": ("get", "vacancies:detail", advert("draft"), None),
    "advert in moderation preview": ("get", "vacancies:detail", advert("in_moderation"), None),
    "unpaid advert preview": ("get", "vacancies:detail", advert("unpaid"), None),
    "draft advert job pack": ("get", "vacancies:job-pack", advert("draft"), None),
    "advert in moderation job pack": ("get", "vacancies:job-pack", advert("in_moderation"), None),
    "manage advert (and pay for it)": ("get", "vacancies:manage", advert("unpaid"), None),
    "edit advert": ("get", "vacancies:edit", advert("draft"), None),
    "edit advert, submitted": (
        "post",
        "vacancies:edit",
        advert("draft"),
        lambda w: {"title": "Hijacked", "closes_on": "2026-07-31"},
    ),
    "submit advert": ("post", "vacancies:submit", advert("draft"), None),
    "withdraw (close) advert": ("post", "vacancies:close", advert("in_moderation"), None),
    "relist advert": ("post", "vacancies:relist", advert("unpaid"), None),
}


def ask(client, world, method, name, args, form):
    url = reverse(name, args=[args(world)] if args else [])
    return getattr(client, method)(url, form(world) if form else {})


def content(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def assert_not_found_or_login(response):
    if response.status_code == 302:
        assert urlsplit(response["Location"]).path.startswith("/accounts/login/"), response[
            "Location"
        ]
    else:
        assert response.status_code == 404, response.status_code


@pytest.mark.parametrize(("method", "name", "args", "form"), URLS.values(), ids=URLS.keys())
def test_an_organisations_pages_are_not_found_or_ask_for_a_login(
    visitor, world, method, name, args, form
):
    before = world.state()

    response = ask(visitor, world, method, name, args, form)

    assert_not_found_or_login(response)
    body = content(response)
    assert not [secret for secret in world.secrets() if secret in body]
    assert world.state() == before


OWN_PAGES = {
    "membership account": "membership:account",
    "my vacancies": "vacancies:mine",
}


@pytest.mark.parametrize("name", OWN_PAGES.values(), ids=OWN_PAGES.keys())
def test_pages_about_the_visitor_show_nothing_of_another_organisation(visitor, world, name):
    response = visitor.get(reverse(name))

    if response.status_code != 200:
        assert_not_found_or_login(response)
    body = content(response)
    assert not [secret for secret in world.secrets() if secret in body]


@pytest.mark.parametrize("name", OWN_PAGES.values(), ids=OWN_PAGES.keys())
def test_the_organisations_business_manager_does_see_its_pages(client, world, name):
    """The same pages and data, for the one person here who acts for Victimshire."""
    client.force_login(world.manager)

    response = client.get(reverse(name))

    assert response.status_code == 200
    assert "Victimshire" in response.content.decode()
    assert client.get(reverse("membership:renew")).status_code == 200
    assert (
        client.get(reverse("membership:invoice-pdf", args=[world.invoice.number])).status_code
        == 200
    )
    assert client.get(reverse("vacancies:detail", args=[world.draft.slug])).status_code == 200
