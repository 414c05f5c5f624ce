"""A whole membership year, 2027/28, as TASP runs it: walked day by day with the clock moved
(time-machine) on PostgreSQL, with a real Celery worker mailing a real SMTP server.

Five members of 2026/27 (one business manager each) meet the year: Card renews and pays by card;
PO renews on a purchase order, is accepted by staff and pays by bank transfer; Grows renews, pays,
and adds three representatives in June; Decliner renews and then declines; Silent never answers.
A non-member advertises a vacancy; a new partnership joins in September. Each day the beat's
jobs run (reminders, lapsing) and at the end the counts are exact."""

from collections import Counter
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from billing import cards
from billing import services as billing
from billing.models import CreditNote, Invoice, Payment
from membership import renewals, services
from membership.models import Membership, MembershipYear, Person, Representative, SentReminder
from newsletters.models import MAIN_NEWSLETTER_SLUG, Subscription
from tests.membership.factories import FeeScheduleFactory, OrganisationFactory
from tests.newsletters.factories import NewsletterFactory
from tests.tasks import wait_until
from tests.vacancies.factories import VacancyFactory
from vacancies import services as vacancies

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

STAFF = "office@tasp.example.org"
LONDON = ZoneInfo("Europe/London")


def member_of_2026(name: str, django_user_model, reps: int = 5) -> Membership:
    """An organisation active in 2026/27 (and the year before) with a business manager who has
    a login and ``reps - 1`` other representatives."""
    key = name.lower()
    organisation = OrganisationFactory(
        name=f"{name} Safeguarding Children Partnership", billing_email=f"billing-{key}@example.org"
    )
    membership = Membership.objects.create(
        organisation=organisation,
        year=MembershipYear.for_date(date(2026, 6, 1)),
        status=Membership.Status.ACTIVE,
        schedule_fee=Decimal("1500.00"),
        activated_at=timezone.now(),
    )
    user = django_user_model.objects.create_user(email=f"bm-{key}@example.org", full_name=name)
    people = [
        (
            Person.objects.create(
                organisation=organisation, name=f"{name} Manager", email=user.email, user=user
            ),
            "business_manager",
        )
    ]
    for number in range(1, reps):
        people.append(
            (
                Person.objects.create(
                    organisation=organisation,
                    name=f"{name} Rep {number}",
                    email=f"rep{number}-{key}@example.org",
                ),
                "police",
            )
        )
    for person, role in people:
        Representative.objects.create(membership=membership, person=person, role=role)
    return membership


def named(membership: Membership, count: int = 0) -> list[services.RepresentativeData]:
    """The membership's representatives, plus ``count`` new ones."""
    key = membership.organisation.name.split()[0].lower()
    people = [
        services.RepresentativeData(name=r.person.name, email=r.person.email, role=r.role)
        for r in membership.representatives.select_related("person")
    ]
    return people + [
        services.RepresentativeData(
            name=f"New {n}", email=f"new{n}-{key}@example.org", role="health"
        )
        for n in range(1, count + 1)
    ]


def renewal(organisation) -> Membership:
    return Membership.objects.get(organisation=organisation, year__starts_on=date(2027, 4, 1))


def card_session(invoice: Invoice, session_id: str) -> dict:
    """What Stripe's Checkout reports for a paid session (the webhook's data.object)."""
    return {
        "id": session_id,
        "payment_status": "paid",
        "client_reference_id": str(invoice.pk),
        "amount_total": int(invoice.balance * 100),
    }


