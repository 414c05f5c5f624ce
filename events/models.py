"""Events: TASP's conference, meetings and webinars (booked here) and other bodies' events
(signposted). An event has ticket types (member and non-member prices, early-bird prices, day or
full-event tickets, free registration), a programme of sessions (workshops with their own
capacity), and bookings of one or more delegates."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Self

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from tasp.html import clean_html
from tasp.states import Moves, MovesQuerySet

ZERO = Decimal("0.00")


class EventQuerySet(models.QuerySet):
    def listed(self) -> Self:
        return self.filter(is_published=True)

    def upcoming(self, now: datetime | None = None) -> Self:
        return self.listed().filter(ends_at__gte=now or timezone.now()).order_by("starts_at")

    def past(self, now: datetime | None = None) -> Self:
        return self.listed().filter(ends_at__lt=now or timezone.now()).order_by("-starts_at")


class Event(models.Model):
    class Kind(models.TextChoices):
        CONFERENCE = "conference", "Conference"
        MEETING = "meeting", "Meeting"
        WEBINAR = "webinar", "Webinar"
        EXTERNAL = "external", "Another organisation's event"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, blank=True)
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.CONFERENCE)
    summary = models.TextField(help_text="Two or three lines for the listing.")
    description = models.TextField(blank=True, help_text="Simple formatting and links.")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    venue_name = models.CharField(max_length=200, blank=True)
    venue_address = models.TextField(blank=True)
    online_url = models.URLField(
        "online joining link",
        max_length=500,
        blank=True,
        help_text="Sent to delegates only, with the joining instructions.",
    )
    organiser = models.CharField(max_length=200, default="TASP")
    external_url = models.URLField(
        "the organiser's page", max_length=500, blank=True, help_text="For a signposted event."
    )
    capacity = models.PositiveIntegerField(
        null=True, blank=True, help_text="Delegates in all; blank for no limit."
    )
    member_booking_opens_at = models.DateTimeField(
        null=True, blank=True, help_text="Members' representatives may book from this moment."
    )
    public_booking_opens_at = models.DateTimeField(
        null=True, blank=True, help_text="Everyone may book from this moment."
    )
    booking_closes_at = models.DateTimeField(null=True, blank=True)
    changes_close_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Until then a delegate may change workshops or pass the place to a colleague, "
        "and the booker may cancel.",
    )
    cancellation_policy = models.TextField(
        blank=True,
        default="Cancel before changes close and the whole price is credited; after that, send "
        "a colleague instead.",
    )
    joining_instructions = models.TextField(
        blank=True, help_text="Emailed to every delegate before the event."
    )
    joining_days_before = models.PositiveSmallIntegerField(default=7)
    is_published = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=F("starts_at")), name="event_ends_after_it_starts"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.description = clean_html(self.description)
        if not self.slug:
            base = slugify(self.title)[:170] or "event"
            if f"{self.starts_at:%Y}" not in base:  # "annual-conference-2027", not "-2027-2027"
                base = f"{base}-{self.starts_at:%Y}"
            slug, n = base, 2
            while Event.objects.filter(slug=slug).exclude(pk=self.pk).exists():
                slug, n = f"{base}-{n}", n + 1
            self.slug = slug
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("events:detail", args=[self.slug])

    @property
    def is_external(self) -> bool:
        return self.kind == self.Kind.EXTERNAL

    @property
    def is_online(self) -> bool:
        return bool(self.online_url) and not self.venue_name

    @property
    def days(self) -> list:
        first, last = timezone.localdate(self.starts_at), timezone.localdate(self.ends_at)
        return [first + timedelta(days=n) for n in range((last - first).days + 1)]

    def opens_at(self, *, member: bool) -> datetime | None:
        """When this visitor may book: members' representatives from the earlier moment."""
        if member and self.member_booking_opens_at:
            return min(filter(None, [self.member_booking_opens_at, self.public_booking_opens_at]))
        return self.public_booking_opens_at

    def is_bookable(self, *, member: bool, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        if self.is_external or not self.is_published or now >= self.ends_at:
            return False
        opens = self.opens_at(member=member)
        if opens is None or now < opens:
            return False
        return self.booking_closes_at is None or now < self.booking_closes_at

    def changes_open(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        deadline = self.changes_close_at or self.starts_at
        return now < deadline


class Session(models.Model):
    """A programme item: a keynote, a panel, or a workshop delegates choose (with its capacity)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    speakers = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    is_workshop = models.BooleanField(
        default=False, help_text="Delegates choose it when booking (one workshop per time slot)."
    )
    capacity = models.PositiveIntegerField(null=True, blank=True, help_text="Blank: no limit.")

    class Meta:
        ordering = ["starts_at", "title"]

    def __str__(self) -> str:
        return f"{self.title} ({timezone.localtime(self.starts_at):%-d %b %H:%M})"


class TicketType(models.Model):
    """What a delegate books: the full event or one day, at the member or the non-member price,
    early-bird until a moment; free when both prices are £0."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="ticket_types")
    name = models.CharField(max_length=120, help_text="For example “Full conference” or “Day 1”.")
    day = models.DateField(null=True, blank=True, help_text="A day ticket's day; blank: all days.")
    member_price = models.DecimalField(max_digits=8, decimal_places=2, default=ZERO)
    non_member_price = models.DecimalField(max_digits=8, decimal_places=2, default=ZERO)
    early_member_price = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    early_non_member_price = models.DecimalField(
        max_digits=8, decimal_places=2, null=True, blank=True
    )
    early_until = models.DateTimeField(null=True, blank=True)
    capacity = models.PositiveIntegerField(null=True, blank=True, help_text="Blank: no limit.")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name

    def is_early(self, now: datetime | None = None) -> bool:
        return self.early_until is not None and (now or timezone.now()) < self.early_until

    def price_for(self, *, member: bool, now: datetime | None = None) -> Decimal:
        """The price decided on the server: the member price for a member's representative, the
        early-bird price until ``early_until`` where one is set."""
        early = self.early_member_price if member else self.early_non_member_price
        if early is not None and self.is_early(now):
            return early
        return self.member_price if member else self.non_member_price

    @property
    def is_free(self) -> bool:
        return self.member_price == ZERO and self.non_member_price == ZERO


class BookingQuerySet(MovesQuerySet):
    def holding_places(self) -> Self:
        """Bookings whose delegates hold places: confirmed, or waiting for payment."""
        return self.filter(status__in=Booking.HOLDING)


class Booking(Moves, models.Model):
    class Status(models.TextChoices):
        AWAITING_PAYMENT = "awaiting_payment", "Waiting for payment"
        CONFIRMED = "confirmed", "Confirmed"
        CANCELLED = "cancelled", "Cancelled"
        RELEASED = "released", "Released unpaid"

    MOVES = {
        Status.AWAITING_PAYMENT: frozenset({Status.CONFIRMED, Status.CANCELLED, Status.RELEASED}),
        Status.CONFIRMED: frozenset({Status.CANCELLED}),
    }
    # The statuses whose delegates hold places (count against capacity, get the emails).
    HOLDING = (Status.AWAITING_PAYMENT, Status.CONFIRMED)

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="bookings")
    reference = models.CharField(max_length=20, unique=True, editable=False)
    booked_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="bookings"
    )
    booker_name = models.CharField(max_length=150)
    booker_email = models.EmailField()
    organisation_name = models.CharField(max_length=200)
    billing_address = models.TextField(blank=True)
    po_number = models.CharField("purchase order number", max_length=100, blank=True)
    at_member_price = models.BooleanField(default=False, editable=False)
    status = models.CharField(max_length=20, choices=Status, default=Status.AWAITING_PAYMENT)
    invoice = models.ForeignKey(
        "billing.Invoice",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bookings",
        editable=False,
    )
    total = models.DecimalField(max_digits=9, decimal_places=2, default=ZERO, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = BookingQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.reference}: {self.event}"

    def save(self, *args, **kwargs):
        if not self.reference:
            self.reference = f"BK-{secrets.token_hex(4).upper()}"
        super().save(*args, **kwargs)


