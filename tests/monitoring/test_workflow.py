"""The report workflow: partner drafts and submits, staff triage, validate and publish."""

from datetime import date

import pytest
from django.core import mail

from affiliates.models import Membership
from core.errors import DomainError
from core.outbox import outbox_send_pending
from monitoring import services
from monitoring.models import CodeStandard, Finding, MonitoringReport, ReportEvent
from tests.factories import (
    AffiliateFactory,
    FactoryFactory,
    FindingFactory,
    MonitoringReportFactory,
    PartnerMemberFactory,
    StaffFactory,
    in_supply_chain,
    member,
)

Status = MonitoringReport.Status


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
        interviewed_men=4,
        summary="Workers said the agent keeps their passports.",
    )


def _finding(report, author, **fields):
    fields.setdefault("standard", CodeStandard.objects.current().get(number=1))
    fields.setdefault("severity", "high")
    fields.setdefault("confidential_text", "Worker B: 'the agent has my passport'.")
    return services.finding_save(report=report, by=author, **fields)


def test_partner_drafts_submits_and_staff_validate_and_publish(partner, partner_member, staff):
    report = _draft(partner, partner_member)
    finding = _finding(report, partner_member, child_labour=["hazardous"])
    services.report_submit(report=report, by=partner_member)
    services.report_assign(report=report, assignee=staff, by=staff)
    services.report_validate(report=report, by=staff)
    services.report_publish(
        report=report,
        by=staff,
        summary="Documents retained.",
        published_texts={finding.pk: "Identity documents were retained."},
    )

    report.refresh_from_db()
    finding.refresh_from_db()
    assert report.status == Status.PUBLISHED
    assert (report.published_by, report.decided_by, report.assigned_to) == (staff, staff, staff)
    assert finding.published_text == "Identity documents were retained."
    assert finding.published_at == report.published_at
    assert finding.child_labour == ["hazardous"]
    kinds = list(report.events.values_list("kind", "actor__email"))
    assert kinds == [
        ("created", partner_member.email),
        ("submitted", partner_member.email),
        ("assigned", staff.email),
        ("validated", staff.email),
        ("published", staff.email),
    ]


def test_submission_names_what_is_missing(partner, partner_member):
    report = services.report_create(
        partner=partner,
        by=partner_member,
        factory=FactoryFactory(),
        period_start=date(2026, 3, 1),
        period_end=date(2026, 3, 31),
    )
    with pytest.raises(DomainError, match="say which methods you used, write the narrative"):
        services.report_submit(report=report, by=partner_member)
    assert MonitoringReport.objects.get(pk=report.pk).status == Status.DRAFT


def test_illegal_transitions_are_refused_and_change_nothing(partner, partner_member, staff):
    report = _draft(partner, partner_member)
    with pytest.raises(DomainError, match="“Draft” cannot become “Validated”"):
        services.report_validate(report=report, by=staff)
    with pytest.raises(DomainError, match="Only Electronics Watch staff"):
        services.report_validate(report=report, by=partner_member)
    services.report_submit(report=report, by=partner_member)
    with pytest.raises(DomainError, match="can no longer be changed"):
        _finding(report, partner_member)
    with pytest.raises(DomainError, match="cannot become “Published”"):
        services.report_publish(report=report, by=staff, summary="x", published_texts={})
    assert MonitoringReport.objects.get(pk=report.pk).status == Status.SUBMITTED
    assert not report.events.filter(kind__in=["validated", "published"]).exists()


def test_only_staff_can_be_assigned(partner, partner_member, staff):
    report = _draft(partner, partner_member)
    services.report_submit(report=report, by=partner_member)
    with pytest.raises(DomainError, match="only be assigned to Electronics Watch staff"):
        services.report_assign(report=report, assignee=partner_member, by=staff)


def test_rejection_needs_a_reason_and_is_recorded(partner, partner_member, staff):
    report = _draft(partner, partner_member)
    services.report_submit(report=report, by=partner_member)
    with pytest.raises(DomainError, match="Give the reason"):
        services.report_reject(report=report, by=staff, reason="  ")
    services.report_reject(report=report, by=staff, reason="Outside the monitoring mandate.")
    report.refresh_from_db()
    assert (report.status, report.decided_by) == (Status.REJECTED, staff)
    assert report.events.get(kind="rejected").text == "Outside the monitoring mandate."


