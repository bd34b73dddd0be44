from django.db import migrations


def recompute(apps, schema_editor):
    """Name and address keys changed (issue 15: legal forms written any way, transliteration,
    street numbers kept whole, country and floor words dropped): recompute them."""
    from suppliers.matching import normalise_address, normalise_name

    Factory = apps.get_model("suppliers", "Factory")
    changed = []
    fields = ("pk", "name", "address", "name_key", "address_key")
    for factory in Factory.objects.only(*fields).iterator(chunk_size=2000):
        name_key, address_key = normalise_name(factory.name), normalise_address(factory.address)
        if (name_key, address_key) != (factory.name_key, factory.address_key):
            factory.name_key, factory.address_key = name_key, address_key
            changed.append(factory)
    Factory.objects.bulk_update(changed, ["name_key", "address_key"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [("suppliers", "0012_review_reasons_and_merges")]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