def test_a_year_of_membership(settings, django_user_model, smtp_server, celery_worker):
    settings.STAFF_NOTIFICATION_EMAILS = [STAFF]
    settings.MEMBERSHIP_MIDYEAR_CHARGE = "pro_rata"
    NewsletterFactory(slug=MAIN_NEWSLETTER_SLUG)  # the migration's list (emptied by truncation)
    events = {}

    def on(day: date, action):
        events.setdefault(day, []).append(action)

    with time_machine.travel(date(2026, 12, 1), tick=False) as clock:
        FeeScheduleFactory(year=MembershipYear.for_date(date(2026, 6, 1)))
        card, po, grows, decliner, silent = (
            member_of_2026(name, django_user_model)
            for name in ["Card", "PO", "Grows", "Decliner", "Silent"]
        )
        staff = django_user_model.objects.create_user(email="staff@example.org", is_staff=True)
        poster = django_user_model.objects.create_user(email="poster@example.com")
        silent_manager = silent.representatives.get(role="business_manager").person.user
        year = MembershipYear.for_date(date(2027, 6, 1))
        state = {}

        # January: staff copy the schedule forward (2027/28 has none), then open renewals.
        def prepare(day):
            last_year = MembershipYear.for_date(date(2026, 6, 1))
            with pytest.raises(services.MembershipError, match="no fee schedule"):
                renewals.open_renewals(year=year, today=day)
            last_year.copy_fee_schedules_to_next()
            assert renewals.open_renewals(year=year, today=day) == 5

        on(date(2027, 1, 4), prepare)

        def renew(membership, count=0, po_number=""):
            def act(day):
                state[membership.pk] = services.submit_renewal(
                    membership=renewal(membership.organisation),
                    representatives=named(membership, count),
                    po_number=po_number,
                    user=membership.representatives.get(role="business_manager").person.user,
                )

            return act

        on(date(2027, 1, 10), renew(card))
        on(
            date(2027, 1, 11),
            lambda day: cards.fulfil_checkout_session(
                session=card_session(state[card.pk], "cs_card")
            ),
        )
        on(date(2027, 1, 12), renew(po, po_number="PO-4471"))
        on(
            date(2027, 1, 15),
            lambda day: services.accept_purchase_order(
                membership=renewal(po.organisation), user=staff
            ),
        )
        on(
            date(2027, 3, 1),
            lambda day: billing.mark_paid(
                invoice=state[po.pk], method=Payment.Method.BACS, reference="BACS-PO"
            ),
        )
        on(date(2027, 1, 20), renew(grows))
        on(
            date(2027, 2, 15),
            lambda day: billing.mark_paid(
                invoice=state[grows.pk], method=Payment.Method.BACS, reference="BACS-GROWS"
            ),
        )
        on(date(2027, 1, 25), renew(decliner))
        on(
            date(2027, 2, 1),
            lambda day: services.decline_renewal(
                membership=renewal(decliner.organisation),
                user=decliner.representatives.get(role="business_manager").person.user,
            ),
        )

        # Silent has benefits through the grace period (60 days from 1 April), then none.
        def silent_still_member(day):
            assert services.is_member(organisation=silent.organisation)
            assert vacancies.price_for(silent_manager) == (True, None)

        def silent_no_longer(day):
            assert not services.is_member(organisation=silent.organisation)
            assert vacancies.price_for(silent_manager)[1] == Decimal("650.00")

        on(date(2027, 5, 31), silent_still_member)
        on(date(2027, 6, 1), silent_no_longer)

        # June: Grows names three more people (eight: the next band), pays by card.
        def grow(day):
            state["change"] = services.change_representatives(
                membership=renewal(grows.organisation),
                representatives=named(renewal(grows.organisation), 3),
                user=grows.representatives.get(role="business_manager").person.user,
            )

        on(date(2027, 6, 15), grow)
        on(
            date(2027, 6, 20),
            lambda day: cards.fulfil_checkout_session(
                session=card_session(state["change"].invoice, "cs_grows")
            ),
        )

        # July: a non-member's advert is invoiced at £650 and paid by card.
        def advertise(day):
            advert = VacancyFactory(
                title="Independent Scrutineer, Riverton",
                posted_by=poster,
                billing_name="Riverton Council",
                billing_address="Town Hall, Riverton",
                billing_email="ap@riverton.example.com",
            )
            advert = vacancies.submit_vacancy(vacancy=advert, user=poster)
            state["advert"] = advert.invoice

        on(date(2027, 7, 5), advertise)
        on(
            date(2027, 7, 8),
            lambda day: cards.fulfil_checkout_session(
                session=card_session(state["advert"], "cs_advert")
            ),
        )

        # September: a new partnership joins, staff approve it, it pays.
        def join(day):
            state["new"] = services.apply_to_join(
                organisation_details={
                    "name": "Newtown Safeguarding Children Partnership",
                    "billing_email": "billing-new@example.org",
                },
                representatives=[
                    services.RepresentativeData(
                        name="Nia Manager", email="bm-new@example.org", role="business_manager"
                    ),
                    services.RepresentativeData(
                        name="Ned Police", email="rep1-new@example.org", role="police"
                    ),
                    services.RepresentativeData(
                        name="Nell Health", email="rep2-new@example.org", role="health"
                    ),
                ],
            )

        on(date(2027, 9, 10), join)
        on(
            date(2027, 9, 12),
            lambda day: state.__setitem__(
                "new_invoice", services.approve_application(membership=state["new"], user=staff)
            ),
        )
        on(
            date(2027, 9, 30),
            lambda day: billing.mark_paid(
                invoice=state["new_invoice"], method=Payment.Method.BACS, reference="BACS-NEW"
            ),
        )

        def year_end(day):
            active = Membership.objects.active_on(day).values_list("organisation__name", flat=True)
            assert sorted(name.split()[0] for name in active) == ["Card", "Grows", "Newtown", "PO"]

        on(date(2028, 3, 31), year_end)

        # Each day: the day's events, then the beat's daily jobs, as in production.
        day = date(2027, 1, 1)
        while day <= date(2028, 4, 1):
            clock.move_to(datetime(day.year, day.month, day.day, 9, tzinfo=LONDON))
            for action in events.get(day, []):
                action(day)
            renewals.send_reminders(today=day)
            renewals.lapse_unpaid(today=day)
            # The worker finishes the day's work before the clock moves on, as a day is long
            # enough for it in production: a reminder queued today is judged today.
            assert celery_worker.wait_until_idle()
            day += timedelta(days=1)

        assert not Membership.objects.with_benefits_on(date(2028, 4, 1)).exists()

    # Memberships of 2027/28.
    statuses = dict(
        Membership.objects.filter(year=year).values_list("organisation__name", "status")
    )
    assert {name.split()[0]: status for name, status in statuses.items()} == {
        "Card": "active",
        "PO": "active",
        "Grows": "active",
        "Newtown": "active",
        "Decliner": "cancelled",
        "Silent": "renewal_due",
    }
    # Invoices: four renewals and a join, Grows' difference, the advert; one void, credited.
    assert Counter(Invoice.objects.values_list("status", flat=True)) == {"paid": 6, "void": 1}
    assert Invoice.objects.get(status="void").bill_to_name.startswith("Decliner")
    [note] = CreditNote.objects.all()
    assert (note.number, note.invoice.bill_to_name, note.total) == (
        "TASP-CN-2027-0001",
        "Decliner Safeguarding Children Partnership",
        Decimal("1500.00"),
    )
    assert state["change"].charge == Decimal("795.08")  # £1,000 for 291 of 366 days
    # Reminders: Silent's renewal (30 days before, then weekly from 7 days before: 8 times);
    # PO's unpaid invoice (due 11 February: 1 and 15 days after, then paid on 1 March).
    reminders = Counter(
        (
            r.kind,
            (r.membership or Membership.objects.get(invoice=r.invoice)).organisation.name.split()[
                0
            ],
        )
        for r in SentReminder.objects.select_related("membership__organisation", "invoice")
    )
    assert reminders == {("renewal", "Silent"): 9, ("unpaid", "PO"): 2}
    # Grows' new people are on the newsletter.
    assert set(
        Subscription.objects.filter(subscriber__email__startswith="new").values_list(
            "subscriber__email", flat=True
        )
    ) == {"new1-grows@example.org", "new2-grows@example.org", "new3-grows@example.org"}

    # Every email, counted per person, as the worker delivered them over SMTP.
    expected = {
        # invitation, invoice, receipt, "active again"
        "bm-card@example.org": 4,
        "billing-card@example.org": 2,  # invoice, receipt
        # invitation, invoice, accepted on the PO, two unpaid reminders, receipt
        "bm-po@example.org": 6,
        "billing-po@example.org": 4,
        # invitation, invoice, receipt, active, June's invoice and its receipt
        "bm-grows@example.org": 6,
        "billing-grows@example.org": 4,
        "bm-decliner@example.org": 2,  # invitation, invoice
        "billing-decliner@example.org": 2,  # invoice, credit note
        "bm-silent@example.org": 10,  # invitation and nine reminders
        # the application received, invoice and receipt; welcome for each representative
        "billing-new@example.org": 3,
        "bm-new@example.org": 3,
        "rep1-new@example.org": 1,
        "rep2-new@example.org": 1,
        "ap@riverton.example.com": 2,  # the advert's invoice and receipt
    }
    staff_and_poster = [
        (
            "office@tasp.example.org",
            "Decliner Safeguarding Children Partnership will not renew for 2027/28",
        ),
        (
            "office@tasp.example.org",
            "New membership application: Newtown Safeguarding Children Partnership",
        ),
        ("office@tasp.example.org", "Vacancy to moderate: Independent Scrutineer, Riverton"),
        (
            "poster@example.com",
            "Payment received for your vacancy advert: Independent Scrutineer, Riverton",
        ),
        (
            "poster@example.com",
            "We have received your vacancy advert: Independent Scrutineer, Riverton",
        ),
    ]
    everyone = sum(expected.values()) + len(staff_and_poster)
    wait_until(lambda: recipients(smtp_server) >= everyone, timeout=60)
    assert celery_worker.wait_until_idle()  # all it was given is sent: a count over fails
    per_person = Counter(address for m in smtp_server.messages for address in m["to"])
    assert {
        a: n for a, n in per_person.items() if a not in (STAFF, "poster@example.com")
    } == expected
    assert (
        sorted(
            (m["to"][0], " ".join(str(m["message"]["Subject"]).split()))
            for m in smtp_server.messages
            if m["to"][0] in (STAFF, "poster@example.com")
        )
        == staff_and_poster
    )


def recipients(smtp_server) -> int:
    return sum(len(m["to"]) for m in smtp_server.messages)
