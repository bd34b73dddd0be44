"""Monitoring workflows: partners write reports, EW staff triage, validate and publish them.

Report states (DESIGN.md §5):

    draft ─► submitted ─► in_triage ─► validated ─► published
               ▲   │          │  │
               │   ▼          ▼  └──► rejected
         needs_information ◄──┘

Every transition goes through a function here, checks `REPORT_TRANSITIONS`, and records who
did it and when as a `ReportEvent`. Publication e-mails the affected affiliates through the
outbox, inside the same transaction: they are sent after commit, once per report and person.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from core.errors import DomainError
from core.uploads import CleanFile

from .models import (
    EvidenceFile,
    Finding,
    MonitoringPartner,
    MonitoringReport,
    ReportEvent,
)

Status = MonitoringReport.Status
Event = ReportEvent.Kind

REPORT_TRANSITIONS: dict[str, set[str]] = {
    Status.DRAFT: {Status.SUBMITTED},
    Status.NEEDS_INFORMATION: {Status.SUBMITTED},
    Status.SUBMITTED: {Status.IN_TRIAGE, Status.NEEDS_INFORMATION, Status.REJECTED},
    Status.IN_TRIAGE: {Status.NEEDS_INFORMATION, Status.VALIDATED, Status.REJECTED},
    Status.VALIDATED: {Status.PUBLISHED, Status.IN_TRIAGE},
    Status.REJECTED: set(),
    Status.PUBLISHED: set(),
}

FindingStatus = Finding.Status
FINDING_TRANSITIONS: dict[str, set[str]] = {
    FindingStatus.ALLEGED: {FindingStatus.SUBSTANTIATED, FindingStatus.NOT_SUBSTANTIATED},
    FindingStatus.SUBSTANTIATED: {FindingStatus.REMEDIATION_PLANNED, FindingStatus.ALLEGED},
    FindingStatus.NOT_SUBSTANTIATED: {FindingStatus.ALLEGED},
    FindingStatus.REMEDIATION_PLANNED: {FindingStatus.REMEDIATED_VERIFIED},
    FindingStatus.REMEDIATED_VERIFIED: {FindingStatus.RECURRED},
    FindingStatus.RECURRED: {FindingStatus.REMEDIATION_PLANNED},
}

REPORT_FIELDS = (
    "factory",
    "period_start",
    "period_end",
    "methods",
    "interviewed_women",
    "interviewed_men",
    "interviewed_other_gender",
    "interviewed_migrant",
    "interviewed_local",
    "summary",
)
FINDING_FIELDS = (
    "standard",
    "sub_standard",
    "ilo_indicators",
    "youngest_age_observed",
    "child_labour",
    "trafficking_acts",
    "trafficking_means",
    "trafficking_purposes",
    "severity",
    "fast_track",
    "workers_affected",
    "confidential_text",
    "evidence_summary",
)


def _move(report: MonitoringReport, target: str) -> None:
    if target not in REPORT_TRANSITIONS[report.status]:
        raise DomainError(
            _("A report that is “%(current)s” cannot become “%(target)s”.")
            % {"current": report.get_status_display(), "target": Status(target).label}
        )
    report.status = target


def _event(report, kind, by, text="") -> ReportEvent:
    return ReportEvent.objects.create(report=report, kind=kind, actor=by, text=text)


def _require_staff(user) -> None:
    if not user.is_ew_staff:
        raise DomainError(_("Only Electronics Watch staff can do this."))


def _require_partner_edit(report: MonitoringReport, by) -> None:
    if not report.is_editable_by_partner:
        raise DomainError(
            _("This report is “%(status)s” and can no longer be changed by your organisation.")
            % {"status": report.get_status_display()}
        )


def _check_report(report: MonitoringReport) -> None:
    if report.period_end < report.period_start:
        raise DomainError(_("The period ends before it starts."), field="period_end")
    if report.period_start > timezone.localdate():
        raise DomainError(_("The period cannot start in the future."), field="period_start")


# --- Partner side -------------------------------------------------------------------------


@transaction.atomic
def report_create(*, partner: MonitoringPartner, by, **data) -> MonitoringReport:
    report = MonitoringReport(partner=partner, created_by=by)
    for field in REPORT_FIELDS:
        if field in data:
            setattr(report, field, data[field])
    _check_report(report)
    report.save()
    _event(report, Event.CREATED, by)
    return report


@transaction.atomic
def report_update(*, report: MonitoringReport, by, **data) -> MonitoringReport:
    report = MonitoringReport.objects.select_for_update().get(pk=report.pk)
    _require_partner_edit(report, by)
    for field in REPORT_FIELDS:
        if field in data:
            setattr(report, field, data[field])
    _check_report(report)
    report.save()
    return report


@transaction.atomic
def finding_save(
    *,
    report: MonitoringReport,
    by,
    finding: Finding | None = None,
    **data,
) -> Finding:
    """Add a finding to a draft report, or change one. Migrant workers' routes, fees and debts
    are recorded on cohorts (monitoring.cohorts)."""
    report = MonitoringReport.objects.select_for_update().get(pk=report.pk)
    _require_partner_edit(report, by)
    finding = finding or Finding(report=report)
    if finding.report_id != report.pk:
        raise DomainError(_("This finding belongs to another report."))
    for field in FINDING_FIELDS:
        if field in data:
            setattr(finding, field, data[field])
    _check_finding(finding)
    finding.save()
    return finding


def _check_finding(finding: Finding) -> None:
    if not finding.standard.version.is_current and finding._state.adding:
        raise DomainError(
            _("Classify new findings under the current edition of the Code."), field="standard"
        )
    if finding.sub_standard_id and finding.sub_standard.standard_id != finding.standard_id:
        raise DomainError(
            _("The sub-standard “%(sub)s” does not belong to “%(standard)s”.")
            % {"sub": finding.sub_standard.label, "standard": finding.standard.label},
            field="sub_standard",
        )
    trafficking = (
        finding.trafficking_acts,
        finding.trafficking_means,
        finding.trafficking_purposes,
    )
    if any(trafficking) and not (finding.trafficking_acts and finding.trafficking_purposes):
        # The means element is not needed when the victims are children (Palermo Art. 3(c)).
        raise DomainError(
            _("Trafficking needs at least an act and a purpose: tick both, or neither."),
            field="trafficking_acts",
        )


@transaction.atomic
def finding_delete(*, finding: Finding, by) -> None:
    _require_partner_edit(finding.report, by)
    finding.delete()


@transaction.atomic
def evidence_add(
    *,
    report: MonitoringReport,
    clean_file: CleanFile,
    by,
    description: str = "",
    finding: Finding | None = None,
) -> EvidenceFile:
    """Store a cleaned upload (see core.uploads) as evidence for a report."""
    _require_partner_edit(report, by)
    if finding is not None and finding.report_id != report.pk:
        raise DomainError(_("This finding belongs to another report."), field="finding")
    evidence = EvidenceFile(
        report=report,
        finding=finding,
        description=description,
        original_name=clean_file.original_name,
        content_type=clean_file.content_type,
        size=clean_file.size,
        sha256=clean_file.sha256,
        uploaded_by=by,
    )
    # A rolled-back transaction leaves the stored file orphaned, never a row without its file.
    evidence.file.save(f"evidence.{clean_file.extension}", ContentFile(clean_file.content))
    return evidence


@transaction.atomic
def report_submit(*, report: MonitoringReport, by) -> MonitoringReport:
    report = MonitoringReport.objects.select_for_update().get(pk=report.pk)
    report_check_submittable(report)
    _move(report, Status.SUBMITTED)
    report.submitted_at = timezone.now()
    report.save(update_fields=["status", "submitted_at", "updated_at"])
    _event(report, Event.SUBMITTED, by)
    return report


def report_check_submittable(report: MonitoringReport) -> None:
    """What a report needs before it goes to Electronics Watch (asked before confirming)."""
    _require_partner_edit(report, None)
    problems = []
    if not report.methods:
        problems.append(_("say which methods you used"))
    if not report.summary.strip():
        problems.append(_("write the narrative summary"))
    if report.workers_interviewed == 0:
        problems.append(_("give the number of workers interviewed"))
    if problems:
        raise DomainError(
            _("Before submitting, please %(problems)s.") % {"problems": ", ".join(problems)}
        )


def report_comment(*, report: MonitoringReport, by, text: str) -> ReportEvent:
    """A note on the report's record, read by staff and the submitting partner."""
    if not text.strip():
        raise DomainError(_("Write a comment first."), field="text")
    report = MonitoringReport.objects.get(pk=report.pk)
    if report.status == Status.DRAFT and by.is_ew_staff:
        raise DomainError(_("Drafts are the partner's own until they submit them."))
    return _event(report, Event.COMMENT, by, text.strip())


