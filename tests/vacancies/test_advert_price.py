"""Visitors see what a non-member pays to advertise before they make an account."""

from decimal import Decimal

import pytest
from django.urls import reverse

from vacancies.models import VacancyPricing

pytestmark = pytest.mark.django_db


def test_a_visitor_sees_the_non_member_price_on_the_vacancy_list(client):
    html = client.get(reverse("vacancies:index")).content.decode()

    assert "Advertising is free for members of TASP; for others an advert costs £650.00." in html


def test_the_vacancy_list_shows_the_price_staff_set_and_vat_when_it_is_charged(client, settings):
    pricing = VacancyPricing.current()
    pricing.non_member_price = Decimal("1200.00")
    pricing.save()
    settings.INVOICE_VAT_TREATMENT = "standard"
    settings.INVOICE_VAT_STANDARD_RATE = "20.00"

    html = client.get(reverse("vacancies:index")).content.decode()

    assert "for others an advert costs £1,200.00 plus VAT at 20%." in html
