import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from newsletters.models import Delivery, Issue, Send, Subscriber
from tests.newsletters.factories import subscribe
from tests.tasks import wait_until
from tests.vacancies.factories import VacancyFactory
from vacancies import alerts, services
from vacancies.models import AlertFilter, Vacancy, VacancyAlert, VacancyPricing
from vacancies.tasks import send_vacancy_digest_task

pytestmark = pytest.mark.django_db


def set_frequency(value):
    pricing = VacancyPricing.current()
    pricing.alert_frequency = value
    pricing.save()


def test_the_alerts_list_is_a_public_newsletters_list_made_once():
    from newsletters.models import Newsletter

    newsletter = alerts.alerts_list()

    assert newsletter.name == "Vacancy alerts"
    assert newsletter.is_public
    assert alerts.alerts_list() == newsletter
    assert Newsletter.objects.filter(slug="vacancy-alerts").count() == 1


def test_publishing_queues_an_alert_and_it_goes_out_once(
    staff_user, tasks, django_capture_on_commit_callbacks
):
    from vacancies.tasks import announce_vacancy_task

    queued = tasks.view(announce_vacancy_task.name, lambda task: task.args[0])
    readers = subscribe(alerts.alerts_list(), 2)
    vacancy = VacancyFactory(pending=True, title="Independent Chair", remuneration="£500 per day")

    with django_capture_on_commit_callbacks(execute=True):
        services.approve_vacancy(vacancy=vacancy, by=staff_user)
    assert queued == [vacancy.pk]
    [send] = alerts.announce_if_immediate(vacancy_id=vacancy.pk)

    assert send.newsletter == alerts.alerts_list()
    assert send.issue.title == "New vacancy: Independent Chair"
    assert set(send.audience.all()) == set(readers)
    item = send.issue.sections.get().items.get()
    assert item.link_url.endswith(vacancy.get_absolute_url())
    assert "£500 per day" in item.body
    assert VacancyAlert.objects.get().vacancy == vacancy
    assert alerts.announce_if_immediate(vacancy_id=vacancy.pk) == []  # never twice
    assert Send.objects.count() == 1


def test_the_daily_digest_gathers_the_days_adverts_once():
    set_frequency(VacancyPricing.AlertFrequency.DAILY)
    subscribe(alerts.alerts_list(), 1)
    with time_machine.travel("2026-11-23 15:00 +00:00"):
        first = VacancyFactory(published=True, title="First")
        second = VacancyFactory(published=True, title="Second")
        VacancyFactory(pending=True, title="Not yet approved")
        assert alerts.announce_if_immediate(vacancy_id=first.pk) == []

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
    subscribe(alerts.alerts_list(), 1)
    VacancyFactory(published=True, published_at=timezone.now() - timedelta(days=10))
    VacancyFactory(closed=True)

    assert alerts.announce_vacancies() == []


def _reader(email, *, role_types=(), regions=()):
    [subscriber] = subscribe(alerts.alerts_list(), 1, email=email)
    if role_types or regions:
        alerts.set_alert_filter(
            subscriber=subscriber, role_types=list(role_types), regions=list(regions)
        )
    return subscriber


def test_each_reader_gets_one_digest_of_only_the_adverts_their_filters_let_through():
    R, G = Vacancy.RoleType, Vacancy.Region
    everyone = _reader("all@example.org")
    scrutiny = _reader("scrutiny@example.org", role_types=[R.INDEPENDENT_SCRUTINEER])
    london = _reader("london@example.org", regions=[G.LONDON])
    chair_wales = _reader(
        "chair.wales@example.org", role_types=[R.INDEPENDENT_CHAIR], regions=[G.WALES]
    )
    also_scrutiny = _reader("scrutiny2@example.org", role_types=[R.INDEPENDENT_SCRUTINEER])
    nothing = _reader("nothing@example.org", role_types=[R.BUSINESS_MANAGER], regions=[G.WALES])
    leeds = VacancyFactory(
        published=True, title="Scrutineer, Leeds", role_type=R.INDEPENDENT_SCRUTINEER
    )
    city = VacancyFactory(
        published=True, title="Chair, London", role_type=R.INDEPENDENT_CHAIR, region=G.LONDON
    )
    remote = VacancyFactory(
        published=True, title="Chair, remote", role_type=R.INDEPENDENT_CHAIR, region=G.REMOTE
    )

    sends = alerts.announce_vacancies()

    received = {}
    for send in sends:
        titles = [i.title for i in send.issue.sections.get().items.all()]
        for subscriber in send.audience.all():
            assert subscriber not in received  # one email each
            received[subscriber] = titles
    assert received == {
        everyone: ["Scrutineer, Leeds", "Chair, London", "Chair, remote"],
        scrutiny: ["Scrutineer, Leeds"],
        also_scrutiny: ["Scrutineer, Leeds"],  # same wishes, same issue
        london: ["Chair, London", "Chair, remote"],  # remote posts match every region
        chair_wales: ["Chair, remote"],
    }
    assert nothing not in received
    assert len(sends) == 4
    assert set(VacancyAlert.objects.values_list("vacancy", flat=True)) == {
        leeds.pk,
        city.pk,
        remote.pk,
    }
    assert alerts.announce_vacancies() == []  # each advert is announced once


