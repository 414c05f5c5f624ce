from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.helpers import log_in_with_second_factor
from tests.vacancies.factories import UserFactory, VacancyFactory, today
from tests.vacancies.test_job_pack_checks import real_pdf, word_docx
from tests.vacancies.test_posting import advert_data
from vacancies.models import Vacancy

pytestmark = pytest.mark.django_db


# --- The public list ---------------------------------------------------------------------------


def test_the_list_shows_open_adverts_only(client):
    live = VacancyFactory(published=True, title="Live post")
    VacancyFactory(published=True, title="Expired post", closes_on=today() - timedelta(days=1))
    VacancyFactory(closed=True, title="Closed post")
    VacancyFactory(pending=True, title="Pending post")
    VacancyFactory(title="Draft post")
    last_day = VacancyFactory(published=True, title="Last day post", closes_on=today())

    response = client.get(reverse("vacancies:index"))

    assert list(response.context["page"]) == [last_day, live]  # soonest closing first
    html = response.content.decode()
    for hidden in ["Expired post", "Closed post", "Pending post", "Draft post"]:
        assert hidden not in html


def test_filters_by_role_type_region_and_text(client):
    chair = VacancyFactory(
        published=True,
        title="Independent Chair",
        role_type=Vacancy.RoleType.INDEPENDENT_CHAIR,
        region=Vacancy.Region.WALES,
        location="Cardiff",
    )
    scrutineer = VacancyFactory(published=True, title="Scrutineer", region=Vacancy.Region.LONDON)
    manager = VacancyFactory(
        published=True,
        title="Business Manager",
        role_type=Vacancy.RoleType.BUSINESS_MANAGER,
        region=Vacancy.Region.LONDON,
        description="<p>Run the partnership office in Camden.</p>",
    )
    url = reverse("vacancies:index")

    def found(**params):
        return set(client.get(url, params).context["page"])

    assert found(role_type="independent_chair") == {chair}
    assert found(region="london") == {scrutineer, manager}
    assert found(region="london", role_type="business_manager") == {manager}
    assert found(q="camden") == {manager}
    assert found(q="cardiff chair") == {chair}
    assert found(q="nothing like this") == set()
    assert found(region="atlantis") == {chair, scrutineer, manager}  # a bad filter is ignored
    # ...and only that one: the good filters beside it still apply.
    assert found(region="atlantis", role_type="independent_chair") == {chair}
    assert found(role_type="nonsense", q="camden", sort="sideways") == {manager}
    assert "No open vacancies match" in client.get(url, {"q": "zzz"}).content.decode()


def test_newest_first_order(client):
    older = VacancyFactory(published=True, closes_on=today() + timedelta(days=5))
    newer = VacancyFactory(published=True, closes_on=today() + timedelta(days=50))
    Vacancy.objects.filter(pk=older.pk).update(published_at=newer.published_at - timedelta(days=3))

    response = client.get(reverse("vacancies:index"), {"sort": "newest"})

    assert list(response.context["page"]) == [newer, older]


def test_pagination_keeps_the_filters_and_queries_do_not_grow(
    client, django_assert_max_num_queries
):
    VacancyFactory.create_batch(25, published=True, region=Vacancy.Region.LONDON)

    with django_assert_max_num_queries(4):
        response = client.get(reverse("vacancies:index"), {"region": "london", "page": 2})

    html = response.content.decode()
    assert len(response.context["page"]) == 10
    assert 'href="?region=london&amp;page=3"' in html
    assert 'aria-current="page">2<' in html
    assert client.get(reverse("vacancies:index"), {"page": "99"}).status_code == 200


# --- One advert --------------------------------------------------------------------------------


def test_an_open_advert_shows_how_to_apply(client):
    vacancy = VacancyFactory(published=True, apply_email="jobs@northshire.example.org")

    html = client.get(vacancy.get_absolute_url()).content.decode()

    assert "https://jobs.example.org/scrutineer" in html
    assert "mailto:jobs@northshire.example.org" in html
    assert "£450 per day" in html


