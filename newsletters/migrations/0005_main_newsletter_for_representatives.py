from django.db import migrations, models

# Written out, not imported: a migration keeps the values it was written with.
MAIN_NEWSLETTER_SLUG = "tasp-newsletter"


def create_main_newsletter(apps, schema_editor):
    """The main list, which members' representatives join; a site installed before this
    migration may have made it already (the demo does), and then it is only marked."""
    Newsletter = apps.get_model("newsletters", "Newsletter")
    newsletter, _ = Newsletter.objects.get_or_create(
        slug=MAIN_NEWSLETTER_SLUG,
        defaults={
            "name": "TASP Newsletter",
            "description": "News for safeguarding partnerships, each season.",
            "is_public": True,
        },
    )
    newsletter.for_representatives = True
    newsletter.save(update_fields=["for_representatives"])


def remove_unused_main_newsletter(apps, schema_editor):
    """Undo: the list goes only if nothing was ever sent to or subscribed on it."""
    Newsletter = apps.get_model("newsletters", "Newsletter")
    Newsletter.objects.filter(
        slug=MAIN_NEWSLETTER_SLUG, issues__isnull=True, subscriptions__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("newsletters", "0004_erased_addresses"),
    ]

    operations = [
        migrations.AddField(
            model_name="newsletter",
            name="for_representatives",
            field=models.BooleanField(
                default=False,
                help_text="Members' representatives join this list when their membership "
                "becomes active.",
                verbose_name="for members' representatives",
            ),
        ),
        migrations.RunPython(create_main_newsletter, remove_unused_main_newsletter),
    ]
