"""Each model's status changes only along its table of moves (tasp/states.py)."""

from decimal import Decimal

import pytest

from billing import services as billing
from billing.models import Invoice
from membership.models import Membership
from newsletters.models import Delivery, Issue, Send, Subscriber
from tasp.states import InvalidMove
from tests.membership.factories import MembershipFactory
from tests.newsletters.factories import IssueFactory, SubscriberFactory
from tests.vacancies.factories import VacancyFactory
from vacancies.models import Vacancy

pytestmark = pytest.mark.django_db


def every_move(model):
    statuses = model.Status.values
    return [
        (model, before, after, after in model.MOVES.get(before, ()))
        for before in statuses
        for after in statuses
    ]


def made(model, status):
    if model is Invoice:
        invoice = billing.issue_invoice(
            bill_to=billing.BillTo(name="Luton Council"),
            lines=[billing.LineData(description="Advert", unit_price=Decimal("650.00"))],
        )
        Invoice.objects.filter(pk=invoice.pk).update(status=status)  # the state under test
        return Invoice.objects.get(pk=invoice.pk)
    if model is Membership:
        return MembershipFactory(status=status)
    if model is Issue:
        return IssueFactory(status=status)
    if model is Send:
        issue = IssueFactory()
        return Send.objects.create(issue=issue, newsletter=issue.newsletter, status=status)
    if model is Subscriber:
        return SubscriberFactory(status=status)
    if model is Delivery:
        issue = IssueFactory()
        send = Send.objects.create(issue=issue, newsletter=issue.newsletter)
        subscriber = SubscriberFactory()
        return Delivery.objects.create(
            send=send, subscriber=subscriber, email=subscriber.email, status=status
        )
    return VacancyFactory(status=status)


@pytest.mark.parametrize(
    ("model", "before", "after", "allowed"),
    every_move(Invoice)
    + every_move(Membership)
    + every_move(Vacancy)
    + every_move(Issue)
    + every_move(Send)
    + every_move(Subscriber)
    + every_move(Delivery),
    ids=lambda value: getattr(value, "__name__", str(value)),
)
def test_only_the_tables_moves_are_made(model, before, after, allowed):
    row = made(model, before)
    if allowed:
        row.move_to(after)
        row.refresh_from_db()
        assert row.status == after
    else:
        with pytest.raises(InvalidMove, match="cannot become"):
            row.move_to(after)
        row.refresh_from_db()
        assert row.status == before  # nothing written


def test_a_vacancys_history_row_is_kept_only_for_a_move_made():
    vacancy = VacancyFactory(status=Vacancy.Status.CLOSED)
    with pytest.raises(InvalidMove, match="Closed cannot become Published"):
        vacancy.change_status(Vacancy.Status.PUBLISHED)
    assert not vacancy.status_changes.exists()


def test_a_conditional_move_moves_only_rows_the_table_allows_and_only_once():
    """Two workers finishing one send: the first moves it, the second finds nothing to move."""
    issue = IssueFactory()
    send = Send.objects.create(issue=issue, newsletter=issue.newsletter, status=Send.Status.SENDING)
    assert Send.objects.filter(pk=send.pk).move(Send.Status.SENT) == 1
    assert Send.objects.filter(pk=send.pk).move(Send.Status.SENT) == 0
    assert Send.objects.filter(pk=send.pk).move(Send.Status.PAUSED) == 0  # sent is final
    send.refresh_from_db()
    assert send.status == Send.Status.SENT


def test_staff_cannot_make_a_bounced_address_active_again_in_the_admin(staff_client):
    from django.urls import reverse

    subscriber = SubscriberFactory(status=Subscriber.Status.BOUNCED, name="Bo Bounce")
    url = reverse("admin:newsletters_subscriber_change", args=[subscriber.pk])
    form = staff_client.get(url).context["adminform"].form
    data = {
        **{name: form[name].value() or "" for name in form.fields},
        "status": Subscriber.Status.ACTIVE,
        "subscriptions-TOTAL_FORMS": "0",
        "subscriptions-INITIAL_FORMS": "0",
    }

    response = staff_client.post(url, data)

    assert "Bounced cannot become Active" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.BOUNCED


def test_evidence_is_recorded_by_one_method_for_either_basis():
    from django.utils import timezone

    now = timezone.now()
    consenting = Subscriber(email="yes@example.org")
    consenting.record_basis(
        Subscriber.Basis.CONSENT,
        source=Subscriber.Source.FORM,
        at=now,
        ip="192.0.2.1",
        wording="Yes",
    )
    member = Subscriber(email="rep@example.org")
    member.record_basis(
        Subscriber.Basis.SOFT_OPT_IN,
        source=Subscriber.Source.MEMBERSHIP,
        at=now,
        where="Membership",
    )

    assert (consenting.status, consenting.consent_at, consenting.consent_ip) == (
        Subscriber.Status.ACTIVE,
        now,
        "192.0.2.1",
    )
    assert consenting.collected_at is None
    assert (member.status, member.collected_at, member.collected_where) == (
        Subscriber.Status.ACTIVE,
        now,
        "Membership",
    )
    assert member.consent_at is None and member.consent_wording == ""
