from django.apps import AppConfig


class TaspConfig(AppConfig):
    name = "tasp"
    verbose_name = "TASP site"
