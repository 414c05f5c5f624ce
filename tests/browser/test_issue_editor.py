"""Staff write an issue in the admin's editor, and what they wrote reaches the web page and both
parts of the email as they wrote it; a test email's every link works (issue 14's Done-when)."""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from PIL import Image

from newsletters.models import Issue
from tests.browser.pages import staff_page
from tests.newsletters.factories import NewsletterFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []
        self.images: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href"):
            self.hrefs.append(attributes["href"])
        if tag == "img":
            self.images.append(attributes["src"])


def links_in(html: str) -> Links:
    links = Links()
    links.feed(html)
    return links


def picture(path) -> str:
    Image.new("RGB", (800, 400), "#1d3557").save(path)
    return str(path)


def settled(editor, condition: str) -> None:
    """Wait until the editor's own state (not only the page's selection) meets `condition`, a JS
    expression over `s`, its selection: keys the browser handles itself (End, Shift+Arrow) reach
    the editor's state a moment later, and a key the editor handles (Enter) acts on that state."""
    editor.page.wait_for_function(
        f"el => {{ const s = el.editor.state.selection; return {condition}; }}",
        arg=editor.element_handle(),
    )


def type_in(editor, *lines: str) -> None:
    """Type into a prose editor as a person does: each line, then Enter."""
    editor.click()
    for number, line in enumerate(lines):
        if number:
            editor.press("Enter")
        if line:
            editor.page.keyboard.type(line)


