"""A new visitor signs up, confirms the address from the email, logs in and posts an advert."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser.pages import log_in, post_advert_as_non_member, sign_up
from vacancies.models import Vacancy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_new_visitor_signs_up_confirms_logs_in_and_posts_an_advert_at_650(
    page, axe, smtp_server, celery_worker
):
    email = "hana@agency.example.com"

    def confirmation() -> str:
        message = smtp_server.message_to(email, "Confirm")
        assert message is not None, "no confirmation email arrived"
        return message.get_body(("plain",)).get_content()

    page.goto("/accounts/signup/")
    axe(page)
    sign_up(
        page,
        name="Hana Recruiter",
        email=email,
        password="a-strong-agency-pass",
        read_confirmation=confirmation,
    )
    axe(page)
    log_in(page, email, "a-strong-agency-pass", "/vacancies/post/")
    axe(page)
    closes_on = (timezone.localdate() + timedelta(days=30)).isoformat()
    post_advert_as_non_member(page, title="Independent Scrutineer, Agency", closes_on=closes_on)

    axe(page)
    vacancy = Vacancy.objects.get(title="Independent Scrutineer, Agency")
    assert vacancy.posted_by.email == email and not vacancy.is_member_post
    assert vacancy.price == 650 and vacancy.status == Vacancy.Status.PENDING_PAYMENT
    invoice = smtp_server.message_to(email, "We have received your vacancy")
    assert invoice is not None and re.search(
        r"£650\.00", invoice.get_body(("plain",)).get_content()
    )


def test_a_visitor_on_a_members_page_logs_in_with_the_emailed_link_and_lands_back_there(
    page, axe, user, tasks, mailoutbox, settings, live_server
):
    """Both parts of the login email: the plain-text link and the HTML one each land on the
    members-only page the visitor was on, once logged in."""
    from resources.models import Resource
    from tests.vacancies.conftest import make_member

    settings.SITE_URL = live_server.url  # the email's links point at this server
    tasks.eager = True  # the email is sent as it is queued, into mailoutbox
    make_member(user)
    resource = Resource.objects.create(
        title="Practice review digest",
        summary="What the year's reviews found.",
        body="<p>Seven themes came up again and again.</p>",
    )

    def ask_for_a_login_email():
        page.goto(resource.get_absolute_url())
        assert page.get_by_text("Seven themes").count() == 0
        page.locator("#members-only").get_by_role("link", name="Log in").click()
        page.wait_for_url(re.compile(r"/accounts/login/\?next="))
        page.get_by_role("link", name="Email me a login code").click()
        page.get_by_label("Email").fill(user.email)
        sent = len(mailoutbox)
        page.get_by_role("button", name=re.compile("code", re.I)).click()
        page.wait_for_url(re.compile(r"/accounts/login/code/confirm/"))
        assert len(mailoutbox) == sent + 1
        return mailoutbox[-1]

    def log_in_and_land(link: str):
        assert "&amp;" not in link
        page.goto(link)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"**{resource.get_absolute_url()}")
        page.get_by_text("Seven themes came up again and again.").wait_for()

    # The plain-text part's link.
    email = ask_for_a_login_email()
    plain = re.search(r"https?://\S+/accounts/magic-link/login/\S+", email.body).group(0)
    log_in_and_land(plain)
    axe(page)
    page.get_by_role("button", name="Log out").click()

    # The HTML part's link, as a mail program shows it: the part opened, its link followed.
    email = ask_for_a_login_email()
    page.set_content(email.alternatives[0][0])
    href = page.locator("a[href*='/accounts/magic-link/login/']").get_attribute("href")
    assert href != plain  # a new link: the first one is spent
    log_in_and_land(href)
