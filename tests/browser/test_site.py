import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_navigation_login_and_accessibility(page, axe, user):
    page.goto("/")
    assert page.title().startswith("Home")
    axe(page)

    nav = page.get_by_role("navigation", name="Main")
    for name, path in [
        ("Newsletters", "/newsletters/"),
        ("Membership", "/membership/"),
        ("Vacancies", "/vacancies/"),
    ]:
        nav.get_by_role("link", name=name).click()
        page.wait_for_url(f"**{path}")
        assert page.get_by_role("heading", level=1).is_visible()
        axe(page)

    nav.get_by_role("link", name="Log in").click()
    page.wait_for_url("**/accounts/login/")
    axe(page)
    page.get_by_label("Email address").fill("manager@example.org")
    page.get_by_label("Password").fill("a-strong-user-pass")
    page.get_by_role("button", name="Log in").click()

    page.wait_for_url("**/accounts/")
    assert page.get_by_text("You are logged in as manager@example.org").is_visible()
    assert nav.get_by_role("button", name="Log out").is_visible()
    axe(page)


def test_the_skip_link_moves_keyboard_focus_to_the_content(page):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    assert skip.evaluate("element => element === document.activeElement")

    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_a_failed_login_shows_an_accessible_error(page, axe, user):
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill("manager@example.org")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Log in").click()

    message = "The email address and/or password you specified are not correct."
    # In the error summary at the top (a link to the field), and on the form.
    assert page.locator("[data-error-summary]").get_by_role("link", name=message).is_visible()
    assert page.locator("form").get_by_text(message).is_visible()
    axe(page)


def test_pages_fit_a_320_pixel_screen(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 320, "height": 640})
    page = context.new_page()
    for path in ["/", "/accounts/login/"]:
        page.goto(path)
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        assert not overflow, f"{path} scrolls sideways at 320 px"
    context.close()
