from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("", views.index, name="index"),
    path("calendar.ics", views.calendar_feed, name="calendar"),
    path("bookings/<str:reference>/", views.booking, name="booking"),
    path("delegates/<str:token>/", views.delegate, name="delegate"),
    path("<slug:slug>/", views.detail, name="detail"),
]
