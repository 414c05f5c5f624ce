"""A remote post is in every region: on the vacancy list's region filter and in vacancy alerts."""

from datetime import datetime

import pytest
import time_machine
from django.urls import reverse

from tests.vacancies.factories import VacancyFactory
from vacancies.forms import VacancyFilterForm
from vacancies.models import LONDON, AlertFilter, Vacancy

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 1, 12, tzinfo=LONDON)
Region = Vacancy.Region


def test_filtering_the_list_by_a_region_includes_remote_posts_and_says_so(client):
    with time_machine.travel(NOW, tick=False):
        leeds = VacancyFactory(published=True, title="Scrutineer, Leeds", region=Region.YORKSHIRE)
        remote = VacancyFactory(published=True, title="Chair, remote", region=Region.REMOTE)
        VacancyFactory(published=True, title="Chair, Cardiff", region=Region.WALES)
        yorkshire = client.get(reverse("vacancies:index"), {"region": Region.YORKSHIRE})
        remote_only = client.get(reverse("vacancies:index"), {"region": Region.REMOTE})

    assert set(yorkshire.context["page"]) == {leeds, remote}
    assert "2 open vacancies match your search, including remote roles" in (
        yorkshire.content.decode()
    )
    assert "A region&#x27;s results include remote roles." in yorkshire.content.decode()
    assert set(remote_only.context["page"]) == {remote}
    assert "including remote roles" not in remote_only.content.decode()


def test_the_list_and_the_alerts_let_through_the_same_adverts_in_every_region():
    with time_machine.travel(NOW, tick=False):
        for region in Region.values:
            VacancyFactory(published=True, title=f"Scrutineer, {region}", region=region)
        open_now = Vacancy.objects.open()
        for region in Region.values:
            form = VacancyFilterForm({"region": region})
            listed = set(form.filter(open_now))
            alerted = set(AlertFilter(regions=[region]).vacancies(open_now))

            assert listed == alerted
            assert {v.region for v in listed} == {region, Region.REMOTE}
