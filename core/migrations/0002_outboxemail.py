from django.db import migrations, models


class Migration(migrations.Migration):
    """The outbox moves here from affiliates: the state takes the model over the existing table,
    then the table is renamed. Every row stays."""

    dependencies = [
        ('core', '0001_initial'),
        ('affiliates', '0006_compliance_report'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.CreateModel(
                name='OutboxEmail',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('key', models.CharField(max_length=200, unique=True, verbose_name='key')),
                    ('recipient', models.EmailField(max_length=254, verbose_name='recipient')),
                    ('subject', models.CharField(max_length=300, verbose_name='subject')),
                    ('body_text', models.TextField(verbose_name='text')),
                    ('body_html', models.TextField(blank=True, verbose_name='HTML')),
                    ('status', models.CharField(choices=[('pending', 'Waiting'), ('sent', 'Sent'), ('failed', 'Failed')], default='pending', max_length=10, verbose_name='status')),
                    ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='attempts')),
                    ('lease_until', models.DateTimeField(blank=True, null=True)),
                    ('last_error', models.CharField(blank=True, max_length=500, verbose_name='last error')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='queued')),
                    ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='sent')),
                ],
                options={
                    'db_table': 'affiliates_outboxemail',
                    'verbose_name': 'queued e-mail',
                    'verbose_name_plural': 'queued e-mails',
                    'indexes': [models.Index(fields=['status', 'lease_until'], name='outbox_pending')],
                },
            ),
            ],
        ),
        migrations.AlterModelTable(name='OutboxEmail', table=None),
    ]
