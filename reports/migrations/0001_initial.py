import core.uploads
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """Compliance reports move here from affiliates: the state takes the model over the existing
    table, then the table is renamed. Every row and file stays."""

    initial = True

    dependencies = [
        ('affiliates', '0006_compliance_report'),
        ('suppliers', '0004_contracts_from_affiliates'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.CreateModel(
                name='ComplianceReport',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('period_start', models.DateField(verbose_name='from')),
                    ('period_end', models.DateField(verbose_name='to')),
                    ('language', models.CharField(choices=[('en', 'English'), ('fr', 'French')], max_length=10, verbose_name='language')),
                    ('version', models.PositiveIntegerField(default=1, verbose_name='version')),
                    ('status', models.CharField(choices=[('queued', 'Queued'), ('rendering', 'Rendering'), ('ready', 'Ready'), ('failed', 'Failed')], default='queued', max_length=10, verbose_name='status')),
                    ('failure_reason', models.CharField(blank=True, max_length=500, verbose_name='why it failed')),
                    ('file', models.FileField(blank=True, max_length=200, upload_to=core.uploads.PrivateUploadTo('compliance-reports'), verbose_name='file')),
                    ('sha256', models.CharField(blank=True, max_length=64, verbose_name='SHA-256')),
                    ('page_count', models.PositiveIntegerField(blank=True, null=True, verbose_name='pages')),
                    ('size', models.PositiveIntegerField(blank=True, null=True, verbose_name='size')),
                    ('scheduled', models.BooleanField(default=False, verbose_name='scheduled')),
                    ('requested_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='requested')),
                    ('started_at', models.DateTimeField(blank=True, null=True, verbose_name='started')),
                    ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='finished')),
                    ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='attempts')),
                    ('affiliate', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='compliance_reports', to='affiliates.affiliate', verbose_name='affiliate')),
                    ('contract', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='compliance_reports', to='suppliers.contract', verbose_name='contract')),
                    ('requested_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='requested by')),
                ],
                options={
                    'db_table': 'affiliates_compliancereport',
                    'verbose_name': 'compliance report',
                    'verbose_name_plural': 'compliance reports',
                    'ordering': ['-requested_at', '-pk'],
                    'constraints': [models.CheckConstraint(condition=models.Q(('period_end__gte', models.F('period_start'))), name='compliance_report_period_order'), models.UniqueConstraint(condition=models.Q(('scheduled', True)), fields=('affiliate', 'period_start', 'period_end'), name='compliance_report_scheduled_once')],
                },
            ),
            ],
        ),
        migrations.AlterModelTable(name='ComplianceReport', table=None),
    ]