# --- Electronics Watch staff --------------------------------------------------------------


@transaction.atomic
def report_assign(*, report: MonitoringReport, assignee, by) -> MonitoringReport:
    _require_staff(by)
    if not (assignee.is_ew_staff and assignee.is_active):
        raise DomainError(_("Reports can only be assigned to Electronics Watch staff."))
    report = MonitoringReport.objects.select_for_update().get(pk=report.pk)
    if report.status == Status.SUBMITTED:
        _move(report, Status.IN_TRIAGE)
    elif report.status not in {Status.IN_TRIAGE, Status.NEEDS_INFORMATION, Status.VALIDATED}:
        raise DomainError(
            _("A report that is “%(status)s” is not in triage.")
            % {"status": report.get_status_display()}
        )
    report.assigned_to = assignee
    report.save(update_fields=["status", "assigned_to", "updated_at"])
    _event(report, Event.ASSIGNED, by, assignee.email)
    return report


@transaction.atomic
def report_request_information(*, report: MonitoringReport, by, text: str) -> MonitoringReport:
    """Send the report back to the partner with a question; they change it and resubmit."""
    _require_staff(by)
    if not text.strip():
        raise DomainError(_("Say what information you need."), field="text")
    report = MonitoringReport.objects.select_for_update().get(pk=report.pk)
    _move(report, Status.NEEDS_INFORMATION)
    report.save(update_fields=["status", "updated_at"])
    event = _event(report, Event.INFO_REQUESTED, by, text.strip())
    _notify_partner(report, event)
    return report


