from django.urls import path

from tasp.public_cache import public_page

from . import views

app_name = "events"

urlpatterns = [
    path("", public_page("events")(views.index), name="index"),
    path("calendar.ics", public_page("events")(views.calendar_feed), name="calendar"),
    path("bookings/<str:reference>/", views.booking, name="booking"),
    path("bookings/<str:reference>/cancel/", views.cancel, name="cancel"),
    path("offers/<str:token>/", views.offer, name="offer"),
    path("delegates/<str:token>/", views.delegate, name="delegate"),
    path("<slug:slug>/", public_page("events")(views.detail), name="detail"),
    path("<slug:slug>/waiting-list/", views.interest, name="interest"),
]
