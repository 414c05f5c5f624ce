from django.db import migrations

ALERTS_SLUG = "vacancy-alerts"


def create_list(apps, schema_editor):
    Newsletter = apps.get_model("newsletters", "Newsletter")
    Newsletter.objects.get_or_create(
        slug=ALERTS_SLUG,
        defaults={
            "name": "Vacancy alerts",
            "description": "An email when a new vacancy is published on the TASP website.",
            # Public: offered on the newsletter form as well as /vacancies/alerts/, and each
            # alert's "view in browser" link needs the issue to be in the archive.
            "is_public": True,
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("vacancies", "0002_alerts"),
        ("newsletters", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_list, migrations.RunPython.noop)]
