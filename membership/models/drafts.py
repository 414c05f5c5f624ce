"""A renewal saved before it is confirmed: the business manager's answers, kept until they come
back (often with the purchase order number) to check and confirm them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from .memberships import Membership


class RenewalDraft(models.Model):
    membership = models.OneToOneField(
        Membership, on_delete=models.CASCADE, related_name="renewal_draft"
    )
    # The renewal form's cleaned answers: the organisation's details by field, and each
    # representative as {"name", "email", "job_title", "role"}.
    organisation_details = models.JSONField(default=dict)
    representatives = models.JSONField(default=list)
    po_number = models.CharField("purchase order number", max_length=100, blank=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    saved_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Saved renewal: {self.membership}"

    def changed_details(self, organisation) -> dict:
        """The organisation details the draft changes (those the organisation no longer has)."""
        return {
            name: value
            for name, value in self.organisation_details.items()
            if getattr(organisation, name) != value
        }
