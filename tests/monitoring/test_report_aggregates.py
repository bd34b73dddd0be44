"""A report's stored aggregates (top severity, fast-track, number of findings) equal a fresh
recomputation after every service that changes its findings, after factory merges and their
undo, and after writes that bypass the services (bulk inserts, `queryset.update()`)."""

from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from core.audit import event_model_for
from monitoring import services
from monitoring.aggregates import refresh_report_aggregates, report_aggregate_drift
from monitoring.models import CodeStandard, Finding, MonitoringReport
from suppliers.merges import factory_merge, factory_unmerge
from suppliers.models import FactoryMerge
from tests.factories import FactoryFactory, FindingFactory, MonitoringReportFactory

Status = MonitoringReport.Status
pytestmark = pytest.mark.django_db


def check_aggregates(report=None) -> tuple | None:
    """No report's stored values differ from the recomputation; the report's stored values."""
    assert report_aggregate_drift() == []
    if report is None:
        return None
    report = MonitoringReport.objects.get(pk=report.pk)
    return report.top_severity, report.fast_track, report.finding_count


@pytest.fixture
def partner(partner_member):
    return partner_member.partner_membership.partner


def _draft(partner, author, factory=None):
    return services.report_create(
        partner=partner,
        by=author,
        factory=factory or FactoryFactory(),
        period_start=date(2026, 3, 1),
        period_end=date(2026, 4, 30),
        methods=["offsite_interviews"],
        interviewed_women=6,
        summary="Workers said the agent keeps their passports.",
    )


def _finding(report, author, **fields):
    fields.setdefault("standard", CodeStandard.objects.current().get(number=1))
    fields.setdefault("confidential_text", "Worker B: 'the agent has my passport'.")
    return services.finding_save(report=report, by=author, **fields)


def test_every_finding_service_keeps_the_report_exact(partner, partner_member, staff):
    report = _draft(partner, partner_member)
    assert check_aggregates(report) == (0, False, 0)

    low = _finding(report, partner_member, severity="low")
    assert check_aggregates(report) == (1, False, 1)
    urgent = _finding(report, partner_member, severity="critical", fast_track=True)
    assert check_aggregates(report) == (4, True, 2)

    services.finding_save(
        report=report, by=partner_member, finding=urgent, severity="medium", fast_track=False
    )
    assert check_aggregates(report) == (2, False, 2)
    services.finding_save(report=report, by=partner_member, finding=low, severity="high")
    assert check_aggregates(report) == (3, False, 2)

    services.finding_delete(finding=Finding.objects.get(pk=low.pk), by=partner_member)
    assert check_aggregates(report) == (2, False, 1)
    hidden = _finding(report, partner_member, severity="high", fast_track=True)
    assert check_aggregates(report) == (3, True, 2)

    services.report_submit(report=report, by=partner_member)
    services.report_assign(report=report, assignee=staff, by=staff)
    services.report_request_information(report=report, by=staff, text="Which dormitory?")
    _finding(report, partner_member, severity="low")
    assert check_aggregates(report) == (3, True, 3)
    services.report_submit(report=report, by=partner_member)
    services.report_assign(report=report, assignee=staff, by=staff)
    services.report_validate(report=report, by=staff)
    services.report_publish(
        report=report,
        by=staff,
        summary="Documents retained.",
        published_texts={urgent.pk: "Identity documents were retained."},
    )
    # Over every finding, published or not (the staff queue reads them all).
    assert check_aggregates(report) == (3, True, 3)
    services.finding_set_status(finding=hidden, status=Finding.Status.SUBSTANTIATED, by=staff)
    assert check_aggregates(report) == (3, True, 3)


def test_a_full_save_of_a_stale_report_leaves_the_aggregates_alone(partner, partner_member):
    report = _draft(partner, partner_member)
    stale = MonitoringReport.objects.get(pk=report.pk)
    _finding(report, partner_member, severity="critical", fast_track=True)

    stale.summary = "Workers said the agent keeps their passports and wages."
    stale.save()
    services.report_update(report=stale, by=partner_member, interviewed_women=3)

    assert check_aggregates(report) == (4, True, 1)


