"""A long list of vacancies links to a window of pages, not to every one of them."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.vacancies.factories import VacancyFactory
from vacancies import views

pytestmark = pytest.mark.django_db


@time_machine.travel(datetime(2027, 6, 15, 10, tzinfo=ZoneInfo("Europe/London")), tick=False)
def test_the_list_links_to_the_ends_and_the_pages_around_this_one(client, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    VacancyFactory.create_batch(40, published=True)

    html = client.get("/vacancies/?page=20").content.decode()

    pages = re.findall(r'href="\?page=(\d+)"', html)
    assert sorted(set(map(int, pages))) == [1, 18, 19, 20, 21, 22, 40]
    assert html.count("…") == 2
    assert 'aria-current="page">20<' in html
