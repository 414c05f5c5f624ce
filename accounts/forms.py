from allauth.account.forms import LoginForm as AllauthLoginForm
from django import forms
from django.core.validators import MaxLengthValidator

from tasp.forms import NameField

EMAIL_MAX_LENGTH = 254  # the column's length (RFC 5321's limit for a forward path)


class SignupDetailsForm(forms.Form):
    """What allauth's sign-up form asks beyond the address and password."""

    full_name = NameField(
        label="Your name",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    field_order = ["full_name", "email", "password1", "password2"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if email := self.fields.get("email"):  # allauth's field has no length limit of its own
            email.max_length = EMAIL_MAX_LENGTH
            email.validators.append(MaxLengthValidator(EMAIL_MAX_LENGTH))
            email.widget.attrs["maxlength"] = str(EMAIL_MAX_LENGTH)

    def signup(self, request, user) -> None:
        user.full_name = self.cleaned_data["full_name"]
        user.save(update_fields=["full_name"])


class LoginForm(AllauthLoginForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["login"].label = "Email address"
        self.fields["login"].widget.attrs.pop("placeholder", None)
        self.fields["password"].widget.attrs.pop("placeholder", None)
        if "remember" in self.fields:
            self.fields["remember"].label = "Keep me logged in on this device"
