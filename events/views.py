import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods, require_safe

from . import services
from .calendar import calendar_of
from .forms import MAX_DELEGATES, BookerForm, delegate_formset
from .models import Booking, Delegate, Event
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
    member = services.member_price_for(request.user)
    bookable = event.is_bookable(member=member)
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
                )
            except services.BookingRefused as refusal:
                booker.add_error(None, str(refusal))
            else:
                messages.success(request, _booked_message(booking))
                return redirect("events:booking", booking.reference)
    elif request.method == "POST":
        return redirect(event.get_absolute_url())
    tickets = [(t, t.price_for(member=member)) for t in event.ticket_types.all()]
    places = services.places_left(event)
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
            "jsonld": json.dumps(
                event_jsonld(event, url=request.build_absolute_uri(event.get_absolute_url())),
                ensure_ascii=False,
            ).replace("<", "\\u003c"),
        },
    )
    if request.user.is_authenticated:
        patch_cache_control(response, private=True)
    return response


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


@require_safe
def delegate(request, token):
    """A delegate's own page, reached from the link in their email."""
    place = Delegate.objects.select_related("booking__event", "ticket_type").filter(token=token)
    place = place.exclude(booking__status__in=[Booking.Status.CANCELLED, Booking.Status.RELEASED])
    place = place.first()
    if place is None:
        raise Http404("This link is not valid any more.")
    response = render(
        request,
        "events/delegate.html",
        {"delegate": place, "event": place.booking.event, "now": timezone.now()},
    )
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_safe
@cache_control(max_age=900, public=True)
def calendar_feed(request):
    response = HttpResponse(
        calendar_of(Event.objects.upcoming()), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="tasp-events.ics"'
    return response
