"""The supply chain as a table kept by PostgreSQL, and a factory's leverage stored on it.

`suppliers_supply_chain` was a view over the lines of vouched, accepted disclosures: every
visibility check re-derived it by joining lines, disclosures and contracts. It is now a table
with the same rows and columns (`SupplyChainLink`), written only by the triggers below, which
run as the owner of the tables (SECURITY DEFINER: past the tenants' row-level security, as the
view was) whatever code changes their inputs: the ORM, `QuerySet.update()` in a factory
merge and its undo, the imports' INSERT ... SELECT from arrays, cascading deletes, the admin.

- lines (insert, update of what the chain copies, delete): their rows are made again;
- disclosures (status, who vouched, contract): the rows of their lines are made again;
- contracts (product categories, CPV codes, value): the copied categories are updated and
  the leverage of their sites recomputed.

Each statement-level trigger then recomputes `affiliate_count` and `combined_value_eur` of the
factories it touched, after locking them (two transactions adding the same site cannot both
write a count that misses the other's line). A row trigger on the factory keeps both columns
as they were in any other write, so a stale instance saved from Python cannot undo them.

`suppliers_supply_chain_refresh()` recomputes everything (the generator calls it at the end).
"""

import django.contrib.postgres.fields
import pgtrigger.compiler
import pgtrigger.migrations
import django.db.models.deletion
from django.db import migrations, models

# What a disclosure line puts in the chain (`DisclosureLineQuerySet.in_supply_chain`).
VOUCHED = "d.status = 'accepted' AND (d.submitted_by_contractor OR d.confirmed_at IS NOT NULL)"

CHAIN_ROWS = f"""
SELECT l.id, l.affiliate_id, l.factory_id, d.contract_id, l.brand, c.product_categories,
       c.cpv_codes
FROM suppliers_disclosureline l
JOIN suppliers_disclosure d ON d.id = l.disclosure_id
JOIN suppliers_contract c ON c.id = d.contract_id
WHERE {VOUCHED}
"""

INSERT_CHAIN = """
INSERT INTO suppliers_supply_chain
    (id, affiliate_id, factory_id, contract_id, brand, product_categories, cpv_codes)
"""

# Affiliates and the combined value of their distinct contracts, per factory.
LEVERAGE = """
SELECT s.factory_id, count(DISTINCT s.affiliate_id) AS n, coalesce(sum(k.value_eur), 0) AS v
FROM (SELECT DISTINCT factory_id, affiliate_id, contract_id FROM suppliers_supply_chain {where})
     AS s
JOIN suppliers_contract k ON k.id = s.contract_id
GROUP BY s.factory_id
"""

