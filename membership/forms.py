from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from tasp.forms import NameField

from .fees import MAX_REPRESENTATIVES
from .models import Membership, Organisation, Representative
from .services import RepresentativeData


class QuoteForm(forms.Form):
    representatives = forms.IntegerField(
        label="Number of named representatives",
        min_value=1,
        max_value=MAX_REPRESENTATIVES,
        error_messages={
            "invalid": "Enter the number of representatives as a whole number, like 7.",
            "min_value": "A membership names at least 1 representative.",
            "max_value": f"Please contact us about more than {MAX_REPRESENTATIVES} representatives.",
            "required": "Enter the number of representatives.",
        },
    )


class RepresentativeForm(forms.Form):
    # Not required field by field: a spare row left empty is fine, so no row shows the required
    # marks (the page says in words what each representative needs); ``clean`` asks a row that
    # names someone for the rest.
    name = NameField(max_length=150, required=False)
    email = forms.EmailField(max_length=254, required=False)
    job_title = forms.CharField(label="Job title (optional)", max_length=150, required=False)
    # A blank first choice, so an untouched extra row counts as unchanged (and is skipped).
    role = forms.ChoiceField(
        choices=[("", "Choose a role"), *Representative.Role.choices], required=False
    )

    NEEDED = {
        "name": "Enter the representative's name.",
        "email": "Enter the representative's email address.",
        "role": "Choose the representative's role.",
    }

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(name) for name in ("name", "email", "job_title", "role")):
            return cleaned  # an empty row: nobody named here
        for name, message in self.NEEDED.items():
            if not cleaned.get(name) and name not in self.errors:
                self.add_error(name, message)
        return cleaned


class BaseRepresentativeFormSet(forms.BaseFormSet):
    row_label = "Representative"  # the error summary names a row as the page does

    def clean(self):
        if any(self.errors):
            return
        emails = set()
        count = 0
        has_business_manager = False
        for form in self.forms:
            if not self._is_named(form):
                continue
            count += 1
            if form.cleaned_data["role"] == Representative.Role.BUSINESS_MANAGER:
                has_business_manager = True
            email = form.cleaned_data["email"].strip().lower()
            if email in emails:
                raise ValidationError(
                    f"{email} is named twice: each representative needs their own email address."
                )
            emails.add(email)
        if count == 0:
            raise ValidationError("Name at least one representative.")
        if count > MAX_REPRESENTATIVES:
            raise ValidationError(
                f"Please contact us about more than {MAX_REPRESENTATIVES} representatives."
            )
        if not has_business_manager:
            raise ValidationError(
                "Name at least one representative with the role “Business manager”: "
                "they receive the invoices and next year's renewal invitation."
            )

    def representatives(self) -> list[RepresentativeData]:
        return [
            RepresentativeData(
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                job_title=form.cleaned_data.get("job_title", ""),
                role=form.cleaned_data["role"],
            )
            for form in self.forms
            if self._is_named(form)
        ]

    def _is_named(self, form) -> bool:
        # Prefilled rows count even when untouched; a blank row (a spare left empty, or a
        # prefilled one cleared) names nobody.
        return bool(form.cleaned_data.get("name")) and not self._should_delete_form(form)


def representative_formset(data=None, *, initial=None, prefix="reps", spare=1):
    """The representative rows: one per person in ``initial``, then ``spare`` empty ones."""
    formset = forms.formset_factory(
        RepresentativeForm,
        formset=BaseRepresentativeFormSet,
        extra=spare,
        can_delete=True,
        max_num=MAX_REPRESENTATIVES,
        validate_max=True,
        absolute_max=MAX_REPRESENTATIVES + 50,
    )
    return formset(data, initial=initial, prefix=prefix)


class OrganisationDetailsForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "areas", "address", "billing_name", "billing_email"]
        field_classes = {"name": NameField, "billing_name": NameField}
        widgets = {"address": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"billing_name": "Who should the invoice be addressed to?"}

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = Organisation.objects.filter(name__iexact=name)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError("Another organisation already has this name; please contact us.")
        return name


class JoinForm(OrganisationDetailsForm):
    po_number = forms.CharField(label="Purchase order number", max_length=100, required=False)

    class Meta(OrganisationDetailsForm.Meta):
        fields = ["name", "kind", "areas", "address", "billing_name", "billing_email"]

    def details(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "po_number"}


class RenewalForm(forms.Form):
    po_number = forms.CharField(
        label="Purchase order number",
        max_length=100,
        required=False,
        help_text="Many public bodies pay only invoices that quote one.",
    )


class MembershipAdminForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = [
            "organisation",
            "year",
            "status",
            "schedule_fee",
            "negotiated_fee",
            "negotiated_reason",
            "po_number",
            "invoice",
        ]

    # A membership added by hand starts where the services can take it on (a renewal to send,
    # or an application to approve); it becomes active only through payment or an accepted PO.
    ADD_STATUSES = [Membership.Status.RENEWAL_DUE, Membership.Status.SUBMITTED]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        status_field = self.fields.get("status")
        if status_field is not None and not self.instance.pk:
            status_field.choices = [(s.value, s.label) for s in self.ADD_STATUSES]

    def clean(self):
        cleaned = super().clean()
        if {"negotiated_fee", "negotiated_reason"} & set(self.changed_data):
            errors = self.instance.negotiation_errors(
                cleaned.get("negotiated_fee"), cleaned.get("negotiated_reason", "")
            )
            for field, message in errors.items():
                self.add_error(field, message)
        return cleaned


class VoidInvoiceForm(forms.Form):
    reason = forms.CharField(max_length=200)
