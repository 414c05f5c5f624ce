"""The static build as production runs it: whitenoise's manifest storage, which refuses any file
that names another one missing from the tree (a source map, a font, an image)."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from whitenoise.storage import MissingFileError

MANIFEST_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"


def collect(settings, tmp_path, dirs):
    settings.STATIC_ROOT = tmp_path / "collected"
    settings.STATICFILES_DIRS = dirs
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST_STORAGE}}
    call_command("collectstatic", "--no-input", verbosity=0)
    return settings.STATIC_ROOT


def test_the_sites_static_files_collect_under_manifest_storage(settings, tmp_path):
    root = collect(settings, tmp_path, settings.STATICFILES_DIRS)

    manifest = (root / "staticfiles.json").read_text()
    assert "vendor/bootstrap/bootstrap.min.css" in manifest
    assert "vendor/bootstrap/bootstrap.min.css.map" in manifest
    assert list(root.glob("vendor/bootstrap/bootstrap.min.*.css.gz"))


def test_a_file_naming_a_missing_file_fails_the_build(settings, tmp_path):
    broken = tmp_path / "static"
    broken.mkdir()
    (broken / "site.css").write_text("body{}\n/*# sourceMappingURL=site.css.map */\n")

    with pytest.raises((MissingFileError, CommandError, ValueError)):
        collect(settings, tmp_path, [broken])
