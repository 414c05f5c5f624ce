from django.apps import AppConfig


class TaspConfig(AppConfig):
    name = "tasp"
    verbose_name = "TASP site"

    def ready(self) -> None:
        from . import checks, public_cache  # noqa: F401

        public_cache.connect()
