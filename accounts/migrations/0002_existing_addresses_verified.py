"""Accounts made before sign-up existed (staff, business managers, posters) keep logging in.

django-allauth lets an account log in only from a verified address. These accounts were made
by staff from membership applications or reached by emailed links, so each gets its address as
a verified, primary allauth EmailAddress.
"""

from django.db import migrations


def verify_existing(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user_id=user_id, email=email, verified=True, primary=True)
            for user_id, email in User.objects.filter(emailaddress__isnull=True).values_list(
                "pk", "email"
            )
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [migrations.RunPython(verify_existing, migrations.RunPython.noop)]
