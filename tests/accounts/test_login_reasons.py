"""The log-in page says why logging in is needed, from where the visitor was going."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def reason(client, next_url: str) -> str:
    html = client.get(reverse("account_login"), {"next": next_url}).content.decode()
    start = html.find('id="login-reason">')
    return html[start + len('id="login-reason">') : html.index("</p>", start)] if start > 0 else ""


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/vacancies/post/", "Log in or create an account to post a vacancy."),
        ("/membership/renew/", "Log in to renew your organisation&#x27;s membership."),
        ("/resources/annual-report/", "Log in to open members&#x27; resources"),
        ("/events/conference-2027/#booking", "Log in or create an account to book places"),
        ("/vacancies/some-advert-abc123/edit/", "Log in to see and change your advert."),
    ],
)
def test_the_page_says_why_from_where_the_visitor_was_going(client, next_url, expected):
    assert reason(client, next_url).startswith(expected)


@pytest.mark.parametrize(
    "next_url", ["", "/newsletters/", "/no/such/page/", "https://evil.example.com/vacancies/post/"]
)
def test_no_reason_is_made_up(client, next_url):
    assert reason(client, next_url) == ""


def test_posting_without_a_login_leads_to_the_reason(client):
    login = client.get(reverse("vacancies:post"), follow=True)

    assert "Log in or create an account to post a vacancy." in login.content.decode()


def test_the_reason_stays_after_a_failed_attempt(client, user):
    response = client.post(
        reverse("account_login") + "?next=/vacancies/post/",
        {"login": user.email, "password": "wrong", "next": "/vacancies/post/"},
    )

    assert "Log in or create an account to post a vacancy." in response.content.decode()
