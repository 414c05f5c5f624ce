"""Renewal reminders: the rules staff set and the reminders sent."""

from __future__ import annotations

from datetime import date

from django.core.validators import MinValueValidator
from django.db import models

from .memberships import Membership


class ReminderRule(models.Model):
    """When reminders go out: staff edit these rows, the beat task reads them each day."""

    class Kind(models.TextChoices):
        RENEWAL = "renewal", "Renewal not yet submitted (days from 1 April; negative = before)"
        UNPAID = "unpaid", "Invoice unpaid (days after the due date)"

    kind = models.CharField(max_length=10, choices=Kind)
    days = models.IntegerField()
    repeat_every_days = models.PositiveIntegerField(
        null=True, blank=True, help_text="After the first, send again every this many days."
    )
    times = models.PositiveSmallIntegerField(
        "at most",
        default=1,
        validators=[MinValueValidator(1)],
        help_text="How many reminders this rule sends at most: the first and its repeats.",
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["kind", "days"]

    def __str__(self) -> str:
        repeat = (
            f", then every {self.repeat_every_days} days, {self.times} times at most"
            if self.repeat_every_days
            else ""
        )
        return f"{self.get_kind_display().split(' (')[0]}: day {self.days}{repeat}"

    def is_due(self, *, anchor: date, today: date) -> bool:
        offset = (today - anchor).days
        if offset == self.days:
            return True
        return bool(
            self.repeat_every_days
            and offset > self.days
            and (offset - self.days) % self.repeat_every_days == 0
            and (offset - self.days) // self.repeat_every_days < self.times
        )


class SentReminder(models.Model):
    """One row per reminder sent: at most one reminder per thing per day, however often beat runs."""

    kind = models.CharField(max_length=10, choices=ReminderRule.Kind)
    membership = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    invoice = models.ForeignKey(
        "billing.Invoice", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    sent_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "membership", "sent_on"],
                condition=models.Q(membership__isnull=False),
                name="one_membership_reminder_per_day",
            ),
            models.UniqueConstraint(
                fields=["kind", "invoice", "sent_on"],
                condition=models.Q(invoice__isnull=False),
                name="one_invoice_reminder_per_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.membership or self.invoice} {self.sent_on}"
