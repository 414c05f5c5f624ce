"""One journey per kind of user, against gunicorn with DEBUG off, a real worker and beat,
PostgreSQL, Redis and SMTP; axe-core on every page each journey visits."""

import gzip
import re
import urllib.error
import urllib.request
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest

from tasp.management.commands.seed_demo import STAFF_EMAIL, STAFF_PASSWORD, STAFF_TOTP_SECRET
from tests.browser.focus import border_problems, focus_problems
from tests.browser.pages import Audit, log_in, post_advert_as_non_member, sign_up

pytestmark = pytest.mark.production

MANAGER_EMAIL = "manager@example.org"
IMPORT_CSV = (
    b"Email Address,First Name,Last Name,Company,OPTIN_TIME,OPTIN_IP\n"
    b"imported-one@example.org,Ann,One,Exampleshire LSCP,2019-05-01 10:00:00,192.0.2.1\n"
    b"imported-two@example.org,Bob,Two,,2019-05-01 10:00:00,192.0.2.2\n"
    b"not-an-address,Eve,Three,,,\n"
)


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def fetch(url: str, *, method="GET", data=None, headers=None):
    request = urllib.request.Request(url, method=method, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def mail_to(smtp, address: str, subject: str = "", timeout: float = 60, after: int = 0):
    """The worker and beat send the demo's people other mail meanwhile: ask for the one wanted."""
    message = smtp.message_to(address, subject, after=after, timeout=timeout)
    if message is None:
        received = [(m["to"], str(m["message"]["Subject"])) for m in smtp.messages]
        pytest.fail(f"no email to {address} about {subject!r}; received {received}")
    return message


def plain_text(message) -> str:
    return message.get_body(("plain",)).get_content()


def test_a_reader_subscribes_confirms_reads_and_staff_send_an_issue_that_arrives(stack, page, axe):
    reader = "reader@example.org"
    # The reader subscribes and confirms from the email that arrives over SMTP.
    page.goto("/newsletters/subscribe/")
    axe(page)
    page.get_by_label("Your name").fill("Sam Reader")
    page.get_by_label("Email address").fill(reader)
    page.get_by_label("TASP Newsletter").check()
    page.get_by_role("button", name="Subscribe").click()
    page.get_by_role("heading", name="Check your email").wait_for()
    axe(page)
    confirmation = mail_to(stack.smtp, reader)
    link = re.search(r"http://\S+/newsletters/confirm/\S+/", plain_text(confirmation)).group(0)
    page.goto(path_of(link))
    axe(page)
    page.get_by_role("button", name="Confirm subscription").click()
    page.get_by_role("heading", name="Subscription confirmed").wait_for()
    axe(page)

    # Reads an issue from the archive.
    page.goto("/newsletters/")
    axe(page)
    page.locator("main a[href^='/newsletters/']").first.click()
    page.get_by_role("heading", level=1).wait_for()
    axe(page)

    # Staff write an issue in the admin and send it; it arrives over SMTP.
    staff = page.context.browser.new_context(base_url=stack.url, locale="en-GB").new_page()
    staff.goto("/admin/login/?next=/admin/newsletters/issue/add/")
    axe(staff)  # the site's log-in page: the admin has none of its own
    log_in(
        staff,
        STAFF_EMAIL,
        STAFF_PASSWORD,
        "/admin/newsletters/issue/add/",
        totp_secret=STAFF_TOTP_SECRET,
    )
    staff.get_by_label("Newsletter:").select_option(label="TASP Newsletter")
    axe(staff)
    staff.locator("#id_title").fill("Newsletter - Production Check")
    staff.get_by_role("textbox", name="Editorial welcome").fill("Welcome to this issue.")
    staff.get_by_text("Add another Section").click()
    staff.locator("input[name^='sections-0'][name$='-heading']").fill("TASP Update")
    staff.get_by_text("Add another Item").first.click()
    staff.locator("input[name^='sections-0-items-0'][name$='-title']").fill("Annual conference")
    staff.get_by_role("textbox", name="Body").fill("Book now.")
    staff.get_by_role("button", name="Save and continue editing").click()
    staff.get_by_text("was added successfully").wait_for()
    axe(staff)
    staff.get_by_role("link", name="Send or schedule…").click()
    axe(staff)
    staff.get_by_label("Send now").check()
    staff.get_by_role("button", name="Continue").click()
    axe(staff)
    staff.get_by_role("button", name=re.compile(r"^Yes, send to \d+ recipients?$")).click()
    staff.get_by_text(re.compile(r"Sent — \d+ sent, 0 failed, 0 remaining")).wait_for(
        timeout=90_000
    )
    staff.context.close()
    issue = mail_to(stack.smtp, reader, "Newsletter - Production Check", timeout=90)

    # The reader opens it in the browser, then leaves with the email's one-click unsubscribe.
    view = re.search(r"http://\S+/newsletters/[\w-]+/", plain_text(issue)).group(0)
    page.goto(path_of(view))
    page.get_by_role("heading", name="Annual conference").wait_for()
    axe(page)
    assert issue["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    one_click = re.search(r"<(http[^>]+)>", str(issue["List-Unsubscribe"])).group(1)
    # As a mail client sends it (RFC 8058): no cookies, no CSRF token.
    status, _, body = fetch(
        one_click,
        method="POST",
        data=b"List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 200
    assert b"You have been unsubscribed" in body
    preferences = re.search(r"http://\S+/newsletters/preferences/\S+/", plain_text(issue)).group(0)
    page.goto(path_of(preferences))
    page.get_by_role("heading", name="Your email preferences").wait_for()
    assert not page.get_by_label("TASP Newsletter").is_checked()
    axe(page)


def test_a_business_manager_saves_the_renewal_checks_the_answers_and_downloads_the_invoice(
    stack, page, axe
):
    page.goto("/accounts/login/?next=/membership/renew/")
    page.get_by_role("link", name="Email me a login code").click()
    axe(page)
    page.get_by_label("Email").fill(MANAGER_EMAIL)
    received = len(stack.smtp.messages)
    page.get_by_role("button", name=re.compile("code", re.I)).click()
    page.wait_for_url(re.compile(r"/accounts/login/code/confirm/"))
    axe(page)
    email = mail_to(stack.smtp, MANAGER_EMAIL, "Sign-In Code", timeout=60, after=received)
    code = re.search(r"^\s*([A-Z0-9]+(?:-[A-Z0-9]+)+)\s*$", plain_text(email), re.M).group(1)
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/membership/renew/")  # where the manager was going
    axe(page)
    # No purchase order number yet: save, and come back from the account page.
    page.get_by_role("button", name="Save and come back later").click()
    page.wait_for_url("**/membership/account/")
    page.get_by_text("Your renewal is saved, not confirmed").wait_for()
    axe(page)
    page.get_by_role("link", name="Continue your renewal").click()
    page.wait_for_url("**/membership/renew/")
    page.locator("#renewal-saved").wait_for()
    page.get_by_label("Purchase order number").fill("PO-PRODUCTION-1")
    page.get_by_role("button", name="Continue").click()
    # Check your answers: the fee, the purchase order and the invoice's dates, then confirm.
    page.wait_for_url("**/membership/renew/check/")
    page.get_by_role("heading", name="Check your answers before you renew").wait_for()
    assert page.locator("#check-po").inner_text() == "PO-PRODUCTION-1"
    assert re.fullmatch(r"£[\d,]+\.\d\d.*", page.locator("#check-fee").inner_text())
    for field in ("#check-invoice-date", "#check-due-date"):
        assert re.fullmatch(r"\d{1,2} [A-Z][a-z]+ \d{4}", page.locator(field).inner_text())
    axe(page)
    page.get_by_role("link", name="Change the named representatives").click()
    page.wait_for_url("**/membership/renew/#representatives")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/membership/renew/check/")
    page.get_by_role("button", name="Confirm renewal and get invoice").click()
    page.wait_for_url("**/membership/account/")
    page.get_by_text(re.compile(r"invoice \S+ has been emailed")).wait_for()
    axe(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile(r"^PDF of invoice ")).first.click()
    with open(download_info.value.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"
    mail_to(stack.smtp, MANAGER_EMAIL, "nvoice", timeout=60)


def test_a_reader_follows_a_link_staff_see_it_counted_in_the_send_report_and_privacy_says_so(
    stack, page, axe
):
    # An issue with a link goes to the list; the stack's worker sends it over SMTP.
    received = len(stack.smtp.messages)
    stack.manage("shell", "-c", SEND_WITH_A_LINK.format(url=stack.url, staff=STAFF_EMAIL))
    reader = "reader001@example.org"  # a demo subscriber
    email = mail_to(stack.smtp, reader, "Newsletter - Report Check", timeout=90, after=received)
    html = email.get_body(("html",)).get_content()
    link = re.search(r'href="([^"]+/newsletters/link/[^"]+)"[^>]*>See the events<', html).group(1)
    assert "/events/" not in link and re.search(r"/newsletters/open/\d+/[\w-]+\.gif", html)

    # The reader follows it and lands where the email said.
    page.goto(path_of(link))
    page.wait_for_url("**/events/")

    # Staff open the send's report from the list of sends: the click is counted, not named.
    log_in(
        page, STAFF_EMAIL, STAFF_PASSWORD, "/admin/newsletters/send/", totp_secret=STAFF_TOTP_SECRET
    )
    row = page.get_by_role("row", name=re.compile("Newsletter - Report Check"))
    row.get_by_role("link", name="Send report").click()
    page.get_by_role(
        "heading", name=re.compile("^Send report: Newsletter - Report Check")
    ).wait_for()
    axe(page)
    assert page.locator("#delivery").get_by_role("row", name="Recipients").is_visible()
    engagement = page.locator("#engagement")
    clicks = engagement.get_by_role("row", name=re.compile("See the events"))
    assert clicks.inner_text().split("\t") == ["See the events", f"{stack.url}/events/", "1"]
    assert "@example.org" not in engagement.inner_text()

    # The privacy notice, from every page's footer, says what was counted.
    page.goto("/")
    page.get_by_role("link", name="Privacy notice").click()
    page.get_by_role("heading", name="Privacy notice", level=1).wait_for()
    axe(page)
    assert "but not whose" in page.get_by_role("main").inner_text()


def test_a_business_manager_adds_representatives_mid_year_and_is_invoiced_the_difference(
    stack, page, axe
):
    from membership.demo import MANAGER_PASSWORD

    log_in(page, MANAGER_EMAIL, MANAGER_PASSWORD, "/membership/account/")
    page.get_by_role("link", name="Add or remove representatives").click()
    page.wait_for_url("**/membership/account/representatives/")
    axe(page)
    named = page.locator("fieldset[data-rep-row]").count() - 1  # one spare row to fill
    # Enough new people to pass the next band's limit (bands of five: 5, 10, 15, ...).
    adding = (named // 5 + 1) * 5 + 1 - named
    for _ in range(adding - 1):
        page.get_by_role("button", name="Add another representative").click()
    rows = page.locator("fieldset[data-rep-row]")
    for number in range(adding):
        row = rows.nth(named + number)
        row.get_by_label("Name").fill(f"Mid-year Colleague {number + 1}")
        row.get_by_label("Email").fill(f"midyear{number + 1}@example.org")
        row.get_by_label("Role").select_option("other")
    page.get_by_role("button", name="Update fee").click()
    page.get_by_text(re.compile(r"To pay now for this change: £[\d,]+\.\d\d")).wait_for()
    axe(page)
    received = len(stack.smtp.messages)
    page.get_by_role("button", name="Save representatives").click()
    page.wait_for_url("**/membership/account/")
    saved = page.get_by_text(re.compile(r"Invoice (\S+) for £[\d,.]+, the difference"))
    saved.wait_for()
    number = re.search(r"Invoice (\S+) for", saved.inner_text()).group(1)
    axe(page)
    email = mail_to(stack.smtp, MANAGER_EMAIL, number, timeout=60, after=received)
    assert [part.get_filename() for part in email.iter_attachments()] == [f"{number}.pdf"]


def test_a_new_visitor_signs_up_confirms_and_posts_an_advert_at_the_non_member_price(
    stack, page, axe
):
    email, password = "hr@agency.example.com", "a-strong-agency-pass"
    page.goto("/accounts/signup/")
    axe(page)
    received = len(stack.smtp.messages)
    sign_up(
        page,
        name="Alex Agency",
        email=email,
        password=password,
        read_confirmation=lambda: plain_text(mail_to(stack.smtp, email, "Confirm", after=received)),
    )
    axe(page)
    log_in(page, email, password, "/vacancies/post/")
    axe(page)
    post_advert_as_non_member(
        page,
        title="Independent Scrutineer (agency)",
        closes_on=(date.today() + timedelta(days=30)).isoformat(),
    )
    assert page.locator("#vacancy-status").inner_text() == "Waiting for payment"
    axe(page)
    invoice = mail_to(stack.smtp, email, "We have received your vacancy", timeout=60)
    assert "£650.00" in plain_text(invoice)


def test_staff_import_subscribers_and_download_the_report(stack, page, axe):
    log_in(
        page,
        STAFF_EMAIL,
        STAFF_PASSWORD,
        "/admin/newsletters/subscriber/import/",
        totp_secret=STAFF_TOTP_SECRET,
    )
    axe(page)
    page.get_by_label("CSV file").set_input_files(
        files=[{"name": "audience.csv", "mimeType": "text/csv", "buffer": IMPORT_CSV}]
    )
    page.get_by_label("Add them to").select_option(label="TASP Newsletter")
    page.get_by_label("Dry run: report only, change nothing").uncheck()
    page.get_by_role("button", name="Import", exact=True).click()
    # The worker of the stack runs it; the page follows it and shows the report at the end.
    page.get_by_role("heading", name="Imported", exact=True).wait_for(timeout=90_000)
    axe(page)
    page.get_by_text("2 added, 0 updated, 1 rejected.", exact=True).wait_for()
    page.get_by_role("cell", name="Not a valid email address.").wait_for()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the report (CSV)").click()
    with open(download_info.value.path(), encoding="utf-8") as report:
        assert report.read().splitlines() == [
            "Line,Email address,Result,Reason",
            "2,imported-one@example.org,added,",
            "3,imported-two@example.org,added,",
            "4,not-an-address,rejected,Not a valid email address.",
        ]


SEND_WITH_A_LINK = """
from accounts.models import User
from newsletters.models import Issue, Item, Newsletter, Section
from newsletters.sending import schedule_send

newsletter = Newsletter.objects.get(slug="tasp-newsletter")
issue = Issue.objects.create(
    newsletter=newsletter, title="Newsletter - Report Check", welcome="<p>Hello.</p>"
)
section = Section.objects.create(issue=issue, heading="TASP Update", position=1)
Item.objects.create(
    section=section, title="Events", body="<p>What is on.</p>", position=1,
    link_url="{url}/events/", link_text="See the events",
)
schedule_send(issue=issue, newsletter=newsletter, user=User.objects.get(email="{staff}"))
"""


def test_a_representative_downloads_a_members_only_resource_others_cannot(stack, page, axe):
    from membership.demo import MANAGER_PASSWORD

    title = "National safeguarding reports 2021: summary and key points for ADCS"
    page.goto("/resources/")
    axe(page)
    page.get_by_role("link", name=title).click()
    page.locator("#members-only").wait_for()  # summary and how to join, no file
    axe(page)
    download_path = urlsplit(page.url).path + "download/"
    refused = page.request.get(download_path, max_redirects=0)
    assert refused.status == 302 and "/accounts/login/" in refused.headers["location"]
    assert fetch(stack.url + "/media/resources/")[0] == 404

    log_in(page, MANAGER_EMAIL, MANAGER_PASSWORD, "/resources/")
    page.get_by_role("link", name=title).click()
    axe(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile(r"^Download ")).click()
    with open(download_info.value.path(), "rb") as file:
        assert file.read().startswith(b"Summary and key points for ADCS.")


def test_a_representative_books_the_conference_at_the_member_price_before_the_public(
    stack, page, axe
):
    from membership.demo import MANAGER_PASSWORD

    page.goto("/events/")
    axe(page)
    page.get_by_role("link", name=re.compile(r"^TASP annual conference")).first.click()
    page.get_by_text(re.compile(r"Booking opens to everyone on")).wait_for()  # not yet public
    axe(page)
    conference = urlsplit(page.url).path

    log_in(page, MANAGER_EMAIL, MANAGER_PASSWORD, conference)
    page.get_by_label("Number of delegates").select_option("2")
    page.get_by_role("button", name="Change").click()
    page.get_by_text("You book at the member price").wait_for()
    axe(page)
    for number, name in enumerate(["Sam Scrutineer", "Ali Chair"]):
        delegate = page.locator("fieldset").filter(has_text=f"Delegate {number + 1}")
        delegate.get_by_label("Name").fill(name)
        delegate.get_by_label("Email").fill(f"delegate{number}@example.org")
        delegate.get_by_label("Organisation").fill("Northshire Safeguarding Partnership")
    booker = page.locator("fieldset").filter(has_text="Booked by")
    booker.get_by_label("Organisation").fill("Northshire Safeguarding Partnership")
    booker.get_by_label("Purchase order number").fill("PO-EVENTS-1")
    received = len(stack.smtp.messages)
    page.get_by_role("button", name="Book", exact=True).click()
    page.wait_for_url("**/events/bookings/**")
    page.get_by_text("Your places are held").wait_for()
    axe(page)
    number = re.search(r"invoice (\S+) has been emailed", page.content()).group(1)
    invoice = mail_to(stack.smtp, MANAGER_EMAIL, number, timeout=60, after=received)
    assert [part.get_filename() for part in invoice.iter_attachments()] == [f"{number}.pdf"]


PUBLIC_PAGES = [
    "/",
    "/newsletters/",
    "/newsletters/feed/",
    "/newsletters/subscribe/",
    "/membership/",
    "/membership/?representatives=12",
    "/membership/join/",
    "/vacancies/",
    "/vacancies/feed/",
    "/vacancies/alerts/",
    "/privacy/",
    "/resources/",
    "/resources/?q=independent+scrutiny",
    "/events/",
    "/events/calendar.ics",
    "/accounts/login/",
    "/accounts/login/code/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/healthz",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_every_public_page_answers_200(stack, path):
    status, _, body = fetch(stack.url + path)

    assert status == 200, body[:500]


def test_static_files_are_hashed_cached_for_ever_and_compressed(stack):
    _, _, home = fetch(stack.url + "/")
    css = re.search(rb'href="(/static/vendor/bootstrap/bootstrap\.min\.[0-9a-f]{12}\.css)"', home)
    assert css, "the page names the hashed file from the manifest"

    status, headers, body = fetch(
        stack.url + css.group(1).decode(), headers={"Accept-Encoding": "gzip"}
    )

    assert status == 200
    assert "max-age=315360000" in headers["Cache-Control"]
    assert "immutable" in headers["Cache-Control"]
    assert headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body).startswith(b"@charset")


def test_unknown_pages_get_the_sites_404_and_errors_its_500(stack, page, axe):
    status, _, body = fetch(stack.url + "/no-such-page/")
    assert status == 404
    assert b"Page not found" in body and b'href="/newsletters/"' in body
    page.goto("/no-such-page/")
    axe(page)

    status, _, body = fetch(stack.url + "/_probe/error/")
    assert status == 500
    assert b"Sorry, there is a problem" in body
    assert b"Traceback" not in body and b"ErrorProbe" not in body
    page.goto("/_probe/error/")
    axe(page)


def test_the_issue_editor_loads_from_the_collected_static_files(stack, page, axe):
    """With DEBUG off the editor's ES modules, import map (with the response's nonce) and
    stylesheets come from collectstatic's hashed files, and nothing breaks the policy."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(
        page,
        STAFF_EMAIL,
        STAFF_PASSWORD,
        "/admin/newsletters/issue/add/",
        totp_secret=STAFF_TOTP_SECRET,
    )

    welcome = page.get_by_role("textbox", name="Editorial welcome")
    welcome.fill("Welcome to this issue.")

    importmap = page.locator('script[type="importmap"]').text_content()
    assert re.search(r'"/static/django_prose_editor/editor\.[0-9a-f]{12}\.js"', importmap)
    assert page.locator(".field-welcome .prose-editor .prose-menubar").count() == 1
    assert page.locator("#id_welcome").input_value() == "<p>Welcome to this issue.</p>"
    axe(page)
    assert not errors, errors


def test_the_login_page_passes_axe(stack, page, axe):
    page.goto("/accounts/login/")
    axe(page)


def test_every_public_page_of_the_demo_passes_axe(stack, page):
    audit = Audit(page)
    audit.crawl(stack.url)
    audit.check("/no-such-page/")
    audit.problems.remove("/no-such-page/: HTTP 404")  # the 404 page itself must pass axe
    for path in ["/", "/newsletters/all-change/", "/vacancies/", "/membership/"]:
        assert path in audit.visited
    audit.assert_clean()


def test_keyboard_focus_and_control_edges_show_with_the_collected_stylesheet(stack, page):
    """The hashed site.css that collectstatic built, served with DEBUG off, still draws a 3:1
    focus outline on the navigation, inputs, checkboxes and button, and 3:1 input edges."""
    page.goto("/newsletters/subscribe/")
    stylesheet = page.locator('link[rel="stylesheet"][href*="/css/site."]').get_attribute("href")
    assert re.fullmatch(r"/static/css/site\.[0-9a-f]{12}\.css", stylesheet)
    kinds = set()

    problems = border_problems(page, "subscribe") + focus_problems(page, "subscribe", kinds=kinds)

    assert {"nav link", "input", "checkbox", "button"} <= kinds
    assert not problems, "\n".join(problems)
