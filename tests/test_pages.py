import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_home_page_links_every_section(client):
    response = client.get(reverse("home"))

    html = response.content.decode()
    assert response.status_code == 200
    for path in ["/newsletters/", "/membership/", "/vacancies/", "/accounts/login/"]:
        assert f'href="{path}"' in html
    assert 'href="#main">Skip to main content' in html


def test_unknown_pages_get_the_site_404(client, settings):
    settings.DEBUG = False

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_a_form_without_its_csrf_token_gets_the_sites_page_and_changes_nothing():
    from django.test import Client

    from newsletters.models import Subscriber

    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("newsletters:subscribe"), {"email": "x@example.org"})

    html = response.content.decode()
    assert response.status_code == 403
    assert "Please try again" in html
    assert 'href="/newsletters/"' in html  # the site's own navigation
    assert not Subscriber.objects.exists()


def test_the_500_page_renders_in_the_site_layout(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))

    assert response.status_code == 500
    assert "Sorry, there is a problem" in response.content.decode()


def test_seed_demo_is_idempotent_and_prints_the_login(settings, capsys):
    settings.DEBUG = True

    call_command("seed_demo")
    call_command("seed_demo")

    assert User.objects.filter(email="staff@tasp.example.org", is_staff=True).count() == 1
    assert User.objects.get(email="staff@tasp.example.org").check_password("tasp-demo-staff")
    assert "Staff login: staff@tasp.example.org / tasp-demo-staff" in capsys.readouterr().out


def test_seed_demo_refuses_without_debug(settings):
    settings.DEBUG = False

    with pytest.raises(Exception, match="DJANGO_DEBUG=true"):
        call_command("seed_demo")
