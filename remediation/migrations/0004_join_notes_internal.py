"""The notes "<affiliate> joined the case." were written for partners; they name an affiliate,
so they become internal (EW staff only). Affiliates' members write no other timeline entry."""

from django.db import migrations
from django.db.models import Q


def join_notes_internal(apps, schema_editor):
    CaseUpdate = apps.get_model("remediation", "CaseUpdate")
    CaseUpdate.objects.filter(audience="partners").filter(
        Q(author__is_ew_staff=False) & Q(author__partner_membership__isnull=True)
    ).update(audience="internal")


class Migration(migrations.Migration):
    dependencies = [
        ("remediation", "0003_actionreminder_to_ledger"),
        ("monitoring", "0001_initial"),
    ]

    operations = [migrations.RunPython(join_notes_internal, migrations.RunPython.noop)]
