import django.contrib.postgres.fields
import django.contrib.postgres.indexes
import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """Contracts and their checklists move here from affiliates: the state takes the models over
    the existing tables (indexes and constraints keep their names), then the tables are renamed.
    Every row stays."""

    dependencies = [
        ('affiliates', '0006_compliance_report'),
        ('suppliers', '0003_recompute_name_keys'),
        # Tables that point at affiliates_contract are created before it is renamed.
        ('remediation', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.CreateModel(
                name='Contract',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('reference', models.CharField(max_length=100, verbose_name='reference')),
                    ('title', models.CharField(max_length=255, verbose_name='title')),
                    ('product_categories', django.contrib.postgres.fields.ArrayField(base_field=models.CharField(choices=[('computers', 'Computers and laptops'), ('tablets', 'Tablets'), ('phones', 'Phones'), ('monitors', 'Monitors'), ('printers', 'Printers and imaging'), ('peripherals', 'Peripherals'), ('servers', 'Servers, storage and networking'), ('vehicles', 'Low-emission vehicles'), ('batteries', 'Batteries')], max_length=20), blank=True, default=list, size=None, verbose_name='product categories')),
                    ('cpv_codes', django.contrib.postgres.fields.ArrayField(base_field=models.CharField(max_length=10, validators=[django.core.validators.RegexValidator('^\\d{8}(-\\d)?$')]), blank=True, default=list, size=None, verbose_name='CPV codes')),
                    ('brands', models.CharField(blank=True, max_length=500, verbose_name='brands')),
                    ('product_models', models.TextField(blank=True, verbose_name='product models')),
                    ('value', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='value')),
                    ('currency', models.CharField(default='EUR', max_length=3, verbose_name='currency')),
                    ('value_eur', models.DecimalField(decimal_places=2, editable=False, max_digits=14)),
                    ('awarded_on', models.DateField(verbose_name='award date')),
                    ('start_date', models.DateField(verbose_name='start')),
                    ('end_date', models.DateField(verbose_name='end')),
                    ('ew_conditions_version', models.CharField(blank=True, choices=[('', 'Not included'), ('v1', 'Version 1'), ('v2', 'Version 2'), ('v2.1', 'Version 2.1')], max_length=10, verbose_name='Electronics Watch contract conditions')),
                    ('disclosure_due_date', models.DateField(help_text='By default 30 days after the award.', verbose_name='disclosure due')),
                    ('ocid', models.CharField(blank=True, max_length=120, verbose_name='OCDS id')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                    ('affiliate', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='contracts', to='affiliates.affiliate', verbose_name='affiliate')),
                    ('contractor', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='contracts', to='suppliers.supplier', verbose_name='contractor')),
                ],
                options={
                    'db_table': 'affiliates_contract',
                    'verbose_name': 'contract',
                    'verbose_name_plural': 'contracts',
                    'ordering': ['-awarded_on', 'reference'],
                },
            ),
            migrations.CreateModel(
                name='ChecklistItem',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('outcome', models.CharField(choices=[('sites_disclosed', 'Production sites disclosed'), ('component_sites', 'Main component sites disclosed'), ('findings_shared', 'Compliance findings shared'), ('full_findings', 'Full findings shared on evidence of a breach'), ('chemicals', 'Chemical inventory provided'), ('trading_conditions', 'Trading-conditions report provided'), ('monitor_access', 'Access for monitors'), ('no_retaliation', 'No retaliation against workers'), ('remediation', 'Written evidence of remediation'), ('prevention', 'Written evidence of prevention')], max_length=30, verbose_name='outcome')),
                    ('status', models.CharField(choices=[('open', 'Not yet due or not started'), ('achieved', 'Achieved'), ('formal_request', 'Not achieved: formal request shown'), ('not_achieved', 'Not achieved'), ('not_applicable', 'Not applicable')], default='open', max_length=20, verbose_name='status')),
                    ('due_date', models.DateField(blank=True, null=True, verbose_name='due date')),
                    ('evidence', models.TextField(blank=True, help_text="What shows the outcome, or the contractor's formal request to its supplier when it could not obtain it.", verbose_name='evidence')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                    ('affiliate', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='affiliates.affiliate', verbose_name='affiliate')),
                    ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('contract', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='checklist', to='suppliers.contract', verbose_name='contract')),
                ],
                options={
                    'db_table': 'affiliates_checklistitem',
                    'verbose_name': 'checklist item',
                    'verbose_name_plural': 'checklist items',
                },
            ),
            migrations.AlterField(
                model_name='disclosure',
                name='contract',
                field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='disclosure', to='suppliers.contract', verbose_name='contract'),
            ),
            migrations.AddIndex(
                model_name='contract',
                index=django.contrib.postgres.indexes.GinIndex(fields=['cpv_codes'], name='contract_cpv'),
            ),
            migrations.AddConstraint(
                model_name='contract',
                constraint=models.UniqueConstraint(fields=('affiliate', 'reference'), name='contract_unique_reference'),
            ),
            migrations.AddConstraint(
                model_name='contract',
                constraint=models.CheckConstraint(condition=models.Q(('end_date__gte', models.F('start_date'))), name='contract_period_order'),
            ),
            migrations.AddConstraint(
                model_name='checklistitem',
                constraint=models.UniqueConstraint(fields=('contract', 'outcome'), name='checklist_unique_outcome'),
            ),
            ],
        ),
        migrations.AlterModelTable(name='Contract', table=None),
        migrations.AlterModelTable(name='ChecklistItem', table=None),
    ]
