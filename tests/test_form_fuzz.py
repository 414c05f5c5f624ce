"""Every public form, every field in turn, hostile values: never a 5xx, and a refusal (the form
shown again with errors, or a 4xx) changes no row of any table.

The fields come from the rendered page (its <form>'s inputs, selects and textareas), so a field
added to a form is fuzzed without touching this file. Each form is one entry in FORMS: a
function that makes what the page needs and returns a Page (its address, the values that make
a valid submission, and who is logged in). Each request runs in a savepoint rolled back after
it, so every value meets the same starting state.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
import time_machine
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.forms import BaseForm, BaseFormSet
from django.test import Client
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

HOSTILE = {
    "huge": "x" * 100_000,
    # Past the 254 of an email column, inside the 320 Django's EmailField allows by default.
    "300-character address": "a" * 288 + "@example.org",
    "NUL byte": "a\x00b",
    "header injection": "x\r\nBcc: evil@example.com",
    "RTL override": "\u202egnp.exe",
    "emoji and combining marks": "Zoë 🦊 👩\u200d👩\u200d👧 Z\u0335\u0321a\u0336l\u0338g\u0334o",
    "not a number": "abc",
    "huge id": str(10**40),
    "list": ["1", "2"],
    "empty": "",
}
# Text fields get text in every shape; a field whose value must be one of a few (a choice, a
# number, a date, an id, a file) gets the wrong types and sizes, text in any script being just
# another wrong value there.
TEXT_KINDS = {"text", "email", "search", "tel", "url", "password", "textarea"}
TEXT_VALUES = [label for label in HOSTILE if label not in {"not a number", "huge id", "list"}]
TYPED_VALUES = ["huge", "NUL byte", "not a number", "huge id", "list", "empty"]
# Names go into email headers, invoices and exports: these must be refused wherever a name is.
NOT_IN_A_NAME = {"NUL byte", "header injection", "RTL override"}
NAME_FIELD = re.compile(r"(^|[-_])name$|organisation")
PASSWORD = "a-strong-user-pass"


@dataclass
class Page:
    url: str
    valid: dict = field(default_factory=dict)  # over the page's own values: a valid submission
    user: object = None  # logged in as
    action: str = ""  # the form's action when it is not the page itself
    method: str = "post"


# --- The forms --------------------------------------------------------------------------------


def newsletter_subscribe() -> Page:
    from tests.newsletters.factories import NewsletterFactory

    newsletter = NewsletterFactory()
    return Page(
        reverse("newsletters:subscribe"),
        {"email": "fuzz@example.org", "newsletters": [str(newsletter.pk)]},
    )


def newsletter_preferences() -> Page:
    from tests.newsletters.factories import NewsletterFactory, subscribe

    (reader,) = subscribe(NewsletterFactory(), 1)
    return Page(reverse("newsletters:preferences", args=[reader.token]))


def newsletter_unsubscribe() -> Page:
    from tests.newsletters.factories import NewsletterFactory, subscribe

    (reader,) = subscribe(NewsletterFactory(), 1)
    return Page(reverse("newsletters:unsubscribe", args=[reader.token]))


def vacancy_alerts() -> Page:
    return Page(reverse("vacancies:alerts"), {"email": "fuzz@example.org", "name": "Fuzz"})


def vacancy_alert_options() -> Page:
    from tests.newsletters.factories import subscribe
    from vacancies.alerts import alerts_list

    (reader,) = subscribe(alerts_list(), 1)
    return Page(reverse("vacancies:alert-options", args=[reader.token]))


def vacancy_post() -> Page:
    from tests.vacancies.factories import UserFactory

    closes_on = timezone.localdate() + timedelta(days=21)
    valid = {
        "title": "Independent Scrutineer",
        "role_type": "independent_scrutineer",
        "organisation_name": "Agency Ltd",
        "location": "Leeds",
        "region": "yorkshire",
        "contract_type": "CONTRACTOR",
        "closes_on": closes_on.isoformat(),
        "description": "Scrutinise our arrangements.",
        "apply_email": "jobs@agency.example.com",
        "billing_name": "Agency Ltd",
        "billing_address": "1 High Street",
        "billing_email": "accounts@agency.example.com",
    }
    return Page(reverse("vacancies:post"), valid, user=UserFactory(is_staff=False))


def vacancy_search() -> Page:
    return Page(reverse("vacancies:index"), method="get")


def membership_quote() -> Page:
    return Page(reverse("membership:index"), {"representatives": "5"}, method="get")


def membership_join() -> Page:
    valid = {
        "name": "Fuzzshire Safeguarding Children Partnership",
        "kind": "single_area",
        "billing_email": "accounts@fuzzshire.example.org",
        "reps-0-name": "Pat Manager",
        "reps-0-email": "pat@fuzzshire.example.org",
        "reps-0-role": "business_manager",
    }
    return Page(reverse("membership:join"), valid)


def _business_manager():
    from django.contrib.auth import get_user_model

    from tests.membership.factories import MembershipFactory

    user = get_user_model().objects.create_user(
        email="manager@fuzzshire.example.org", password=PASSWORD, full_name="Pat Manager"
    )
    MembershipFactory(renewal_due=True, managed_by=user)
    return user


def membership_renew() -> Page:
    return Page(reverse("membership:renew"), user=_business_manager())


def membership_decline() -> Page:
    return Page(
        reverse("membership:renew"),
        {"confirm": "yes"},
        user=_business_manager(),
        action=reverse("membership:decline"),
    )


def accounts_login() -> Page:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(email="login@example.org", password=PASSWORD)
    return Page(reverse("account_login"), {"login": user.email, "password": PASSWORD})


def accounts_password_reset() -> Page:
    return Page(reverse("account_reset_password"), {"email": "login@example.org"})


def accounts_sign_up() -> Page:
    return Page(
        reverse("account_signup"),
        {
            "full_name": "Hana Recruiter",
            "email": "hana@agency.example.com",
            "password1": "a-strong-agency-pass",
            "password2": "a-strong-agency-pass",
        },
    )


def _account_holder():
    from django.contrib.auth import get_user_model

    from accounts.services import mark_address_verified

    user = get_user_model().objects.create_user(email="holder@example.org", password=PASSWORD)
    mark_address_verified(user)
    return user


def accounts_email_change() -> Page:
    return Page(
        reverse("account_email"),
        {"email": "new.holder@example.org", "action_add": ""},
        user=_account_holder(),
    )


def accounts_password_change() -> Page:
    return Page(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "a-new-strong-pass",
            "password2": "a-new-strong-pass",
        },
        user=_account_holder(),
    )


# One line per public form; a page that needs nothing made first can be a lambda.
FORMS: dict[str, Callable[[], Page]] = {
    "newsletter subscribe": newsletter_subscribe,
    "newsletter preferences": newsletter_preferences,
    "newsletter unsubscribe": newsletter_unsubscribe,
    "vacancy alerts": vacancy_alerts,
    "vacancy alert options": vacancy_alert_options,
    "vacancy post": vacancy_post,
    "vacancy search": vacancy_search,
    "membership quote": membership_quote,
    "membership join": membership_join,
    "membership renew": membership_renew,
    "membership decline": membership_decline,
    "accounts login": accounts_login,
    "accounts password reset": accounts_password_reset,
    "accounts sign-up": accounts_sign_up,
    "accounts login code": lambda: Page(
        reverse("account_request_login_code"), {"email": "login@example.org"}
    ),
    "accounts email change": accounts_email_change,
    "accounts password change": accounts_password_change,
}


# --- Reading a form off the page --------------------------------------------------------------


class FormParser(HTMLParser):
    """Each <form>'s method, action and fields, as [name, kind, value, checked] (a select's
    value is its options, [(value, selected)])."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form = self._select = self._textarea = None
        self._templates = 0  # inside <template> (a formset's blank row for JavaScript)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "template":
            self._templates += 1
        if self._templates:
            return
        if tag == "form":
            self._form = {
                "method": (attrs.get("method") or "get").lower(),
                "action": attrs.get("action") or "",
                "fields": [],
            }
            self.forms.append(self._form)
        elif tag == "option" and self._select is not None:
            self._select[2].append((attrs.get("value", ""), "selected" in attrs))
        elif self._form is None or not attrs.get("name"):
            return
        elif tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind not in {"submit", "button", "image", "reset"}:
                field = [attrs["name"], kind, attrs.get("value", ""), "checked" in attrs]
                self._form["fields"].append(field)
        elif tag == "select":
            kind = "select-multiple" if "multiple" in attrs else "select"
            self._select = [attrs["name"], kind, [], False]
            self._form["fields"].append(self._select)
        elif tag == "textarea":
            self._textarea = [attrs["name"], "textarea", "", False]
            self._form["fields"].append(self._textarea)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[2] += data

    def handle_endtag(self, tag):
        if tag == "template":
            self._templates -= 1
        elif tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def the_form(html: str, page: Page) -> dict:
    """The form the page sends to its own address (or to ``page.action``)."""
    parser = FormParser()
    parser.feed(html)
    targets = {urlsplit(page.action).path} if page.action else {"", urlsplit(page.url).path}
    for form in parser.forms:
        if form["method"] == page.method and urlsplit(form["action"]).path in targets:
            return form
    raise AssertionError(f"No {page.method} form for {targets} on {page.url}")


