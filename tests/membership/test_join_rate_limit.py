"""Applications to join are limited per hour: per client address, and per organisation name and
billing email however they are capitalised or spaced. A refused one saves and sends nothing."""

from datetime import date

import pytest

from membership.models import Membership, Organisation, Person
from tests.membership.factories import representatives
from tests.membership.test_views import formset_data

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.time_machine(date(2026, 6, 15), tick=False),  # fixtures run in 2026/27 too
    pytest.mark.usefixtures("this_years_fees"),
]


def application(number: int, *, name=None, billing_email=None) -> dict:
    return {
        "name": name or f"Burst Safeguarding Partnership {number}",
        "kind": "single_area",
        "areas": "Burstshire",
        "address": "1 Burst Street",
        "billing_name": "Finance",
        "billing_email": billing_email or f"finance{number}@burst.example.org",
        "po_number": "",
        **formset_data(representatives(1, manager_email=f"bm{number}@burst.example.org")),
    }


def counts() -> tuple[int, int, int]:
    return Organisation.objects.count(), Person.objects.count(), Membership.objects.count()


def test_a_sixth_application_in_an_hour_from_one_address_is_refused_and_changes_nothing(
    client, django_capture_on_commit_callbacks, django_user_model
):
    for number in range(5):
        assert client.post("/membership/join/", application(number)).status_code == 302
    before, users = counts(), django_user_model.objects.count()

    with django_capture_on_commit_callbacks() as queued:
        refused = client.post("/membership/join/", application(5))

    assert refused.status_code == 429
    assert "Too many attempts" in refused.content.decode()
    assert counts() == before
    assert django_user_model.objects.count() == users
    assert queued == []  # no email
    assert client.get("/membership/join/").status_code == 200  # reading the form is not limited


@pytest.mark.parametrize(
    "spelling",
    [
        {
            "name": [
                "Repeat Partnership",
                "repeat  partnership",
                " REPEAT Partnership ",
                "Repeat\tPartnership",
                "rEpEaT partnership",
                "Repeat    Partnership",
            ]
        },
        {
            "billing_email": [
                "Same@burst.example.org",
                "same@burst.example.org",
                " SAME@BURST.EXAMPLE.ORG",
                "same@Burst.Example.Org",
                "same@burst.example.org ",
                "SaMe@burst.example.org",
            ]
        },
    ],
    ids=["organisation name", "billing email"],
)
def test_changing_case_or_spacing_from_another_address_does_not_dodge_the_limit(client, spelling):
    [(field, variants)] = spelling.items()
    statuses = [
        client.post(
            "/membership/join/",
            application(number, **{field: variant}),
            REMOTE_ADDR=f"192.0.2.{number + 1}",
        ).status_code
        for number, variant in enumerate(variants)
    ]

    assert statuses[-1] == 429
    assert 429 not in statuses[:5]
    assert Organisation.objects.count() <= 5
