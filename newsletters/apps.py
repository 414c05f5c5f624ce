from django.apps import AppConfig


class NewslettersConfig(AppConfig):
    name = "newsletters"

    def ready(self):
        from . import receivers  # noqa: F401  (connects the membership and ESP listeners)