def page_values(form: dict) -> dict:
    """What a browser would send for the form as rendered."""
    data: dict[str, list[str]] = {}
    for name, kind, value, checked in form["fields"]:
        values = data.setdefault(name, [])
        if kind in {"select", "select-multiple"}:
            chosen = [option for option, selected in value if selected]
            if not chosen and kind == "select" and value:
                chosen = [value[0][0]]  # a browser sends a single select's first option
            values.extend(chosen)
        elif kind in {"checkbox", "radio"}:
            if checked:
                values.append(value or "on")
        elif kind != "file":
            values.append(value)
    return data


# Not fuzzed: the CSRF token (the test client does not check it), and the formset fields only
# browser scripts read (Django's formsets ignore them).
SKIPPED = re.compile(r"^csrfmiddlewaretoken$|-(MIN|MAX)_NUM_FORMS$")


def fuzzed_fields(form: dict) -> list[tuple[str, str]]:
    """(name, kind) of every field once; of a formset's rows only the first (the others are
    the same form again)."""
    fields = {}
    for name, kind, *_ in form["fields"]:
        row = re.match(r".+-(\d+)-", name)
        if not SKIPPED.search(name) and not (row and row.group(1) != "0"):
            fields.setdefault(name, kind)
    return list(fields.items())


# --- Submitting and judging -------------------------------------------------------------------


