"""Candidate blocking for matching (issue 18): each factory's name as blocking keys, in a table
kept by a trigger, filled here in one statement.

`suppliers_match_keys(country, name_key, probe)` is the one definition of the keys, for the
factories stored (`probe` false) and for the sites looked up (`probe` true); all are prefixed
with the country:

- every word of three letters or more but the generic ones (`GENERIC_NAME_WORDS` of
  suppliers/matching.py, copied here as it was): "CN:hongda";
- every two neighbouring words joined, so that "Bai Na" meets "Baina": "CN:baina";
- for a word of six letters or more, its first and its last half with its length:
  "CN:<6:hon", "CN:>6:gda". One typo (a letter missing, added or changed) leaves one half
  whole; a probe tries the halves of the lengths the stored word may have (one more, one
  less), so "Hogda" finds "Hongda".
"""

from django.db import migrations, models

GENERIC_NAME_WORDS = (
    "factory fty industrial industry industries manufacturing manufactory manufacturer mfg "
    "group international intl enterprise enterprises trading city the and of branch"
).split()

KEYS_FUNCTION = """
CREATE FUNCTION suppliers_match_keys(country text, name_key text, probe boolean DEFAULT false)
RETURNS SETOF text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    WITH word AS (
        SELECT w, row_number() OVER (ORDER BY n) AS i
        FROM unnest(string_to_array(name_key, ' ')) WITH ORDINALITY AS t(w, n)
        WHERE w <> '' AND w <> ALL (%(generic)s)
    )
    SELECT country || ':' || w FROM word WHERE length(w) >= 3
    UNION
    SELECT country || ':' || a.w || b.w FROM word a JOIN word b ON b.i = a.i + 1
    UNION
    SELECT country || ':' || half || size || ':' ||
           CASE half WHEN '<' THEN left(w, size / 2) ELSE right(w, size / 2) END
    FROM word,
         LATERAL (
             SELECT size FROM generate_series(length(w) - 1, length(w) + 1) AS size
             WHERE size >= 6 AND (probe OR size = length(w))
         ) AS sizes,
         (VALUES ('<'), ('>')) AS halves(half)
$$;
""" % {"generic": "ARRAY[" + ", ".join(f"'{w}'" for w in GENERIC_NAME_WORDS) + "]"}

# One statement per INSERT, UPDATE or DELETE on the factory table, however many rows: keys
# of rows whose country or name key changed go, the new ones come.
SYNC_FUNCTION = """
CREATE FUNCTION suppliers_factory_match_keys_sync() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO suppliers_factorymatchkey (key, factory_id)
        SELECT k.key, f.id FROM new_rows f, suppliers_match_keys(f.country, f.name_key) AS k(key);
    ELSIF TG_OP = 'UPDATE' THEN
        DELETE FROM suppliers_factorymatchkey m
        USING old_rows o
            JOIN new_rows f ON f.id = o.id
            CROSS JOIN LATERAL suppliers_match_keys(o.country, o.name_key) AS k(key)
        WHERE (o.country, o.name_key) IS DISTINCT FROM (f.country, f.name_key)
          AND m.key = k.key AND m.factory_id = o.id;
        INSERT INTO suppliers_factorymatchkey (key, factory_id)
        SELECT k.key, f.id
        FROM old_rows o
            JOIN new_rows f ON f.id = o.id
            CROSS JOIN LATERAL suppliers_match_keys(f.country, f.name_key) AS k(key)
        WHERE (o.country, o.name_key) IS DISTINCT FROM (f.country, f.name_key)
        ON CONFLICT DO NOTHING;
    ELSE
        DELETE FROM suppliers_factorymatchkey m
        USING old_rows o CROSS JOIN LATERAL suppliers_match_keys(o.country, o.name_key) AS k(key)
        WHERE m.key = k.key AND m.factory_id = o.id;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER factory_match_keys_insert AFTER INSERT ON suppliers_factory
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION suppliers_factory_match_keys_sync();
CREATE TRIGGER factory_match_keys_update AFTER UPDATE ON suppliers_factory
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION suppliers_factory_match_keys_sync();
CREATE TRIGGER factory_match_keys_delete AFTER DELETE ON suppliers_factory
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION suppliers_factory_match_keys_sync();
"""

BACKFILL = """
INSERT INTO suppliers_factorymatchkey (key, factory_id)
SELECT k.key, f.id FROM suppliers_factory f, suppliers_match_keys(f.country, f.name_key) AS k(key);
"""

DROP = """
DROP TRIGGER IF EXISTS factory_match_keys_insert ON suppliers_factory;
DROP TRIGGER IF EXISTS factory_match_keys_update ON suppliers_factory;
DROP TRIGGER IF EXISTS factory_match_keys_delete ON suppliers_factory;
DROP FUNCTION IF EXISTS suppliers_factory_match_keys_sync();
DROP FUNCTION IF EXISTS suppliers_match_keys(text, text, boolean);
"""


class Migration(migrations.Migration):
    dependencies = [("suppliers", "0021_supply_chain_table")]

    operations = [
        migrations.CreateModel(
            name="FactoryMatchKey",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "key",
                        "factory_id",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("key", models.CharField(max_length=300)),
                (
                    "factory",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=models.deletion.DO_NOTHING,
                        related_name="+",
                        to="suppliers.factory",
                    ),
                ),
            ],
            options={
                "verbose_name": "factory match key",
                "verbose_name_plural": "factory match keys",
            },
        ),
        migrations.RunSQL(KEYS_FUNCTION + SYNC_FUNCTION + BACKFILL, DROP),
    ]
