"""allauth's forms, fitted to the site (ACCOUNT_FORMS)."""

from allauth.account.forms import AddEmailForm as AllauthAddEmailForm
from allauth.account.forms import LoginForm as AllauthLoginForm

from .forms import limit_email_length


class LoginForm(AllauthLoginForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["login"].label = "Email address"
        self.fields["login"].widget.attrs.pop("placeholder", None)
        self.fields["password"].widget.attrs.pop("placeholder", None)
        if "remember" in self.fields:
            self.fields["remember"].label = "Keep me logged in on this device"


class AddEmailForm(AllauthAddEmailForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        limit_email_length(self)