FORWARD = f"""
CREATE FUNCTION suppliers_factory_leverage_sync(factories bigint[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
BEGIN
    IF factories IS NULL OR cardinality(factories) = 0 THEN
        RETURN;
    END IF;
    -- Lock first: the next statement then sees every committed line of these sites.
    PERFORM 1 FROM suppliers_factory WHERE id = ANY(factories) ORDER BY id FOR UPDATE;
    PERFORM set_config('ew.leverage', 'on', true);
    UPDATE suppliers_factory f
    SET affiliate_count = coalesce(a.n, 0), combined_value_eur = coalesce(a.v, 0)
    FROM (SELECT DISTINCT x.id FROM unnest(factories) AS x(id)) AS t
    LEFT JOIN ({LEVERAGE.format(where="WHERE factory_id = ANY(factories)")}) AS a
           ON a.factory_id = t.id
    WHERE f.id = t.id
      AND (f.affiliate_count, f.combined_value_eur)
          IS DISTINCT FROM (coalesce(a.n, 0), coalesce(a.v, 0));
    PERFORM set_config('ew.leverage', '', true);
END $$;

-- The lines `lines` again, as the rule says, and the leverage of their sites, old and new.
CREATE FUNCTION suppliers_supply_chain_sync(lines bigint[], factories bigint[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
    gone_from bigint[];
    made_at bigint[];
BEGIN
    WITH gone AS (
        DELETE FROM suppliers_supply_chain WHERE id = ANY(lines) RETURNING factory_id
    )
    SELECT array_agg(factory_id) INTO gone_from FROM gone;
    WITH made AS (
        {INSERT_CHAIN} {CHAIN_ROWS} AND l.id = ANY(lines) RETURNING factory_id
    )
    SELECT array_agg(factory_id) INTO made_at FROM made;
    PERFORM suppliers_factory_leverage_sync(
        coalesce(gone_from, '{{}}') || coalesce(made_at, '{{}}') || coalesce(factories, '{{}}')
    );
END $$;

CREATE FUNCTION suppliers_supply_chain_lines_inserted() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
    touched bigint[];
BEGIN
    WITH made AS (
        {INSERT_CHAIN} {CHAIN_ROWS.replace("suppliers_disclosureline l", "new_lines l")}
        RETURNING factory_id
    )
    SELECT array_agg(DISTINCT factory_id) INTO touched FROM made;
    PERFORM suppliers_factory_leverage_sync(touched);
    RETURN NULL;
END $$;

CREATE FUNCTION suppliers_supply_chain_lines_updated() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
    lines bigint[];
    factories bigint[];
BEGIN
    -- Only the lines whose copied columns changed (a re-upload rewrites many that did not).
    SELECT array_agg(n.id), array_agg(DISTINCT o.factory_id) INTO lines, factories
    FROM new_lines n JOIN old_lines o ON o.id = n.id
    WHERE (n.affiliate_id, n.disclosure_id, n.factory_id, n.brand)
          IS DISTINCT FROM (o.affiliate_id, o.disclosure_id, o.factory_id, o.brand);
    IF lines IS NOT NULL THEN
        PERFORM suppliers_supply_chain_sync(lines, factories);
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION suppliers_supply_chain_lines_deleted() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
    touched bigint[];
BEGIN
    WITH gone AS (
        DELETE FROM suppliers_supply_chain c USING old_lines o WHERE c.id = o.id
        RETURNING c.factory_id
    )
    SELECT array_agg(DISTINCT factory_id) INTO touched FROM gone;
    PERFORM suppliers_factory_leverage_sync(touched);
    RETURN NULL;
END $$;

CREATE FUNCTION suppliers_supply_chain_disclosures_updated() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
    lines bigint[];
BEGIN
    -- Disclosures that entered or left the chain, or moved to another contract.
    SELECT array_agg(l.id) INTO lines
    FROM new_disclosures n
    JOIN old_disclosures o ON o.id = n.id
    JOIN suppliers_disclosureline l ON l.disclosure_id = n.id
    WHERE n.contract_id IS DISTINCT FROM o.contract_id
       OR (n.status = 'accepted' AND (n.submitted_by_contractor OR n.confirmed_at IS NOT NULL))
          IS DISTINCT FROM
          (o.status = 'accepted' AND (o.submitted_by_contractor OR o.confirmed_at IS NOT NULL));
    IF lines IS NOT NULL THEN
        PERFORM suppliers_supply_chain_sync(lines, NULL);
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION suppliers_supply_chain_contracts_updated() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
    factories bigint[];
BEGIN
    UPDATE suppliers_supply_chain c
    SET product_categories = n.product_categories, cpv_codes = n.cpv_codes
    FROM new_contracts n JOIN old_contracts o ON o.id = n.id
    WHERE c.contract_id = n.id
      AND (n.product_categories, n.cpv_codes) IS DISTINCT FROM (o.product_categories, o.cpv_codes);
    SELECT array_agg(DISTINCT c.factory_id) INTO factories
    FROM new_contracts n
    JOIN old_contracts o ON o.id = n.id
    JOIN suppliers_supply_chain c ON c.contract_id = n.id
    WHERE n.value_eur IS DISTINCT FROM o.value_eur;
    PERFORM suppliers_factory_leverage_sync(factories);
    RETURN NULL;
END $$;

-- Only `suppliers_factory_leverage_sync` writes a factory's leverage.
CREATE FUNCTION suppliers_factory_leverage_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('ew.leverage', true) IS DISTINCT FROM 'on' THEN
        IF TG_OP = 'INSERT' THEN
            NEW.affiliate_count := 0;
            NEW.combined_value_eur := 0;
        ELSE
            NEW.affiliate_count := OLD.affiliate_count;
            NEW.combined_value_eur := OLD.combined_value_eur;
        END IF;
    END IF;
    RETURN NEW;
END $$;

-- Everything again, in two statements (the migration's backfill, the generator's end).
CREATE FUNCTION suppliers_supply_chain_refresh() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
BEGIN
    LOCK TABLE suppliers_supply_chain IN EXCLUSIVE MODE;
    DELETE FROM suppliers_supply_chain;
    {INSERT_CHAIN} {CHAIN_ROWS};
    PERFORM set_config('ew.leverage', 'on', true);
    UPDATE suppliers_factory f
    SET affiliate_count = coalesce(a.n, 0), combined_value_eur = coalesce(a.v, 0)
    FROM suppliers_factory t
    LEFT JOIN ({LEVERAGE.format(where="")}) AS a ON a.factory_id = t.id
    WHERE f.id = t.id
      AND (f.affiliate_count, f.combined_value_eur)
          IS DISTINCT FROM (coalesce(a.n, 0), coalesce(a.v, 0));
    PERFORM set_config('ew.leverage', '', true);
END $$;

CREATE TRIGGER supply_chain_lines_inserted AFTER INSERT ON suppliers_disclosureline
REFERENCING NEW TABLE AS new_lines
FOR EACH STATEMENT EXECUTE FUNCTION suppliers_supply_chain_lines_inserted();

CREATE TRIGGER supply_chain_lines_updated AFTER UPDATE ON suppliers_disclosureline
REFERENCING OLD TABLE AS old_lines NEW TABLE AS new_lines
FOR EACH STATEMENT EXECUTE FUNCTION suppliers_supply_chain_lines_updated();

CREATE TRIGGER supply_chain_lines_deleted AFTER DELETE ON suppliers_disclosureline
REFERENCING OLD TABLE AS old_lines
FOR EACH STATEMENT EXECUTE FUNCTION suppliers_supply_chain_lines_deleted();

CREATE TRIGGER supply_chain_disclosures_updated AFTER UPDATE ON suppliers_disclosure
REFERENCING OLD TABLE AS old_disclosures NEW TABLE AS new_disclosures
FOR EACH STATEMENT EXECUTE FUNCTION suppliers_supply_chain_disclosures_updated();

CREATE TRIGGER supply_chain_contracts_updated AFTER UPDATE ON suppliers_contract
REFERENCING OLD TABLE AS old_contracts NEW TABLE AS new_contracts
FOR EACH STATEMENT EXECUTE FUNCTION suppliers_supply_chain_contracts_updated();

CREATE TRIGGER factory_leverage_guard BEFORE INSERT OR UPDATE ON suppliers_factory
FOR EACH ROW EXECUTE FUNCTION suppliers_factory_leverage_guard();

SELECT suppliers_supply_chain_refresh();
"""

