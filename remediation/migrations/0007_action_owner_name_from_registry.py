"""An action whose owner is a company of the registry is named after that company: existing
rows whose typed owner name contradicts the registry take the registry's name."""

from django.db import migrations
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Left


def owner_name_from_registry(apps, schema_editor):
    RemediationAction = apps.get_model("remediation", "RemediationAction")
    Supplier = apps.get_model("suppliers", "Supplier")
    RemediationAction.objects.filter(owner_supplier__isnull=False).update(
        owner_name=Left(
            Subquery(Supplier.objects.filter(pk=OuterRef("owner_supplier_id")).values("name")[:1]),
            200,
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("remediation", "0006_performance"),
    ]

    operations = [migrations.RunPython(owner_name_from_registry, migrations.RunPython.noop)]
