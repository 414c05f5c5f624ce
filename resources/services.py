"""Announcing resources in the newsletter: a staff choice, made in the admin."""

from django.conf import settings
from django.db import transaction
from django.db.models import Max

from newsletters.models import Issue, Item

MEMBERS_SECTION = "For members"


class AnnounceRefused(Exception):
    """Nothing to announce in; the message tells staff what to do."""


@transaction.atomic
def announce_in_newsletter(*, resources) -> Issue:
    """Add each resource to the "For members" section of the newest draft issue (made if
    missing), once: announcing again changes nothing. Returns the issue."""
    issue = Issue.objects.filter(status=Issue.Status.DRAFT).order_by("-issued_on", "-pk").first()
    if issue is None:
        raise AnnounceRefused("There is no draft issue: start the next issue, then announce.")
    section = issue.sections.filter(heading=MEMBERS_SECTION).first()
    if section is None:
        last = issue.sections.aggregate(last=Max("position"))["last"]
        section = issue.sections.create(heading=MEMBERS_SECTION, position=(last or 0) + 1)
    for resource in resources:
        url = f"{settings.SITE_URL}{resource.get_absolute_url()}"
        if section.items.filter(link_url=url).exists():
            continue
        last = section.items.aggregate(last=Max("position"))["last"]
        Item.objects.create(
            section=section,
            title=resource.title,
            body=f"<p>{resource.summary}</p>",
            link_url=url,
            link_text="Open the resource",
            position=(last or 0) + 1,
        )
    return issue
