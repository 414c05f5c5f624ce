"""The shared rules of tasp/forms.py: one rule for names, ids checked before any query."""

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tasp.forms import ModelMultipleChoiceField, NameField
from tests.newsletters.factories import NewsletterFactory


@pytest.mark.parametrize(
    "value",
    [
        "Eve\r\nBcc: victim@example.com",
        "Eve\nSmith",
        "Eve\rSmith",
        "Eve\u2028Smith",  # line separator
        "Eve\x85Smith",  # next line
        "Eve\x00Smith",
        "Eve\x1bSmith",  # escape
        "\u202eevE",  # right-to-left override
        "Eve\u200bSmith",  # zero-width space
        "Eve\u00adSmith",  # soft hyphen
        "Eve\tSmith",
    ],
)
def test_a_name_with_a_control_or_invisible_character_is_refused(value):
    field = NameField(max_length=150)

    with pytest.raises(forms.ValidationError) as refused:
        field.clean(value)

    assert len(refused.value.messages) == 1  # one message, NUL included
    [message] = refused.value.messages
    assert message == "Give the name on one line." or message.startswith(
        "Remove the invisible character U+"
    )


@pytest.mark.parametrize(
    ("value", "cleaned"),
    [
        ("  Siân O’Neill-Smith  ", "Siân O’Neill-Smith"),
        ("Zoë Ångström", "Zoë Ångström"),
        ("Zoe\u0308", "Zoe\u0308"),  # a combining diaeresis
        ("مهدی\u200cزاده", "مهدی\u200cزاده"),  # Persian needs the zero-width non-joiner
        ("Sam 👩\u200d👩\u200d👧", "Sam 👩\u200d👩\u200d👧"),  # emoji joined with ZWJ
        ("Exampleshire LSCP (Children & Adults)", "Exampleshire LSCP (Children & Adults)"),
    ],
)
def test_real_names_pass_with_surrounding_spaces_stripped(value, cleaned):
    assert NameField(max_length=150).clean(value) == cleaned


def test_a_name_field_in_a_model_form_keeps_the_columns_length_and_label():
    from membership.forms import OrganisationDetailsForm

    field = OrganisationDetailsForm().fields["name"]

    assert isinstance(field, NameField)
    assert field.max_length == 200 and field.required


@pytest.mark.django_db
@pytest.mark.parametrize("value", [str(10**40), str(2**63), "-" + str(10**40), "１", "1.5", "abc"])
def test_an_id_the_column_cannot_hold_is_refused_before_any_query(value):
    from newsletters.models import Newsletter

    NewsletterFactory()
    field = ModelMultipleChoiceField(queryset=Newsletter.objects.all())

    with CaptureQueriesContext(connection) as queries, pytest.raises(forms.ValidationError) as e:
        field.clean([value])

    assert e.value.code == "invalid_pk_value"
    assert len(queries) == 0
    assert len(e.value.messages[0]) < 60  # a huge value is not echoed back whole


@pytest.mark.django_db
def test_ids_in_range_still_choose_their_rows():
    from newsletters.models import Newsletter

    newsletter = NewsletterFactory()
    field = ModelMultipleChoiceField(queryset=Newsletter.objects.all())

    assert list(field.clean([str(newsletter.pk)])) == [newsletter]
    with pytest.raises(forms.ValidationError) as missing:
        field.clean([str(2**63 - 1)])  # the largest id the column holds: no such row
    assert missing.value.code == "invalid_choice"
