import pytest
from anymail.signals import AnymailTrackingEvent, tracking

from membership.models import Membership
from membership.signals import membership_activated
from newsletters import subscriptions
from newsletters.models import Subscriber, Subscription
from tests.membership.factories import MembershipFactory
from tests.newsletters.factories import NewsletterFactory, SubscriberFactory

pytestmark = pytest.mark.django_db


def test_an_active_membership_subscribes_its_representatives(user):
    newsletter = NewsletterFactory()
    membership = MembershipFactory(managed_by=user, reps=3)
    left = membership.representatives.exclude(person__email=user.email).first().person
    earlier = SubscriberFactory(email=left.email)
    Subscription.objects.create(
        subscriber=earlier, newsletter=newsletter, unsubscribed_at="2025-01-01T00:00Z"
    )

    membership_activated.send(sender=Membership, membership=membership)

    active = Subscription.objects.filter(newsletter=newsletter, unsubscribed_at=None)
    emails = set(active.values_list("subscriber__email", flat=True))
    assert user.email in emails and left.email not in emails  # they had unsubscribed before
    subscriber = Subscriber.objects.get(email=user.email)
    assert subscriber.source == Subscriber.Source.MEMBERSHIP
    assert subscriber.lawful_basis == Subscriber.Basis.SOFT_OPT_IN
    assert subscriber.collected_at is not None


def test_a_representative_who_unsubscribed_everything_is_not_resubscribed(user):
    newsletter = NewsletterFactory()
    SubscriberFactory(email=user.email, status=Subscriber.Status.UNSUBSCRIBED)
    membership = MembershipFactory(managed_by=user)

    assert subscriptions.subscribe_representatives(membership=membership) == 0
    assert not Subscription.objects.filter(newsletter=newsletter).exists()


def test_a_pending_sign_up_made_active_by_membership_records_the_soft_opt_in(user):
    NewsletterFactory()
    pending = SubscriberFactory(email=user.email, status=Subscriber.Status.PENDING)
    membership = MembershipFactory(managed_by=user)

    assert subscriptions.subscribe_representatives(membership=membership) >= 1

    pending.refresh_from_db()
    assert pending.status == Subscriber.Status.ACTIVE
    assert pending.lawful_basis == Subscriber.Basis.SOFT_OPT_IN
    assert pending.collected_at is not None
    assert pending.collected_where == f"Membership of {membership.organisation.name}"


@pytest.mark.parametrize(
    ("event_type", "status"),
    [("bounced", "bounced"), ("complained", "complained"), ("unsubscribed", "unsubscribed")],
)
def test_esp_webhook_events_suppress_the_address(event_type, status):
    subscriber = SubscriberFactory(email="reader@example.org")

    tracking.send(
        sender=object,
        event=AnymailTrackingEvent(event_type=event_type, recipient="Reader@example.org"),
        esp_name="Test",
    )

    subscriber.refresh_from_db()
    assert subscriber.status == status


def test_deliveries_and_opens_change_nothing():
    subscriber = SubscriberFactory(email="reader@example.org")

    tracking.send(
        sender=object,
        event=AnymailTrackingEvent(event_type="opened", recipient=subscriber.email),
        esp_name="Test",
    )

    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.ACTIVE
