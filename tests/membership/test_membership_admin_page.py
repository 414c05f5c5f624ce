"""The membership page in the admin reads top to bottom (organisation, representatives, then the
fee), and every control in its representatives table has a name a screen reader can say."""

import re

import pytest
from django.urls import reverse

from tests.helpers import log_in_with_second_factor
from tests.membership.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(client, staff_user, business_manager):
    membership = MembershipFactory(renewal_due=True, managed_by=business_manager, reps=3)
    log_in_with_second_factor(client, staff_user)
    response = client.get(reverse("admin:membership_membership_change", args=[membership.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_representatives_come_after_the_organisation_and_before_the_negotiated_fee(page):
    order = [
        page.index("Organisation:"),
        page.index("Status:"),
        page.index('id="representatives-heading"'),
        page.index('name="negotiated_fee"'),
        page.index('name="negotiated_reason"'),
        page.index('name="po_number"'),
    ]

    assert order == sorted(order)
    assert page.count('id="representatives-group"') == 1  # once, between the fieldsets


def test_each_representatives_role_and_delete_box_is_labelled_with_its_row(page):
    labels = dict(
        re.findall(
            r'<label class="visually-hidden" for="id_representatives-([\w-]+)">([^<]+)', page
        )
    )

    for row in range(3):
        role, delete = labels[f"{row}-role"], labels[f"{row}-DELETE"]
        assert role.startswith("Role: ") and delete.startswith("Delete: ")
        assert role[len("Role: ") :] == delete[len("Delete: ") :]  # the same representative
    assert labels["__prefix__-role"] == "Role: new representative"  # the row "Add another" copies
    assert labels["0-person"].startswith("Person: ")


def test_the_representatives_table_has_no_empty_header(page):
    table = page[page.index('id="representatives-group"') :]
    headers = re.findall(r"<th[^>]*>(.*?)</th>", table[: table.index("</thead>")], re.S)

    assert headers and all(re.sub(r"<[^>]+>|\s", "", header) for header in headers)


def test_a_membership_added_by_hand_has_no_changes_during_the_year_yet(client, staff_user):
    log_in_with_second_factor(client, staff_user)

    response = client.get(reverse("admin:membership_membership_add"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Changes during the year" not in html
    assert html.index('name="organisation"') < html.index('name="negotiated_fee"')


def test_every_field_of_the_admin_form_has_a_place_in_the_fieldsets():
    """The fieldsets choose what the page shows: a field added to the form but not to them would
    silently not appear."""
    from membership.admin import MembershipAdmin
    from membership.forms import MembershipAdminForm

    placed = {name for _, options in MembershipAdmin.fieldsets for name in options["fields"]}

    assert set(MembershipAdminForm.Meta.fields) <= placed
    assert set(MembershipAdmin.readonly_fields) <= placed