BACKWARD = """
DROP TRIGGER supply_chain_lines_inserted ON suppliers_disclosureline;
DROP TRIGGER supply_chain_lines_updated ON suppliers_disclosureline;
DROP TRIGGER supply_chain_lines_deleted ON suppliers_disclosureline;
DROP TRIGGER supply_chain_disclosures_updated ON suppliers_disclosure;
DROP TRIGGER supply_chain_contracts_updated ON suppliers_contract;
DROP TRIGGER factory_leverage_guard ON suppliers_factory;
DROP FUNCTION suppliers_supply_chain_refresh();
DROP FUNCTION suppliers_factory_leverage_guard();
DROP FUNCTION suppliers_supply_chain_contracts_updated();
DROP FUNCTION suppliers_supply_chain_disclosures_updated();
DROP FUNCTION suppliers_supply_chain_lines_deleted();
DROP FUNCTION suppliers_supply_chain_lines_updated();
DROP FUNCTION suppliers_supply_chain_lines_inserted();
DROP FUNCTION suppliers_supply_chain_sync(bigint[], bigint[]);
DROP FUNCTION suppliers_factory_leverage_sync(bigint[]);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("affiliates", "0001_initial"),
        ("suppliers", "0020_currency_iso_4217"),
    ]

    operations = [
        # The view of 0010 (made by `migrate`, core/rls.py), where a database still has it.
        migrations.RunSQL("DROP VIEW IF EXISTS suppliers_supply_chain", migrations.RunSQL.noop),
        migrations.DeleteModel(name="SupplyChainLink"),
        migrations.CreateModel(
            name="SupplyChainLink",
            fields=[
                ("id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("brand", models.CharField(max_length=120, verbose_name="brand")),
                (
                    "product_categories",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(max_length=32), default=list, size=None
                    ),
                ),
                (
                    "cpv_codes",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(max_length=10), default=list, size=None
                    ),
                ),
                (
                    "affiliate",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="affiliates.affiliate",
                    ),
                ),
                (
                    "contract",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="suppliers.contract",
                    ),
                ),
                (
                    "factory",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="suppliers.factory",
                    ),
                ),
            ],
            options={
                "verbose_name": "supply-chain link",
                "db_table": "suppliers_supply_chain",
                "indexes": [
                    models.Index(fields=["affiliate", "factory"], name="supply_chain_affiliate")
                ],
            },
        ),
        migrations.AddField(
            model_name="factory",
            name="affiliate_count",
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name="affiliates"),
        ),
        migrations.AddField(
            model_name="factory",
            name="combined_value_eur",
            field=models.DecimalField(
                decimal_places=2,
                default=0,
                editable=False,
                max_digits=16,
                verbose_name="combined contract value (EUR)",
            ),
        ),
        # The audit trail leaves the stored leverage out (core/audit.py): pghistory's update
        # trigger now lists the columns it compares, so a leverage change records no event.
        pgtrigger.migrations.RemoveTrigger(
            model_name="factory",
            name="update_update",
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="factory",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition='WHEN (OLD."address" IS DISTINCT FROM (NEW."address") OR OLD."address_key" IS DISTINCT FROM (NEW."address_key") OR OLD."aliases" IS DISTINCT FROM (NEW."aliases") OR OLD."country" IS DISTINCT FROM (NEW."country") OR OLD."created_at" IS DISTINCT FROM (NEW."created_at") OR OLD."function" IS DISTINCT FROM (NEW."function") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."latitude" IS DISTINCT FROM (NEW."latitude") OR OLD."longitude" IS DISTINCT FROM (NEW."longitude") OR OLD."merged_at" IS DISTINCT FROM (NEW."merged_at") OR OLD."merged_into_id" IS DISTINCT FROM (NEW."merged_into_id") OR OLD."migrant_share" IS DISTINCT FROM (NEW."migrant_share") OR OLD."name" IS DISTINCT FROM (NEW."name") OR OLD."name_key" IS DISTINCT FROM (NEW."name_key") OR OLD."os_id" IS DISTINCT FROM (NEW."os_id") OR OLD."owner_id" IS DISTINCT FROM (NEW."owner_id") OR OLD."products" IS DISTINCT FROM (NEW."products") OR OLD."region" IS DISTINCT FROM (NEW."region") OR OLD."sector" IS DISTINCT FROM (NEW."sector") OR OLD."updated_at" IS DISTINCT FROM (NEW."updated_at") OR OLD."workforce_size" IS DISTINCT FROM (NEW."workforce_size"))',
                    func='INSERT INTO "suppliers_factoryauditevent" ("address", "address_key", "aliases", "country", "created_at", "function", "id", "latitude", "longitude", "merged_at", "merged_into_id", "migrant_share", "name", "name_key", "os_id", "owner_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "products", "region", "sector", "updated_at", "workforce_size") VALUES (NEW."address", NEW."address_key", NEW."aliases", NEW."country", NEW."created_at", NEW."function", NEW."id", NEW."latitude", NEW."longitude", NEW."merged_at", NEW."merged_into_id", NEW."migrant_share", NEW."name", NEW."name_key", NEW."os_id", NEW."owner_id", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."products", NEW."region", NEW."sector", NEW."updated_at", NEW."workforce_size"); RETURN NULL;',
                    hash="b57d656ecd71f4d22e88e966c63973f27f755ff1",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_931eb",
                    table="suppliers_factory",
                    when="AFTER",
                ),
            ),
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
        migrations.AddIndex(
            model_name="factory",
            index=models.Index(
                models.OrderBy(models.F("affiliate_count"), descending=True),
                models.OrderBy(models.F("combined_value_eur"), descending=True),
                models.F("name"),
                models.F("id"),
                condition=models.Q(("merged_into__isnull", True)),
                name="factory_leverage_rank",
            ),
        ),
    ]
