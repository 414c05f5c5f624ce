from django.urls import path

from tasp.public_cache import public_page

from . import views

app_name = "vacancies"

urlpatterns = [
    path("", public_page("vacancies")(views.index), name="index"),
    path("feed/", public_page("vacancies")(views.LatestVacanciesFeed()), name="feed"),
    path("post/", views.post, name="post"),
    path("mine/", views.mine, name="mine"),
    path("alerts/", views.alerts, name="alerts"),
    path("alerts/<str:token>/", views.alert_options, name="alert-options"),
    path("<slug:slug>/", public_page("vacancies")(views.detail), name="detail"),
    path("<slug:slug>/job-pack/", views.job_pack, name="job-pack"),
    path("<slug:slug>/manage/", views.manage, name="manage"),
    path("<slug:slug>/edit/", views.edit, name="edit"),
    path("<slug:slug>/submit/", views.submit, name="submit"),
    path("<slug:slug>/close/", views.close, name="close"),
    path("<slug:slug>/relist/", views.relist, name="relist"),
]
