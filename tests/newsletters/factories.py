import factory

from newsletters.models import (
    MAIN_NEWSLETTER_SLUG,
    Issue,
    Item,
    Newsletter,
    Section,
    Subscriber,
    Subscription,
)


class NewsletterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Newsletter
        django_get_or_create = ["slug"]

    name = "TASP Newsletter"
    slug = MAIN_NEWSLETTER_SLUG
    from_email = "newsletter@tasp.example.org"
    # As migration 0005 makes it, should a test that empties the tables have run first.
    for_representatives = factory.LazyAttribute(lambda o: o.slug == MAIN_NEWSLETTER_SLUG)


class IssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Issue
        skip_postgeneration_save = True

    newsletter = factory.SubFactory(NewsletterFactory)
    title = factory.Sequence(lambda n: f"Newsletter - Issue {n}")
    welcome = "<p>Welcome to our latest newsletter.</p>"
    signoff_name = "Richard Burrows"
    signoff_role = "TASP Chair"

    @factory.post_generation
    def with_content(obj, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        section = Section.objects.create(issue=obj, heading="TASP Update", position=1)
        Item.objects.create(
            section=section,
            title="Annual conference",
            body="<p>Join us in June.</p>",
            link_url="https://tasp.example.org/conference",
            link_text="Book a place",
        )


class SubscriberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscriber

    email = factory.Sequence(lambda n: f"subscriber{n}@example.org")
    name = factory.Sequence(lambda n: f"Reader {n}")
    status = Subscriber.Status.ACTIVE


def subscribe(newsletter, count=1, **kwargs):
    subscribers = SubscriberFactory.create_batch(count, **kwargs)
    Subscription.objects.bulk_create(
        [Subscription(subscriber=s, newsletter=newsletter) for s in subscribers]
    )
    return subscribers


def started_send(newsletter, count):
    """``count`` readers, and a send to them started: its one batch ready to send."""
    from newsletters import sending
    from newsletters.models import Send

    readers = subscribe(newsletter, count)
    send = Send.objects.create(issue=IssueFactory(newsletter=newsletter), newsletter=newsletter)
    (batch,) = sending.start_send(send_id=send.pk)
    return readers, send, batch
