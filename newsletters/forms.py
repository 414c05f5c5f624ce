from django import forms

from tasp.forms import HoneypotForm, ModelMultipleChoiceField, NameField
from tasp.states import InvalidMove

from .models import Newsletter, Subscriber


class SubscribeForm(HoneypotForm):
    name = NameField(max_length=150, required=False, label="Your name")
    email = forms.EmailField(max_length=254, label="Email address")
    organisation = NameField(max_length=200, required=False, label="Organisation")
    newsletters = ModelMultipleChoiceField(
        queryset=Newsletter.objects.filter(is_public=True),
        widget=forms.CheckboxSelectMultiple,
        label="Send me",
        error_messages={"required": "Choose at least one list."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("newsletters", list(self.fields["newsletters"].queryset[:1]))


class PreferencesForm(forms.Form):
    name = NameField(max_length=150, required=False, label="Your name")
    newsletters = ModelMultipleChoiceField(
        queryset=Newsletter.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Lists",
    )

    def __init__(self, *args, subscriber, **kwargs):
        super().__init__(*args, **kwargs)
        # The public lists and the lists they are on: never someone else's private list.
        self.fields["newsletters"].queryset = Newsletter.objects.offered_to(subscriber)


class TestSendForm(forms.Form):
    emails = forms.CharField(
        label="Send a test to",
        help_text="One or more addresses, separated by commas or new lines.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_emails(self):
        from django.core.validators import validate_email

        raw = [e.strip() for e in self.cleaned_data["emails"].replace("\n", ",").split(",")]
        emails = [e for e in raw if e]
        bad = []
        for email in emails:
            try:
                validate_email(email)
            except forms.ValidationError:
                bad.append(email)
        if bad:
            raise forms.ValidationError(f"Not an email address: {', '.join(bad)}")
        if not emails or len(emails) > 20:
            raise forms.ValidationError("Give between one and 20 addresses.")
        return emails


class ScheduleForm(forms.Form):
    newsletter = forms.ModelChoiceField(queryset=Newsletter.objects.all(), label="List")
    when = forms.ChoiceField(
        choices=[("now", "Send now"), ("later", "Schedule")], widget=forms.RadioSelect
    )
    scheduled_at = forms.DateTimeField(
        required=False,
        label="Date and time (UK time)",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )

    def clean(self):
        from django.utils import timezone

        data = super().clean()
        if data.get("when") == "later":
            at = data.get("scheduled_at")
            if not at:
                self.add_error("scheduled_at", "Give the date and time to send.")
            elif at <= timezone.now():
                self.add_error("scheduled_at", "Choose a time in the future.")
        return data


class ImportForm(forms.Form):
    file = forms.FileField(label="CSV file", help_text="Our export or a Mailchimp audience export.")
    newsletter = forms.ModelChoiceField(queryset=Newsletter.objects.all(), label="Add them to")
    lawful_basis = forms.ChoiceField(
        choices=[
            ("consent", "Consent (they agreed to the previous list)"),
            ("soft_opt_in", "Charitable-purpose soft opt-in (PECR)"),
        ]
    )
    dry_run = forms.BooleanField(
        required=False, initial=True, label="Dry run: report only, change nothing"
    )

    def clean_file(self):
        # 50,000 rows (import_rows.MAX_ROWS) of a Mailchimp export with all its columns is ~12 MB.
        upload = self.cleaned_data["file"]
        if upload.size > 20 * 1024 * 1024:
            raise forms.ValidationError("The file is larger than 20 MB: split it.")
        return upload


class SubscriberAdminForm(forms.ModelForm):
    """Staff may change a subscriber's status only as the table of moves allows: someone who
    unsubscribed comes back by their own consent, a bounced address is never made active."""

    class Meta:
        model = Subscriber
        fields = "__all__"  # noqa: DJ007 - the admin shows every field, as without this form

    def clean_status(self):
        wanted = self.cleaned_data["status"]
        if self.instance.pk and wanted != self.instance.status:
            try:
                self.instance.check_move(wanted)
            except InvalidMove as refusal:
                raise forms.ValidationError(str(refusal)) from refusal
        return wanted
