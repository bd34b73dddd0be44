from django.db import migrations

# A factory's open findings (`Factory.open_finding_count`, what EW staff's factory list shows):
# its reports' findings, whatever the report's status, that are neither unsubstantiated nor
# remediated and verified. One database function recomputes them for the given factories, or
# every factory when `ids` is NULL (the backfill below; `monitoring.aggregates`); statement-level
# triggers on the findings (a finding added, removed, reopened or closed, moved to another
# report) and on the reports (moved to another site by a factory merge or its undo, removed)
# call it for the factories a statement touched, whoever writes. It runs as the owner: the
# counts never depend on what the writer's tenant may read. It writes through the leverage
# guard of suppliers/0021 (`ew.leverage`, restored afterwards). Rows whose count does not
# change are not written.
CREATE_SQL = r"""
CREATE FUNCTION monitoring_refresh_factory_open_findings(ids bigint[]) RETURNS bigint
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
           SET open_finding_count = a.n
          FROM (SELECT t.id, COALESCE(c.n, 0) AS n
                  FROM suppliers_factory t
                  LEFT JOIN (SELECT r.factory_id, COUNT(*) AS n
                               FROM monitoring_monitoringreport r
                               JOIN monitoring_finding fi ON fi.report_id = r.id
                              WHERE fi.status NOT IN ('not_substantiated', 'remediated_verified')
                                AND ($1 IS NULL OR r.factory_id = ANY($1))
                              GROUP BY r.factory_id) c ON c.factory_id = t.id
                 WHERE $1 IS NULL OR t.id = ANY($1)) a
         WHERE f.id = a.id
           AND f.open_finding_count IS DISTINCT FROM a.n
    $sql$ USING ids;
    GET DIAGNOSTICS changed = ROW_COUNT;
    PERFORM set_config('ew.leverage', COALESCE(was, ''), true);
    RETURN changed;
END
$fn$;

CREATE FUNCTION monitoring_factory_findings_changed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $fn$
DECLARE
    ids bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        ids := ARRAY(
            SELECT DISTINCT r.factory_id
              FROM new_findings n JOIN monitoring_monitoringreport r ON r.id = n.report_id
             WHERE n.status NOT IN ('not_substantiated', 'remediated_verified')
        );
    ELSIF TG_OP = 'DELETE' THEN
        ids := ARRAY(
            SELECT DISTINCT r.factory_id
              FROM old_findings o JOIN monitoring_monitoringreport r ON r.id = o.report_id
             WHERE o.status NOT IN ('not_substantiated', 'remediated_verified')
        );
    ELSE
        ids := ARRAY(
            SELECT DISTINCT r.factory_id
              FROM old_findings o
              JOIN new_findings n ON n.id = o.id
              JOIN monitoring_monitoringreport r ON r.id IN (o.report_id, n.report_id)
             WHERE o.report_id IS DISTINCT FROM n.report_id
                OR (o.status IN ('not_substantiated', 'remediated_verified'))
                   IS DISTINCT FROM (n.status IN ('not_substantiated', 'remediated_verified'))
        );
    END IF;
    -- A bulk insert (the generator) touches most factories: one pass over all is cheaper.
    IF cardinality(ids) > 5000 THEN
        ids := NULL;
    END IF;
    PERFORM monitoring_refresh_factory_open_findings(ids);
    RETURN NULL;
END
$fn$;

CREATE FUNCTION monitoring_factory_reports_changed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $fn$
DECLARE
    ids bigint[];
BEGIN
    IF TG_OP = 'DELETE' THEN
        ids := ARRAY(SELECT DISTINCT factory_id FROM old_reports);
    ELSE
        ids := ARRAY(
            SELECT DISTINCT unnest(ARRAY[o.factory_id, n.factory_id])
              FROM old_reports o JOIN new_reports n ON n.id = o.id
             WHERE o.factory_id IS DISTINCT FROM n.factory_id
        );
    END IF;
    IF cardinality(ids) > 5000 THEN
        ids := NULL;
    END IF;
    PERFORM monitoring_refresh_factory_open_findings(ids);
    RETURN NULL;
END
$fn$;

CREATE TRIGGER factory_open_findings_on_insert AFTER INSERT ON monitoring_finding
    REFERENCING NEW TABLE AS new_findings
    FOR EACH STATEMENT EXECUTE FUNCTION monitoring_factory_findings_changed();
CREATE TRIGGER factory_open_findings_on_update AFTER UPDATE ON monitoring_finding
    REFERENCING OLD TABLE AS old_findings NEW TABLE AS new_findings
    FOR EACH STATEMENT EXECUTE FUNCTION monitoring_factory_findings_changed();
CREATE TRIGGER factory_open_findings_on_delete AFTER DELETE ON monitoring_finding
    REFERENCING OLD TABLE AS old_findings
    FOR EACH STATEMENT EXECUTE FUNCTION monitoring_factory_findings_changed();
CREATE TRIGGER factory_open_findings_on_report_update AFTER UPDATE ON monitoring_monitoringreport
    REFERENCING OLD TABLE AS old_reports NEW TABLE AS new_reports
    FOR EACH STATEMENT EXECUTE FUNCTION monitoring_factory_reports_changed();
CREATE TRIGGER factory_open_findings_on_report_delete AFTER DELETE ON monitoring_monitoringreport
    REFERENCING OLD TABLE AS old_reports
    FOR EACH STATEMENT EXECUTE FUNCTION monitoring_factory_reports_changed();

SELECT monitoring_refresh_factory_open_findings(NULL);
"""

DROP_SQL = """
DROP TRIGGER factory_open_findings_on_insert ON monitoring_finding;
DROP TRIGGER factory_open_findings_on_update ON monitoring_finding;
DROP TRIGGER factory_open_findings_on_delete ON monitoring_finding;
DROP TRIGGER factory_open_findings_on_report_update ON monitoring_monitoringreport;
DROP TRIGGER factory_open_findings_on_report_delete ON monitoring_monitoringreport;
DROP FUNCTION monitoring_factory_reports_changed();
DROP FUNCTION monitoring_factory_findings_changed();
DROP FUNCTION monitoring_refresh_factory_open_findings(bigint[]);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0016_compliance_covering_indexes"),
        ("suppliers", "0025_factory_open_counts"),
    ]

    operations = [migrations.RunSQL(CREATE_SQL, DROP_SQL)]
