"""Vacancy alerts: new adverts go to the newsletters app's "Vacancy alerts" list, at once or as
a daily digest, to each subscriber whose filters (role types, regions) match."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape

from .models import LONDON, AlertFilter, Vacancy, VacancyAlert, VacancyPricing

ALERT_WINDOW = timedelta(days=2)  # only adverts published this recently are news


def alerts_list():
    """The newsletters app's list marked "for vacancy alerts" (made again if missing)."""
    from newsletters.models import Newsletter

    return Newsletter.objects.marked(
        "for_vacancy_alerts",
        slug="vacancy-alerts",
        name="Vacancy alerts",
        description="An email when a new vacancy is published on the TASP website.",
        is_public=True,
        in_archive=False,
        options_url_name="vacancies:alert-options",
    )


def request_vacancy_alerts(
    *,
    email: str,
    name: str,
    ip: str | None,
    role_types: list[str] = (),
    regions: list[str] = (),
) -> None:
    """Double opt-in to the alerts list through the newsletters app (same emails and tokens).
    The role types and regions travel in the signed confirmation link and take effect when the
    owner of the address follows it (``apply_confirmed_alert_options``), never before."""
    from newsletters.subscriptions import request_subscription

    request_subscription(
        email=email,
        name=name,
        organisation="",
        newsletters=[alerts_list()],
        ip=ip,
        options={ALERT_OPTIONS: {"role_types": list(role_types), "regions": list(regions)}},
    )


ALERT_OPTIONS = "vacancy_alerts"


def apply_confirmed_alert_options(*, subscriber, options: dict) -> AlertFilter | None:
    """newsletters' ``subscription_confirmed``: keep the filters asked for with the request
    (unknown values, from an old or altered form, are dropped)."""
    chosen = options.get(ALERT_OPTIONS)
    if not isinstance(chosen, dict):
        return None
    role_types = [v for v in chosen.get("role_types", []) if v in Vacancy.RoleType.values]
    regions = [v for v in chosen.get("regions", []) if v in Vacancy.Region.values]
    return set_alert_filter(subscriber=subscriber, role_types=role_types, regions=regions)


def set_alert_filter(*, subscriber, role_types: list[str], regions: list[str]) -> AlertFilter:
    """Replace what the subscriber hears about; empty lists mean everything."""
    alert_filter, _ = AlertFilter.objects.update_or_create(
        subscriber=subscriber,
        defaults={"role_types": sorted(set(role_types)), "regions": sorted(set(regions))},
    )
    return alert_filter


def alert_audiences(vacancies: list[Vacancy], newsletter) -> dict[tuple[int, ...], list[int]]:
    """Group the list's current subscribers by the vacancies their filters let through:
    {(vacancy ids): [subscriber ids]}; people whom none of them match are left out. Each
    different filter is one query (``VacancyQuerySet.matching``, as the vacancy list uses)."""
    from newsletters.sending import Recipients

    filters = {f.subscriber_id: f for f in AlertFilter.objects.all()}
    everything = tuple(v.pk for v in vacancies)
    among = Vacancy.objects.filter(pk__in=everything)
    wanted_by: dict[tuple, tuple[int, ...]] = {}

    def wanted_through(alert_filter: AlertFilter) -> tuple[int, ...]:
        key = (tuple(sorted(alert_filter.role_types)), tuple(sorted(alert_filter.regions)))
        if key not in wanted_by:
            let_through = set(alert_filter.vacancies(among).values_list("pk", flat=True))
            wanted_by[key] = tuple(pk for pk in everything if pk in let_through)
        return wanted_by[key]

    audiences: dict[tuple[int, ...], list[int]] = {}
    subscriber_ids = Recipients(newsletter).queryset().order_by("pk").values_list("pk", flat=True)
    for subscriber_id in subscriber_ids.iterator(chunk_size=2000):
        alert_filter = filters.get(subscriber_id)
        wanted = everything if alert_filter is None else wanted_through(alert_filter)
        if wanted:
            audiences.setdefault(wanted, []).append(subscriber_id)
    return audiences


