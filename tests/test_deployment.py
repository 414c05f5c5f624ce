"""What a production deployment relies on beyond settings: client addresses behind a proxy, and
uploaded files served without DEBUG."""

import pytest
from django.test import Client, RequestFactory

from tasp.middleware import ClientAddressMiddleware


def client_address(settings, *, proxies: int, forwarded: str | None) -> str:
    settings.PROXY_COUNT = proxies
    meta = {"REMOTE_ADDR": "10.0.0.2"}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    request = RequestFactory().get("/", **meta)
    ClientAddressMiddleware(lambda r: None)(request)
    return request.META["REMOTE_ADDR"]


def test_with_no_proxy_a_forwarded_header_is_not_believed(settings):
    assert client_address(settings, proxies=0, forwarded="203.0.113.9") == "10.0.0.2"


def test_behind_one_proxy_the_client_is_the_last_hop_and_forged_hops_are_ignored(settings):
    assert client_address(settings, proxies=1, forwarded="198.51.100.1, 203.0.113.9") == (
        "203.0.113.9"
    )


def test_behind_two_proxies_the_client_is_second_from_the_right(settings):
    assert client_address(settings, proxies=2, forwarded="203.0.113.9, 10.0.0.1") == ("203.0.113.9")


def test_a_short_header_leaves_the_address_alone(settings):
    assert client_address(settings, proxies=2, forwarded="203.0.113.9") == "10.0.0.2"


@pytest.mark.django_db
def test_rate_limits_count_the_client_behind_the_proxy(client, settings):
    from django.core.cache import cache

    cache.clear()
    settings.PROXY_COUNT = 1
    for n in range(20):
        client.post(
            "/newsletters/subscribe/",
            {"email": f"a{n}@example.org"},
            HTTP_X_FORWARDED_FOR="203.0.113.9",
        )
    blocked = client.post(
        "/newsletters/subscribe/", {"email": "b@example.org"}, HTTP_X_FORWARDED_FOR="203.0.113.9"
    )
    other = client.post(
        "/newsletters/subscribe/", {"email": "c@example.org"}, HTTP_X_FORWARDED_FOR="203.0.113.10"
    )

    assert blocked.status_code == 429
    assert other.status_code == 200


def test_uploads_are_served_with_debug_off(client, settings, tmp_path):
    settings.DEBUG = False
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "newsletters").mkdir()
    (tmp_path / "newsletters" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")

    response = client.get("/media/newsletters/logo.png")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    outside = Client(raise_request_exception=False).get("/media/../tasp/settings.py")
    assert outside.status_code in (400, 404)  # never a file outside MEDIA_ROOT


def test_the_image_holds_every_app_the_site_runs():
    """Each of the project's own apps is copied by the Dockerfile and packaged by pyproject.toml:
    an app left out starts fine here (the tree has it) and fails in the container."""
    import re
    import tomllib
    from pathlib import Path

    from django.conf import settings

    root = Path(settings.BASE_DIR)
    ours = {
        app.split(".")[0] for app in settings.INSTALLED_APPS if (root / app.split(".")[0]).is_dir()
    }
    copied = set(re.findall(r"^COPY (\w+) \1$", (root / "Dockerfile").read_text(), re.M))
    packaged = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"][
        "packages"
    ]["find"]["include"]

    assert ours <= copied, f"the Dockerfile does not copy {sorted(ours - copied)}"
    assert {f"{app}*" for app in ours} <= set(packaged), "pyproject.toml leaves an app out"
