from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    """pg_trgm powers factory matching (similarity on normalised names and addresses)."""

    dependencies = []

    operations = [TrigramExtension()]