def test_a_segmented_send_delivers_only_to_its_audience_still_subscribed():
    from newsletters.sending import start_send
    from newsletters.subscriptions import unsubscribe

    chosen = _reader("chosen@example.org")
    leaver = _reader("leaver@example.org")
    _reader("other@example.org", role_types=[Vacancy.RoleType.BUSINESS_MANAGER])
    VacancyFactory(published=True)

    [send] = alerts.announce_vacancies()
    unsubscribe(subscriber=leaver)
    start_send(send_id=send.pk)

    assert list(Delivery.objects.filter(send=send).values_list("email", flat=True)) == [
        chosen.email
    ]


def test_alert_issues_stay_out_of_the_newsletter_archive_but_have_a_web_version(client):
    _reader("reader@example.org")
    VacancyFactory(published=True, title="Scrutineer, Leeds")
    [send] = alerts.announce_vacancies()
    Issue.objects.filter(pk=send.issue_id).update(status=Issue.Status.SENT)

    assert "Scrutineer, Leeds" not in client.get(reverse("newsletters:index")).content.decode()
    assert "Scrutineer, Leeds" not in client.get(reverse("newsletters:feed")).content.decode()
    assert send.issue.get_absolute_url() not in client.get(reverse("home")).content.decode()
    assert client.get(send.issue.get_absolute_url()).status_code == 200


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


def confirm_from_email(client, message):
    link = re.search(r"http://\S+/newsletters/confirm/(\S+)/", message.body)
    return client.post(reverse("newsletters:confirm", args=[link.group(1)]))


def test_a_reader_chooses_roles_and_regions_which_apply_once_confirmed(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("vacancies:alerts"),
            {
                "email": "picky@example.org",
                "role_types": ["independent_scrutineer", "independent_chair"],
                "regions": ["london"],
            },
        )
    assert not AlertFilter.objects.exists()  # nothing changes before the owner confirms

    assert confirm_from_email(client, mailoutbox[-1]).status_code == 200

    alert_filter = AlertFilter.objects.get(subscriber__email="picky@example.org")
    assert alert_filter.role_types == ["independent_chair", "independent_scrutineer"]
    assert alert_filter.regions == ["london"]
    assert alert_filter.describe() == "Independent Chair, Independent Scrutineer; London"


def test_a_public_form_cannot_change_what_a_reader_hears_about_without_their_email(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    reader = _reader("reader@example.org", regions=[Vacancy.Region.WALES])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("vacancies:alerts"),
            {"email": "READER@example.org", "regions": ["london"]},
        )

    assert "Check your email" in response.content.decode()  # the same answer as for anyone
    assert AlertFilter.objects.get(subscriber=reader).regions == ["wales"]
    confirm_from_email(client, mailoutbox[-1])  # the reader themselves asked for the change
    assert AlertFilter.objects.get(subscriber=reader).regions == ["london"]


def test_altered_options_in_a_confirmation_are_dropped():
    reader = _reader("reader@example.org")

    alerts.apply_confirmed_alert_options(
        subscriber=reader,
        options={"vacancy_alerts": {"role_types": ["astronaut"], "regions": ["london", "x"]}},
    )

    alert_filter = AlertFilter.objects.get(subscriber=reader)
    assert alert_filter.role_types == [] and alert_filter.regions == ["london"]


