"""A factory's stored open findings and active cases (what EW staff's factory list shows) equal
a fresh recomputation after every service that changes them, after a factory merge and its
undo, and after writes that bypass the services; a stale save from Python never writes them;
the staff list reads them and shows what it counted before."""

from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from core.audit import event_model_for
from monitoring import services as monitoring_services
from monitoring.aggregates import factory_open_findings_drift, refresh_factory_open_findings
from monitoring.models import CodeStandard, Finding, MonitoringReport
from monitoring.querysets import open_findings_at_factory
from remediation import services as remediation_services
from remediation.aggregates import factory_active_cases_drift, refresh_factory_active_cases
from remediation.models import CaseStatus, RemediationCase
from remediation.querysets import open_cases_at_factory
from suppliers.factory_counts import with_counts
from suppliers.merges import factory_merge, factory_unmerge
from suppliers.models import Factory, FactoryMerge
from tests.factories import (
    FactoryFactory,
    FindingFactory,
    MonitoringReportFactory,
    RemediationCaseFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db
FStatus = Finding.Status


def counts(*factories) -> list[tuple[int, int]]:
    """No factory drifts; these factories' stored (open findings, active cases)."""
    assert factory_open_findings_drift() == []
    assert factory_active_cases_drift() == []
    stored = Factory.objects.in_bulk([f.pk for f in factories])
    return [(stored[f.pk].open_finding_count, stored[f.pk].active_case_count) for f in factories]


@pytest.fixture
def partner(partner_member):
    return partner_member.partner_membership.partner


def _finding(report, author, **fields):
    fields.setdefault("standard", CodeStandard.objects.current().get(number=1))
    fields.setdefault("confidential_text", "Worker B: 'the agent has my passport'.")
    fields.setdefault("severity", "high")
    return monitoring_services.finding_save(report=report, by=author, **fields)


def test_every_finding_and_case_service_keeps_the_factory_exact(partner, partner_member, staff):
    site = FactoryFactory()
    report = monitoring_services.report_create(
        partner=partner,
        by=partner_member,
        factory=site,
        period_start=date(2026, 3, 1),
        period_end=date(2026, 4, 30),
        methods=["offsite_interviews"],
        interviewed_women=6,
        summary="Workers said the agent keeps their passports.",
    )
    assert counts(site) == [(0, 0)]
    # A draft's findings count: staff's list counted every report's (as it did before).
    first = _finding(report, partner_member)
    second = _finding(report, partner_member, severity="low")
    assert counts(site) == [(2, 0)]
    monitoring_services.finding_delete(finding=second, by=partner_member)
    assert counts(site) == [(1, 0)]
    _finding(report, partner_member)
    monitoring_services.report_submit(report=report, by=partner_member)
    monitoring_services.report_assign(report=report, assignee=staff, by=staff)
    monitoring_services.report_validate(report=report, by=staff)
    assert counts(site) == [(2, 0)]

    first = monitoring_services.finding_set_status(
        finding=first, status=FStatus.SUBSTANTIATED, by=staff
    )
    assert counts(site) == [(2, 0)]
    case = remediation_services.case_open(
        factory=site,
        title="Passports held by the employer",
        summary="Passports of migrant workers are kept by the employer.",
        severity="high",
        staff_lead=staff,
        findings=[first],
        by=staff,
    )
    assert Finding.objects.get(pk=first.pk).status == FStatus.REMEDIATION_PLANNED
    assert counts(site) == [(2, 1)]
    remediation_services.case_set_status(case=case, status=CaseStatus.ESCALATED, by=staff)
    assert counts(site) == [(2, 1)]
    remediation_services.case_set_status(
        case=case, status=CaseStatus.CLOSED, by=staff, note="The factory closed."
    )
    assert counts(site) == [(2, 0)]

    monitoring_services.finding_set_status(
        finding=first, status=FStatus.REMEDIATED_VERIFIED, by=staff
    )
    assert counts(site) == [(1, 0)]
    monitoring_services.finding_set_status(finding=first, status=FStatus.RECURRED, by=staff)
    assert counts(site) == [(2, 0)]


def test_counts_follow_a_factory_merge_and_its_undo(staff):
    source, target = FactoryFactory(), FactoryFactory()
    FindingFactory.create_batch(2, report=MonitoringReportFactory(factory=source))
    FindingFactory(report=MonitoringReportFactory(factory=target))
    RemediationCaseFactory(factory=source)
    assert counts(source, target) == [(2, 1), (1, 0)]

    factory_merge(source=source, target=target, by=staff)
    # Reports follow the site; cases stay with theirs.
    assert counts(source, target) == [(0, 1), (3, 0)]

    factory_unmerge(merge=FactoryMerge.objects.get(source=source), by=staff)
    assert counts(source, target) == [(2, 1), (1, 0)]


def test_writes_that_bypass_the_services_keep_them_exact_too():
    one, two = FactoryFactory(), FactoryFactory()
    on_one, on_two = MonitoringReportFactory(factory=one), MonitoringReportFactory(factory=two)
    Finding.objects.bulk_create(
        [
            FindingFactory.build(report=report, status=status)
            for report in (on_one, on_two)
            for status in (FStatus.ALLEGED, FStatus.NOT_SUBSTANTIATED, FStatus.RECURRED)
        ]
    )
    assert counts(one, two) == [(2, 0), (2, 0)]

    # A finding moved to a report at another site, in one statement.
    Finding.objects.filter(report=on_one, status=FStatus.ALLEGED).update(report=on_two)
    assert counts(one, two) == [(1, 0), (3, 0)]
    Finding.objects.filter(report=on_two).update(status=FStatus.REMEDIATED_VERIFIED)
    assert counts(one, two) == [(1, 0), (0, 0)]
    MonitoringReport.objects.filter(pk=on_one.pk).update(factory=two)
    assert counts(one, two) == [(0, 0), (1, 0)]

    RemediationCase.objects.bulk_create(
        [RemediationCaseFactory.build(factory=one, staff_lead=StaffFactory()) for _ in range(3)]
    )
    assert counts(one) == [(0, 3)]
    RemediationCase.objects.filter(factory=one).update(factory=two)
    assert counts(one, two) == [(0, 0), (1, 3)]
    RemediationCase.objects.filter(factory=two)[:1].get().delete()
    assert counts(two) == [(1, 2)]
    on_two.findings.all().delete()
    MonitoringReport.objects.filter(pk=on_one.pk).delete()
    assert counts(one, two) == [(0, 0), (0, 2)]


def test_a_stale_save_from_python_never_writes_the_counts():
    site = FactoryFactory()
    stale = Factory.objects.get(pk=site.pk)
    FindingFactory(report=MonitoringReportFactory(factory=site))
    RemediationCaseFactory(factory=site)

    stale.name = "Renamed Electronics"
    stale.save()
    Factory.objects.filter(pk=site.pk).update(open_finding_count=9, active_case_count=9)
    Factory.objects.create(name="New Site", country="VN", open_finding_count=5, active_case_count=5)

    assert counts(site) == [(1, 1)]
    assert Factory.objects.get(name="New Site").open_finding_count == 0


def test_a_count_change_alone_writes_no_audit_event():
    site = FactoryFactory()
    events = event_model_for(Factory).objects.filter(pgh_obj_id=site.pk)
    before = events.count()

    FindingFactory(report=MonitoringReportFactory(factory=site))
    RemediationCaseFactory(factory=site)

    assert counts(site) == [(1, 1)]
    assert events.count() == before


def test_refresh_and_verify_aggregates_repair_drift(capsys):
    site = FactoryFactory()
    FindingFactory(report=MonitoringReportFactory(factory=site))
    RemediationCaseFactory(factory=site)
    with connection.cursor() as cursor:  # as a writer with triggers disabled would leave it
        cursor.execute("SELECT set_config('ew.leverage', 'on', true)")
        cursor.execute(
            "UPDATE suppliers_factory SET open_finding_count = 7, active_case_count = 0 "
            "WHERE id = %s",
            [site.pk],
        )
        cursor.execute("SELECT set_config('ew.leverage', '', true)")
    assert [(d["pk"], d["open_finding_count"]) for d in factory_open_findings_drift()] == [
        (site.pk, 7)
    ]
    with pytest.raises(CommandError, match="2 row"):
        call_command("verify_aggregates")

    call_command("verify_aggregates", "--fix")
    out = capsys.readouterr().out
    assert "factories' open findings: fixed, 0 still drifted." in out
    assert "factories' active cases: fixed, 0 still drifted." in out
    assert counts(site) == [(1, 1)]
    assert refresh_factory_open_findings() == 0
    assert refresh_factory_active_cases() == 0
    call_command("verify_aggregates")


def test_staff_read_the_stored_counts_which_equal_what_they_counted_before():
    staff = StaffFactory()
    sites = [FactoryFactory() for _ in range(3)]
    for n, site in enumerate(sites):
        report = MonitoringReportFactory(factory=site, status=MonitoringReport.Status.DRAFT)
        for status in (FStatus.ALLEGED, FStatus.NOT_SUBSTANTIATED)[: n + 1]:
            FindingFactory(report=report, status=status)
        RemediationCaseFactory.create_batch(n, factory=site)
    RemediationCaseFactory(factory=sites[0], status=CaseStatus.REMEDIATED)

    stored = with_counts(Factory.objects.all(), staff)
    assert "open_finding_count" in str(stored.query) and "monitoring_finding" not in str(
        stored.query
    )
    counted = Factory.objects.annotate(
        open_findings=open_findings_at_factory(staff), open_cases=open_cases_at_factory(staff)
    )
    as_stored = {f.pk: (f.open_findings, f.open_cases) for f in stored}
    as_counted = {f.pk: (f.open_findings, f.open_cases) for f in counted}
    assert as_stored == as_counted
    assert [as_stored[s.pk] for s in sites] == [(1, 0), (1, 1), (1, 2)]
