from django.db import migrations

# A factory's active remediation cases (`Factory.active_case_count`, what EW staff's factory
# list shows): its cases whose status is one of `ACTIVE_CASE_STATUSES`. One database function
# recomputes them for the given factories, or every factory when `ids` is NULL (the backfill
# below; `remediation.aggregates`); statement-level triggers on the cases (one opened or
# removed, a status change into or out of the active ones, a case moved to another site) call
# it for the factories a statement touched, whoever writes. It runs as the owner and writes
# through the leverage guard of suppliers/0021 (`ew.leverage`, restored afterwards), like
# monitoring/0017.
CREATE_SQL = r"""
CREATE FUNCTION remediation_refresh_factory_active_cases(ids bigint[]) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $fn$
DECLARE
    changed bigint;
    was text;
BEGIN
    IF ids IS NOT NULL AND cardinality(ids) = 0 THEN
        RETURN 0;
    END IF;
    was := current_setting('ew.leverage', true);
    PERFORM set_config('ew.leverage', 'on', true);
    EXECUTE $sql$
        UPDATE suppliers_factory f
           SET active_case_count = a.n
          FROM (SELECT t.id, COALESCE(c.n, 0) AS n
                  FROM suppliers_factory t
                  LEFT JOIN (SELECT k.factory_id, COUNT(*) AS n
                               FROM remediation_remediationcase k
                              WHERE k.status IN ('opened', 'plan_agreed', 'in_progress',
                                                 'escalated', 'stalled')
                                AND ($1 IS NULL OR k.factory_id = ANY($1))
                              GROUP BY k.factory_id) c ON c.factory_id = t.id
                 WHERE $1 IS NULL OR t.id = ANY($1)) a
         WHERE f.id = a.id
           AND f.active_case_count IS DISTINCT FROM a.n
    $sql$ USING ids;
    GET DIAGNOSTICS changed = ROW_COUNT;
    PERFORM set_config('ew.leverage', COALESCE(was, ''), true);
    RETURN changed;
END
$fn$;

CREATE FUNCTION remediation_factory_cases_changed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $fn$
DECLARE
    ids bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        ids := ARRAY(SELECT DISTINCT factory_id FROM new_cases);
    ELSIF TG_OP = 'DELETE' THEN
        ids := ARRAY(SELECT DISTINCT factory_id FROM old_cases);
    ELSE
        ids := ARRAY(
            SELECT DISTINCT unnest(ARRAY[o.factory_id, n.factory_id])
              FROM old_cases o JOIN new_cases n ON n.id = o.id
             WHERE (o.factory_id, o.status) IS DISTINCT FROM (n.factory_id, n.status)
        );
    END IF;
    IF cardinality(ids) > 5000 THEN
        ids := NULL;
    END IF;
    PERFORM remediation_refresh_factory_active_cases(ids);
    RETURN NULL;
END
$fn$;

CREATE TRIGGER factory_active_cases_on_insert AFTER INSERT ON remediation_remediationcase
    REFERENCING NEW TABLE AS new_cases
    FOR EACH STATEMENT EXECUTE FUNCTION remediation_factory_cases_changed();
CREATE TRIGGER factory_active_cases_on_update AFTER UPDATE ON remediation_remediationcase
    REFERENCING OLD TABLE AS old_cases NEW TABLE AS new_cases
    FOR EACH STATEMENT EXECUTE FUNCTION remediation_factory_cases_changed();
CREATE TRIGGER factory_active_cases_on_delete AFTER DELETE ON remediation_remediationcase
    REFERENCING OLD TABLE AS old_cases
    FOR EACH STATEMENT EXECUTE FUNCTION remediation_factory_cases_changed();

SELECT remediation_refresh_factory_active_cases(NULL);
"""

DROP_SQL = """
DROP TRIGGER factory_active_cases_on_insert ON remediation_remediationcase;
DROP TRIGGER factory_active_cases_on_update ON remediation_remediationcase;
DROP TRIGGER factory_active_cases_on_delete ON remediation_remediationcase;
DROP FUNCTION remediation_factory_cases_changed();
DROP FUNCTION remediation_refresh_factory_active_cases(bigint[]);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("remediation", "0013_case_stored_aggregates"),
        ("suppliers", "0025_factory_open_counts"),
    ]

    operations = [migrations.RunSQL(CREATE_SQL, DROP_SQL)]
