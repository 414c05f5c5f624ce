"""The sign-up form's extra fields (allauth builds its sign-up form on this one, so this module
imports nothing from allauth; the forms that extend allauth's are in accounts.allauth_forms)."""

from django import forms
from django.core.validators import MaxLengthValidator

from tasp.forms import NameField

EMAIL_MAX_LENGTH = 254  # the column's length (RFC 5321's limit for a forward path)


def limit_email_length(form) -> None:
    """allauth's address fields have no length limit of their own; the column holds 254."""
    if email := form.fields.get("email"):
        email.max_length = EMAIL_MAX_LENGTH
        email.validators.append(MaxLengthValidator(EMAIL_MAX_LENGTH))
        email.widget.attrs["maxlength"] = str(EMAIL_MAX_LENGTH)


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
        limit_email_length(self)

    def signup(self, request, user) -> None:
        user.full_name = self.cleaned_data["full_name"]
        user.save(update_fields=["full_name"])
