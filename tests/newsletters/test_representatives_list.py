"""Members' representatives join the lists marked for them, and a fresh install has one."""

from importlib import import_module

import pytest
from django.apps import apps
from django.urls import reverse

from membership.models import Membership
from membership.signals import membership_activated
from newsletters import subscriptions
from newsletters.demo import seed_demo
from newsletters.models import MAIN_NEWSLETTER_SLUG, Newsletter, Subscription
from tests.helpers import log_in_with_second_factor
from tests.membership.factories import MembershipFactory
from tests.newsletters.factories import NewsletterFactory

pytestmark = pytest.mark.django_db

migration = import_module("newsletters.migrations.0005_main_newsletter_for_representatives")


def lists_of(email: str) -> set[str]:
    return set(
        Subscription.objects.filter(
            subscriber__email=email, unsubscribed_at__isnull=True
        ).values_list("newsletter__slug", flat=True)
    )


def test_a_fresh_install_subscribes_representatives_to_the_main_newsletter(user):
    Newsletter.objects.filter(slug=MAIN_NEWSLETTER_SLUG).delete()  # as before migrating
    migration.create_main_newsletter(apps, None)
    membership = MembershipFactory(managed_by=user)

    membership_activated.send(sender=Membership, membership=membership)

    newsletter = Newsletter.objects.get(slug=MAIN_NEWSLETTER_SLUG)
    assert (newsletter.name, newsletter.for_representatives) == ("TASP Newsletter", True)
    assert newsletter.description
    assert lists_of(user.email) == {MAIN_NEWSLETTER_SLUG}


def test_the_migration_marks_a_main_newsletter_made_before_it():
    Newsletter.objects.filter(slug=MAIN_NEWSLETTER_SLUG).delete()
    made = NewsletterFactory(name="Our newsletter", for_representatives=False)

    migration.create_main_newsletter(apps, None)

    made.refresh_from_db()
    assert (made.name, made.for_representatives) == ("Our newsletter", True)


def test_representatives_join_every_list_marked_for_them_whatever_its_slug(user):
    Newsletter.objects.update(for_representatives=False)
    NewsletterFactory(slug="members-briefing", name="Members' briefing", for_representatives=True)
    membership = MembershipFactory(managed_by=user)

    assert subscriptions.subscribe_representatives(membership=membership) == 1
    assert lists_of(user.email) == {"members-briefing"}


def test_with_no_list_for_representatives_activation_logs_a_warning(user, monkeypatch):
    NewsletterFactory(slug="another-list", for_representatives=False)
    Newsletter.objects.update(for_representatives=False)
    membership = MembershipFactory(managed_by=user)
    # Recorded on the module's logger itself: a Celery worker started by an earlier test in the
    # same process may have reconfigured logging, so caplog's root handler is not dependable.
    warnings = []
    monkeypatch.setattr(
        subscriptions.logger, "warning", lambda message, *args: warnings.append(message % args)
    )

    assert subscriptions.subscribe_representatives(membership=membership) == 0

    assert any("No newsletter list is marked for members' representatives" in w for w in warnings)
    assert lists_of(user.email) == set()


def test_staff_see_and_set_which_lists_representatives_join(client, staff_user):
    newsletter = NewsletterFactory()
    log_in_with_second_factor(client, staff_user)

    changelist = client.get(reverse("admin:newsletters_newsletter_changelist"))
    change = client.get(reverse("admin:newsletters_newsletter_change", args=[newsletter.pk]))

    assert "column-for_representatives" in changelist.content.decode()
    assert 'name="for_representatives"' in change.content.decode()


def test_the_demo_makes_the_main_newsletter_as_the_migration_does(staff_user):
    Newsletter.objects.filter(slug=MAIN_NEWSLETTER_SLUG).delete()

    list(seed_demo(staff=staff_user))

    newsletter = Newsletter.objects.get(slug=MAIN_NEWSLETTER_SLUG)
    assert (newsletter.name, newsletter.for_representatives) == ("TASP Newsletter", True)
