"""Security headers as deployed (DEBUG off, over HTTPS): one Content Security Policy without
'unsafe-inline' scripts, a nonce on every inline script, no caching of pages whose address holds
a personal token, and uploads that cannot run as pages of the site."""

import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils.csp import build_policy

from accounts.services import magic_link_for
from billing import cards
from tests.newsletters.factories import IssueFactory, NewsletterFactory, SubscriberFactory
from tests.test_settings import PRODUCTION, manage
from tests.vacancies.factories import VacancyFactory

pytestmark = pytest.mark.django_db

PERMISSIONS_OFF = ["camera", "microphone", "geolocation", "payment", "usb"]


@pytest.fixture
def production(settings):
    """What DJANGO_DEBUG=false gives (test_production_settings_send_these_headers checks it)."""
    settings.DEBUG = False
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    return settings


def policy(response, header: str = "Content-Security-Policy") -> dict[str, list[str]]:
    directives = (part.split() for part in response[header].split(";") if part.strip())
    return {name: values for name, *values in directives}


def nonce_of(response) -> str:
    [nonce] = [v[7:-1] for v in policy(response)["script-src"] if v.startswith("'nonce-")]
    return nonce


def cache_directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",")}


def assert_site_headers(response) -> None:
    csp = policy(response)
    assert "'unsafe-inline'" not in csp["script-src"]
    assert "'unsafe-eval'" not in csp["script-src"]
    assert "'unsafe-inline'" not in csp["style-src"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["form-action"][0] == "'self'"
    assert "Content-Security-Policy-Report-Only" not in response  # enforced, not reported
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    for feature in PERMISSIONS_OFF:
        assert f"{feature}=()" in response["Permissions-Policy"]


# django-nested-admin's add and remove links; its script handles every click on them and
# prevents the default, so the browser never runs (or blocks) the URL.
NESTED_ADMIN_LINKS = re.compile(
    r'href="javascript:(void\(0\)|//)" class="[^"]*djn-'
    r'|class="[^"]*djn-[^"]*" href="javascript:(void\(0\)|//)"'
)


def assert_nothing_inline_runs_without_the_nonce(response) -> None:
    """Every <script> is a file of this site or carries the response's nonce; no element has an
    event handler attribute, a javascript: link or a style attribute the policy would block."""
    html = NESTED_ADMIN_LINKS.sub("", response.content.decode())
    # A data block (JSON-LD) is never run, so the policy does not apply to it (CSP 3 leaves
    # script elements that are not JavaScript alone): it needs no nonce, and a page holding one
    # can be cached.
    tags = [
        tag
        for tag in re.findall(r"<script\b[^>]*>", html)
        if 'type="application/ld+json"' not in tag
    ]
    nonce = nonce_of(response) if any("src=" not in tag for tag in tags) else None
    for tag in tags:
        assert 'src="/' in tag or f'nonce="{nonce}"' in tag, tag
    assert not re.search(r"<[a-z][^>]*\son[a-z]+\s*=", html, re.I)
    assert "javascript:" not in html
    assert not re.search(r"<[a-z][^>]*\sstyle\s*=", html, re.I)


@pytest.mark.parametrize("url", ["/", "/newsletters/", "/vacancies/", "/membership/"])
def test_public_pages_send_the_policy_and_the_other_headers(client, production, url):
    VacancyFactory(published=True)
    IssueFactory(status="sent")

    response = client.get(url, secure=True)

    assert response.status_code == 200
    assert_site_headers(response)
    assert_nothing_inline_runs_without_the_nonce(response)


def test_the_job_posting_is_data_that_runs_nothing_so_the_page_can_be_cached(client, production):
    vacancy = VacancyFactory(published=True)

    response = client.get(vacancy.get_absolute_url(), secure=True)

    assert response.status_code == 200
    assert_site_headers(response)
    html = response.content.decode()
    assert '<script type="application/ld+json">' in html  # data, not code: no nonce needed
    assert_nothing_inline_runs_without_the_nonce(response)
    again = client.get(vacancy.get_absolute_url(), secure=True)
    assert again["X-Cache"] == "hit" and again.content == response.content
    assert_site_headers(again)


def test_an_issue_page_shows_its_images_without_style_attributes(client, production, tmp_path):
    from django.core.files.base import ContentFile

    from newsletters.models import IssueImage, Item
    from newsletters.rendering import RenderedIssue

    production.MEDIA_ROOT = tmp_path
    issue = IssueFactory(status="sent")
    image = IssueImage(alt_text="Delegates at the conference")
    image.image.save("conference.png", ContentFile(b"\x89PNG\r\n\x1a\n"), save=True)
    Item.objects.filter(section__issue=issue).update(image=image)

    response = client.get(reverse("newsletters:issue-detail", args=[issue.slug]), secure=True)
    email = RenderedIssue.render(issue, issue.newsletter).html

    assert response.status_code == 200
    assert 'alt="Delegates at the conference" class="issue-image"' in response.content.decode()
    assert_site_headers(response)
    assert_nothing_inline_runs_without_the_nonce(response)
    # Mail clients need the style on the element: the email's CSS is inlined into it.
    assert re.search(r'<img [^>]*style="max-width: 100%; ?height: auto;?"', email)


def test_paying_by_card_may_post_on_to_stripe_checkout(client, production):
    response = client.get("/", secure=True)

    assert policy(response)["form-action"] == ["'self'", "https://checkout.stripe.com"]


def admin_pages(issue, vacancy) -> list[str]:
    return [
        reverse("admin:index"),
        reverse("admin:newsletters_issue_changelist"),
        reverse("admin:newsletters_issue_change", args=[issue.pk]),  # django-nested-admin
        reverse("admin:newsletters_issue_add"),
        reverse("admin:newsletters_issue_send", args=[issue.pk]),
        reverse("admin:newsletters_issue_test_send", args=[issue.pk]),
        reverse("admin:newsletters_subscriber_changelist"),
        reverse("admin:vacancies_vacancy_change", args=[vacancy.pk]),
        reverse("admin:vacancies_vacancy_moderate", args=[vacancy.pk]),
        reverse("admin:membership_membership_changelist"),
    ]


def test_admin_pages_work_under_the_same_policy(staff_client, production):
    issue = IssueFactory()
    vacancy = VacancyFactory(pending=True)

    for url in admin_pages(issue, vacancy):
        response = staff_client.get(url, secure=True)

        assert response.status_code == 200, url
        assert_site_headers(response)
        assert_nothing_inline_runs_without_the_nonce(response)


def test_the_send_confirmation_uses_a_class_not_a_style(staff_client, production):
    issue = IssueFactory()
    SubscriberFactory()
    url = reverse("admin:newsletters_issue_send", args=[issue.pk])

    response = staff_client.post(
        url, {"newsletter": issue.newsletter.pk, "when": "now"}, secure=True
    )

    assert 'class="tasp-confirm"' in response.content.decode()
    assert_nothing_inline_runs_without_the_nonce(response)


def test_only_the_html_email_preview_allows_inline_styles_and_it_runs_nothing(
    staff_client, production
):
    issue = IssueFactory()
    preview = reverse("admin:newsletters_issue_preview", args=[issue.pk, "html"])
    web = reverse("admin:newsletters_issue_preview", args=[issue.pk, "web"])

    email = staff_client.get(preview, secure=True)
    page = staff_client.get(web, secure=True)

    assert email.status_code == page.status_code == 200
    csp = policy(email)
    assert 'style="' in email.content.decode()  # the CSS is inlined, as mail clients need
    assert csp["style-src"] == ["'unsafe-inline'"]
    assert csp["default-src"] == ["'none'"] and "script-src" not in csp
    assert csp["frame-ancestors"] == ["'none'"]
    assert_site_headers(page)  # the web version is an ordinary page


def test_production_settings_send_these_headers(settings):
    code = (
        "from django.conf import settings as s; from django.utils.csp import build_policy;"
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD,"
        " s.X_FRAME_OPTIONS, s.SECURE_REFERRER_POLICY, s.SECURE_CONTENT_TYPE_NOSNIFF,"
        " 'django.middleware.csp.ContentSecurityPolicyMiddleware' in s.MIDDLEWARE,"
        " 'tasp.middleware.PermissionsPolicyMiddleware' in s.MIDDLEWARE, sep='|');"
        "print(build_policy(s.SECURE_CSP, nonce='N'))"
    )

    result = manage("shell", "--no-imports", "-c", code, env_overrides=PRODUCTION)

    assert result.returncode == 0, result.stderr
    headers, csp = result.stdout.splitlines()
    assert headers == "31536000|True|True|DENY|same-origin|True|True|True"
    # The policy development runs under (these tests' settings) is the one production sends.
    assert csp == build_policy(settings.SECURE_CSP, nonce="N")
    assert "script-src 'self' 'nonce-N'" in csp


# --- Pages whose address carries a personal token ---------------------------------------------


def token_pages(user) -> list[str]:
    newsletter = NewsletterFactory()
    subscriber = SubscriberFactory()
    magic = urlsplit(magic_link_for(user))
    return [
        reverse("newsletters:unsubscribe", args=[subscriber.unsubscribe_token(newsletter.pk)]),
        reverse("newsletters:preferences", args=[subscriber.token]),
        reverse("newsletters:confirm", args=[subscriber.confirmation_token()]),
        reverse("vacancies:alert-options", args=[subscriber.token]),
        f"{magic.path}?{magic.query}",
    ]


def test_token_pages_are_never_stored_by_any_cache(client, production, user):
    for url in token_pages(user):
        response = client.get(url, secure=True)

        assert response.status_code == 200, url
        assert {"private", "no-store"} <= cache_directives(response), url
        assert_site_headers(response)


def test_the_one_click_unsubscribe_answer_is_not_stored_either(client, production):
    newsletter = NewsletterFactory()
    subscriber = SubscriberFactory()
    url = reverse("newsletters:unsubscribe", args=[subscriber.unsubscribe_token(newsletter.pk)])

    response = client.post(url, {"List-Unsubscribe": "One-Click"}, secure=True)

    assert response.status_code == 200
    assert {"private", "no-store"} <= cache_directives(response)


@pytest.mark.usefixtures("this_years_fees")
def test_the_invoice_payment_page_is_not_stored(client, production, user):
    from membership import services
    from tests.membership.factories import MembershipFactory, representatives

    production.STRIPE_SECRET_KEY = "sk_test_headers"
    membership = MembershipFactory(renewal_due=True, managed_by=user)
    invoice = services.submit_renewal(
        membership=membership, representatives=representatives(5), po_number="", user=user
    )
    url = reverse("billing:invoice-pay", args=[cards.invoice_payment_token(invoice)])

    response = client.get(url, secure=True)

    assert response.status_code == 200
    assert {"private", "no-store"} <= cache_directives(response)


def test_public_pages_stay_cacheable(client, production):
    response = client.get("/vacancies/", secure=True)

    assert "no-store" not in cache_directives(response)


# --- Uploads --------------------------------------------------------------------------------


def test_uploads_are_sandboxed_and_not_sniffed(client, production, tmp_path):
    production.MEDIA_ROOT = tmp_path
    (tmp_path / "newsletters").mkdir()
    (tmp_path / "newsletters" / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    )

    response = client.get("/media/newsletters/logo.svg", secure=True)

    assert response.status_code == 200
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Permissions-Policy" in response


@pytest.mark.parametrize(
    "path",
    [
        "vacancies/job-packs/0123456789abcdef/pack.pdf",
        "newsletters/../vacancies/job-packs/0123456789abcdef/pack.pdf",
        "vacancies//job-packs/0123456789abcdef/pack.pdf",
    ],
)
def test_job_packs_cannot_be_fetched_from_media_by_their_path(client, production, tmp_path, path):
    production.MEDIA_ROOT = tmp_path
    folder = tmp_path / "vacancies" / "job-packs" / "0123456789abcdef"
    folder.mkdir(parents=True)
    (folder / "pack.pdf").write_bytes(b"%PDF-1.4 draft pack")
    (tmp_path / "newsletters").mkdir()

    response = client.get(f"/media/{path}", secure=True)

    assert response.status_code == 404