@transaction.atomic
def report_validate(*, report: MonitoringReport, by) -> MonitoringReport:
    _require_staff(by)
    report = MonitoringReport.objects.select_for_update().get(pk=report.pk)
    _move(report, Status.VALIDATED)
    report.decided_at, report.decided_by = timezone.now(), by
    report.save(update_fields=["status", "decided_at", "decided_by", "updated_at"])
    _event(report, Event.VALIDATED, by)
    return report


@transaction.atomic
def report_reject(*, report: MonitoringReport, by, reason: str) -> MonitoringReport:
    _require_staff(by)
    if not reason.strip():
        raise DomainError(_("Give the reason for rejecting the report."), field="reason")
    report = MonitoringReport.objects.select_for_update().get(pk=report.pk)
    _move(report, Status.REJECTED)
    report.decided_at, report.decided_by = timezone.now(), by
    report.rejection_reason = reason.strip()
    report.save(
        update_fields=["status", "decided_at", "decided_by", "rejection_reason", "updated_at"]
    )
    _event(report, Event.REJECTED, by, reason.strip())
    return report


@transaction.atomic
def report_publish(
    *, report: MonitoringReport, by, summary: str, published_texts: dict[int, str]
) -> MonitoringReport:
    """Publish the affiliate-facing version of a validated report.

    `published_texts` maps the id of each finding to publish to its affiliate-facing text;
    findings left out stay confidential. The affiliates whose supply chain contains the factory
    are e-mailed after commit.
    """
    _require_staff(by)
    report = MonitoringReport.objects.select_for_update().get(pk=report.pk)
    findings = report_check_publishable(
        report=report, summary=summary, published_texts=published_texts
    )
    _move(report, Status.PUBLISHED)
    now = timezone.now()
    for finding_id, text in published_texts.items():
        finding = findings[finding_id]
        finding.published_text, finding.published_at = text.strip(), now
    Finding.objects.bulk_update(
        [findings[i] for i in published_texts], ["published_text", "published_at"]
    )
    report.published_summary = summary.strip()
    report.published_at, report.published_by = now, by
    report.save(
        update_fields=["status", "published_summary", "published_at", "published_by", "updated_at"]
    )
    _event(report, Event.PUBLISHED, by)
    _notify_affiliates(report, published=len(published_texts))
    return report


