"""What was typed as "paid so far" becomes one payment, dated the day the compensation was
last changed: from now on `Compensation.amount_paid` is the sum of the payments."""

from django.db import migrations
from django.utils import timezone

NOTE = "Paid before payments were recorded one by one."


def paid_as_payments(apps, schema_editor):
    Compensation = apps.get_model("remediation", "Compensation")
    CompensationPayment = apps.get_model("remediation", "CompensationPayment")
    CompensationPayment.objects.bulk_create(
        CompensationPayment(
            compensation_id=compensation.pk,
            paid_on=timezone.localdate(compensation.updated_at),
            amount=compensation.amount_paid,
            note=NOTE,
        )
        for compensation in Compensation.objects.filter(amount_paid__gt=0, payments__isnull=True)
    )


def payments_as_paid(apps, schema_editor):
    # Back: `amount_paid` already holds the sum; the payments go with their table.
    pass


class Migration(migrations.Migration):
    dependencies = [("remediation", "0010_compensation_payments")]

    operations = [migrations.RunPython(paid_as_payments, payments_as_paid)]
