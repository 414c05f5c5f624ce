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
