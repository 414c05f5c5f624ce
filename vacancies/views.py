import json
import posixpath

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_ratelimit.decorators import ratelimit

from accounts.access import acts_as_staff
from billing import cards
from billing import services as billing
from newsletters import subscriptions
from newsletters.models import Subscriber
from tasp.feeds import AtomFeed
from tasp.views import sandboxed

from . import alerts as vacancy_alerts
from . import services
from .forms import (
    BILLING_FIELDS,
    AlertOptionsForm,
    AlertSubscribeForm,
    VacancyFilterForm,
    VacancyForm,
)
from .models import AlertFilter, Vacancy, VacancyPricing
from .structured import job_posting
from .uploads import limit_job_pack_upload, upload_stopped

PAGE_SIZE = 10


def _post_rate(group, request) -> str:
    return settings.VACANCY_POST_RATE


@require_safe
def index(request):
    form = VacancyFilterForm(request.GET or None)
    vacancies = form.filter(Vacancy.objects.open())
    if not form.is_bound:
        vacancies = vacancies.order_by("closes_on", "-published_at", "pk")
    page = Paginator(vacancies, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "vacancies/vacancy_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "filtered": form.is_bound,
            "non_member_price": VacancyPricing.current_read_only().non_member_price,
            "vat_rate": billing.vat_rate(),
        },
    )


@require_safe
def detail(request, slug):
    vacancy = get_object_or_404(Vacancy.objects.select_related("posted_by"), slug=slug)
    can_manage = (
        Vacancy.objects.editable_by(request.user, as_staff=acts_as_staff(request))
        .filter(pk=vacancy.pk)
        .exists()
    )
    # Only an advert that was once public says "closed"; one staff never approved stays unknown.
    if vacancy.is_closed and (vacancy.published_at or can_manage):
        return render(request, "vacancies/vacancy_closed.html", {"vacancy": vacancy}, status=410)
    if not vacancy.is_open and not can_manage:
        raise Http404("No such vacancy.")  # drafts and adverts in moderation are not public
    context = {"vacancy": vacancy, "can_manage": can_manage, "preview": not vacancy.is_open}
    if vacancy.is_open:
        data = job_posting(vacancy, url=request.build_absolute_uri(vacancy.get_absolute_url()))
        # Escape "<" so a title or description can never end the script element early.
        context["jsonld"] = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")
    return render(request, "vacancies/vacancy_detail.html", context)


@require_safe
def job_pack(request, slug):
    """The advert's job pack, as a download: for anyone once the advert is public, and before
    that (or after a rejection) only for its poster and staff; to everyone else it does not exist."""
    vacancy = get_object_or_404(Vacancy, slug=slug)
    can_manage = (
        Vacancy.objects.editable_by(request.user, as_staff=acts_as_staff(request))
        .filter(pk=vacancy.pk)
        .exists()
    )
    if not vacancy.job_pack or not (vacancy.is_public or can_manage):
        raise Http404("No such job pack.")
    try:
        file = vacancy.job_pack.open("rb")
    except FileNotFoundError as missing:
        raise Http404("No such job pack.") from missing
    response = sandboxed(
        FileResponse(file, as_attachment=True, filename=posixpath.basename(vacancy.job_pack.name))
    )
    if not vacancy.is_public:
        patch_cache_control(response, private=True, no_store=True)
    return response


class LatestVacanciesFeed(AtomFeed):
    index_url_name = "vacancies:index"
    title = "TASP vacancies"
    subtitle = "Independent Scrutineer and other safeguarding partnership posts."

    def items(self):
        return Vacancy.objects.open().order_by("-published_at")[:30]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return (
            f"<p>{item.organisation_name}, {item.location} ({item.get_region_display()}). "
            f"Closes {item.closes_on:%-d %B %Y}.</p>{item.description_html}"
        )

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at


def _own_vacancy(request, slug) -> Vacancy:
    # Someone else's advert is simply not found: 404 says nothing about whether it exists.
    return get_object_or_404(
        Vacancy.objects.editable_by(request.user, as_staff=acts_as_staff(request)).select_related(
            "posted_by"
        ),
        slug=slug,
    )


def _posted(request) -> dict:
    """The advert form's data and files; reading them (in this order) runs the upload through
    JobPackSizeLimit, which then says whether it stopped the job pack at the limit."""
    if request.method != "POST":
        return {"data": None, "files": None}
    return {
        "data": request.POST,
        "files": request.FILES,
        "job_pack_stopped": upload_stopped(request),
    }


# Per user and per IP: one person with many accounts, or many people behind one address.
@login_required
@ratelimit(key="ip", rate=_post_rate, method="POST", block=True)
@ratelimit(key="user_or_ip", rate=_post_rate, method="POST", block=True)
@limit_job_pack_upload
def post(request):
    is_member, price = services.price_for(request.user)
    initial = services.advert_initial(request.user)
    form = VacancyForm(**_posted(request), is_member=is_member, initial=initial)
    if request.method == "POST":
        if form.is_bot:
            # Pretend it worked so the bot learns nothing; nothing is saved.
            messages.success(request, "Thank you: your advert is saved.")
            return redirect("vacancies:index")
        if form.is_valid():
            vacancy = form.save(commit=False)
            vacancy.posted_by = request.user
            vacancy.save()
            vacancy.status_changes.create(to_status=vacancy.status, changed_by=request.user)
            messages.success(request, "Your advert is saved as a draft. Check it, then submit it.")
            return redirect("vacancies:manage", vacancy.slug)
    return render(
        request,
        "vacancies/vacancy_form.html",
        {"form": form, "is_member": is_member, "price": price, "vacancy": None},
        status=413 if form.job_pack_stopped else 200,
    )


