"""The application's role owns no table (row-level security, core/rls.py), and flushing a GIN
index's pending list needs its owner: a function that does only that, run with the owner's
rights, for suppliers/matching.py."""

from django.db import migrations

CREATE = """
CREATE FUNCTION suppliers_flush_factory_trigrams() RETURNS bigint
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ SELECT gin_clean_pending_list('factory_name_trgm'::regclass) $$;
"""
DROP = "DROP FUNCTION IF EXISTS suppliers_flush_factory_trigrams();"


class Migration(migrations.Migration):
    dependencies = [("suppliers", "0010_supply_chain_view")]

    operations = [migrations.RunSQL(CREATE, DROP)]
