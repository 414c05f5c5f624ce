"""Every voided invoice has a credit note: give one to each invoice voided before credit notes
existed, numbered in the credit-note series of the year it was voided, in the order voided."""

from django.conf import settings
from django.db import migrations
from django.utils import timezone
from sequences import get_next_value


def credit_voided_invoices(apps, schema_editor):
    Invoice = apps.get_model("membership", "Invoice")
    CreditNote = apps.get_model("membership", "CreditNote")
    voided = (
        Invoice.objects.filter(status="void", total__gt=0, credit_notes__isnull=True)
        .order_by("voided_at", "pk")
    )
    for invoice in voided:
        day = timezone.localdate(invoice.voided_at) if invoice.voided_at else invoice.issued_on
        sequence = get_next_value(f"credit-note-{day.year}")
        CreditNote.objects.create(
            number=f"{settings.INVOICE_NUMBER_PREFIX}-CN-{day.year}-{sequence:04d}",
            invoice=invoice,
            issued_on=day,
            reason=f"Void: {invoice.void_reason}"[:200],
            net_total=invoice.net_total,
            vat_total=invoice.vat_total,
            total=invoice.total,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("membership", "0007_credit_notes_and_midyear_changes"),
        ("sequences", "0002_alter_sequence_last"),
    ]

    operations = [migrations.RunPython(credit_voided_invoices, migrations.RunPython.noop)]
