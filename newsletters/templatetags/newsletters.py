from django import template

from newsletters.models import Issue

register = template.Library()


@register.simple_tag
def latest_issue():
    """The newest issue in the public archive, for the home page."""
    return Issue.objects.archived().select_related("newsletter").first()
