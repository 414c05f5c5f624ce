from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser.pages import log_in, staff_page
from tests.vacancies.conftest import make_member
from tests.vacancies.factories import UserFactory, VacancyFactory
from vacancies.models import Vacancy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-strong-poster-pass"


def test_a_member_posts_staff_approve_and_it_is_listed(
    browser, live_server, page, axe, staff_user, tasks
):
    rep = UserFactory(email="rep@northshire.example.org", full_name="Robin Rep")
    make_member(rep)
    closes_on = timezone.localdate() + timedelta(days=30)

    log_in(page, rep.email, PASSWORD, "/vacancies/post/")
    page.get_by_text("your organisation is a member").wait_for()
    axe(page)
    page.fill("#id_title", "Independent Scrutineer for Northshire")
    page.select_option("#id_role_type", "independent_scrutineer")
    page.fill("#id_location", "Leeds")
    page.select_option("#id_region", "yorkshire")
    page.fill("#id_remuneration", "£450 per day")
    page.fill("#id_closes_on", closes_on.isoformat())
    page.fill("#id_description", "Scrutinise the partnership.\n\nThree days a month.")
    page.fill("#id_apply_url", "https://jobs.example.org/scrutineer")
    page.get_by_role("button", name="Save and preview").click()

    page.wait_for_url("**/manage/")
    assert page.locator("#vacancy-status").inner_text() == "Draft"
    axe(page)
    page.get_by_role("button", name="Submit for approval").click()
    page.wait_for_url("**/manage/")
    assert page.locator("#vacancy-status").inner_text() == "Waiting for moderation"
    vacancy = Vacancy.objects.get()
    assert page.goto("/vacancies/").ok
    assert page.get_by_text("Independent Scrutineer for Northshire").count() == 0

    admin = staff_page(browser, live_server, staff_user)
    staff = admin.context
    admin.goto("/admin/vacancies/vacancy/?queue=waiting")
    admin.get_by_role("link", name="Moderate “Independent Scrutineer for Northshire”").click()
    admin.get_by_label("Approve and publish").check()
    admin.get_by_role("button", name="Save decision").click()
    admin.wait_for_url("**/admin/vacancies/vacancy/?queue=waiting")
    admin.get_by_text("is published").wait_for()
    staff.close()
    names = [task.name for task in tasks.queued]
    assert "vacancies.tasks.announce_vacancy_task" in names  # the alert is queued on publishing

    page.goto("/vacancies/")
    page.get_by_role("link", name="Independent Scrutineer for Northshire").click()
    page.wait_for_url(f"**/vacancies/{vacancy.slug}/")
    assert (
        page.get_by_role("heading", level=1).inner_text() == "Independent Scrutineer for Northshire"
    )
    axe(page)
    page.goto("/")
    page.get_by_role("link", name="Independent Scrutineer for Northshire").wait_for()


def test_a_non_member_sees_the_price_before_submitting(page, axe):
    UserFactory(email="hr@agency.example.com")

    log_in(page, "hr@agency.example.com", PASSWORD, "/vacancies/post/")

    assert page.locator("#vacancy-price").inner_text().startswith("Price: £650.00")
    page.get_by_label("Organisation to invoice").wait_for()
    axe(page)


def test_the_list_filters_without_javascript(browser, live_server):
    VacancyFactory(
        published=True, title="Chair in Wales", role_type="independent_chair", region="wales"
    )
    VacancyFactory(published=True, title="Scrutineer in London", region="london")
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport={"width": 320, "height": 640}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)

    page.goto("/vacancies/")
    page.get_by_label("Region").select_option("wales")
    page.get_by_role("button", name="Show vacancies").click()
    page.wait_for_url("**/vacancies/?*region=wales*")
    page.get_by_role("link", name="Chair in Wales").wait_for()
    assert page.get_by_role("link", name="Scrutineer in London").count() == 0
    context.close()


def test_vacancy_pages_pass_axe_and_fit_a_narrow_screen(page, axe):
    VacancyFactory.create_batch(12, published=True)
    closed = VacancyFactory(closed=True, title="Old post")
    page.set_viewport_size({"width": 320, "height": 640})

    page.goto("/vacancies/")
    axe(page)
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    page.goto("/vacancies/?region=london&q=nothing")
    axe(page)

    response = page.goto(f"/vacancies/{closed.slug}/")
    assert response.status == 410
    page.get_by_text("This vacancy is closed.").wait_for()
    axe(page)


def test_a_reader_narrows_vacancy_alerts_by_keyboard(page, axe):
    from newsletters.models import Subscription
    from tests.newsletters.factories import SubscriberFactory
    from vacancies import alerts
    from vacancies.models import AlertFilter

    page.set_viewport_size({"width": 320, "height": 640})
    page.goto("/vacancies/alerts/")
    axe(page)
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")

    reader = SubscriberFactory(email="reader@example.org")
    Subscription.objects.create(subscriber=reader, newsletter=alerts.alerts_list())
    page.goto(f"/newsletters/preferences/{reader.token}/")
    page.get_by_role("link", name="Choose what Vacancy alerts sends you").click()
    page.get_by_role("heading", name="Your vacancy alerts").wait_for()
    axe(page)
    page.get_by_label("Independent Scrutineer").focus()
    page.keyboard.press("Space")
    page.get_by_label("North West").check()
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved: you will hear about the vacancies you chose.").wait_for()
    axe(page)

    alert_filter = AlertFilter.objects.get(subscriber=reader)
    assert alert_filter.role_types == ["independent_scrutineer"]
    assert alert_filter.regions == ["north_west"]