def test_an_unknown_role_or_region_is_refused_and_saves_nothing(client):
    response = client.post(
        reverse("vacancies:alerts"), {"email": "x@example.org", "regions": ["atlantis"]}
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Subscriber.objects.exists()


def test_readers_change_their_filter_from_the_link_in_their_emails(client):
    reader = _reader("reader@example.org", role_types=[Vacancy.RoleType.INDEPENDENT_CHAIR])
    preferences = client.get(reverse("newsletters:preferences", args=[reader.token]))
    url = reverse("vacancies:alert-options", args=[reader.token])
    assert url in preferences.content.decode()  # linked from the footer's preferences page

    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert re.search(r'value="independent_chair"[^>]*checked', html)
    assert not re.search(r'value="independent_scrutineer"[^>]*checked', html)
    response = client.post(url, {"regions": ["north_west", "london"]}, follow=True)

    assert "Saved" in response.content.decode()
    alert_filter = AlertFilter.objects.get(subscriber=reader)
    assert alert_filter.role_types == []
    assert alert_filter.regions == ["london", "north_west"]


def test_a_bad_or_altered_options_link_is_refused(client):
    reader = _reader("reader@example.org")

    assert client.get(reverse("vacancies:alert-options", args=["nonsense"])).status_code == 404
    altered = reverse("vacancies:alert-options", args=[reader.token[:-2] + "xx"])
    assert client.post(altered, {"regions": ["london"]}).status_code == 404
    assert not AlertFilter.objects.exists()


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
    readers = subscribe(alerts.alerts_list(), 3)
    subscribe(alerts.alerts_list(), 1, status=Subscriber.Status.UNSUBSCRIBED)
    [elsewhere] = subscribe(alerts.alerts_list(), 1)  # wants Welsh posts only
    alerts.set_alert_filter(subscriber=elsewhere, role_types=[], regions=["wales"])
    vacancy = VacancyFactory(pending=True, title="Independent Scrutineer, Northshire")

    services.approve_vacancy(vacancy=vacancy, by=staff_user)  # commits: the worker takes over

    wait_until(lambda: Send.objects.filter(status=Send.Status.SENT).exists(), timeout=30)
    send = Send.objects.get()
    assert send.status == Send.Status.SENT
    alert_mails = [m for m in smtp_server.messages if m["message"]["Subject"] == send.subject]
    assert sorted(r for m in alert_mails for r in m["to"]) == sorted(r.email for r in readers)
    message = alert_mails[0]["message"]
    assert message["Subject"] == "New vacancy: Independent Scrutineer, Northshire"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert vacancy.get_absolute_url() in message.get_body(("plain",)).get_content()
    assert Delivery.objects.filter(send=send).count() == 3

    assert alerts.announce_vacancies(vacancy_ids=[vacancy.pk]) == []  # at most once
    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.PUBLISHED


def test_an_email_address_longer_than_the_column_is_a_form_error_not_a_500(client):
    response = client.post(
        reverse("vacancies:alerts"), {"email": "a" * 300 + "@example.org", "name": "Rea Der"}
    )

    assert response.status_code == 200
    assert "Ensure this value has at most 254 characters" in response.content.decode()
    assert not Subscriber.objects.exists()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("Rea\r\nBcc: evil@example.com", "Give the name on one line."),
        ("\u202eRea", "Remove the invisible character U+202E from the name."),
    ],
)
def test_a_name_with_control_characters_is_refused_on_the_alerts_form(client, name, message):
    response = client.post(reverse("vacancies:alerts"), {"email": "r@example.org", "name": name})

    assert message in response.content.decode()
    assert not Subscriber.objects.exists()


def test_the_alerts_list_is_found_by_its_field_not_its_slug():
    from newsletters.models import Newsletter

    made = alerts.alerts_list()
    Newsletter.objects.filter(pk=made.pk).update(slug="jobs", name="Jobs by email")
    assert alerts.alerts_list().pk == made.pk  # staff may rename it

    Newsletter.objects.filter(pk=made.pk).update(slug="vacancy-alerts", for_vacancy_alerts=False)
    again = alerts.alerts_list()  # unmarked by staff: a marked one is made, with a free slug
    assert again.pk != made.pk and again.for_vacancy_alerts and again.slug == "vacancy-alerts-2"
