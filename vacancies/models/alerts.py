"""Vacancy alerts: each advert announced once, and each reader's filters."""

from __future__ import annotations

from django.db import models

from .adverts import Vacancy, VacancyQuerySet


class VacancyAlert(models.Model):
    """A vacancy announced to the alerts list: one row per vacancy, so it goes out once. Readers
    with different filters get different issues, so one announcement can make several."""

    vacancy = models.OneToOneField(Vacancy, on_delete=models.CASCADE, related_name="alert")
    issues = models.ManyToManyField("newsletters.Issue", blank=True, related_name="vacancy_alerts")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Alert for {self.vacancy}"


class AlertFilter(models.Model):
    """Which new vacancies one alerts subscriber hears about. Nothing chosen in a kind means
    every one of it; a remote post matches every region."""

    subscriber = models.OneToOneField(
        "newsletters.Subscriber", on_delete=models.CASCADE, related_name="vacancy_alert_filter"
    )
    role_types = models.JSONField(default=list, blank=True)
    regions = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Vacancy alerts for {self.subscriber}: {self.describe()}"

    def vacancies(self, queryset: VacancyQuerySet) -> VacancyQuerySet:
        """The adverts of ``queryset`` this reader hears about."""
        return queryset.matching(role_types=self.role_types, regions=self.regions)

    def describe(self) -> str:
        roles = [Vacancy.RoleType(v).label for v in self.role_types if v in Vacancy.RoleType]
        regions = [Vacancy.Region(v).label for v in self.regions if v in Vacancy.Region]
        return "; ".join(
            [
                ", ".join(roles) if roles else "every role",
                ", ".join(regions) if regions else "every region",
            ]
        )
