"""Staff reach the admin only with a second factor; an emailed code or link never gives it."""

import re
import time

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.urls import reverse

pytestmark = pytest.mark.django_db

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def current_code(secret: str = SECRET) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD))


@pytest.fixture
def staff_with_app(staff_user):
    TOTP.activate(staff_user, SECRET)
    return staff_user


def password_login(client, user, password="a-strong-staff-pass", next_url="/admin/"):
    return client.post(
        f"{reverse('account_login')}?next={next_url}", {"login": user.email, "password": password}
    )


def test_staff_without_a_second_factor_cannot_reach_the_admin(client, staff_user):
    password_login(client, staff_user)
    assert client.session["_auth_user_id"] == str(staff_user.pk)  # logged in to the site

    index = client.get("/admin/")
    assert index.status_code == 302 and index.url.startswith("/admin/login/")
    login_page = client.get(index.url)

    assert login_page.url.startswith(reverse("mfa_activate_totp"))
    assert client.get("/admin/accounts/user/").status_code == 302


def test_staff_with_an_authenticator_app_must_enter_its_code_to_log_in(client, staff_with_app):
    response = password_login(client, staff_with_app)

    assert response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session  # the password alone logs nobody in

    response = client.post(reverse("mfa_authenticate"), {"code": current_code()})

    assert response.status_code == 302 and response.url == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_wrong_code_keeps_staff_out(client, staff_with_app):
    password_login(client, staff_with_app)

    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})

    assert response.status_code == 200
    assert "Incorrect code" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db(transaction=True)  # allauth announces the new authenticator on commit
def test_setting_up_an_authenticator_app_opens_the_admin(client, staff_user):
    password_login(client, staff_user)
    assert "reauthenticate" in client.get(reverse("mfa_activate_totp")).url
    client.post(reverse("account_reauthenticate"), {"password": "a-strong-staff-pass"})
    page = client.get(reverse("mfa_activate_totp") + "?next=/admin/")
    secret = re.search(r"[A-Z2-7]{32}", page.content.decode()).group(0)

    response = client.post(
        reverse("mfa_activate_totp") + "?next=/admin/", {"code": current_code(secret)}
    )

    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_an_emailed_login_code_for_a_staff_address_does_not_give_staff_rights(
    client, staff_with_app, mailoutbox, django_capture_on_commit_callbacks
):
    """Item 5: a mailbox alone never opens the admin."""
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_request_login_code"), {"email": staff_with_app.email})
    code = client.session["account_login"]["state"]["stages"]["login_by_code"]["data"]["code"]
    assert code  # the code allauth emailed

    response = client.post(reverse("account_confirm_login_code"), {"code": code})

    assert response.url == reverse("mfa_authenticate")  # the code is not enough
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


def test_an_emailed_login_code_for_staff_without_an_app_gives_no_admin(client, staff_user):
    client.post(reverse("account_request_login_code"), {"email": staff_user.email})
    code = client.session["account_login"]["state"]["stages"]["login_by_code"]["data"]["code"]

    client.post(reverse("account_confirm_login_code"), {"code": code})

    assert client.get("/admin/").status_code == 302
    setup = client.get(reverse("mfa_activate_totp"))
    assert setup.status_code == 302 and "reauthenticate" in setup.url  # needs the password


def test_staff_only_views_outside_the_admin_need_the_second_factor_too(client, staff_user):
    from accounts.access import acts_as_staff

    client.force_login(staff_user)
    request = client.get(reverse("accounts:account")).wsgi_request

    assert not acts_as_staff(request)
