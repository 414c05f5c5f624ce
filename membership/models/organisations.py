"""Organisations (members or not) and the people who act for them."""

from __future__ import annotations

from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef
from django.db.models.functions import Lower
from django.utils import timezone


class OrganisationQuerySet(models.QuerySet):
    def of_user(self, user) -> Self:
        """Organisations this login is a named representative of, on this membership year's
        membership or next year's (what their account page may show). Being named in a past
        year gives no access: people move on, and staff see the history in the admin."""
        return self._naming(user)

    def managed_by(self, user) -> Self:
        """Organisations this login is business manager of, on this membership year's
        membership or next year's: the people who may renew, decline and download invoices."""
        from .memberships import Representative

        return self._naming(user, role=Representative.Role.BUSINESS_MANAGER)

    def _naming(self, user, **representative) -> Self:
        from .memberships import Representative
        from .years import MembershipYear

        if not user.is_authenticated:
            return self.none()
        named = Representative.objects.filter(
            membership__organisation=OuterRef("pk"),
            membership__year__starts_on__in=MembershipYear.acting_starts(),
            person__organisation=OuterRef("pk"),
            person__user=user,
            **representative,
        )
        return self.filter(Exists(named))


class Organisation(models.Model):
    class Kind(models.TextChoices):
        SINGLE_AREA = "single_area", "Partnership for a single local authority area"
        MULTI_AREA = "multi_area", "Partnership across several areas"
        NATIONAL = "national", "National organisation"
        OTHER = "other", "Other organisation"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.SINGLE_AREA)
    areas = models.CharField(
        max_length=500, blank=True, help_text="Local authority areas covered, comma separated."
    )
    address = models.TextField(blank=True)
    billing_name = models.CharField("billing contact", max_length=200, blank=True)
    billing_email = models.EmailField("billing email", blank=True)
    invoice_notes = models.TextField(blank=True, help_text="Printed on every invoice.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="organisation_name_ci_unique")]

    def __str__(self) -> str:
        return self.name

    @property
    def area_list(self) -> list[str]:
        return [area.strip() for area in self.areas.split(",") if area.strip()]


class Person(models.Model):
    """Someone at a member organisation; business managers have a login."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="people")
    name = models.CharField(max_length=150)
    email = models.EmailField()
    job_title = models.CharField(max_length=150, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="membership_people",
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"
        constraints = [
            models.UniqueConstraint(
                "organisation", Lower("email"), name="person_email_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"
