import re

from django import template
from django.utils.safestring import mark_safe

from newsletters.models import Issue

register = template.Library()


@register.simple_tag
def latest_issue():
    """The newest issue in the public archive, for the home page."""
    return Issue.objects.archived().select_related("newsletter").first()


@register.filter
def for_email(html: str) -> str:
    """An issue's sanitised HTML as the email carries it: uploaded images by their full address
    and with a width in pixels, which Outlook keeps to (it ignores max-width)."""
    from django.conf import settings

    from newsletters.models import IssueImage

    uploads = IssueImage.by_address(SOURCE.findall(html))

    def for_mail_clients(match: re.Match) -> str:
        tag = match.group(0)
        source = SOURCE.search(tag).group(1)
        if source not in uploads:
            return tag
        if " width=" not in tag:
            tag = tag.replace("<img ", f'<img width="{uploads[source].email_width}" ', 1)
        return tag.replace(f'src="{source}"', f'src="{settings.SITE_URL}{source}"', 1)

    return mark_safe(IMAGE.sub(for_mail_clients, html))


IMAGE = re.compile(r"<img\b[^>]*>")
SOURCE = re.compile(r'<img\b[^>]*?\ssrc="([^"]*)"')
