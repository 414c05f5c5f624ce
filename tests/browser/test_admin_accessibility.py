"""The admin pages staff use for memberships pass axe-core with no violations: the log-in page,
the index, and a membership with its representatives (before and after adding a row)."""

import pytest

from tests.browser.pages import log_in
from tests.helpers import give_authenticator_app
from tests.membership.factories import MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_admin_log_in_index_and_a_membership_with_representatives_pass_axe(
    page, axe, staff_user, user
):
    membership = MembershipFactory(renewal_due=True, managed_by=user, reps=5)

    page.goto("/admin/login/")
    page.get_by_role("heading", level=1).wait_for()
    axe(page)
    log_in(
        page,
        staff_user.email,
        "a-strong-staff-pass",
        "/admin/",
        totp_secret=give_authenticator_app(staff_user),
    )
    axe(page)

    page.goto(f"/admin/membership/membership/{membership.pk}/change/")
    table = page.locator("#representatives-group")
    assert table.get_by_label("Delete: ").count() == 5
    assert table.get_by_role("combobox", name="Role: ").count() == 5
    axe(page)

    table.get_by_role("button", name="Add another Representative").click()
    assert table.get_by_role("combobox", name="Role: new representative").count() == 1
    axe(page)

    page.goto("/admin/membership/membership/add/")
    axe(page)
