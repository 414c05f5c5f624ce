from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from tasp.forms import HoneypotForm, NameField

from .models import BILLING_FIELDS, LONDON, VACANCY_FIELDS, Vacancy, sanitise_description
from .validators import too_big_message


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class VacancyCleaningMixin:
    """Rules shared by the public form and the admin: dates ahead, a way to apply, safe HTML."""

    def clean_description(self):
        description = sanitise_description(self.cleaned_data["description"])
        if not description.strip():
            raise ValidationError("Describe the role.")
        return description

    def clean_closes_on(self):
        closes_on = self.cleaned_data["closes_on"]
        if self.instance.pk and closes_on == self.instance.closes_on:
            # An unchanged date is not re-checked, so an advert in its last days can still have
            # a typo fixed. Submitting a draft checks the date again (services.submit_vacancy).
            return closes_on
        if closes_on and closes_on <= timezone.localdate(timezone=LONDON):
            raise ValidationError("The closing date must be in the future.")
        return closes_on

    def clean(self):
        cleaned = super().clean()
        closes_on = cleaned.get("closes_on")
        for field in ("interview_on", "starts_on"):
            day = cleaned.get(field)
            if day and closes_on and day < closes_on:
                self.add_error(field, "This date should not be before the closing date.")
        return cleaned


class VacancyForm(HoneypotForm, VacancyCleaningMixin, forms.ModelForm):
    class Meta:
        model = Vacancy
        fields = VACANCY_FIELDS + BILLING_FIELDS
        field_classes = {
            "organisation_name": NameField,
            "contact_name": NameField,
            "billing_name": NameField,
        }
        widgets = {
            "closes_on": DateInput(),
            "interview_on": DateInput(),
            "starts_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 10}),
            "billing_address": forms.Textarea(attrs={"rows": 4}),
            "job_pack": forms.ClearableFileInput(
                attrs={
                    "accept": ".pdf,.docx,application/pdf,"
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
                }
            ),
        }
        help_texts = {
            "description": "Plain text, or simple HTML: paragraphs, bold, italics, lists and links.",
            "job_pack": "Optional: a PDF or a Word .docx file (not .doc).",
            "po_number": "Optional: we print it on the invoice. Once we accept your purchase "
            "order, the advert can be published before the invoice is paid.",
        }

    def __init__(self, *args, is_member: bool, job_pack_stopped: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.is_member = is_member
        # The view stopped reading the upload at the size limit (vacancies.uploads).
        self.job_pack_stopped = job_pack_stopped
        if is_member:
            # Members pay nothing, so there is nobody to invoice.
            for name in BILLING_FIELDS:
                del self.fields[name]
        else:
            for name in ("billing_name", "billing_address", "billing_email"):
                self.fields[name].required = True

    def clean_job_pack(self):
        if self.job_pack_stopped:
            # The file never arrived, so the model's validate_job_pack cannot say it is too big.
            raise ValidationError(too_big_message(), code="too_big")
        return self.cleaned_data["job_pack"]

    def changes(self) -> dict:
        """The cleaned values of the advert's own fields, for services.edit_vacancy."""
        return {name: self.cleaned_data[name] for name in self._meta.fields if name in self.fields}


class ModerationForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve and publish"), ("reject", "Reject")],
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, purchase_order: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if purchase_order:  # an advert waiting for payment, with a purchase order to accept
            self.fields["decision"].choices = [
                ("accept_po", f"Accept purchase order {purchase_order} and publish"),
                *self.fields["decision"].choices,
            ]

    reason = forms.ChoiceField(
        choices=[("", "—"), *Vacancy.RejectionReason.choices],
        required=False,
        help_text="Needed to reject; the poster is told.",
    )
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Optional: sent to the poster with a rejection, kept in the history.",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "reject" and not cleaned.get("reason"):
            self.add_error("reason", "Choose why the advert is rejected.")
        return cleaned


class VacancyFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100)
    role_type = forms.ChoiceField(
        label="Role type",
        choices=[("", "All role types"), *Vacancy.RoleType.choices],
        required=False,
    )
    region = forms.ChoiceField(
        label="Region",
        choices=[("", "All regions"), *Vacancy.Region.choices],
        required=False,
        help_text="A region's results include remote roles.",
    )
    sort = forms.ChoiceField(
        label="Order",
        choices=[("closing", "Closing soonest"), ("newest", "Newest first")],
        required=False,
    )

    @property
    def includes_remote(self) -> bool:
        """A region is chosen (not Remote itself), so remote roles are among the results."""
        region = getattr(self, "cleaned_data", {}).get("region")
        return bool(region) and region != Vacancy.Region.REMOTE

    def filter(self, queryset):
        if not self.is_bound:
            return queryset
        self.is_valid()  # a field with a bad value is left out of cleaned_data and ignored
        data = self.cleaned_data
        if data.get("q"):
            queryset = queryset.search(data["q"])
        queryset = queryset.matching(
            role_types=[data["role_type"]] if data.get("role_type") else [],
            regions=[data["region"]] if data.get("region") else [],
        )
        if data.get("sort") == "newest":
            return queryset.order_by("-published_at", "pk")
        return queryset.order_by("closes_on", "-published_at", "pk")


class AlertOptionsForm(forms.Form):
    """Which new vacancies to hear about; nothing ticked means all of them."""

    role_types = forms.MultipleChoiceField(
        label="Roles",
        choices=Vacancy.RoleType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked to hear about every role.",
    )
    regions = forms.MultipleChoiceField(
        label="Regions",
        choices=[c for c in Vacancy.Region.choices if c[0] != Vacancy.Region.REMOTE],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked to hear about every region. Remote posts always come.",
    )


class AlertSubscribeForm(HoneypotForm, AlertOptionsForm):
    email = forms.EmailField(label="Email address", max_length=254)
    name = NameField(label="Your name", max_length=150, required=False)
