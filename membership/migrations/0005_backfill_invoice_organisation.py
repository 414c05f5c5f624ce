"""Point existing invoices at the organisation they were raised for, including voided ones that
their membership has since let go of (the membership's change history still names them)."""

from django.db import migrations


def backfill(apps, schema_editor):
    Invoice = apps.get_model("membership", "Invoice")
    Membership = apps.get_model("membership", "Membership")
    HistoricalMembership = apps.get_model("membership", "HistoricalMembership")
    Organisation = apps.get_model("membership", "Organisation")
    organisations = set(Organisation.objects.values_list("pk", flat=True))
    links = set(
        Membership.objects.filter(invoice__isnull=False).values_list("invoice_id", "organisation_id")
    ) | set(
        HistoricalMembership.objects.filter(invoice__isnull=False).values_list(
            "invoice_id", "organisation_id"
        )
    )
    for invoice_id, organisation_id in sorted(links):
        if organisation_id in organisations:
            Invoice.objects.filter(pk=invoice_id, organisation__isnull=True).update(
                organisation_id=organisation_id
            )


class Migration(migrations.Migration):
    dependencies = [("membership", "0004_invoice_organisation_and_payment_note")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
