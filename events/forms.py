from django import forms

from tasp.forms import HoneypotForm, NameField

from .models import Event, Session, TicketType
from .services import BookerData, DelegateData

MAX_DELEGATES = 20


class BookerForm(forms.Form):
    name = NameField(label="Your name", max_length=150)
    email = forms.EmailField(label="Your email", max_length=254)
    organisation = forms.CharField(label="Organisation", max_length=200)
    billing_address = forms.CharField(
        label="Invoice address", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    po_number = forms.CharField(
        label="Purchase order number",
        max_length=100,
        required=False,
        help_text="Many public bodies pay only invoices that quote one.",
    )

    def booker(self) -> BookerData:
        return BookerData(**self.cleaned_data)


class DelegateForm(forms.Form):
    name = NameField(label="Name", max_length=150)
    email = forms.EmailField(label="Email", max_length=254)
    organisation = forms.CharField(label="Organisation", max_length=200)
    job_title = forms.CharField(label="Job title", max_length=150, required=False)
    ticket_type = forms.ModelChoiceField(
        label="Ticket", queryset=TicketType.objects.none(), empty_label=None
    )
    sessions = forms.ModelMultipleChoiceField(
        label="Workshops",
        queryset=Session.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    dietary = forms.CharField(label="Dietary requirements", max_length=300, required=False)
    access_requirements = forms.CharField(
        label="Access requirements",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="So that we can make the event work for them. We delete this a few days "
        "after the event.",
    )

    def __init__(self, *args, event: Event, member: bool, **kwargs):
        super().__init__(*args, **kwargs)
        tickets = self.fields["ticket_type"]
        tickets.queryset = event.ticket_types.all()
        tickets.label_from_instance = lambda t: (
            f"{t.name}: {'free' if t.price_for(member=member) == 0 else '£' + format(t.price_for(member=member), ',.2f')}"
        )
        workshops = event.sessions.filter(is_workshop=True)
        self.fields["sessions"].queryset = workshops
        if not workshops.exists():
            del self.fields["sessions"]

    def delegate(self) -> DelegateData:
        data = dict(self.cleaned_data)
        data["sessions"] = list(data.get("sessions") or [])
        return DelegateData(**data)


class BaseDelegateFormSet(forms.BaseFormSet):
    row_label = "Delegate"  # the error summary names a row as the page does

    def __init__(self, *args, event: Event, member: bool, **kwargs):
        self.event, self.member = event, member
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"event": self.event, "member": self.member}

    def delegates(self) -> list[DelegateData]:
        return [form.delegate() for form in self.forms]


def delegate_formset(data=None, *, event: Event, member: bool, count: int = 1):
    FormSet = forms.formset_factory(
        DelegateForm,
        formset=BaseDelegateFormSet,
        extra=max(0, min(count, MAX_DELEGATES) - 1),
        min_num=1,
        max_num=MAX_DELEGATES,
        validate_min=True,
        validate_max=True,
    )
    return FormSet(data, event=event, member=member, prefix="delegates")


class InterestForm(HoneypotForm):
    """Join the waiting list of a full event (or ask to be told when booking opens)."""

    name = NameField(label="Your name", max_length=150)
    email = forms.EmailField(label="Your email", max_length=254)
    ticket_type = forms.ModelChoiceField(
        label="Ticket", queryset=TicketType.objects.none(), required=False, empty_label="Any"
    )
    session = forms.ModelChoiceField(
        label="Workshop you want",
        queryset=Session.objects.none(),
        required=False,
        empty_label="Any",
    )

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ticket_type"].queryset = event.ticket_types.all()
        workshops = event.sessions.filter(is_workshop=True)
        if workshops.exists():
            self.fields["session"].queryset = workshops
        else:
            del self.fields["session"]


class WorkshopsForm(forms.Form):
    sessions = forms.ModelMultipleChoiceField(
        label="Workshops",
        queryset=Session.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sessions"].queryset = event.sessions.filter(is_workshop=True)


class SubstituteForm(forms.Form):
    name = NameField(label="Colleague's name", max_length=150)
    email = forms.EmailField(label="Colleague's email", max_length=254)
    organisation = forms.CharField(label="Organisation", max_length=200)
    job_title = forms.CharField(label="Job title", max_length=150, required=False)


class MessageForm(forms.Form):
    subject = forms.CharField(max_length=200)
    message = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Simple formatting and links; blank lines make paragraphs.",
    )