def test_staff_write_an_issue_in_the_editor_and_every_part_keeps_it(
    browser, live_server, staff_user, settings, tmp_path, smtp_server, celery_worker, axe
):
    settings.SITE_URL = live_server.url  # every link in the emails points at this server
    settings.MEDIA_ROOT = tmp_path / "media"
    NewsletterFactory()
    errors: list[str] = []
    admin = staff_page(browser, live_server, staff_user)
    admin.on(
        "console",
        lambda m: m.type == "error" and errors.append(f"{admin.url} {m.text} {m.location}"),
    )
    admin.on("pageerror", lambda e: errors.append(str(e)))

    admin.goto("/admin/newsletters/issue/add/")
    axe(admin)  # empty editors: their unavailable menu buttons say so
    admin.get_by_label("Newsletter:").select_option(label="TASP Newsletter")
    admin.locator("#id_title").press_sequentially("Newsletter - Summer 2027")
    # The slug is filled in from the title as it is typed.
    assert admin.locator("#id_slug").input_value() == "newsletter-summer-2027"

    welcome = admin.get_by_role("textbox", name="Editorial welcome")
    type_in(
        welcome,
        "Welcome to the summer issue.",
        "",
        "Our second paragraph, after a blank line.",
        "- Conference bookings are open",
        "Renewals are due in April",
        "",
        "Read the guidance",
    )
    # A link on the last words: select them, then the editor's link button.
    for _ in "the guidance":
        welcome.press("Shift+ArrowLeft")
    settled(welcome, f"s.to - s.from === {len('the guidance')}")
    admin.locator(".field-welcome").get_by_role("button", name="insert link").click()
    admin.get_by_label("URL").fill(f"{live_server.url}/newsletters/")
    admin.get_by_role("button", name="Update").click()
    link = welcome.get_by_role("link", name="the guidance")
    link.wait_for()

    # An image on a line of its own after the link: the caret to the end of the line, as a
    # person does, then a new line.
    link.click()
    welcome.press("End")
    settled(welcome, "s.empty && s.$from.parentOffset === s.$from.parent.content.size")
    welcome.press("Enter")
    settled(welcome, "s.empty && s.$from.parent.content.size === 0")
    admin.locator(".field-welcome").get_by_role("button", name="figure").click()
    with admin.expect_popup() as opened:
        admin.get_by_role("button", name="Browse...").click()
    picker = opened.value
    picker.on("console", lambda m: m.type == "error" and errors.append(f"picker {m.text}"))
    picker.get_by_label("Image:").set_input_files(picture(tmp_path / "delegates.png"))
    picker.get_by_role("button", name="Upload").click()
    picker.get_by_text("Describe the image for people who cannot see it").first.wait_for()
    picker.get_by_label("Image:").set_input_files(picture(tmp_path / "delegates.png"))
    picker.get_by_label("Alternative text:").fill("Delegates at the 2026 conference")
    picker.get_by_role("button", name="Upload").click()
    axe(picker)
    insert = picker.get_by_role("button", name=re.compile("^Insert “Delegates"))
    insert.wait_for()
    # The picker closes itself on this click; a mouse click's later steps would then find the
    # page gone, so the click is dispatched in one step.
    with picker.expect_event("close"):
        insert.dispatch_event("click")
    assert admin.get_by_label("Alternative Text").input_value() == (
        "Delegates at the 2026 conference"
    )
    admin.get_by_role("button", name="Insert", exact=True).click()

    admin.get_by_text("Add another Section").click()
    admin.locator("input[name^='sections-0'][name$='-heading']").fill("TASP Update")
    admin.get_by_text("Add another Item").first.click()
    admin.locator("input[name^='sections-0-items-0'][name$='-title']").fill("Annual conference")
    body = admin.get_by_role("textbox", name="Body")
    type_in(body, "Book your place by May.", "", "Places are limited.")
    admin.get_by_role("button", name="Save and continue editing").click()
    admin.get_by_text("was added successfully").wait_for()
    axe(admin)  # the change page, its editors and image pickers included

    issue = Issue.objects.get(slug="newsletter-summer-2027")
    assert "<p>Welcome to the summer issue.</p><p>Our second paragraph" in issue.welcome
    assert "<ul><li>Conference bookings are open</li><li>Renewals are due" in issue.welcome
    assert re.search(r'<img src="/media/newsletters/[^"]+\.png" alt="Delegates', issue.welcome)

    # The web version (staff preview): paragraphs, the list, the link and the image.
    admin.goto(f"/admin/newsletters/issue/{issue.pk}/preview/web/")
    welcome_html = admin.locator(".issue-welcome").inner_html()
    assert welcome_html.count("<p>") >= 3 and "<ul>" in welcome_html
    admin.get_by_role("img", name="Delegates at the 2026 conference").wait_for()
    admin.get_by_role("link", name="the guidance").wait_for()
    assert admin.locator(".issue-item p").count() == 2
    # A readable measure, and sections that stand apart from the items in them.
    measure = admin.evaluate(
        "() => document.querySelector('.issue').getBoundingClientRect().width"
        " / parseFloat(getComputedStyle(document.querySelector('.issue-welcome p')).fontSize)"
    )
    assert 30 < measure < 45  # 70ch: about 70 characters, some 35 ems of body text
    section, item = (
        admin.locator(selector).first.evaluate(
            "h => [getComputedStyle(h).textTransform, getComputedStyle(h).borderBottomStyle]"
        )
        for selector in (".issue-section > h2", ".issue-item > h3")
    )
    assert section == ["uppercase", "solid"] and item == ["none", "none"]
    axe(admin)

    # A test send, as the SMTP server receives it.
    admin.goto(f"/admin/newsletters/issue/{issue.pk}/change/")
    admin.get_by_role("link", name="Send a test").click()
    admin.get_by_role("button", name="Send test").click()
    (received,) = smtp_server.wait_for(1)
    message = received["message"]
    html = message.get_body(("html",)).get_content()
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert re.search(r"<p[^>]*>Welcome to the summer issue.</p>\s*<p[^>]*>Our second", html)
    assert "Welcome to the summer issue.\n\nOur second paragraph, after a blank line." in text
    assert "- Conference bookings are open\n- Renewals are due in April" in text
    assert "Book your place by May.\n\nPlaces are limited." in text
    assert "[Image: Delegates at the 2026 conference]" in text

    # Every link in it answers 200: the staff-only web version with the staff session, the
    # rest as anyone who opens the email.
    found = links_in(html)
    assert found.hrefs and all(href.startswith(live_server.url) for href in found.hrefs)
    anyone = browser.new_context().request
    for href in found.hrefs:
        path = urlsplit(href).path
        staff_only = path.startswith("/admin/")
        response = (admin.request if staff_only else anyone).get(href)
        assert response.status == 200, href
        if "/unsubscribe/" in path or "/preferences/" in path:
            assert "This was a test email" in response.text(), href
    assert found.images
    for src in found.images:
        assert anyone.get(src).status == 200, src
    assert not errors, errors
