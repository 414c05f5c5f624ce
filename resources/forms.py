from django import forms

from .models import Audience, Resource, Topic


class ResourceFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100)
    topic = forms.ModelChoiceField(
        label="Topic",
        queryset=Topic.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label="All topics",
    )
    role = forms.ModelChoiceField(
        label="For",
        queryset=Audience.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label="Every role",
    )
    kind = forms.ChoiceField(
        label="Type", choices=[("", "All types"), *Resource.Kind.choices], required=False
    )

    def filter(self, queryset):
        """The resources the chosen filters keep; a bad value is ignored, not an error."""
        if not self.is_bound:
            return queryset
        self.is_valid()
        data = self.cleaned_data
        if data.get("topic"):
            queryset = queryset.filter(topics=data["topic"])
        if data.get("role"):
            queryset = queryset.filter(audiences=data["role"])
        if data.get("kind"):
            queryset = queryset.filter(kind=data["kind"])
        if data.get("q"):
            queryset = queryset.search(data["q"])
        return queryset

    @property
    def filtered(self) -> bool:
        return self.is_bound and any(getattr(self, "cleaned_data", {}).values())
