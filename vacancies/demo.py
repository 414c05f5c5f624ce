"""Demo vacancies: open, closing-soon and closed adverts of every role type, from a member
partnership and a non-member. Safe to run again: it updates what it made before."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import User

from . import alerts, members, services
from .models import AlertFilter, Vacancy, VacancyPricing

MEMBER_ORGANISATION = "Northshire Safeguarding Children Partnership"
NON_MEMBER_ORGANISATION = "Southmoor Care Agency"

ROLES = {
    Vacancy.RoleType.INDEPENDENT_SCRUTINEER: ("Independent Scrutineer", "£450 per day", 450),
    Vacancy.RoleType.INDEPENDENT_CHAIR: ("Independent Chair", "£500 per day", 500),
    Vacancy.RoleType.BUSINESS_MANAGER: ("Partnership Business Manager", "£48,000 a year", 48000),
    Vacancy.RoleType.OTHER: ("Safeguarding Practice Review Author", "£400 per day", 400),
}
PERIOD = {450: "DAY", 500: "DAY", 48000: "YEAR", 400: "DAY"}
# Vacancy-alert readers: (local part, name, role types, regions); empty means everything.
ALERT_READERS = [
    ("alerts.all", "Alex All", [], []),
    ("alerts.scrutineer", "Sasha Scrutiny", [Vacancy.RoleType.INDEPENDENT_SCRUTINEER], []),
    ("alerts.north", "Nat North", [], [Vacancy.Region.NORTH_EAST, Vacancy.Region.YORKSHIRE]),
    (
        "alerts.chair-wales",
        "Wyn Chair",
        [Vacancy.RoleType.INDEPENDENT_CHAIR],
        [Vacancy.Region.WALES],
    ),
]
# (state, days until closing, region, location)
STATES = [
    ("open", 28, Vacancy.Region.YORKSHIRE, "Leeds"),
    ("closing soon", 2, Vacancy.Region.REMOTE, "Remote, with occasional travel"),
    ("closed", -10, Vacancy.Region.WALES, "Cardiff"),
]


def _user(email: str, name: str) -> User:
    user, created = User.objects.get_or_create(email=email, defaults={"full_name": name})
    if created:
        user.set_unusable_password()
        user.save()
    return user


def seed_demo(*, staff) -> Iterator[str]:
    today = timezone.localdate()
    VacancyPricing.current()
    member = _user("rep@northshire.example.org", "Robin Rep")
    members.make_member_organisation(name=MEMBER_ORGANISATION, user=member, on=today)
    member_organisation = members.member_organisation(member, today)
    non_member = _user("hr@southmoor.example.com", "Nia Nonmember")
    yield f"member poster {member.email}, non-member poster {non_member.email} (use a magic link)"

    made = 0
    for index, (role, (title, remuneration, pay)) in enumerate(ROLES.items()):
        for offset, (state, days, region, location) in enumerate(STATES):
            is_member = (index + offset) % 2 == 0
            poster = member if is_member else non_member
            organisation = MEMBER_ORGANISATION if is_member else NON_MEMBER_ORGANISATION
            published_at = timezone.now() - timedelta(days=14)
            shown_as = Vacancy.Status.CLOSED if state == "closed" else Vacancy.Status.PUBLISHED
            vacancy, created = Vacancy.objects.update_or_create(
                title=f"{title} ({state})",
                posted_by=poster,
                defaults={
                    "role_type": role,
                    "organisation_name": organisation,
                    "organisation": member_organisation if is_member else None,
                    "location": location,
                    "region": region,
                    "contract_type": Vacancy.ContractType.CONTRACTOR
                    if pay < 1000
                    else Vacancy.ContractType.FULL_TIME,
                    "working_pattern": "3 days per month" if pay < 1000 else "37 hours a week",
                    "remuneration": remuneration,
                    "pay_amount": Decimal(pay),
                    "pay_period": PERIOD[pay],
                    "closes_on": today + timedelta(days=days),
                    "interview_on": today + timedelta(days=days + 7),
                    "description": (
                        f"<p>{organisation} is looking for a {title} to help its partners "
                        "(the council, the police and health) keep children safe.</p>"
                        "<ul><li>Work with the three statutory partners</li>"
                        "<li>Report to the partnership board</li></ul>"
                    ),
                    "apply_url": "https://jobs.example.org/" + role.replace("_", "-"),
                    "apply_email": "" if index % 2 else "recruitment@example.org",
                    "contact_name": "Sam Contact",
                    "contact_email": "sam.contact@example.org",
                    "status": shown_as,
                    "is_member_post": is_member,
                    "price": None if is_member else VacancyPricing.current().non_member_price,
                    "billing_name": "" if is_member else NON_MEMBER_ORGANISATION,
                    "billing_address": "" if is_member else "1 Example Street\nSouthmoor\nAB1 2CD",
                    "billing_email": "" if is_member else "accounts@southmoor.example.com",
                    "po_number": "" if is_member else f"PO-DEMO-{index}{offset}",
                    "submitted_at": published_at - timedelta(days=1),
                    "published_at": published_at,
                    "closed_at": timezone.now() if state == "closed" else None,
                },
            )
            if created:
                if not is_member:
                    vacancy.invoice = services.raise_invoice(vacancy, send=False)
                    vacancy.save(update_fields=["invoice"])
                history = [("", "pending_moderation", poster, "Demo advert submitted.")]
                history.append(("pending_moderation", "published", staff, "Approved (demo data)."))
                if state == "closed":
                    history.append(("published", "closed", None, "Closing date passed."))
                for from_status, to_status, by, note in history:
                    vacancy.status_changes.create(
                        from_status=from_status, to_status=to_status, changed_by=by, note=note
                    )
            made += 1
    open_count = Vacancy.objects.open().count()
    yield f"{made} demo adverts ({open_count} open, of which some close within two days)"
    yield _seed_alert_readers()


def _seed_alert_readers() -> str:
    from newsletters.models import Subscriber, Subscription

    newsletter = alerts.alerts_list()
    for local, name, role_types, regions in ALERT_READERS:
        subscriber, _ = Subscriber.objects.update_or_create(
            email=f"{local}@example.org",
            defaults={
                "name": name,
                "status": Subscriber.Status.ACTIVE,
                "consent_at": timezone.now(),
                "consent_wording": "Demo data",
            },
        )
        Subscription.objects.get_or_create(subscriber=subscriber, newsletter=newsletter)
        alerts.set_alert_filter(subscriber=subscriber, role_types=role_types, regions=regions)
    filtered = sum(1 for f in AlertFilter.objects.all() if f.role_types or f.regions)
    return f"{len(ALERT_READERS)} vacancy-alert readers ({filtered} with role or region filters)"
