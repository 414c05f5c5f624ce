"""The GOV.UK error summary, once for the whole site: base.html asks ``error_title_prefix`` for
the page title and puts ``error_summary`` at the top of the main content. Both look in the page's
context for the forms and formsets a POST bound and checked, so no view or page lists them.

Each problem links to its field: a formset's rows by their own fields, an error that belongs to
no field (a form's or a formset's) to the first field it concerns."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms, template
from django.forms.formsets import BaseFormSet

register = template.Library()


@dataclass(frozen=True)
class Problem:
    message: str
    target: str  # the id of the field the summary links to ("" when the form shows none)


def _validated(candidate) -> bool:
    # Only what the view has already checked: asking a bound form that nobody validated for its
    # errors would run its validation here (allauth's login form logs in when it is valid).
    return (
        isinstance(candidate, (forms.BaseForm, BaseFormSet))
        and candidate.is_bound
        and candidate._errors is not None
    )


def _field_target(bound: forms.BoundField) -> str:
    if bound.is_hidden or not bound.auto_id:
        return ""
    # A radio or checkbox list labels a group, not one input: link to its first choice.
    return bound.id_for_label or f"{bound.auto_id}_0"


def _first_target(form: forms.BaseForm) -> str:
    return next(filter(None, (_field_target(b) for b in form.visible_fields())), "")


def _joined(row: str, label: str, error) -> str:
    where = ", ".join(part for part in (row, label) if part)
    return f"{where}: {error}" if where else str(error)


def _form_problems(form: forms.BaseForm, row: str = "") -> list[Problem]:
    first = _first_target(form)
    problems = [Problem(_joined(row, "", error), first) for error in form.non_field_errors()]
    for bound in form:
        label = "" if bound.is_hidden else str(bound.label)
        target = _field_target(bound) or first
        problems += [Problem(_joined(row, label, error), target) for error in bound.errors]
    return problems


def _formset_problems(formset: BaseFormSet) -> list[Problem]:
    first = next((_first_target(f) for f in formset.forms), "")
    problems = [Problem(str(e), first) for e in formset.non_form_errors()]
    row_label = getattr(formset, "row_label", "Entry")
    for number, form in enumerate(formset.forms, start=1):
        if formset.can_delete and formset._should_delete_form(form):
            continue  # a row being removed is not checked
        problems += _form_problems(form, f"{row_label} {number}")
    return problems


def problems_in(context) -> list[Problem]:
    """Every error on the forms and formsets in ``context`` that a POST bound and the view
    checked, in the order the view put them in its context."""
    request = context.get("request")
    if request is None or request.method != "POST":
        return []
    found, seen = [], set()
    for value in context.flatten().values():
        if id(value) in seen or not _validated(value):
            continue
        seen.add(id(value))
        found += (
            _formset_problems(value) if isinstance(value, BaseFormSet) else _form_problems(value)
        )
    return found


@register.simple_tag(takes_context=True)
def error_title_prefix(context) -> str:
    return "Error: " if problems_in(context) else ""


@register.inclusion_tag("_error_summary.html", takes_context=True)
def error_summary(context) -> dict:
    return {"problems": problems_in(context)}
