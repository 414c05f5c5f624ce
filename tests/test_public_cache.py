"""Anonymous public pages come from the cache until what they show changes (tasp/public_cache.py)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory

from newsletters.models import Issue
from tasp import public_cache
from tests.factories import UserFactory
from tests.newsletters.factories import IssueFactory, NewsletterFactory
from tests.vacancies.factories import VacancyFactory
from vacancies.models import Vacancy

pytestmark = pytest.mark.django_db

DAY = datetime(2027, 6, 15, 10, tzinfo=ZoneInfo("Europe/London"))


def sent_issue(title: str) -> Issue:
    return IssueFactory(newsletter=NewsletterFactory(), title=title, status=Issue.Status.SENT)


def test_a_second_anonymous_visit_is_answered_from_the_cache(client, django_assert_num_queries):
    sent_issue("Spring news")
    first = client.get("/newsletters/")
    assert first["X-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get("/newsletters/")
    assert second["X-Cache"] == "hit"
    assert second.content == first.content


def test_a_feed_is_kept_in_one_piece(client):
    """A feed is written in many small pieces; served from the cache, it goes in one write."""
    sent_issue("Spring news")
    client.get("/newsletters/feed/")
    kept = client.get("/newsletters/feed/")
    assert kept["X-Cache"] == "hit"
    assert len(list(kept)) == 1 and b"Spring news" in kept.content


def test_publishing_an_issue_renews_the_archive_and_the_home_page(client):
    sent_issue("Spring news")
    client.get("/newsletters/"), client.get("/")
    sent_issue("Summer news")
    assert b"Summer news" in client.get("/newsletters/").content
    assert b"Summer news" in client.get("/").content


def test_editing_an_issue_renews_its_page(client):
    issue = sent_issue("Spring news")
    assert b"Spring news" in client.get(issue.get_absolute_url()).content
    issue.title = "Spring news, corrected"
    issue.save()
    assert b"Spring news, corrected" in client.get(issue.get_absolute_url()).content


def test_a_state_move_by_one_update_renews_the_pages(client):
    issue = IssueFactory(newsletter=NewsletterFactory(), title="Autumn news")
    issue.move_to(Issue.Status.SCHEDULED)
    assert b"Autumn news" not in client.get("/newsletters/").content
    assert Issue.objects.filter(pk=issue.pk).move(Issue.Status.SENDING) == 1  # no save()
    assert b"Autumn news" in client.get("/newsletters/").content


@time_machine.travel(DAY, tick=False)
def test_closing_a_vacancy_renews_the_list_and_its_page(client):
    vacancy = VacancyFactory(published=True, title="Independent Scrutineer for Northshire")
    assert b"Northshire" in client.get("/vacancies/").content
    client.get(vacancy.get_absolute_url())
    vacancy.move_to(Vacancy.Status.CLOSED, closed_at=DAY)
    assert b"Northshire" not in client.get("/vacancies/").content
    assert client.get(vacancy.get_absolute_url()).status_code == 410  # gone, not the open advert


def test_an_advert_leaves_the_list_at_the_end_of_its_closing_day_without_any_write(client):
    with time_machine.travel(DAY, tick=False):
        VacancyFactory(published=True, title="Scrutineer for Westshire", closes_on=DAY.date())
        assert b"Westshire" in client.get("/vacancies/").content
    with time_machine.travel(DAY + timedelta(days=1), tick=False):
        assert b"Westshire" not in client.get("/vacancies/").content


def test_logged_in_visitors_get_their_own_page_and_leave_nothing_behind(client):
    sent_issue("Spring news")
    client.force_login(UserFactory())
    assert "X-Cache" not in client.get("/newsletters/")
    client.logout()
    assert client.get("/newsletters/")["X-Cache"] == "miss"


def test_a_page_with_a_form_token_is_never_stored():
    def form_page(request):
        return HttpResponse(f"<input name=csrfmiddlewaretoken value={get_token(request)}>")

    view = public_cache.public_page("newsletters")(form_page)
    for _ in range(2):
        request = RequestFactory().get("/form/")
        request.user = AnonymousUser()
        assert "X-Cache" not in view(request)


def test_a_visitor_with_a_message_waiting_gets_a_fresh_page(client):
    sent_issue("Spring news")
    client.get("/newsletters/")
    client.cookies["messages"] = "anything"
    assert "X-Cache" not in client.get("/newsletters/")


def test_the_cache_can_be_turned_off(client, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    sent_issue("Spring news")
    client.get("/newsletters/")
    assert "X-Cache" not in client.get("/newsletters/")


def test_a_page_that_is_not_found_is_not_stored(client):
    client.get("/newsletters/no-such-issue/")
    assert client.get("/newsletters/no-such-issue/").status_code == 404
    sent_issue("No such issue")
    assert client.get("/newsletters/no-such-issue/").status_code == 200


def test_the_resources_list_is_kept_for_visitors_but_members_see_their_own(client):
    assert client.get("/resources/")["X-Cache"] == "miss"
    assert client.get("/resources/")["X-Cache"] == "hit"
    client.force_login(UserFactory())
    assert "X-Cache" not in client.get("/resources/")


def test_a_page_marked_no_store_is_never_kept():
    def secret(request):
        response = HttpResponse("one time")
        response["Cache-Control"] = "no-store"
        return response

    view = public_cache.public_page("resources")(secret)
    for _ in range(2):
        request = RequestFactory().get("/secret/")
        request.user = AnonymousUser()
        assert "X-Cache" not in view(request)