class Delegate(models.Model):
    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="delegates")
    ticket_type = models.ForeignKey(TicketType, on_delete=models.PROTECT, related_name="delegates")
    name = models.CharField(max_length=150)
    email = models.EmailField()
    organisation = models.CharField(max_length=200)
    job_title = models.CharField(max_length=150, blank=True)
    dietary = models.CharField("dietary requirements", max_length=300, blank=True)
    access_requirements = models.TextField(
        blank=True,
        help_text="Personal data: deleted automatically a few days after the event.",
    )
    sessions = models.ManyToManyField(Session, blank=True, related_name="delegates")
    price = models.DecimalField(max_digits=8, decimal_places=2, default=ZERO, editable=False)
    token = models.CharField(max_length=43, unique=True, editable=False)
    attended = models.BooleanField(default=False)
    substituted_for = models.CharField(
        max_length=150, blank=True, editable=False, help_text="Who held this place before."
    )
    joining_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.booking.reference})"

    def save(self, *args, **kwargs):
        if not self.token:
            self.token = secrets.token_urlsafe(32)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("events:delegate", args=[self.token])


class InterestQuerySet(MovesQuerySet):
    def live_offers(self, now: datetime | None = None) -> Self:
        return self.filter(
            status=Interest.Status.OFFERED, offer_expires_at__gt=now or timezone.now()
        )


class Interest(Moves, models.Model):
    """Someone who wants a place: on the waiting list of a full event (offered a freed place for
    a limited time, first come first served), or asking to be told when booking opens."""

    class Kind(models.TextChoices):
        WAITING = "waiting", "Waiting list"
        OPENING = "opening", "Tell me when booking opens"

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting"
        OFFERED = "offered", "Offered a place"
        BOOKED = "booked", "Booked"
        EXPIRED = "expired", "Offer expired"
        TOLD = "told", "Told booking has opened"
        WITHDRAWN = "withdrawn", "Withdrawn"

    MOVES = {
        Status.WAITING: frozenset({Status.OFFERED, Status.TOLD, Status.WITHDRAWN}),
        Status.OFFERED: frozenset({Status.BOOKED, Status.EXPIRED, Status.WITHDRAWN}),
    }

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="interests")
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.WAITING)
    ticket_type = models.ForeignKey(
        TicketType, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    session = models.ForeignKey(
        Session,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The workshop they want, when that is what is full.",
    )
    name = models.CharField(max_length=150)
    email = models.EmailField()
    status = models.CharField(max_length=10, choices=Status, default=Status.WAITING)
    token = models.CharField(max_length=43, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    offered_at = models.DateTimeField(null=True, blank=True, editable=False)
    offer_expires_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = InterestQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "waiting list or opening alert"
        constraints = [
            models.UniqueConstraint(
                fields=["event", "kind", "email"],
                condition=Q(status__in=["waiting", "offered"]),
                name="one_live_interest_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email}: {self.get_kind_display()} for {self.event}"

    def save(self, *args, **kwargs):
        if not self.token:
            self.token = secrets.token_urlsafe(32)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("events:offer", args=[self.token])
