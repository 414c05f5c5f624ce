import base64

from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import Truncator
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe
from django_ratelimit.decorators import ratelimit

from tasp.feeds import AtomFeed

from . import engagement, subscriptions
from .forms import PreferencesForm, SubscribeForm
from .models import Issue, Newsletter, Subscriber
from .rendering import TEST_TOKEN


@require_safe
def index(request):
    issues = Issue.objects.archived().select_related("newsletter")
    page = Paginator(issues, 10).get_page(request.GET.get("page"))
    return render(request, "newsletters/issue_list.html", {"page": page})


@require_safe
def issue_detail(request, slug):
    issue = get_object_or_404(Issue.objects.published().select_related("newsletter"), slug=slug)
    sections = issue.sections.prefetch_related("items__image")
    return render(request, "newsletters/issue_detail.html", {"issue": issue, "sections": sections})


class IssueFeed(AtomFeed):
    index_url_name = "newsletters:index"
    title = "TASP newsletters"
    subtitle = "Newsletters from The Association of Safeguarding Partners"

    def items(self):
        return Issue.objects.archived()[:20]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return Truncator(item.welcome_text).words(80)  # whole words, then an ellipsis

    def item_pubdate(self, item):
        from datetime import datetime, time

        from django.utils import timezone

        return timezone.make_aware(datetime.combine(item.issued_on, time(9)))

    def item_updateddate(self, item):
        return max(item.updated_at, self.item_pubdate(item))


@ratelimit(key="ip", rate="20/h", method="POST")
@require_http_methods(["GET", "POST"])
def subscribe(request):
    form = SubscribeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not form.is_bot:
            subscriptions.request_subscription(
                email=form.cleaned_data["email"],
                name=form.cleaned_data["name"],
                organisation=form.cleaned_data["organisation"],
                newsletters=list(form.cleaned_data["newsletters"]),
                ip=request.META.get("REMOTE_ADDR"),
            )
        # The same answer for new, known and bot addresses: nothing to learn from it. Shown
        # at its own address, so refreshing it does not send the form again.
        request.session[SUBSCRIBED_KEY] = form.cleaned_data["email"]
        return redirect("newsletters:subscribe-done")
    return render(
        request,
        "newsletters/subscribe.html",
        {"form": form, "consent_wording": subscriptions.CONSENT_WORDING},
    )


SUBSCRIBED_KEY = "newsletters:subscribed"


@require_safe
@cache_control(private=True, no_store=True)
def subscribe_done(request):
    return render(
        request, "newsletters/subscribe_done.html", {"email": request.session.get(SUBSCRIBED_KEY)}
    )


@cache_control(private=True, no_store=True)  # a personal token in the address: no cache may keep it
@require_http_methods(["GET", "POST"])
def confirm(request, token):
    if request.method == "POST":
        try:
            subscriber = subscriptions.confirm_subscription(token=token)
        except subscriptions.ConfirmationRefused as refusal:
            return render(
                request, "newsletters/confirm_done.html", {"refusal": str(refusal)}, status=400
            )
        return render(
            request,
            "newsletters/confirm_done.html",
            {"subscriber": subscriber, "newsletters": _lists_of(subscriber)},
            status=200 if subscriber else 400,
        )
    pending = subscriptions.read_confirmation(token=token)
    if pending is None:
        return render(request, "newsletters/confirm_done.html", status=400)
    if pending.done:  # opened again after confirming: say so, do not ask again
        return render(
            request,
            "newsletters/confirm_done.html",
            {"subscriber": pending.subscriber, "newsletters": pending.newsletters, "again": True},
        )
    return render(request, "newsletters/confirm.html", {"token": token, "pending": pending})


def _lists_of(subscriber) -> list:
    if subscriber is None:
        return []
    return [
        s.newsletter
        for s in subscriber.subscriptions.filter(unsubscribed_at__isnull=True).select_related(
            "newsletter"
        )
    ]


