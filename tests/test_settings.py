"""Settings come from the environment: embedded defaults for development, strict in production."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "k" * 20 + "-production-like-secret-" + "x" * 30,
    "DJANGO_ALLOWED_HOSTS": "tasp.example.org",
    "SITE_URL": "https://tasp.example.org",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/tasp",
}


def manage(*args, env_overrides: dict, drop: tuple = ()) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("DJANGO_")}
    env.update({"DJANGO_READ_DOT_ENV": "false", **env_overrides})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_in_production():
    result = manage("check", "--deploy", "--fail-level", "DEBUG", env_overrides=PRODUCTION)

    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "SITE_URL"])
def test_production_refuses_to_start_without(missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}

    result = manage("check", env_overrides=env, drop=(missing,))

    assert result.returncode != 0
    assert f"Set the {missing} environment variable" in result.stderr


def test_embedded_defaults_need_no_server(tmp_path):
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL, s.EMAIL_BACKEND,"
        " s.CACHES['default']['BACKEND'], s.TIME_ZONE, s.LANGUAGE_CODE)"
    )
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        code,
        env_overrides={"DJANGO_DEBUG": "true", "TASP_VAR_DIR": str(tmp_path)},
        drop=("DATABASE_URL", "REDIS_URL", "EMAIL_URL", "EMAIL_BACKEND"),
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "filesystem://",
        "django.core.mail.backends.filebased.EmailBackend",
        "django.core.cache.backends.filebased.FileBasedCache",
        "Europe/London",
        "en-gb",
    ]
    assert (tmp_path / "broker" / "queue").is_dir()
    assert (tmp_path / "outbox").is_dir()


def test_database_and_redis_urls_select_the_servers():
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL, s.CACHES['default']['BACKEND'])"
    )
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        code,
        env_overrides={**PRODUCTION, "REDIS_URL": "redis://127.0.0.1:6379/3"},
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "redis://127.0.0.1:6379/3",
        "django.core.cache.backends.redis.RedisCache",
    ]


def test_the_embedded_broker_keeps_every_folder_under_var(tmp_path):
    """kombu's filesystem transport puts its control folder in the working directory unless told."""
    code = (
        "import json; from django.conf import settings; "
        "print(json.dumps(settings.CELERY_BROKER_TRANSPORT_OPTIONS))"
    )
    result = manage(
        "shell",
        "-c",
        code,
        env_overrides={"DJANGO_DEBUG": "true", "TASP_VAR_DIR": str(tmp_path)},
        drop=("REDIS_URL", "DATABASE_URL"),
    )

    import json

    assert result.returncode == 0, result.stderr
    options = json.loads(result.stdout.strip().splitlines()[-1])
    folders = [
        value
        for key, value in options.items()
        if key.endswith(("_folder", "_folder_in", "_folder_out"))
    ]
    assert {"control_folder", "data_folder_in", "processed_folder"} <= options.keys()
    assert all(Path(folder).is_relative_to(tmp_path) for folder in folders), options
    assert (tmp_path / "broker" / "control").is_dir()


def test_production_refuses_a_site_url_that_is_not_https():
    result = manage("check", env_overrides={**PRODUCTION, "SITE_URL": "http://tasp.example.org"})

    assert result.returncode != 0
    assert "SITE_URL must be an https address in production" in result.stderr
