from django.urls import path

from tasp.public_cache import public_page

from . import views

app_name = "resources"

urlpatterns = [
    path("", public_page("resources")(views.index), name="index"),
    path("<slug:slug>/", public_page("resources")(views.detail), name="detail"),
    path("<slug:slug>/download/", views.download, name="download"),
]