def row_counts() -> dict[str, int]:
    tables = sorted(
        {
            model._meta.db_table
            for model in apps.get_models(include_auto_created=True)
            if model._meta.managed and not model._meta.proxy
        }
    )
    quote = connection.ops.quote_name
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(zip(tables, cursor.fetchone(), strict=True))


def form_errors(response) -> list[str]:
    """The errors of every bound form or formset the page was rendered with."""
    errors = []
    for context in response.context or []:
        for value in context.flatten().values():
            if isinstance(value, BaseForm) and value.is_bound and value.errors:
                errors.append(value.errors.as_text())
            elif isinstance(value, BaseFormSet) and value.is_bound and value.total_error_count():
                errors.append(str(value.errors) + str(value.non_form_errors()))
    return errors


def submit(client: Client, page: Page, data: dict, rows: dict[str, int]):
    """(response or exception, refused, rows changed) for one submission, rolled back after.
    ``rows`` are the counts before, the same for every submission since each is undone."""
    url = page.action or page.url
    with transaction.atomic():
        try:
            response = getattr(client, page.method)(url, data)
        except Exception as error:  # the test client re-raises what the view raised
            transaction.set_rollback(True)
            return error, False, {}
        refused = response.status_code >= 400 or bool(form_errors(response))
        after = row_counts() if refused else rows
        transaction.set_rollback(True)
    changed = {table: (rows[table], after[table]) for table in rows if rows[table] != after[table]}
    return response, refused, changed


def as_field_value(kind: str, value):
    if kind != "file":
        return value
    values = value if isinstance(value, list) else [value]
    return [SimpleUploadedFile("fuzz.pdf", v.encode()) for v in values if v]


@pytest.fixture
def fuzz_settings(settings):
    settings.RATELIMIT_ENABLE = False  # django-ratelimit: one IP sends hundreds of posts here
    settings.ACCOUNT_RATE_LIMITS = False  # django-allauth's own limits
    settings.AXES_ENABLED = False  # no lock-out after the first few refused log-ins
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed
    return settings


@pytest.mark.parametrize("name", FORMS)
def test_hostile_values_in_every_field_never_500_and_a_refusal_changes_nothing(name, fuzz_settings):
    from tests.membership.factories import FeeScheduleFactory

    with time_machine.travel("2026-06-15 10:00Z", tick=True):
        FeeScheduleFactory()  # 2026/27's: the membership forms quote and invoice
        page = FORMS[name]()
        client = Client()
        if page.user is not None:
            client.force_login(page.user)
        rendered = client.get(page.url)
        assert rendered.status_code == 200, f"{page.url} answered {rendered.status_code}"
        form = the_form(rendered.content.decode(), page)
        baseline = {**page_values(form), **page.valid}
        rows = row_counts()

        response, refused, _ = submit(client, page, baseline, rows)
        assert not isinstance(response, Exception), f"the valid submission raised {response!r}"
        assert not refused, f"the valid submission was refused: {form_errors(response)}"

        problems = []
        for field_name, kind in fuzzed_fields(form):
            for label in TEXT_VALUES if kind in TEXT_KINDS else TYPED_VALUES:
                value = as_field_value(kind, HOSTILE[label])
                if kind == "file" and not value:
                    continue
                response, refused, changed = submit(
                    client, page, {**baseline, field_name: value}, rows
                )
                where = f"{field_name}={label}"
                if isinstance(response, Exception):
                    problems.append(f"{where}: raised {type(response).__name__}: {response}"[:300])
                elif response.status_code >= 500:
                    problems.append(f"{where}: answered {response.status_code}")
                elif refused and changed:
                    problems.append(f"{where}: refused, but changed rows {changed}")
                elif not refused and label in NOT_IN_A_NAME and NAME_FIELD.search(field_name):
                    problems.append(f"{where}: a name with {label} was accepted")

    assert problems == [], "\n".join(problems)