def test_reports_stay_exact_through_a_factory_merge_and_its_undo(staff):
    source, target = FactoryFactory(), FactoryFactory()
    on_source = MonitoringReportFactory(factory=source)
    FindingFactory(report=on_source, severity="critical", fast_track=True)
    on_target = MonitoringReportFactory(factory=target)
    FindingFactory(report=on_target, severity="low")

    factory_merge(source=source, target=target, by=staff)
    assert check_aggregates(on_source) == (4, True, 1)
    assert check_aggregates(on_target) == (1, False, 1)

    factory_unmerge(merge=FactoryMerge.objects.get(source=source), by=staff)
    assert MonitoringReport.objects.get(pk=on_source.pk).factory_id == source.pk
    assert check_aggregates(on_source) == (4, True, 1)


def test_writes_that_bypass_the_services_keep_them_exact_too():
    first, second = MonitoringReportFactory(), MonitoringReportFactory()
    Finding.objects.bulk_create(
        [
            FindingFactory.build(report=report, severity=severity, fast_track=urgent)
            for report in (first, second)
            for severity, urgent in (("low", False), ("high", True), ("medium", False))
        ]
    )
    assert check_aggregates(first) == (3, True, 3)

    # A finding moved to another report: both reports change, in one statement.
    moved = first.findings.get(severity="high")
    Finding.objects.filter(pk=moved.pk).update(report=second)
    assert check_aggregates(first) == (2, False, 2)
    assert check_aggregates(second) == (3, True, 4)

    second.findings.filter(fast_track=True).update(fast_track=False)
    assert check_aggregates(second) == (3, False, 4)
    Finding.objects.filter(report=second).delete()
    assert check_aggregates(second) == (0, False, 0)
    first.delete()  # the findings go first, then the report
    assert check_aggregates() is None


def test_refresh_and_verify_aggregates_repair_drift(capsys):
    report = MonitoringReportFactory()
    FindingFactory(report=report, severity="critical")
    with connection.cursor() as cursor:  # as a writer with triggers disabled would leave it
        cursor.execute(
            "UPDATE monitoring_monitoringreport SET top_severity = 0, finding_count = 7 "
            "WHERE id = %s",
            [report.pk],
        )
    drift = report_aggregate_drift()
    assert [(d["pk"], d["finding_count"], d["expected_finding_count"]) for d in drift] == [
        (report.pk, 7, 1)
    ]
    with pytest.raises(CommandError, match="1 row"):
        call_command("verify_aggregates")

    call_command("verify_aggregates", "--fix")
    assert "monitoring reports: fixed, 0 still drifted." in capsys.readouterr().out
    assert check_aggregates(report) == (4, False, 1)
    assert refresh_report_aggregates() == 0  # nothing left to change
    call_command("verify_aggregates")


def test_an_aggregate_change_alone_writes_no_audit_event():
    report = MonitoringReportFactory()
    events = event_model_for(MonitoringReport).objects.filter(pgh_obj_id=report.pk)
    before = events.count()

    FindingFactory(report=report, severity="critical", fast_track=True)

    assert check_aggregates(report) == (4, True, 1)
    assert events.count() == before


def test_the_staff_queue_sorts_on_the_stored_aggregates(
    client, staff, django_assert_max_num_queries
):
    calm = MonitoringReportFactory(submitted_at="2026-04-01T09:00Z")
    FindingFactory(report=calm, severity="low")
    severe = MonitoringReportFactory(submitted_at="2026-04-03T09:00Z")
    FindingFactory(report=severe, severity="critical")
    FindingFactory(report=severe, severity="low")
    urgent = MonitoringReportFactory(submitted_at="2026-04-05T09:00Z")
    FindingFactory(report=urgent, severity="medium", fast_track=True)
    older_severe = MonitoringReportFactory(submitted_at="2026-04-02T09:00Z")
    FindingFactory(report=older_severe, severity="critical")
    client.force_login(staff)

    with django_assert_max_num_queries(20):
        response = client.get(reverse("monitoring:staff_reports"))

    rows = list(response.context["reports"])  # read as values (triage_rows.ROW_FIELDS)
    assert [r["pk"] for r in rows] == [report.pk for report in (urgent, older_severe, severe, calm)]
    assert [(r["top_severity"], r["fast_track"], r["finding_count"]) for r in rows] == [
        (2, True, 1),
        (4, False, 1),
        (4, False, 2),
        (1, False, 1),
    ]
    assert "Fast-track" in response.text and "Critical" in response.text