def _test_email_link(request, link: str):
    """Where a test email's unsubscribe and preferences links lead (a one-click POST too): it
    says so, and nothing changes."""
    return render(request, "newsletters/test_email_link.html", {"link": link})


@csrf_exempt  # RFC 8058 one-click POSTs from mail providers carry no cookie or CSRF token
@cache_control(private=True, no_store=True)
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    if token == TEST_TOKEN:
        return _test_email_link(request, "unsubscribe")
    # An email's link names the list it came from; an older link names no list (every list).
    subscriber, newsletter = Subscriber.from_unsubscribe_token(token)
    if subscriber is None:
        return render(request, "newsletters/bad_link.html", status=404)
    if request.method == "POST":
        # A one-click POST (body "List-Unsubscribe=One-Click") leaves the email's list only.
        if "everything" in request.POST:
            newsletter = None
        subscriptions.unsubscribe(subscriber=subscriber, newsletter=newsletter)
        # 200, not a redirect: one-click senders expect a plain success.
        return render(
            request,
            "newsletters/unsubscribed.html",
            {
                "subscriber": subscriber,
                "newsletter": newsletter,
                "preferences_token": subscriber.token,
            },
        )
    return render(
        request,
        "newsletters/unsubscribe.html",
        {
            "subscriber": subscriber,
            "newsletter": newsletter,
            "token": token,
            "preferences_token": subscriber.token,
        },
    )


@cache_control(private=True, no_store=True)
@require_http_methods(["GET", "POST"])
def preferences(request, token):
    if token == TEST_TOKEN:
        return _test_email_link(request, "preferences")
    subscriber = Subscriber.from_token(token)
    if subscriber is None:
        return render(request, "newsletters/bad_link.html", status=404)
    current = Newsletter.objects.filter(
        subscriptions__subscriber=subscriber, subscriptions__unsubscribed_at__isnull=True
    )
    subscribed = list(current)  # shown as they are now, whatever the form was sent with
    form = PreferencesForm(
        request.POST or None,
        subscriber=subscriber,
        initial={"name": subscriber.name, "newsletters": subscribed},
    )
    if request.method == "POST" and form.is_valid():
        try:
            returning = subscriptions.update_preferences(
                subscriber=subscriber,
                name=form.cleaned_data["name"],
                newsletters=list(form.cleaned_data["newsletters"]),
                ip=request.META.get("REMOTE_ADDR"),
            )
        except subscriptions.PreferencesRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            from django.contrib import messages

            messages.success(
                request,
                "You are subscribed again. Your preferences have been saved."
                if returning
                else "Your preferences have been saved.",
            )
            return redirect("newsletters:preferences", token=token)
    # Lists with options of their own (vacancy alerts: role types and regions) link to them.
    options = [
        (newsletter, reverse(newsletter.options_url_name, args=[token]))
        for newsletter in current.exclude(options_url_name="")
    ]
    return render(
        request,
        "newsletters/preferences.html",
        {
            "form": form,
            "subscriber": subscriber,
            "token": token,
            "options": options,
            "subscribed": subscribed,
            "consent_wording": subscriptions.CONSENT_WORDING,
        },
    )


# A transparent 1x1 GIF: the open pixel's answer, whether or not anything was counted.
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


@require_safe
@cache_control(private=True, no_store=True)
def opened(request, send_id, code):
    """A tracked email's pixel: its message's first load counts one open of the send (a HEAD
    request, as link checkers send, counts nothing)."""
    if request.method == "GET":
        engagement.record_open(send_id=send_id, code=code)
    return HttpResponse(PIXEL, content_type="image/gif")


@require_safe
@cache_control(private=True, no_store=True)
def follow_link(request, token):
    """A tracked email's link: counts a click on it, then goes where it went in the email."""
    url = engagement.follow_link(token=token, count=request.method == "GET")
    if url is None:
        return render(request, "newsletters/bad_link.html", status=404)
    return HttpResponseRedirect(url)