def report_check_publishable(
    *, report: MonitoringReport, summary: str, published_texts: dict[int, str]
) -> dict[int, Finding]:
    """Refuse a publication before anyone confirms it; the report's findings by id."""
    if Status.PUBLISHED not in REPORT_TRANSITIONS[report.status]:
        _move(report, Status.PUBLISHED)  # raises the message naming both statuses
    if not summary.strip():
        raise DomainError(_("Write the published summary."), field="summary")
    findings = {f.pk: f for f in report.findings.select_related("standard")}
    unknown = set(published_texts) - set(findings)
    if unknown:
        raise DomainError(_("A finding to publish does not belong to this report."))
    for finding_id, text in published_texts.items():
        if not text.strip():
            raise DomainError(
                _("Write the published text of the finding “%(finding)s”, or leave it out.")
                % {"finding": findings[finding_id].standard.label},
                field=f"text_{finding_id}",
            )
    return findings


@transaction.atomic
def finding_set_status(*, finding: Finding, status: str, by, note: str = "") -> Finding:
    _require_staff(by)
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    if status not in FINDING_TRANSITIONS[finding.status]:
        raise DomainError(
            _("A finding that is “%(current)s” cannot become “%(target)s”.")
            % {"current": finding.get_status_display(), "target": FindingStatus(status).label}
        )
    previous = finding.get_status_display()
    finding.status = status
    finding.save(update_fields=["status", "updated_at"])
    text = f"{finding.standard.label}: {previous} → {finding.get_status_display()}"
    _event(finding.report, Event.FINDING_STATUS, by, f"{text}\n{note}".strip())
    return finding


# --- E-mails ------------------------------------------------------------------------------


def affiliates_with_factory(factory_id: int) -> list[int]:
    """Ids of the affiliates whose supply chain contains the factory."""
    from suppliers.models import DisclosureLine

    with scopes_disabled():
        return list(
            DisclosureLine.objects.in_supply_chain()
            .filter(factory_id=factory_id)
            .order_by()
            .values_list("affiliate_id", flat=True)
            .distinct()
        )


def publication_recipients(report: MonitoringReport) -> list:
    """The memberships told by e-mail when the report is published: the officers and admins
    of the active affiliates whose supply chain contains the factory."""
    from affiliates.models import Membership

    with scopes_disabled():
        return list(
            Membership.objects.filter(
                affiliate_id__in=affiliates_with_factory(report.factory_id),
                affiliate__is_active=True,
                role__in=Membership.EDITORS,
                user__is_active=True,
            )
            .select_related("user", "affiliate")
            .order_by("affiliate__name", "user__email")
        )


def _notify_affiliates(report: MonitoringReport, *, published: int) -> int:
    from core.outbox import Message, outbox_enqueue

    memberships = publication_recipients(report)
    messages = [
        Message(
            key=f"report-published:{report.pk}:{m.affiliate_id}:{m.user_id}",
            recipient=m.user.email,
            template_prefix="monitoring/email/findings_published",
            context={
                "affiliate": m.affiliate,
                "factory": report.factory,
                "findings": published,
                "link": settings.SITE_URL
                + reverse(
                    "reports:factory_detail",
                    kwargs={"affiliate_slug": m.affiliate.slug, "pk": report.factory_id},
                ),
            },
            language=m.user.language,
        )
        for m in memberships
    ]
    return outbox_enqueue(messages)


def _notify_partner(report: MonitoringReport, event: ReportEvent) -> int:
    from core.outbox import Message, outbox_enqueue

    members = report.partner.memberships.filter(user__is_active=True).select_related("user")
    link = settings.SITE_URL + reverse("monitoring:report_detail", kwargs={"pk": report.pk})
    return outbox_enqueue(
        [
            Message(
                key=f"report-info-requested:{event.pk}:{m.user_id}",
                recipient=m.user.email,
                template_prefix="monitoring/email/information_requested",
                context={"report": report, "factory": report.factory, "link": link},
                language=m.user.language,
            )
            for m in members
        ]
    )
