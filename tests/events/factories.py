from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import factory

from events.models import Event, Session, TicketType

LONDON = ZoneInfo("Europe/London")


class EventFactory(factory.django.DjangoModelFactory):
    """TASP's two-day conference on 24-25 June 2027; members book from 1 March 2027, everyone
    from 1 April, early-bird prices until 30 April."""

    class Meta:
        model = Event

    title = "Annual conference"
    kind = Event.Kind.CONFERENCE
    summary = "Two days on the role of the three safeguarding partners."
    starts_at = datetime(2027, 6, 24, 9, 30, tzinfo=LONDON)
    ends_at = datetime(2027, 6, 25, 16, 30, tzinfo=LONDON)
    venue_name = "The Studio, Birmingham"
    venue_address = "7 Cannon Street\nBirmingham B2 5EP"
    member_booking_opens_at = datetime(2027, 3, 1, 9, tzinfo=LONDON)
    public_booking_opens_at = datetime(2027, 4, 1, 9, tzinfo=LONDON)
    changes_close_at = datetime(2027, 6, 10, 17, tzinfo=LONDON)


class TicketTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TicketType

    event = factory.SubFactory(EventFactory)
    name = "Full conference"
    member_price = Decimal("295.00")
    non_member_price = Decimal("395.00")
    early_member_price = Decimal("245.00")
    early_non_member_price = Decimal("345.00")
    early_until = datetime(2027, 4, 30, 23, 59, tzinfo=LONDON)


class WorkshopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    event = factory.SubFactory(EventFactory)
    title = "A day in the life of an Independent Scrutineer"
    starts_at = datetime(2027, 6, 24, 14, tzinfo=LONDON)
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + timedelta(hours=1, minutes=30))
    is_workshop = True
    capacity = 30


def book_one(ticket, *, user=None, name="Sam Scrutineer", email="sam@example.org", **fields):
    """A booking of one delegate through the service, as a booker from Northshire would make."""
    from events import services
    from tests.vacancies.factories import UserFactory

    return services.book(
        event=ticket.event,
        booker=services.BookerData(name="Pat", email="pat@example.org", organisation="Northshire"),
        delegates=[
            services.DelegateData(
                name=name, email=email, organisation="Northshire", ticket_type=ticket, **fields
            )
        ],
        user=user or UserFactory(),
    )
