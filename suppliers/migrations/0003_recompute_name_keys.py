from django.db import migrations


def recompute(apps, schema_editor):
    """Name keys now drop the dots of abbreviations ("s.r.o." = "sro"): recompute them."""
    from suppliers.matching import normalise_name

    Factory = apps.get_model("suppliers", "Factory")
    changed = []
    for factory in Factory.objects.only("pk", "name", "name_key").iterator(chunk_size=2000):
        key = normalise_name(factory.name)
        if key != factory.name_key:
            factory.name_key = key
            changed.append(factory)
    Factory.objects.bulk_update(changed, ["name_key"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [("suppliers", "0002_initial")]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
