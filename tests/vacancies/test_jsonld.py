import json
import re
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from tests.vacancies.factories import VacancyFactory
from vacancies.models import Vacancy

pytestmark = pytest.mark.django_db


def job_posting(client, vacancy) -> dict:
    html = client.get(vacancy.get_absolute_url()).content.decode()
    blocks = re.findall(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


@time_machine.travel("2026-11-23 10:00 +00:00", tick=False)
def test_the_detail_page_carries_a_job_posting(client):
    vacancy = VacancyFactory(
        published=True,
        title="Independent Scrutineer",
        organisation_name="Northshire Safeguarding Children Partnership",
        location="Leeds",
        region=Vacancy.Region.YORKSHIRE,
        contract_type=Vacancy.ContractType.CONTRACTOR,
        pay_amount=Decimal("450.00"),
        pay_period=Vacancy.PayPeriod.DAY,
        closes_on=date(2026, 12, 14),
    )

    data = job_posting(client, vacancy)

    assert data["@context"] == "https://schema.org/"
    assert data["@type"] == "JobPosting"
    assert data["title"] == "Independent Scrutineer"
    assert data["description"] == "<p>Scrutinise the partnership's arrangements.</p>"
    assert data["datePosted"] == "2026-11-23"
    assert data["validThrough"] == "2026-12-14T23:59:59+00:00"  # end of the day, London (GMT)
    assert data["employmentType"] == "CONTRACTOR"
    assert data["hiringOrganization"] == {
        "@type": "Organization",
        "name": "Northshire Safeguarding Children Partnership",
    }  # no website given: no sameAs
    assert data["jobLocation"]["address"] == {
        "@type": "PostalAddress",
        "addressLocality": "Leeds",
        "addressRegion": "Yorkshire and the Humber",
        "addressCountry": "GB",
    }
    assert "jobLocationType" not in data
    assert data["baseSalary"] == {
        "@type": "MonetaryAmount",
        "currency": "GBP",
        "value": {"@type": "QuantitativeValue", "value": 450, "unitText": "DAY"},
    }
    assert data["url"].endswith(reverse("vacancies:detail", args=[vacancy.slug]))


@time_machine.travel("2026-06-01 10:00 +01:00", tick=False)
def test_a_remote_post_is_telecommute_and_summer_time_shows_in_valid_through(client):
    vacancy = VacancyFactory(
        published=True, region=Vacancy.Region.REMOTE, closes_on=date(2026, 6, 30), pay_amount=None
    )

    data = job_posting(client, vacancy)

    assert data["jobLocationType"] == "TELECOMMUTE"
    assert data["applicantLocationRequirements"]["name"] == "United Kingdom"
    assert "jobLocation" not in data
    assert "baseSalary" not in data  # nothing given, nothing claimed
    assert data["validThrough"] == "2026-06-30T23:59:59+01:00"


def test_markup_in_a_title_cannot_end_the_script_element(client):
    vacancy = VacancyFactory(published=True, title="Chair </script><script>alert(1)</script>")

    html = client.get(vacancy.get_absolute_url()).content.decode()
    data = job_posting(client, vacancy)

    assert data["title"] == "Chair </script><script>alert(1)</script>"
    assert "<script>alert(1)" not in html


def test_a_preview_has_no_job_posting(client):
    vacancy = VacancyFactory(pending=True)
    client.force_login(vacancy.posted_by)

    html = client.get(vacancy.get_absolute_url()).content.decode()

    assert "application/ld+json" not in html
    assert "Preview: this advert is waiting for moderation" in html


@time_machine.travel("2026-11-23 10:00 +00:00", tick=False)
def test_a_located_post_gives_its_postcode_website_and_no_direct_apply(client):
    vacancy = VacancyFactory(
        published=True,
        postcode="ls1 4ap",
        organisation_website="https://www.northshire.example.org/",
        closes_on=date(2026, 12, 14),
    )

    data = job_posting(client, vacancy)

    assert data["jobLocation"]["address"]["postalCode"] == "LS1 4AP"
    assert data["hiringOrganization"]["sameAs"] == "https://www.northshire.example.org/"
    assert data["directApply"] is False


@pytest.mark.parametrize(("postcode", "country"), [("JE2 3AB", "JE"), ("GY1 1AA", "GG")])
@time_machine.travel("2026-11-23 10:00 +00:00", tick=False)
def test_the_channel_islands_are_their_own_countries(client, postcode, country):
    vacancy = VacancyFactory(
        published=True,
        region=Vacancy.Region.CHANNEL_ISLANDS,
        postcode=postcode,
        closes_on=date(2026, 12, 14),
    )

    assert job_posting(client, vacancy)["jobLocation"]["address"]["addressCountry"] == country


def test_a_channel_islands_post_needs_a_postcode_that_says_which_island():
    from django.core.exceptions import ValidationError

    vacancy = VacancyFactory.build(region=Vacancy.Region.CHANNEL_ISLANDS, postcode="")

    with pytest.raises(ValidationError, match="JE for Jersey, GY for Guernsey"):
        vacancy.clean()