def announce_vacancies(*, vacancy_ids: list[int] | None = None, now=None) -> list:
    """Announce open adverts not yet announced to the alerts list. Each reader gets one email
    with the adverts their filters let through: readers who want the same adverts share an
    issue, sent to them alone (a segmented newsletters Send). Each advert is announced once
    (a VacancyAlert row per advert) and each reader is in one audience, so nobody hears of an
    advert twice. Returns the Sends (none when there is nothing new or nobody wants it)."""
    from newsletters.sending import schedule_send

    newsletter = alerts_list()
    now = now or timezone.now()
    with transaction.atomic():
        vacancies = (
            Vacancy.objects.open(now.astimezone(LONDON).date())
            .filter(alert__isnull=True, published_at__gte=now - ALERT_WINDOW)
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("published_at", "pk")
        )
        if vacancy_ids is not None:
            vacancies = vacancies.filter(pk__in=vacancy_ids)
        vacancies = list(vacancies)
        if not vacancies:
            return []
        alerts = {
            alert.vacancy_id: alert
            for alert in VacancyAlert.objects.bulk_create(
                [VacancyAlert(vacancy=vacancy) for vacancy in vacancies]
            )
        }
        by_id = {vacancy.pk: vacancy for vacancy in vacancies}
        AlertIssue = VacancyAlert.issues.through
        sends, links = [], []
        for wanted, subscriber_ids in alert_audiences(vacancies, newsletter).items():
            chosen = [by_id[pk] for pk in wanted]
            issue = _alert_issue(chosen, newsletter=newsletter, day=now.astimezone(LONDON).date())
            links += [AlertIssue(vacancyalert=alerts[pk], issue=issue) for pk in wanted]
            sends.append(schedule_send(issue=issue, newsletter=newsletter, audience=subscriber_ids))
        AlertIssue.objects.bulk_create(links)
        return sends


def _alert_issue(vacancies: list[Vacancy], *, newsletter, day):
    from newsletters.models import Issue, Item, Section

    title = (
        f"New vacancy: {vacancies[0].title}"
        if len(vacancies) == 1
        else f"New vacancies, {day:%-d %B %Y}"
    )
    issue = Issue.objects.create(
        newsletter=newsletter,
        title=title,
        issued_on=day,
        welcome=(
            "<p>New on the TASP vacancy pages. To hear only about some roles or regions, "
            "follow “Update your preferences” below.</p>"
        ),
        signoff_name="TASP",
    )
    section = Section.objects.create(issue=issue, heading="Vacancies")
    for position, vacancy in enumerate(vacancies):
        pay = f"; {escape(vacancy.remuneration)}" if vacancy.remuneration else ""
        Item.objects.create(  # save() cleans the body with nh3
            section=section,
            position=position,
            title=vacancy.title,
            body=(
                f"<p>{escape(vacancy.organisation_name)}, {escape(vacancy.location)} "
                f"({vacancy.get_region_display()}). {vacancy.get_role_type_display()}{pay}. "
                f"Closes {vacancy.closes_on:%-d %B %Y}.</p>"
            ),
            link_url=f"{settings.SITE_URL}{vacancy.get_absolute_url()}",
            link_text="Read the advert and apply",
        )
    return issue


def announce_if_immediate(*, vacancy_id: int):
    """Called when an advert is published: alert now unless staff chose the daily digest."""
    pricing = VacancyPricing.current()
    if pricing.alert_frequency != VacancyPricing.AlertFrequency.IMMEDIATE:
        return []
    return announce_vacancies(vacancy_ids=[vacancy_id])


DIGEST_HOUR = 7  # London time


def send_vacancy_digest(*, now=None):
    """The daily digest (beat calls it hourly): from 07:00 London time, once a day, every open
    advert published since the last one, in one alert per audience."""
    pricing = VacancyPricing.current()
    if pricing.alert_frequency != VacancyPricing.AlertFrequency.DAILY:
        return []
    now = now or timezone.now()
    local = now.astimezone(LONDON)
    if local.hour < DIGEST_HOUR:
        return []
    start_of_day = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if VacancyAlert.objects.filter(created_at__gte=start_of_day).exists():
        return []  # today's digest has gone
    return announce_vacancies(now=now)
