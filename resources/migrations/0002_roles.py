"""The roles resources are written for, as TASP's members name them; staff may add more."""

from django.db import migrations

ROLES = [
    ("Business managers", "business-managers"),
    ("Independent scrutineers", "independent-scrutineers"),
    ("Statutory partners", "statutory-partners"),
    ("Partnership chairs", "partnership-chairs"),
]


def seed(apps, schema_editor):
    Audience = apps.get_model("resources", "Audience")
    for name, slug in ROLES:
        Audience.objects.get_or_create(slug=slug, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("resources", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
