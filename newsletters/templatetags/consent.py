from django import template
from django.urls import reverse
from django.utils.html import format_html

register = template.Library()

PRIVACY_NOTICE = "privacy notice"


@register.filter
def with_privacy_link(wording: str) -> str:
    """The consent wording as forms show it: the words "privacy notice" link to /privacy/."""
    before, phrase, after = wording.partition(PRIVACY_NOTICE)
    if not phrase:
        return wording
    return format_html('{}<a href="{}">{}</a>{}', before, reverse("privacy"), phrase, after)
