import django.db.models.deletion
from django.db import migrations, models

ALERTS_SLUG = "vacancy-alerts"


def copy_issues(apps, schema_editor):
    VacancyAlert = apps.get_model("vacancies", "VacancyAlert")
    for alert in VacancyAlert.objects.all():
        alert.issues.add(alert.issue_id)


def copy_issues_back(apps, schema_editor):
    VacancyAlert = apps.get_model("vacancies", "VacancyAlert")
    for alert in VacancyAlert.objects.all():
        first = alert.issues.order_by("pk").first()
        if first is None:
            # Announced to nobody (no reader's filter matched): the old schema cannot say that.
            alert.delete()
            continue
        alert.issue_id = first.pk
        alert.save(update_fields=["issue"])


def alerts_list_options(apps, schema_editor):
    # Alerts are one-off announcements: out of the newsletter archive, with a page of their own
    # where readers choose role types and regions.
    Newsletter = apps.get_model("newsletters", "Newsletter")
    Newsletter.objects.filter(slug=ALERTS_SLUG).update(
        in_archive=False, options_url_name="vacancies:alert-options"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("newsletters", "0002_segments_and_archive"),
        ("vacancies", "0004_hiring_organisation"),
    ]

    operations = [
        migrations.AddField(
            model_name="vacancyalert",
            name="issues",
            field=models.ManyToManyField(blank=True, related_name="+", to="newsletters.issue"),
        ),
        migrations.RunPython(copy_issues, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="vacancyalert",
            name="issue",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="newsletters.issue",
            ),
        ),
        migrations.RunPython(migrations.RunPython.noop, copy_issues_back),
        migrations.RemoveField(model_name="vacancyalert", name="issue"),
        migrations.AlterField(
            model_name="vacancyalert",
            name="issues",
            field=models.ManyToManyField(
                blank=True, related_name="vacancy_alerts", to="newsletters.issue"
            ),
        ),
        migrations.CreateModel(
            name="AlertFilter",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("role_types", models.JSONField(blank=True, default=list)),
                ("regions", models.JSONField(blank=True, default=list)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "subscriber",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="vacancy_alert_filter",
                        to="newsletters.subscriber",
                    ),
                ),
            ],
        ),
        migrations.RunPython(alerts_list_options, migrations.RunPython.noop),
    ]
