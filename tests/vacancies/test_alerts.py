from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from newsletters.models import Delivery, Issue, Send, Subscriber
from tests.newsletters.factories import subscribe
from tests.vacancies.factories import VacancyFactory
from vacancies import services
from vacancies.models import Vacancy, VacancyAlert, VacancyPricing
from vacancies.tasks import send_vacancy_digest_task

pytestmark = pytest.mark.django_db


def set_frequency(value):
    pricing = VacancyPricing.current()
    pricing.alert_frequency = value
    pricing.save()


def test_the_alerts_list_is_a_public_newsletters_list_made_once():
    from newsletters.models import Newsletter

    newsletter = services.alerts_list()

    assert newsletter.name == "Vacancy alerts"
    assert newsletter.is_public
    assert services.alerts_list() == newsletter
    assert Newsletter.objects.filter(slug="vacancy-alerts").count() == 1


def test_publishing_queues_an_alert_and_it_goes_out_once(staff_user, monkeypatch):
    from vacancies.tasks import announce_vacancy_task

    queued = []
    monkeypatch.setattr(announce_vacancy_task, "delay_on_commit", queued.append)
    vacancy = VacancyFactory(pending=True, title="Independent Chair", remuneration="£500 per day")

    services.approve_vacancy(vacancy=vacancy, by=staff_user)
    assert queued == [vacancy.pk]
    send = services.announce_if_immediate(vacancy_id=vacancy.pk)

    assert send.newsletter == services.alerts_list()
    assert send.issue.title == "New vacancy: Independent Chair"
    item = send.issue.sections.get().items.get()
    assert item.link_url.endswith(vacancy.get_absolute_url())
    assert "£500 per day" in item.body
    assert VacancyAlert.objects.get().vacancy == vacancy
    assert services.announce_if_immediate(vacancy_id=vacancy.pk) is None  # never twice
    assert Send.objects.count() == 1


def test_the_daily_digest_gathers_the_days_adverts_once():
    set_frequency(VacancyPricing.AlertFrequency.DAILY)
    with time_machine.travel("2026-11-23 15:00 +00:00"):
        first = VacancyFactory(published=True, title="First")
        second = VacancyFactory(published=True, title="Second")
        VacancyFactory(pending=True, title="Not yet approved")
        assert services.announce_if_immediate(vacancy_id=first.pk) is None

    with time_machine.travel("2026-11-24 06:30 +00:00", tick=False):
        send_vacancy_digest_task()
        assert not Send.objects.exists()  # before 07:00
    with time_machine.travel("2026-11-24 07:05 +00:00", tick=False):
        send_vacancy_digest_task()
    with time_machine.travel("2026-11-24 08:05 +00:00", tick=False):
        VacancyFactory(published=True, title="Third")
        send_vacancy_digest_task()  # today's digest has gone

    issue = Issue.objects.get()
    assert issue.title == "New vacancies, 24 November 2026"
    assert [i.title for i in issue.sections.get().items.all()] == ["First", "Second"]
    assert set(VacancyAlert.objects.values_list("vacancy", flat=True)) == {first.pk, second.pk}


def test_old_and_closed_adverts_are_not_news():
    VacancyFactory(published=True, published_at=timezone.now() - timedelta(days=10))
    VacancyFactory(closed=True)

    assert services.announce_vacancies() is None


def test_people_subscribe_with_double_opt_in(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    page = client.get(reverse("vacancies:alerts"))
    assert page.status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("vacancies:alerts"), {"email": "reader@example.org", "name": "Rea Der"}
        )

    assert "Check your email" in response.content.decode()
    subscriber = Subscriber.objects.get(email="reader@example.org")
    assert subscriber.status == Subscriber.Status.PENDING
    assert mailoutbox[0].to == ["reader@example.org"]
    assert "Vacancy alerts" in mailoutbox[0].body


def test_the_alerts_honeypot_subscribes_nobody(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        client.post(
            reverse("vacancies:alerts"), {"email": "bot@example.com", "website": "http://x"}
        )

    assert not Subscriber.objects.exists()
    assert callbacks == []


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_published_vacancy_reaches_alert_subscribers_over_smtp_once(
    smtp_server, celery_worker, staff_user
):
    import time

    readers = subscribe(services.alerts_list(), 3)
    subscribe(services.alerts_list(), 1, status=Subscriber.Status.UNSUBSCRIBED)
    vacancy = VacancyFactory(pending=True, title="Independent Scrutineer, Northshire")

    services.approve_vacancy(vacancy=vacancy, by=staff_user)  # commits: the worker takes over

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not Send.objects.filter(status=Send.Status.SENT).exists():
        time.sleep(0.1)
    send = Send.objects.get()
    assert send.status == Send.Status.SENT
    alerts = [m for m in smtp_server.messages if m["message"]["Subject"] == send.subject]
    assert sorted(r for m in alerts for r in m["to"]) == sorted(r.email for r in readers)
    message = alerts[0]["message"]
    assert message["Subject"] == "New vacancy: Independent Scrutineer, Northshire"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert vacancy.get_absolute_url() in message.get_body(("plain",)).get_content()
    assert Delivery.objects.filter(send=send).count() == 3

    assert services.announce_vacancies(vacancy_ids=[vacancy.pk]) is None  # at most once
    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.PUBLISHED
