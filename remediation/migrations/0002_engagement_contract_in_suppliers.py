import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """The contract an engagement names is now suppliers.Contract: the same table, so only the
    state changes."""

    dependencies = [
        ('remediation', '0001_initial'),
        ('suppliers', '0004_contracts_from_affiliates'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.AlterField(
                model_name='engagement',
                name='contract',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='engagements', to='suppliers.contract', verbose_name='contract'),
            ),
            ],
        ),
    ]
