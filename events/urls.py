from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("", views.index, name="index"),
    path("calendar.ics", views.calendar_feed, name="calendar"),
    path("bookings/<str:reference>/", views.booking, name="booking"),
    path("bookings/<str:reference>/cancel/", views.cancel, name="cancel"),
    path("offers/<str:token>/", views.offer, name="offer"),
    path("delegates/<str:token>/", views.delegate, name="delegate"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/waiting-list/", views.interest, name="interest"),
]
