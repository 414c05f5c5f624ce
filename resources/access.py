"""Who may open a resource: the one rule the list, the page and the download share."""

from accounts.access import acts_as_staff
from membership.services import is_member

from .models import Resource


def opens_for(request, resource: Resource, *, member: bool | None = None) -> bool:
    """Whether this visitor may read the body and download the file: members (named
    representatives of an organisation with member benefits today) and staff, and everyone
    once the resource is public. ``member`` saves asking again on a list page."""
    if member is None:
        member = is_member(user=request.user)
    return resource.opens_for(is_member=member, is_staff=acts_as_staff(request))
