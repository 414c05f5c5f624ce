"""A job pack is a download of a public advert; before it is public (or once rejected) only its
poster and staff may have it, and /media/ never serves it by its path."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from tests.helpers import log_in_with_second_factor
from tests.vacancies.factories import UserFactory, VacancyFactory
from vacancies.models import Vacancy

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def with_pack(vacancy: Vacancy, name: str = "Scrutineer pack.pdf") -> Vacancy:
    vacancy.job_pack.save(name, ContentFile(PDF), save=True)
    return vacancy


def pack_url(vacancy: Vacancy) -> str:
    return reverse("vacancies:job-pack", args=[vacancy.slug])


NOT_PUBLIC = {
    "draft": {},
    "waiting for payment": {"status": Vacancy.Status.PENDING_PAYMENT},
    "waiting for moderation": {"pending": True},
    "rejected": {"status": Vacancy.Status.REJECTED},
    "closed unpublished": {"status": Vacancy.Status.CLOSED},
}


@pytest.mark.parametrize(
    "state", [{"published": True}, {"closed": True}], ids=["published", "closed after publishing"]
)
def test_a_public_adverts_pack_downloads_as_an_attachment(client, settings, media_root, state):
    settings.DEBUG = False
    vacancy = with_pack(VacancyFactory(**state))

    response = client.get(pack_url(vacancy))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Scrutineer" in response["Content-Disposition"]
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("state", NOT_PUBLIC.values(), ids=NOT_PUBLIC.keys())
def test_a_pack_is_not_found_before_its_advert_is_public(client, settings, media_root, state):
    settings.DEBUG = False
    vacancy = with_pack(VacancyFactory(**state))
    stranger = UserFactory(email="someone-else@example.org")

    anonymous = client.get(pack_url(vacancy))
    client.force_login(stranger)
    other_user = client.get(pack_url(vacancy))

    assert anonymous.status_code == 404
    assert other_user.status_code == 404


@pytest.mark.parametrize("state", NOT_PUBLIC.values(), ids=NOT_PUBLIC.keys())
def test_the_poster_and_staff_can_check_a_pack_before_it_is_public(
    client, settings, media_root, staff_user, state
):
    settings.DEBUG = False
    vacancy = with_pack(VacancyFactory(**state))

    client.force_login(staff_user)  # staff without a second factor are nobody special
    assert client.get(pack_url(vacancy)).status_code == 404
    for log_in in (
        lambda: client.force_login(vacancy.posted_by),
        lambda: log_in_with_second_factor(client, staff_user),
    ):
        log_in()
        response = client.get(pack_url(vacancy))

        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Disposition"].startswith("attachment;")
        cache = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= cache


def test_an_advert_without_a_pack_or_whose_file_is_gone_has_none(client, media_root):
    without = VacancyFactory(published=True)
    gone = with_pack(VacancyFactory(published=True))
    (media_root / gone.job_pack.name).unlink()

    assert client.get(pack_url(without)).status_code == 404
    assert client.get(pack_url(gone)).status_code == 404


def test_the_advert_links_the_checked_download_not_the_media_file(client, media_root):
    vacancy = with_pack(VacancyFactory(published=True))

    html = client.get(vacancy.get_absolute_url()).content.decode()

    assert f'href="{pack_url(vacancy)}"' in html
    assert "/media/" not in html


def test_the_edit_form_and_the_admin_link_the_checked_download_too(client, media_root, staff_user):
    vacancy = with_pack(VacancyFactory())

    client.force_login(vacancy.posted_by)
    form = client.get(reverse("vacancies:edit", args=[vacancy.slug])).content.decode()
    log_in_with_second_factor(client, staff_user)
    admin = client.get(
        reverse("admin:vacancies_vacancy_change", args=[vacancy.pk])
    ).content.decode()

    for html in (form, admin):
        assert f'href="{pack_url(vacancy)}"' in html
        assert "/media/vacancies" not in html


def test_media_never_serves_a_pack_by_its_path(client, settings, media_root):
    settings.DEBUG = False
    vacancy = with_pack(VacancyFactory(published=True))
    assert (media_root / vacancy.job_pack.name).exists()

    response = client.get(f"/media/{vacancy.job_pack.name}")

    assert response.status_code == 404
