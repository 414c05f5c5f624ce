from django.apps import AppConfig


class TaspConfig(AppConfig):
    name = "tasp"
    verbose_name = "TASP site"

    def ready(self) -> None:
        from . import checks  # noqa: F401
