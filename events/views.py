import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_ratelimit.decorators import ratelimit

from membership.services import is_member

from . import services, waiting
from .calendar import calendar_of
from .forms import (
    MAX_DELEGATES,
    BookerForm,
    InterestForm,
    SubstituteForm,
    WorkshopsForm,
    delegate_formset,
)
from .models import Booking, Delegate, Event, Interest
from .structured import event_jsonld


@require_safe
def index(request):
    return render(
        request,
        "events/event_list.html",
        {
            "upcoming": Event.objects.upcoming().prefetch_related("ticket_types"),
            "past": Event.objects.past()[:20],
        },
    )


def _delegate_count(request) -> int:
    try:
        return max(1, min(int(request.GET.get("delegates", 1)), MAX_DELEGATES))
    except ValueError:
        return 1


@require_http_methods(["GET", "POST"])
def detail(request, slug):
    event = get_object_or_404(
        Event.objects.listed().prefetch_related("ticket_types", "sessions"), slug=slug
    )
    member = is_member(user=request.user)
    bookable = event.is_bookable(member=member)
    offer = _offer(request, event)
    booker = formset = None
    if bookable and request.user.is_authenticated:
        user = request.user
        data = request.POST or None
        booker = BookerForm(
            data, initial={"name": user.get_full_name(), "email": user.email}, prefix="booker"
        )
        formset = delegate_formset(data, event=event, member=member, count=_delegate_count(request))
        if request.method == "POST" and booker.is_valid() & formset.is_valid():
            try:
                booking = services.book(
                    event=event,
                    booker=booker.booker(),
                    delegates=formset.delegates(),
                    user=user,
                    offer=offer,
                )
            except services.BookingRefused as refusal:
                booker.add_error(None, str(refusal))
            else:
                messages.success(request, _booked_message(booking))
                return redirect("events:booking", booking.reference)
    elif request.method == "POST":
        return redirect(event.get_absolute_url())
    tickets = [(t, t.price_for(member=member)) for t in event.ticket_types.all()]
    places = services.places_left(event, excluding=offer)
    full = places["event"] == 0 or (
        bool(places["tickets"]) and all(left == 0 for left in places["tickets"].values())
    )
    response = render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "member": member,
            "bookable": bookable,
            "opening": None if bookable else services.when_booking_opens(event, member=member),
            "tickets": tickets,
            "programme": [(s, places["sessions"].get(s.pk)) for s in event.sessions.all()],
            "places": places,
            "booker": booker,
            "formset": formset,
            "delegate_counts": range(1, MAX_DELEGATES + 1),
            "offer": offer,
            "full": full,
            # A full workshop has a waiting list too, though other places are left.
            "waitlist": full or 0 in places["sessions"].values(),
            "offer_hours": settings.EVENTS_OFFER_HOURS,
            "interest": InterestForm(
                event=event,
                initial={"name": request.user.get_full_name(), "email": request.user.email}
                if request.user.is_authenticated
                else None,
            ),
            "jsonld": json.dumps(
                event_jsonld(event, url=request.build_absolute_uri(event.get_absolute_url())),
                ensure_ascii=False,
            ).replace("<", "\\u003c"),
        },
    )
    if request.user.is_authenticated:
        patch_cache_control(response, private=True)
    return response


def _offer(request, event: Event) -> Interest | None:
    token = request.GET.get("offer") or request.POST.get("offer")
    if not token:
        return None
    return Interest.objects.live_offers().filter(token=token, event=event).first()


