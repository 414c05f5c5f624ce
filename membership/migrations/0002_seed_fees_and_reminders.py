"""The fee schedules from TASP's newsletters and the default reminder rules, as editable data."""

from datetime import date
from decimal import Decimal

from django.db import migrations

TIERED = [(5, "1500.00"), (10, "2500.00"), (15, "3375.00"), (20, "4000.00"), (25, "4375.00")]


def seed(apps, schema_editor):
    MembershipYear = apps.get_model("membership", "MembershipYear")
    FeeSchedule = apps.get_model("membership", "FeeSchedule")
    FeeBand = apps.get_model("membership", "FeeBand")
    ReminderRule = apps.get_model("membership", "ReminderRule")
    for start in range(2019, 2027):
        year, _ = MembershipYear.objects.get_or_create(
            starts_on=date(start, 4, 1), defaults={"ends_on": date(start + 1, 3, 31)}
        )
        if start == 2019:
            # 2019/20: the old flat rate for a single-area partnership, five representatives.
            schedule, created = FeeSchedule.objects.get_or_create(
                year=year,
                kind="",
                defaults={
                    "per_extra_representative": Decimal("0.00"),
                    "notes": "Flat £1,500 for a partnership focused on one local authority area.",
                },
            )
            bands = [(5, "1500.00")]
        else:
            schedule, created = FeeSchedule.objects.get_or_create(
                year=year,
                kind="",
                defaults={
                    "per_extra_representative": Decimal("50.00"),
                    "notes": "A guide and a basis for negotiation.",
                },
            )
            bands = TIERED
        if created:
            for up_to, fee in bands:
                FeeBand.objects.create(schedule=schedule, up_to=up_to, fee=Decimal(fee))
    if not ReminderRule.objects.exists():
        ReminderRule.objects.create(kind="renewal", days=-30)
        ReminderRule.objects.create(kind="renewal", days=-7, repeat_every_days=7)
        ReminderRule.objects.create(kind="unpaid", days=1, repeat_every_days=14)


class Migration(migrations.Migration):
    dependencies = [("membership", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
