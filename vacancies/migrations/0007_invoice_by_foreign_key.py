"""An advert points at its invoice with a foreign key instead of the invoice's number."""

import django.db.models.deletion
from django.db import migrations, models


def link_invoices(apps, schema_editor):
    Vacancy = apps.get_model("vacancies", "Vacancy")
    Invoice = apps.get_model("billing", "Invoice")
    numbers = dict(Invoice.objects.values_list("number", "pk"))
    for vacancy in Vacancy.objects.exclude(invoice_reference=""):
        vacancy.invoice_id = numbers.get(vacancy.invoice_reference)
        vacancy.save(update_fields=["invoice"])


def unlink_invoices(apps, schema_editor):
    Vacancy = apps.get_model("vacancies", "Vacancy")
    for vacancy in Vacancy.objects.exclude(invoice=None).select_related("invoice"):
        vacancy.invoice_reference = vacancy.invoice.number
        vacancy.save(update_fields=["invoice_reference"])


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0002_tables_renamed"),
        ("vacancies", "0006_job_pack_served_by_view"),
    ]

    operations = [
        migrations.AddField(
            model_name="vacancy",
            name="invoice",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="vacancies",
                to="billing.invoice",
            ),
        ),
        migrations.RunPython(link_invoices, unlink_invoices),
        migrations.RemoveField(model_name="vacancy", name="invoice_reference"),
    ]
