from django.urls import path

from tasp.public_cache import public_page

from . import views

app_name = "newsletters"

urlpatterns = [
    path("", public_page("newsletters")(views.index), name="index"),
    path("feed/", public_page("newsletters")(views.IssueFeed()), name="feed"),
    path("subscribe/", views.subscribe, name="subscribe"),
    path("subscribe/done/", views.subscribe_done, name="subscribe-done"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("preferences/<str:token>/", views.preferences, name="preferences"),
    # A tracked send's open pixel and counted links (newsletters/engagement.py).
    path("open/<int:send_id>/<str:code>.gif", views.opened, name="open"),
    path("link/<str:token>/", views.follow_link, name="click"),
    path("<slug:slug>/", public_page("newsletters")(views.issue_detail), name="issue-detail"),
]