@login_required
@ratelimit(key="ip", rate=_post_rate, method="POST", block=True)
@ratelimit(key="user_or_ip", rate=_post_rate, method="POST", block=True)
@limit_job_pack_upload
def edit(request, slug):
    vacancy = _own_vacancy(request, slug)
    if not vacancy.is_editable:
        messages.error(request, "A closed advert cannot be changed; relist it instead.")
        return redirect("vacancies:manage", vacancy.slug)
    if vacancy.status == Vacancy.Status.DRAFT:
        # The poster's price, not that of whoever is editing (staff may fix a member's draft).
        is_member, price = services.price_for(vacancy.posted_by)
    else:
        is_member, price = True, None  # billing was settled when it was submitted
    form = VacancyForm(**_posted(request), instance=vacancy, is_member=is_member)
    if request.method == "POST" and not form.is_bot and form.is_valid():
        try:
            services.edit_vacancy(vacancy=vacancy, by=request.user, changes=form.changes())
        except services.NotAllowed as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Your changes are saved.")
        return redirect("vacancies:manage", vacancy.slug)
    return render(
        request,
        "vacancies/vacancy_form.html",
        {"form": form, "is_member": is_member, "price": price, "vacancy": vacancy},
        status=413 if form.job_pack_stopped else 200,
    )


@login_required
def manage(request, slug):
    vacancy = _own_vacancy(request, slug)
    is_member, price = (
        services.price_for(vacancy.posted_by)
        if vacancy.status == Vacancy.Status.DRAFT
        else (vacancy.is_member_post, vacancy.price)
    )
    return render(
        request,
        "vacancies/vacancy_manage.html",
        {
            "vacancy": vacancy,
            "is_member": is_member,
            "price": price,
            "needs_billing": vacancy.status == Vacancy.Status.DRAFT
            and not is_member
            and not all(getattr(vacancy, f) for f in BILLING_FIELDS[:3]),
            "history": vacancy.status_changes.select_related("changed_by"),
            "card_payment_link": cards.invoice_payment_link(vacancy.invoice)
            if vacancy.status == Vacancy.Status.PENDING_PAYMENT and vacancy.invoice
            else "",
        },
    )


@login_required
def mine(request):
    vacancies = Vacancy.objects.posted_by(request.user).order_by("-created_at")
    return render(request, "vacancies/vacancy_mine.html", {"vacancies": vacancies})


def _poster_action(act, done: str):
    """A view for one button on the poster's manage page: ``act(vacancy, user)`` is the
    service; what it refuses is shown there, and ``done`` when it is done."""

    @login_required
    @require_POST
    def view(request, slug):
        vacancy = _own_vacancy(request, slug)
        try:
            result = act(vacancy, request.user)
        except services.NotAllowed as error:
            messages.error(request, str(error))
            return redirect("vacancies:manage", vacancy.slug)
        messages.success(request, done)
        return redirect("vacancies:manage", result.slug)

    return view


submit = _poster_action(
    lambda vacancy, user: services.submit_vacancy(vacancy=vacancy, user=user),
    "Your advert is submitted. We have emailed you what happens next.",
)
close = _poster_action(
    lambda vacancy, user: services.close_vacancy(vacancy=vacancy, by=user),
    "Your advert is closed.",
)
relist = _poster_action(
    lambda vacancy, user: services.relist_vacancy(vacancy=vacancy, by=user),
    "A copy of the advert is saved as a new draft: set a new closing date, then submit it.",
)


@ratelimit(key="ip", rate=_post_rate, method="POST", block=True)
def alerts(request):
    form = AlertSubscribeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not form.is_bot:
            vacancy_alerts.request_vacancy_alerts(
                email=form.cleaned_data["email"],
                name=form.cleaned_data["name"],
                ip=request.META.get("REMOTE_ADDR"),
                role_types=form.cleaned_data["role_types"],
                regions=form.cleaned_data["regions"],
            )
        # One answer for new, known and bot addresses: nothing to learn from it.
        return render(request, "vacancies/alerts_done.html", {"email": form.cleaned_data["email"]})
    return render(
        request,
        "vacancies/alerts.html",
        {"form": form, "consent_wording": subscriptions.CONSENT_WORDING},
    )


@cache_control(private=True, no_store=True)  # the token in the address is the subscriber's key
@require_http_methods(["GET", "POST"])
def alert_options(request, token):
    subscriber = Subscriber.from_token(token)
    if subscriber is None:
        return render(request, "newsletters/bad_link.html", status=404)
    current = AlertFilter.objects.filter(subscriber=subscriber).first()
    initial = {"role_types": current.role_types, "regions": current.regions} if current else {}
    form = AlertOptionsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        vacancy_alerts.set_alert_filter(subscriber=subscriber, **form.cleaned_data)
        messages.success(request, "Saved: you will hear about the vacancies you chose.")
        return redirect("vacancies:alert-options", token=token)
    return render(
        request,
        "vacancies/alert_options.html",
        {"form": form, "subscriber": subscriber, "token": token},
    )
