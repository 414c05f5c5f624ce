"""Form fields every app's public forms share: one rule for names, and ids checked before a query."""

from __future__ import annotations

import unicodedata

from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from django.db import connections, models

# What str.splitlines() breaks on: any of them in a name would start a new line (or header).
LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")
# Control, format, surrogate and separator characters: invisible, or able to reorder the text
# around them (U+202E, the right-to-left override, makes "exe.pdf" read "fdp.exe").
INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
# The zero-width non-joiner and joiner are format characters too, but Persian, Hindi and other
# scripts need them to spell names, and emoji sequences are made with the joiner.
JOINERS = frozenset("\u200c\u200d")


def validate_name(value: str, *, what: str = "the name") -> None:
    """A person's or organisation's name is one line of visible text: it goes into email
    headers, invoices, CSV exports and admin lists."""
    if any(char in LINE_BREAKS for char in value):
        raise forms.ValidationError(f"Give {what} on one line.", code="line_break")
    for char in value:
        if char not in JOINERS and unicodedata.category(char) in INVISIBLE_CATEGORIES:
            raise forms.ValidationError(
                f"Remove the invisible character U+%(code)04X from {what}.",
                code="invisible_character",
                params={"code": ord(char)},
            )


def validate_address(value: str) -> None:
    """A web address shown to readers holds no invisible characters (a right-to-left override
    can make one address look like another)."""
    validate_name(value, what="the address")


class NameField(forms.CharField):
    """Every person and organisation name on a public form: surrounding spaces are stripped
    (CharField's default) and the text must pass ``validate_name``. Works as a ModelForm's
    ``Meta.field_classes`` entry, taking the column's length and label from the model."""

    default_validators = [validate_name]

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # validate_name refuses NUL with the others; one message is enough.
        self.validators = [
            v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)
        ]


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Refuses a submitted id the key column cannot hold (not a whole number, or out of its
    range, like a 40-digit number) before the ``__in`` query, which would raise OverflowError
    (SQLite) or a database error instead of answering "not one of the choices"."""

    def clean(self, value):
        values = self.prepare_value(value)
        if isinstance(values, (list, tuple)):
            for item in values:
                if not self._is_id(item):
                    text = str(item)
                    raise forms.ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": text if len(text) <= 20 else f"{text[:20]}…"},
                    )
        return super().clean(value)

    def _is_id(self, value) -> bool:
        meta = self.queryset.model._meta
        field = meta.get_field(self.to_field_name) if self.to_field_name else meta.pk
        if not isinstance(field, models.IntegerField):
            return True  # a slug or other text key: the database compares text safely
        text = str(value).strip()
        digits = text.removeprefix("-")
        # isascii(): str.isdigit() is also true for "²" and other digits int() refuses.
        if not (digits.isascii() and digits.isdigit()) or len(digits) > 20:
            return False
        low, high = connections[self.queryset.db].ops.integer_field_range(field.get_internal_type())
        number = int(text)
        return (low is None or number >= low) and (high is None or number <= high)


class HoneypotForm(forms.Form):
    """A field people never see (templates/_honeypot.html) and bots fill in: ``is_bot`` says so,
    and the view then answers as if it had worked and saves nothing."""

    website = forms.CharField(
        required=False,
        label="Leave this empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))
