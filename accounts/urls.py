from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "accounts"

# Log-in, sign-up, emailed codes, password reset and two-factor come from django-allauth
# (mounted at the same prefix in tasp/urls.py); these are the site's own.
urlpatterns = [
    path("", views.account, name="account"),
    # Emailed links in renewal invitations and reminders (django-sesame).
    path("magic-link/login/", views.magic_login, name="magic-login"),
    # The old "email me a login link" form: the emailed login is now a code.
    path(
        "magic-link/",
        RedirectView.as_view(pattern_name="account_request_login_code", query_string=True),
    ),
]
