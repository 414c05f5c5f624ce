"""The issue editor in the admin: what it offers, what it refuses (with a message) and how what
staff type reaches the web page and both parts of the email."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_prose_editor.config import allowlist_from_extensions
from PIL import Image

from newsletters.demo import ISSUES
from newsletters.editor import ITEM_EXTENSIONS, WELCOME_EXTENSIONS, IssueForm, check_html
from newsletters.models import Issue, IssueImage, Item, sanitise_html
from newsletters.rendering import RenderedIssue
from tasp.html import EMAIL_TAGS
from tests.newsletters.factories import IssueFactory, NewsletterFactory

pytestmark = pytest.mark.django_db


def png(width=800, height=400) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "#1d3557").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def upload(media):
    image = IssueImage(alt_text="Delegates at the conference")
    image.image.save("delegates.png", SimpleUploadedFile("delegates.png", png()), save=True)
    return image


def issue_form(welcome: str, **data) -> IssueForm:
    newsletter = NewsletterFactory()
    return IssueForm(
        {"welcome": welcome, "newsletter": newsletter.pk, "title": "Newsletter - Autumn", **data}
    )


def test_the_editors_offer_only_what_the_email_shows():
    for extensions in (WELCOME_EXTENSIONS, ITEM_EXTENSIONS):
        assert allowlist_from_extensions(extensions)["tags"] <= EMAIL_TAGS
    # Item text sits under the item's own heading (h3): subheadings only; the welcome, none.
    assert ITEM_EXTENSIONS["Heading"] == {"levels": [4]}
    assert "Heading" not in WELCOME_EXTENSIONS


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "java\tscript:alert(1)",
        "java&#115;cript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "/newsletters/",
        "ftp://files.example.org/report.pdf",
    ],
)
def test_a_link_the_email_cannot_carry_is_refused_with_a_message(href):
    form = issue_form(f'<p>Read <a href="{href}">the report</a>.</p>')

    assert not form.is_valid()
    [error] = form.errors["welcome"]
    assert error.startswith("The link “the report” goes to")
    assert "a link must be a full web address (starting https:// or http://)" in error


def test_web_and_email_links_are_kept():
    html = '<p><a href="https://gov.uk/guidance">Guidance</a> or <a href="mailto:office@tasp.example.org">write</a></p>'

    assert check_html(html) == (
        '<p><a href="https://gov.uk/guidance" rel="noopener noreferrer">Guidance</a> or '
        '<a href="mailto:office@tasp.example.org" rel="noopener noreferrer">write</a></p>'
    )


def test_an_uploaded_image_with_its_description_is_kept_by_the_sites_own_path(settings, upload):
    settings.SITE_URL = "https://tasp.example.org"
    full = f"https://tasp.example.org{upload.image.url}"

    html = check_html(f'<figure class="figure"><img src="{full}" alt="Delegates"></figure>')

    assert html == f'<figure><img src="{upload.image.url}" alt="Delegates"></figure>'


def test_an_image_without_alternative_text_is_refused(upload):
    form = issue_form(f'<figure><img src="{upload.image.url}" alt=" "></figure>')

    assert not form.is_valid()
    [error] = form.errors["welcome"]
    assert error.startswith("The image “Delegates at the conference” has no alternative text")


@pytest.mark.parametrize(
    "src", ["https://tracker.example.com/pixel.gif", "/media/newsletters/2026/01/missing.png"]
)
def test_an_image_that_is_not_an_upload_is_refused(src, media):
    form = issue_form(f'<img src="{src}" alt="A picture">')

    assert not form.is_valid()
    [error] = form.errors["welcome"]
    assert error == (
        f"The image “{src}” is not one uploaded for newsletters: choose Browse… in the image "
        "dialog to upload it with its description, then insert it from there."
    )


def test_the_sanitiser_drops_what_the_form_would_refuse(upload):
    html = (
        '<p onclick="x()">Hi <u>all</u></p><blockquote>Quote</blockquote><h2>Big</h2>'
        '<img src="https://tracker.example.com/pixel.gif" alt="x">'
        f'<figure><img src="{upload.image.url}" alt="Delegates" data-file="1" style="x"></figure>'
        "<ul><li><p>One</p></li></ul><p></p>"
    )

    assert sanitise_html(html) == (
        "<p>Hi all</p>QuoteBig"
        f'<figure><img src="{upload.image.url}" alt="Delegates"></figure><ul><li>One</li></ul>'
    )


def test_typed_paragraphs_stay_paragraphs_on_the_web_in_the_html_and_in_the_text(client):
    issue = IssueFactory(
        status=Issue.Status.SENT,
        welcome="First paragraph.\n\nSecond paragraph\nstill the second.",
        with_content=False,
    )
    section = issue.sections.create(heading="TASP Update", position=1)
    Item.objects.create(
        section=section, title="Conference", body="<p>Book now.</p><p>Places are limited.</p>"
    )

    web = client.get(issue.get_absolute_url()).content.decode()
    email = RenderedIssue.render(issue, issue.newsletter)

    for html in (web, email.html):
        assert re.search(r"<p[^>]*>First paragraph.</p>\s*<p[^>]*>Second paragraph<br>", html)
        assert re.search(r"<p[^>]*>Book now.</p>\s*<p[^>]*>Places are limited.</p>", html)
    assert "First paragraph.\n\nSecond paragraph\nstill the second." in email.text
    assert "Book now.\n\nPlaces are limited." in email.text


def test_the_seed_issues_come_through_unchanged():
    for data in ISSUES:
        assert sanitise_html(data["welcome"]) == data["welcome"]
        for section in data["sections"]:
            for item in section["items"]:
                assert sanitise_html(item["body"]) == item["body"], item["title"]


def test_the_email_shows_uploaded_images_by_full_address_at_the_columns_width(settings, upload):
    settings.SITE_URL = "https://tasp.example.org"
    small = IssueImage(alt_text="A logo")
    small.image.save("logo.png", SimpleUploadedFile("logo.png", png(120, 60)), save=True)
    issue = IssueFactory(
        welcome=f'<figure><img src="{upload.image.url}" alt="Delegates"></figure>'
        f'<p><img src="{small.image.url}" alt="Logo"></p>'
    )

    email = RenderedIssue.render(issue, issue.newsletter)

    assert f'src="https://tasp.example.org{upload.image.url}"' in email.html
    assert re.search(r'<img width="552" [^>]*alt="Delegates"', email.html)
    assert re.search(r'<img width="120" [^>]*alt="Logo"', email.html)
    assert "[Image: Delegates]" in email.text


def test_the_admin_page_loads_the_editor_under_the_sites_policy(staff_client):
    issue = IssueFactory()

    response = staff_client.get(reverse("admin:newsletters_issue_change", args=[issue.pk]))

    html = response.content.decode()
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    assert f'<script type="importmap" nonce="{nonce}">' in html
    for name in ("welcome", "sections-0-items-0-body"):
        textarea = re.search(rf'<textarea [^>]*name="{name}"[^>]*>', html).group(0)
        assert "data-django-prose-editor-configurable=" in textarea
    assert "js/issue-editor.js" in html  # the site's extension: no inline styles


def test_staff_upload_an_image_with_its_description_on_the_picker(staff_client, media):
    url = reverse("admin:newsletters_issueimage_picker") + "?CKEditorFuncNum=-1"

    missing = staff_client.post(url, {"image": SimpleUploadedFile("a.png", png())})
    uploaded = staff_client.post(
        url, {"image": SimpleUploadedFile("a.png", png()), "alt_text": "Delegates"}, follow=True
    )

    assert missing.status_code == 200
    assert "an image without alternative text cannot go in an email" in missing.content.decode()
    assert uploaded.redirect_chain[-1][0] == url
    image = IssueImage.objects.get()
    assert image.alt_text == "Delegates"
    assert f'data-image-url="{image.image.url}" data-alt="Delegates"' in uploaded.content.decode()


def test_the_picker_is_for_staff(client, user):
    url = reverse("admin:newsletters_issueimage_picker")

    assert client.get(url).status_code == 302
    client.force_login(user)
    assert client.get(url).status_code == 302


def test_a_link_with_an_ampersand_reads_once_unescaped_in_the_text_and_the_preheader():
    from newsletters.models.content import html_to_text

    html = '<p>See <a href="https://x.example.org/?a=1&amp;b=2">the page</a> &amp; more</p>'

    assert html_to_text(html) == "See the page (https://x.example.org/?a=1&b=2) & more"
    assert IssueFactory(welcome=html).summary.startswith(
        "See the page (https://x.example.org/?a=1&b=2)"
    )