@pytest.mark.parametrize("trait", ["closed", "expired"])
def test_a_closed_advert_says_so_with_410(client, trait):
    if trait == "closed":
        vacancy = VacancyFactory(closed=True)
    else:
        vacancy = VacancyFactory(published=True, closes_on=today() - timedelta(days=1))

    response = client.get(vacancy.get_absolute_url())

    assert response.status_code == 410
    assert "This vacancy is closed." in response.content.decode()
    assert "How to apply" not in response.content.decode()


def test_drafts_and_adverts_in_moderation_are_not_public(client):
    for vacancy in [VacancyFactory(), VacancyFactory(pending=True)]:
        assert client.get(vacancy.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("route", ["rejected then closed", "closed in moderation"])
def test_an_advert_never_approved_is_not_found_once_closed(client, staff_user, route):
    from vacancies import services

    vacancy = VacancyFactory(pending=True)
    if route == "rejected then closed":
        services.reject_vacancy(vacancy=vacancy, by=staff_user, reason="spam")
    services.close_vacancy(vacancy=vacancy, by=vacancy.posted_by)

    response = client.get(vacancy.get_absolute_url())

    assert response.status_code == 404
    assert vacancy.title not in response.content.decode()
    client.force_login(vacancy.posted_by)  # the poster still sees what became of it
    assert client.get(vacancy.get_absolute_url()).status_code == 410


def test_unknown_slug_is_404(client):
    assert (
        client.get(reverse("vacancies:detail", args=["no-such-advert-abc123"])).status_code == 404
    )


# --- Only the poster and staff manage an advert ------------------------------------------------


@pytest.mark.parametrize("name", ["manage", "edit", "submit", "close", "relist"])
def test_someone_else_gets_404(client, name):
    vacancy = VacancyFactory(published=True)
    client.force_login(UserFactory(email="nosy@example.com"))

    response = client.post(reverse(f"vacancies:{name}", args=[vacancy.slug]), advert_data())

    assert response.status_code == 404
    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.PUBLISHED
    assert vacancy.title.startswith("Independent Scrutineer")


def test_staff_may_close_any_advert(client, staff_user):
    vacancy = VacancyFactory(published=True)
    log_in_with_second_factor(client, staff_user)

    client.post(reverse("vacancies:close", args=[vacancy.slug]))

    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.CLOSED


def test_closing_needs_a_post(client):
    vacancy = VacancyFactory(published=True)
    client.force_login(vacancy.posted_by)

    assert client.get(reverse("vacancies:close", args=[vacancy.slug])).status_code == 405


def test_my_adverts_lists_only_mine(client):
    mine = VacancyFactory(title="Mine")
    VacancyFactory(title="Theirs")
    client.force_login(mine.posted_by)

    html = client.get(reverse("vacancies:mine")).content.decode()

    assert "Mine" in html and "Theirs" not in html


# --- Feed and home page ------------------------------------------------------------------------


def test_the_atom_feed_lists_open_adverts(client):
    VacancyFactory(published=True, title="Feed post")
    VacancyFactory(closed=True, title="Gone post")

    response = client.get(reverse("vacancies:feed"))

    body = response.content.decode()
    assert response["Content-Type"].startswith("application/atom+xml")
    assert "<title>Feed post</title>" in body
    assert "Gone post" not in body


def test_the_home_page_shows_the_latest_open_vacancies(client):
    VacancyFactory(published=True, title="Home page post")
    VacancyFactory(closed=True, title="Closed home post")

    html = client.get(reverse("home")).content.decode()

    assert "Home page post" in html
    assert "Closed home post" not in html


# --- Bad input ---------------------------------------------------------------------------------


def post_advert(client, **overrides):
    return client.post(reverse("vacancies:post"), advert_data(**overrides))


def test_a_closing_date_in_the_past_or_today_is_refused(client, member):
    client.force_login(member)

    for day in [today() - timedelta(days=1), today()]:
        response = post_advert(client, closes_on=day.isoformat())
        assert response.context["form"].errors["closes_on"] == [
            "The closing date must be in the future."
        ]
    response = post_advert(client, closes_on="")
    assert response.context["form"].errors["closes_on"] == ["This field is required."]
    assert not Vacancy.objects.exists()


def test_an_advert_needs_a_url_or_an_email_to_apply(client, member):
    client.force_login(member)

    response = post_advert(client, apply_url="", apply_email="")

    assert response.status_code == 200
    assert response.context["form"].errors["apply_url"] == [
        "Give a web address or an email address for applications (or both)."
    ]
    assert not Vacancy.objects.exists()
    assert post_advert(client, apply_url="", apply_email="jobs@example.org").status_code == 302


def test_interview_dates_before_closing_are_refused(client, member):
    client.force_login(member)

    response = post_advert(client, interview_on=today().isoformat())

    assert "interview_on" in response.context["form"].errors


def test_script_in_the_description_is_removed(client, member):
    client.force_login(member)

    post_advert(
        client,
        description='<p onclick="steal()">Hello <strong>there</strong></p>'
        '<script>alert("x")</script><a href="javascript:alert(1)">bad</a>'
        '<a href="https://example.org/pack">pack</a><img src=x onerror=alert(1)>',
    )

    vacancy = Vacancy.objects.get()
    assert "script" not in vacancy.description
    assert "onclick" not in vacancy.description and "onerror" not in vacancy.description
    assert "javascript:" not in vacancy.description
    assert "<strong>there</strong>" in vacancy.description
    assert 'href="https://example.org/pack"' in vacancy.description


def test_a_description_of_only_script_is_refused(client, member):
    client.force_login(member)

    response = post_advert(client, description="<script>alert(1)</script>")

    assert response.context["form"].errors["description"] == ["Describe the role."]


def pdf_bytes():
    return real_pdf()


def docx_bytes():
    return word_docx()


def test_a_pdf_or_word_job_pack_is_accepted(client, member, media_root):
    client.force_login(member)

    post_advert(client, job_pack=SimpleUploadedFile("pack.pdf", pdf_bytes(), "application/pdf"))
    post_advert(client, job_pack=SimpleUploadedFile("pack.docx", docx_bytes(), "application/pdf"))

    packs = [v.job_pack.name for v in Vacancy.objects.order_by("pk")]
    assert packs[0].endswith("/pack.pdf") and packs[1].endswith("/pack.docx")
    assert (media_root / packs[0]).read_bytes() == pdf_bytes()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("pack.pdf", b"MZ\x90\x00\x03" + b"\x00" * 100, "Save it as PDF or .docx"),
        ("pack.docx", b"PK\x03\x04not really a zip", "Save it as PDF or .docx"),
        # An OLE compound file: legacy .doc, but MSI installers share the header.
        (
            "setup.doc",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504,
            "Save it as PDF or .docx",
        ),
        ("pack.pdf", docx_bytes(), "is a DOCX document but is named .pdf"),
        ("pack.exe", pdf_bytes(), "is a PDF document but is named .exe"),
    ],
)
def test_a_renamed_or_wrong_job_pack_is_refused(client, member, media_root, name, content, message):
    client.force_login(member)

    response = post_advert(client, job_pack=SimpleUploadedFile(name, content, "application/pdf"))

    assert message in response.context["form"].errors["job_pack"][0]
    assert not Vacancy.objects.exists()


def test_an_oversize_job_pack_is_refused(client, member, media_root, settings):
    settings.VACANCY_JOB_PACK_MAX_BYTES = 1024
    client.force_login(member)

    big = pdf_bytes() + b"0" * 2048
    response = post_advert(client, job_pack=SimpleUploadedFile("pack.pdf", big, "application/pdf"))

    assert "the limit is 1.0\xa0KB" in response.context["form"].errors["job_pack"][0]
    assert not Vacancy.objects.exists()
