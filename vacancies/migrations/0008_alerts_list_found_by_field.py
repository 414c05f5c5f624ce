"""The vacancy alerts list this app's migration 0003 made (found by its slug then) is marked
"for vacancy alerts", the field alerts_list() finds it by from now on."""

from django.db import migrations

# Written out, not imported: a migration keeps the values it was written with.
VACANCY_ALERTS_SLUG = "vacancy-alerts"


def mark_alerts_list(apps, schema_editor):
    Newsletter = apps.get_model("newsletters", "Newsletter")
    if not Newsletter.objects.filter(for_vacancy_alerts=True).exists():
        Newsletter.objects.filter(slug=VACANCY_ALERTS_SLUG).update(for_vacancy_alerts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("newsletters", "0006_vacancy_alerts_list_by_field"),
        ("vacancies", "0007_invoice_by_foreign_key"),
    ]

    operations = [migrations.RunPython(mark_alerts_list, migrations.RunPython.noop)]
