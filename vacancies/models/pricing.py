"""What an advert costs: free for members, a price per year for others."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models


class VacancyPricing(models.Model):
    """One row: what a non-member pays to advertise (members advertise free), and how alerts go."""

    class AlertFrequency(models.TextChoices):
        IMMEDIATE = "immediate", "One email per vacancy, as it is published"
        DAILY = "daily", "A daily digest of the day's new vacancies"

    non_member_price = models.DecimalField(
        max_digits=9,
        decimal_places=2,
        default=Decimal("650.00"),
        validators=[MinValueValidator(Decimal("0.00"))],
        help_text="In pounds, shown to non-members before they submit an advert.",
    )
    alert_frequency = models.CharField(
        max_length=10,
        choices=AlertFrequency,
        default=AlertFrequency.IMMEDIATE,
        help_text="How people subscribed to vacancy alerts hear about new adverts.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "vacancy pricing and alerts"

    def __str__(self) -> str:
        return f"Non-member advert: £{self.non_member_price:,.2f}"

    def save(self, *args, **kwargs):
        self.pk = 1  # a singleton: there is only ever one price
        super().save(*args, **kwargs)

    @classmethod
    def current(cls) -> VacancyPricing:
        pricing, _ = cls.objects.get_or_create(pk=1)
        return pricing

    @classmethod
    def current_read_only(cls) -> VacancyPricing:
        """``current()`` without writing, for pages anyone may read: the row, or the defaults it
        will be made with until something first asks for it."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)


# --- Vacancy ----------------------------------------------------------------------------------