@require_POST
@ratelimit(key="ip", rate="20/h", method="POST", block=False)
def interest(request, slug):
    """Join the waiting list (the event is full) or ask to be told when booking opens."""
    event = get_object_or_404(Event.objects.listed(), slug=slug)
    form = InterestForm(request.POST, event=event)
    kind = (
        Interest.Kind.OPENING
        if request.POST.get("kind") == Interest.Kind.OPENING
        else Interest.Kind.WAITING
    )
    if getattr(request, "limited", False):
        messages.error(request, "Too many requests from your address: try again in an hour.")
    elif form.is_valid():
        if not form.is_bot:
            waiting.join_interest(
                event=event,
                kind=kind,
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                ticket_type=form.cleaned_data.get("ticket_type"),
                session=form.cleaned_data.get("session"),
            )
        messages.success(
            request,
            "You are on the waiting list: we will email you if a place comes free."
            if kind == Interest.Kind.WAITING
            else "We will email you when booking opens.",
        )
    else:
        messages.error(request, "Give your name and a valid email address.")
    return redirect(event.get_absolute_url())


@require_safe
def offer(request, token):
    """The link in a waiting-list offer: book the held place before it runs out."""
    interest = get_object_or_404(Interest, token=token)
    if interest.status != Interest.Status.OFFERED or interest.offer_expires_at <= timezone.now():
        return render(request, "events/offer_gone.html", {"interest": interest}, status=410)
    return redirect(f"{interest.event.get_absolute_url()}?offer={token}#book")


def _booked_message(booking: Booking) -> str:
    if booking.status == Booking.Status.CONFIRMED:
        return f"Booked: {booking.reference}. Each delegate has an email with their place."
    return (
        f"Booked: {booking.reference}. Your places are held; invoice {booking.invoice.number} "
        "has been emailed (pay it by bank transfer or card)."
    )


@login_required
@require_safe
def booking(request, reference):
    booking = get_object_or_404(
        Booking.objects.select_related("event", "invoice"),
        reference=reference,
        booked_by=request.user,
    )
    response = render(
        request,
        "events/booking_detail.html",
        {"booking": booking, "delegates": booking.delegates.select_related("ticket_type")},
    )
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_http_methods(["GET", "POST"])
def delegate(request, token):
    """A delegate's own page, from the link in their email: their place, and before changes
    close, other workshops or a colleague in their place."""
    place = (
        Delegate.objects.select_related("booking__event", "ticket_type")
        .filter(token=token, booking__status__in=Booking.HOLDING)
        .first()
    )
    if place is None:
        raise Http404("This link is not valid any more.")
    event = place.booking.event
    data = request.POST or None
    workshops = WorkshopsForm(
        data if request.POST.get("action") == "workshops" else None,
        event=event,
        initial={"sessions": list(place.sessions.all())},
    )
    colleague = SubstituteForm(data if request.POST.get("action") == "substitute" else None)
    try:
        if workshops.is_bound and workshops.is_valid():
            services.change_workshops(
                delegate=place, sessions=list(workshops.cleaned_data["sessions"])
            )
            messages.success(request, "Your workshops are changed.")
            return redirect(place.get_absolute_url())
        if colleague.is_bound and colleague.is_valid():
            place = services.substitute(delegate=place, **colleague.cleaned_data)
            messages.success(
                request,
                f"Your place is now {place.name}'s: we have emailed them. This link no longer works.",
            )
            return redirect(event.get_absolute_url())
    except services.BookingRefused as refusal:
        (workshops if workshops.is_bound else colleague).add_error(None, str(refusal))
    response = render(
        request,
        "events/delegate.html",
        {
            "delegate": place,
            "event": event,
            "changes_open": event.changes_open(),
            "workshops": workshops if workshops.fields["sessions"].queryset.exists() else None,
            "colleague": colleague,
        },
    )
    patch_cache_control(response, private=True, no_store=True)
    return response


@login_required
@require_POST
def cancel(request, reference):
    booking = get_object_or_404(Booking, reference=reference, booked_by=request.user)
    try:
        services.cancel_booking(booking=booking, user=request.user)
    except services.BookingRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, f"Booking {booking.reference} is cancelled.")
    return redirect("events:booking", booking.reference)


@require_safe
@cache_control(max_age=900, public=True)
def calendar_feed(request):
    response = HttpResponse(
        calendar_of(Event.objects.upcoming()), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="tasp-events.ics"'
    return response