def test_information_request_goes_back_to_the_partner_who_resubmits(partner, partner_member, staff):
    colleague = PartnerMemberFactory(partner=partner, email="colleague@monitor.example")
    report = _draft(partner, partner_member)
    services.report_submit(report=report, by=partner_member)
    services.report_request_information(report=report, by=staff, text="Add the payslips, please.")
    outbox_send_pending()

    assert sorted(m.to[0] for m in mail.outbox) == [colleague.email, partner_member.email]
    assert "MR-" in mail.outbox[0].subject
    assert "payslips" not in mail.outbox[0].body  # the question is read on the platform
    _finding(report, partner_member)  # editable again
    services.report_submit(report=report, by=partner_member)
    assert MonitoringReport.objects.get(pk=report.pk).status == Status.SUBMITTED


def test_finding_rules_have_specific_messages(partner, partner_member):
    report = _draft(partner, partner_member)
    recruitment = CodeStandard.objects.current().get(number=2)
    hours_sub = CodeStandard.objects.current().get(number=7).sub_standards.first()
    with pytest.raises(DomainError, match="does not belong to “Fair recruitment”"):
        _finding(report, partner_member, standard=recruitment, sub_standard=hours_sub)
    with pytest.raises(DomainError, match="at least an act and a purpose"):
        _finding(report, partner_member, trafficking_means=["deception"])
    with pytest.raises(DomainError, match="at least an act and a purpose"):
        _finding(report, partner_member, trafficking_acts=["recruitment"])
    assert not Finding.objects.exists()


def test_publication_emails_each_affiliate_with_the_factory_once_after_commit(
    partner, partner_member, staff, northvale, southport, django_capture_on_commit_callbacks
):
    factory = FactoryFactory()
    officer = member(northvale, Membership.Role.OFFICER, email="officer@northvale.example")
    member(northvale, Membership.Role.VIEWER, email="viewer@northvale.example")
    southport_admin = member(southport, Membership.Role.ADMIN, email="admin@southport.example")
    requested_only = AffiliateFactory()
    waiting = member(requested_only, email="waiting@example.org")
    outsider = member(AffiliateFactory(), email="outsider@example.org")
    in_supply_chain(northvale, factory)
    in_supply_chain(northvale, factory)  # two contracts, one e-mail
    in_supply_chain(southport, factory)
    in_supply_chain(requested_only, factory, status="submitted")  # not accepted yet
    in_supply_chain(requested_only, factory, status="requested")  # not disclosed yet
    report = MonitoringReportFactory(partner=partner, factory=factory, status=Status.VALIDATED)
    finding = FindingFactory(report=report, confidential_text="SECRET testimony of worker C")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.report_publish(
            report=report,
            by=staff,
            summary="Published summary",
            published_texts={finding.pk: "Documents retained."},
        )
        assert mail.outbox == []  # nothing leaves before the commit
    assert len(callbacks) == 1  # the outbox's send task, enqueued on commit
    assert outbox_send_pending() == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert services._notify_affiliates(report, published=1) == 0  # never twice
    assert outbox_send_pending() == 0

    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([officer.email, southport_admin.email])
    assert waiting.email not in recipients and outsider.email not in recipients
    body = mail.outbox[0].body + mail.outbox[0].alternatives[0][0]
    assert factory.name in mail.outbox[0].subject
    assert "/findings/" not in body and f"/factories/{factory.pk}/" in body
    assert "SECRET" not in body


def test_finding_status_moves_along_its_path_and_is_recorded(staff):
    finding = FindingFactory()
    services.finding_set_status(finding=finding, status="substantiated", by=staff)
    with pytest.raises(DomainError, match="“Substantiated” cannot become “Remediated and"):
        services.finding_set_status(finding=finding, status="remediated_verified", by=staff)
    services.finding_set_status(
        finding=finding, status="remediation_planned", by=staff, note="Plan agreed with brand."
    )
    assert Finding.objects.get(pk=finding.pk).status == "remediation_planned"
    texts = list(ReportEvent.objects.filter(kind="finding_status").values_list("text", flat=True))
    assert texts[-1].endswith("Plan agreed with brand.")


def test_staff_comment_on_another_staff_member_report_is_recorded(staff):
    report = MonitoringReportFactory()
    other = StaffFactory()
    services.report_comment(report=report, by=other, text="Checked with the RBA auditor.")
    assert report.events.get(kind="comment").actor == other
