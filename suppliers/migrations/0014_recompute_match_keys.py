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


def recompute_line_keys(apps, schema_editor):
    """A line's key holds its site's name key: recompute it, or a corrected file uploaded again
    to an open disclosure would add lines instead of updating them. Where two lines of one
    disclosure now share a key, the later one keeps its old key (nothing is merged here)."""
    from suppliers.import_rows import line_key

    DisclosureLine = apps.get_model("suppliers", "DisclosureLine")
    fields = ("pk", "disclosure_id", "country", "site_name", "brand", "product_model", "line_key")
    lines = DisclosureLine.objects.only(*fields).order_by("disclosure_id", "pk")
    changed, disclosure, taken = [], None, set()
    for line in lines.iterator(chunk_size=2000):
        if line.disclosure_id != disclosure:
            disclosure = line.disclosure_id
            taken = set(
                DisclosureLine.objects.filter(disclosure_id=disclosure).values_list(
                    "line_key", flat=True
                )
            )
        key = line_key(str(line.country), line.site_name, line.brand, line.product_model)
        if key != line.line_key and key not in taken:
            taken.add(key)
            line.line_key = key
            changed.append(line)
    DisclosureLine.objects.bulk_update(changed, ["line_key"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [("suppliers", "0013_disclosure_uploads")]

    operations = [
        migrations.RunPython(recompute, migrations.RunPython.noop),
        migrations.RunPython(recompute_line_keys, migrations.RunPython.noop),
    ]
