"""Contract-compliance reports: what an affiliate did, over a period, for the workers in its
supply chain (DOMAIN.md §5). Requested on a page, by the API or by beat; rendered by a
Celery task into a PDF/A (tagged for accessibility) with WeasyPrint.

Everything the report says is read inside the affiliate's scope and through the same
querysets as the pages: published findings only, thresholded grievance counts, the
affiliates' view of remediation cases. `compliance_report_render` is a pure function of the
report row and the database; the task only stores its bytes and their checksum.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_scopes import scope

from affiliates.models import Affiliate, Membership
from affiliates.reader import Reader
from core import periods, readmodel
from core.charts import bar_chart, stacked_bar_chart
from core.errors import DomainError
from core.pdf import is_live_rendering, render_or_fail
from suppliers.models import Contract

from .models import ComplianceReport

Status = ComplianceReport.Status


def last_calendar_year(today: date | None = None) -> tuple[date, date]:
    year = (today or timezone.localdate()).year - 1
    return date(year, 1, 1), date(year, 12, 31)


def previous_period(start: date, end: date) -> tuple[date, date]:
    """The period of the same length just before, for the year-on-year comparison."""
    period = periods.as_period(start, end)
    if period is not None:
        months = period[1] - period[0] + 1
        return periods.dates((period[0] - months, period[1] - months))
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31):
        return date(start.year - (end.year - start.year + 1), 1, 1), date(start.year - 1, 12, 31)
    length = end - start
    return start - length - timedelta(days=1), start - timedelta(days=1)


# --- Requests ----------------------------------------------------------------------------


def compliance_report_request(
    *,
    affiliate: Affiliate,
    by,
    period_start: date | None = None,
    period_end: date | None = None,
    contract: Contract | None = None,
    language: str | None = None,
    scheduled: bool = False,
) -> ComplianceReport:
    """Queue a report; rendering starts after commit. Default: the last calendar year, or
    for a contract its whole term."""
    if contract is not None and contract.affiliate_id != affiliate.pk:
        raise DomainError(_("Choose one of your own contracts."), field="contract")
    if period_start is None and period_end is None:
        if contract is not None and contract.start_date and contract.end_date:
            # The whole calendar years of the contract's term (see core.periods).
            period_start, period_end = periods.years_covering(
                contract.start_date, contract.end_date
            )
        else:
            period_start, period_end = last_calendar_year()
    if period_start is None or period_end is None:
        raise DomainError(
            _("Give both the first and the last day of the period."), field="period_end"
        )
    if period_end < period_start:
        raise DomainError(_("The period ends before it starts."), field="period_end")
    if period_start > timezone.localdate():
        raise DomainError(_("The period cannot start in the future."), field="period_start")
    if periods.as_period(period_start, period_end) is None:
        raise DomainError(
            _(
                "A report covers a whole calendar month, a calendar quarter, or one to five "
                "whole calendar years: for example from 1 April to 30 June, or from 1 January "
                "2024 to 31 December 2025."
            ),
            field="period_start",
        )
    language = language or settings.LANGUAGE_CODE
    if language not in dict(settings.LANGUAGES):
        raise DomainError(_("Choose English or French."), field="language")
    with scope(affiliate=affiliate), transaction.atomic():
        earlier = ComplianceReport.objects.filter(
            affiliate=affiliate,
            contract=contract,
            period_start=period_start,
            period_end=period_end,
        ).count()
        report = ComplianceReport.objects.create(
            affiliate=affiliate,
            contract=contract,
            period_start=period_start,
            period_end=period_end,
            language=language,
            version=earlier + 1,
            scheduled=scheduled,
            requested_by=by,
        )
        from .tasks import render_compliance_report

        transaction.on_commit(lambda: render_compliance_report.delay(report.pk))
    return report


def compliance_reports_schedule(*, today: date | None = None) -> int:
    """On the configured day, queue each active affiliate's report for the previous year.
    Idempotent: the scheduled report of a year exists once per affiliate."""
    today = today or timezone.localdate()
    if today.strftime("%m-%d") != settings.EW_ANNUAL_REPORT_DATE:
        return 0
    start, end = last_calendar_year(today)
    queued = 0
    for affiliate in Affiliate.objects.filter(is_active=True).order_by("pk"):
        with scope(affiliate=affiliate):
            if ComplianceReport.objects.filter(
                scheduled=True, period_start=start, period_end=end
            ).exists():
                continue
        compliance_report_request(
            affiliate=affiliate, by=None, period_start=start, period_end=end, scheduled=True
        )
        queued += 1
    return queued


# --- Rendering ---------------------------------------------------------------------------


def compliance_report_generate(report_id: int) -> ComplianceReport | None:
    """Render and store one report. Returns None when there is nothing to do (missing,
    already finished, or being rendered by a live worker)."""
    from django_scopes import scopes_disabled

    # A task knows the report's id only: which affiliate's it is comes from the report.
    with transaction.atomic(), scopes_disabled():
        report = (
            ComplianceReport.objects.select_for_update(skip_locked=True)
            .filter(pk=report_id)
            .first()
        )
        if report is None or report.is_finished:
            return None
        if report.status == Status.RENDERING and is_live_rendering(report.started_at):
            return None
        report.status = Status.RENDERING
        report.started_at = timezone.now()
        report.attempts += 1
        report.save(update_fields=["status", "started_at", "attempts"])
    affiliate = Affiliate.objects.get(pk=report.affiliate_id)
    with scope(affiliate=affiliate):
        pdf, pages = render_or_fail(
            lambda: compliance_report_render(report),
            lambda error: _finish_failed(
                report, _("The report could not be rendered: %(error)s") % {"error": error}
            ),
        )
        report.file.save(report.download_name, ContentFile(pdf), save=False)
        report.annex.save(
            report.annex_name, ContentFile(compliance_report_annex(report)), save=False
        )
        report.sha256 = hashlib.sha256(pdf).hexdigest()
        report.size = len(pdf)
        report.page_count = pages
        report.status = Status.READY
        report.finished_at = timezone.now()
        report.failure_reason = ""
        report.save(
            update_fields=[
                "file",
                "annex",
                "sha256",
                "size",
                "page_count",
                "status",
                "finished_at",
                "failure_reason",
            ]
        )
        if report.scheduled:
            _notify_admins(report)
    return report


def compliance_report_fail(report_id: int, reason: str) -> None:
    """After the last retry: the page and the API say why."""
    from django_scopes import scopes_disabled

    with scopes_disabled():
        report = ComplianceReport.objects.filter(pk=report_id).first()
    if report is not None and not report.is_finished:
        _finish_failed(report, reason)


def _finish_failed(report: ComplianceReport, reason: str) -> None:
    from django_scopes import scopes_disabled

    with scopes_disabled():
        ComplianceReport.objects.filter(pk=report.pk).update(
            status=Status.FAILED, failure_reason=reason[:500], finished_at=timezone.now()
        )


def compliance_report_render(report: ComplianceReport) -> tuple[bytes, int]:
    """The PDF of a report and its number of pages. Call inside the affiliate's scope."""
    html = compliance_report_html(report)
    from weasyprint import HTML

    from core.pdf import BASE_URL, StaticOnlyFetcher

    document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher()).render()
    pdf = document.write_pdf(
        pdf_variant="pdf/a-3a",
        pdf_tags=True,
        custom_metadata=True,
    )
    return pdf, len(document.pages)


PRIORITIES_IN_REPORT = 10


def compliance_report_html(report: ComplianceReport) -> str:
    from .priorities import priorities_for

    reader = Reader.for_affiliate(report.affiliate)
    with translation.override(report.language):
        context = report_context(
            reader,
            report.period_start,
            report.period_end,
            contract=report.contract,
        )
        context.update(
            # Where to act first, today: the ten highest scores with their explanation.
            priorities=priorities_for(reader)[:PRIORITIES_IN_REPORT],
            report=report,
            LANGUAGE_CODE=report.language,
            # Where a reader checks the file: the page shows its SHA-256.
            verify_url=settings.SITE_URL + report.get_absolute_url(),
        )
        return render_to_string("reports/compliance/report.html", context)


def compliance_report_annex(report: ComplianceReport) -> bytes:
    """The report's whole lists as an XLSX workbook, one sheet a list, read row by row (the
    PDF shows the first rows of each). Call inside the affiliate's scope."""
    import io

    from core.spreadsheets import write_xlsx_sheets
    from suppliers.models import ChecklistItem

    reader = Reader.for_affiliate(report.affiliate)
    start, end, contract = report.period_start, report.period_end, report.contract
    affiliate = reader.affiliate
    as_of = overdue_as_of(end)
    contracts = _contracts(affiliate, start, end, contract)
    factory_ids = _factory_ids(affiliate, contracts)
    joined = _cases(reader, factory_ids, end).joined_by(affiliate)
    yes, no = _("yes"), _("no")

    def contract_rows():
        for c in contracts.select_related("contractor").order_by("reference", "pk").iterator():
            yield [
                c.reference,
                c.title,
                c.contractor.name,
                c.start_date,
                c.end_date,
                c.value,
                c.currency,
                c.get_ew_conditions_version_display() if c.ew_conditions_version else "",
            ]

    def outcome_rows():
        items = (
            ChecklistItem.objects.filter(contract__in=contracts)
            .select_related("contract")
            .order_by("contract__reference", "contract_id", "outcome")
        )
        for item in items.iterator():
            yield [
                item.contract.reference,
                item.get_outcome_display(),
                item.get_status_display(),
                item.evidence,
            ]

    def factory_rows():
        bought = _bought(affiliate, contracts)
        for f in report_factories(reader, contracts, end).iterator():
            brands, models = bought.get(f.pk, ([], []))
            yield [
                f.name,
                f.country.name,
                f.get_function_display(),
                ", ".join(brands),
                ", ".join(models),
                f.other_affiliates,
                yes if f.with_findings else no,
                yes if f.with_cases else no,
            ]

    def finding_rows():
        for f in report_findings(reader, factory_ids, end).iterator():
            yield [
                f.report.factory.name,
                f.standard.label,
                f.get_severity_display(),
                f.get_status_display(),
                f.published_at.date() if f.published_at else None,
                f.published_text,
            ]

    def case_rows():
        for case in report_cases(reader, factory_ids, end, as_of).iterator():
            yield [
                case.reference,
                case.title,
                case.factory.name,
                case.get_severity_display(),
                case.get_status_display(),
                yes if case.joined else no,
                case.overdue_count if case.joined else None,
            ]

    def overdue_rows():
        actions = (
            overdue_actions(reader, joined, as_of).select_related("case").order_by("due_date", "pk")
        )
        for a in actions.iterator():
            yield [a.case.reference, a.description, a.owner_name, a.due_date]

    def engagement_rows():
        for e in report_engagements(factory_ids, start, end).iterator():
            yield [
                e.happened_on,
                e.case.reference,
                e.contract.reference if e.contract_id else "",
                e.get_kind_display(),
                e.get_level_display(),
                e.summary,
            ]

    file = io.BytesIO()
    with translation.override(report.language):
        write_xlsx_sheets(
            file,
            [
                (
                    _("Contracts"),
                    [
                        _("Reference"),
                        _("Title"),
                        _("Contractor"),
                        _("Start"),
                        _("End"),
                        _("Value"),
                        _("Currency"),
                        _("EW conditions"),
                    ],
                    contract_rows(),
                ),
                (
                    _("Contract outcomes"),
                    [_("Contract"), _("Outcome"), _("Status"), _("Evidence")],
                    outcome_rows(),
                ),
                (
                    _("Factories"),
                    [
                        _("Factory"),
                        _("Country"),
                        _("Function"),
                        _("Brands"),
                        _("Products"),
                        _("Other affiliates buying from it"),
                        _("Published findings"),
                        _("Remediation cases"),
                    ],
                    factory_rows(),
                ),
                (
                    _("Findings"),
                    [
                        _("Factory"),
                        _("Code category"),
                        _("Severity"),
                        _("Status"),
                        _("Published"),
                        _("Finding"),
                    ],
                    finding_rows(),
                ),
                (
                    _("Remediation cases"),
                    [
                        _("Case"),
                        _("Title"),
                        _("Factory"),
                        _("Severity"),
                        _("Status"),
                        _("Joined"),
                        _("Overdue actions"),
                    ],
                    case_rows(),
                ),
                (
                    _("Overdue actions"),
                    [_("Case"), _("Action"), _("Owner"), _("Due")],
                    overdue_rows(),
                ),
                (
                    _("Engagement"),
                    [
                        _("Date"),
                        _("Case"),
                        _("Contract"),
                        _("Kind"),
                        _("Level"),
                        _("What happened"),
                    ],
                    engagement_rows(),
                ),
            ],
        )
    return file.getvalue()


# --- The list of reports ---------------------------------------------------------------


def latest_versions():
    """One row per report (a contract or none, and a period): its latest version. Call inside
    the affiliate's scope."""
    latest = (
        ComplianceReport.objects.order_by("contract_id", "period_start", "period_end", "-version")
        .distinct("contract_id", "period_start", "period_end")
        .values("pk")
    )
    return ComplianceReport.objects.filter(pk__in=latest)


def attach_older_versions(reports: list[ComplianceReport]) -> None:
    """Set `older_versions` on each latest version, newest first, in one query."""
    for report in reports:
        report.older_versions = []
    if not reports:
        return
    same_report = Q()
    for report in reports:
        same_report |= Q(
            contract_id=report.contract_id,
            period_start=report.period_start,
            period_end=report.period_end,
        )
    by_key = {(r.contract_id, r.period_start, r.period_end): r for r in reports}
    older = (
        ComplianceReport.objects.filter(same_report)
        .select_related("affiliate")  # their links name the affiliate
        .exclude(pk__in=[r.pk for r in reports])
        .order_by("-version")
    )
    for version in older:
        latest = by_key.get((version.contract_id, version.period_start, version.period_end))
        if latest is not None and version.version < latest.version:
            latest.older_versions.append(version)


# --- What the report says ------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    contracts: int
    with_conditions: int
    disclosures_accepted: int
    disclosures_overdue: int
    factories: int
    findings: int
    cases: int
    cases_joined: int
    overdue_actions: int
    engagements: int


def _contracts(affiliate, start, end, contract=None):
    if contract is not None:
        return Contract.objects.filter(pk=contract.pk)
    return Contract.objects.filter(affiliate=affiliate, start_date__lte=end, end_date__gte=start)


def _factory_ids(affiliate, contracts):
    """The sites of the supply chain under `contracts`, as a subquery of the supply-chain
    table (never a list of ids: a large affiliate has thousands): the rows of
    `Factory.objects.in_supply_chain_of(affiliate, contracts=contracts)`, without the join
    to the factories."""
    from suppliers.querysets import supply_chain_factory_ids

    return supply_chain_factory_ids(affiliate, contracts=contracts)


# `_findings` and `_cases` read the rows an affiliate may read (`visible_to`) at sites of its
# own supply chain (`_factory_ids(reader.affiliate, ...)`, a part of the chain that
# `visible_to` checks): they state `visible_to`'s rule narrowed to those sites, so that
# PostgreSQL does not check each row against the whole chain a second time (tens of
# thousands of lookups for a large affiliate). tests/reports/test_compliance_figures.py
# compares them with `visible_to(reader)` and the same filters.


def _findings(reader, factory_ids, end):
    """Published findings at the sites of `factory_ids`, published on or before `end`."""
    from monitoring.models import Finding

    _require_affiliate(reader)
    return Finding.objects.published().filter(
        report__factory_id__in=factory_ids, published_at__date__lte=end
    )


def _cases(reader, factory_ids, end):
    """Remediation cases at the sites of `factory_ids` opened on or before `end` (every case
    at a site of the chain is visible to the affiliate; the cases it was only invited to are
    at no site of its chain, so none of them)."""
    from remediation.models import RemediationCase

    _require_affiliate(reader)
    return RemediationCase.objects.filter(factory_id__in=factory_ids, opened_on__lte=end)


def _require_affiliate(reader: Reader) -> None:
    if not reader.is_affiliate:
        raise ValueError("compliance reports are read by an affiliate")


def overdue_as_of(end: date) -> date:
    """Actions are overdue on the period's last day, or today while the period runs."""
    return min(end, timezone.localdate())


def overdue_actions(reader: Reader, cases, as_of: date):
    """The open actions due before `as_of` in `cases` (those the affiliate joined): the key
    figure counts them and the report's table lists them, so both say the same."""
    from remediation.models import RemediationAction

    return RemediationAction.objects.visible_to(reader).overdue(as_of).filter(case__in=cases)


def figures(reader: Reader, start, end, contract=None, *, findings: int | None = None) -> Figures:
    """The key figures of a period, in a fixed number of queries. The page and the PDF both
    read them through `summary`; `findings`, when the caller has counted them already."""
    from remediation.models import Engagement, Participation
    from suppliers.models import Disclosure, Factory

    affiliate = reader.affiliate
    contracts = _contracts(affiliate, start, end, contract)
    counts = contracts.aggregate(
        n=Count("pk"), conditions=Count("pk", filter=~Q(ew_conditions_version=""))
    )
    disclosures = Disclosure.objects.filter(contract__in=contracts).aggregate(
        accepted=Count("pk", filter=Q(status=Disclosure.Status.ACCEPTED)),
        overdue=Count(
            "pk",
            filter=Q(
                status__in=[Disclosure.Status.REQUESTED, Disclosure.Status.RETURNED],
                due_date__lt=min(end, timezone.localdate()),
            ),
        ),
    )
    factory_ids = _factory_ids(affiliate, contracts)
    cases = _cases(reader, factory_ids, end)
    joined = cases.joined_by(affiliate)
    joined_here = Participation.objects.filter(
        case=OuterRef("pk"), affiliate=affiliate, joined_on__isnull=False
    )  # as `joined_by`, counted beside the cases in one scan
    case_counts = cases.aggregate(n=Count("pk"), joined=Count("pk", filter=Exists(joined_here)))
    as_of = overdue_as_of(end)

    return Figures(
        contracts=counts["n"],
        with_conditions=counts["conditions"],
        disclosures_accepted=disclosures["accepted"],
        disclosures_overdue=disclosures["overdue"],
        factories=Factory.objects.filter(pk__in=factory_ids).count(),
        findings=(_findings(reader, factory_ids, end).count() if findings is None else findings),
        cases=case_counts["n"],
        cases_joined=case_counts["joined"],
        overdue_actions=overdue_actions(reader, joined, as_of).count(),
        engagements=Engagement.objects.filter(
            case__factory_id__in=factory_ids, happened_on__range=(start, end)
        ).count(),
    )


# A report stays readable and bounded whatever the size of the supply chain: each long list
# shows its first rows (the most telling ones first) and says how many more the annex holds.
ROWS_IN_REPORT = 50
FINDINGS_IN_REPORT = 40  # each with its text and the company's answers
CONTRACT_OUTCOMES_IN_REPORT = 20  # each a heading and a table


def summary(reader: Reader, start: date, end: date, *, contract=None) -> dict:
    """The key figures and the two charts with their tables, in a fixed number of aggregate
    queries: what the list of reports shows, and the PDF's executive summary and charts (one
    function, so that the page and the PDF say the same). Kept in the read-model cache
    (core/readmodel.py) under the affiliate, the period, the contract, the language and the
    day (overdue counts end today while the period runs)."""
    parts = (
        reader.affiliate.pk,
        "affiliate",
        start.isoformat(),
        end.isoformat(),
        contract.pk if contract is not None else None,
        translation.get_language(),
        timezone.localdate().isoformat(),
    )
    return readmodel.cached(
        "compliance-summary",
        parts,
        lambda: _summary(reader, start, end, contract=contract),
    )


def _summary(reader: Reader, start: date, end: date, *, contract=None) -> dict:
    from monitoring.models import ForcedLabourIndicator, Severity

    contracts = _contracts(reader.affiliate, start, end, contract)
    findings = _findings(reader, _factory_ids(reader.affiliate, contracts), end)
    total, category_rows, indicator_codes = _findings_breakdown(findings)
    current = figures(reader, start, end, contract, findings=total)
    before_start, before_end = previous_period(start, end)
    before = figures(reader, before_start, before_end, contract)
    severities = [(value, str(label)) for value, label in Severity.choices]
    indicator_labels = dict(ForcedLabourIndicator.choices)
    indicator_rows = [
        (str(indicator_labels.get(code, code)), count) for code, count in indicator_codes
    ]
    return {
        "key_figures": _key_figures(current, before),
        "figures": current,
        "previous_start": before_start,
        "previous_end": before_end,
        "severities": severities,
        "category_rows": [
            (label, [counts.get(value, 0) for value, _label in severities])
            for label, counts in category_rows
        ],
        "indicator_rows": indicator_rows,
        "findings_chart": stacked_bar_chart(
            [(label, dict(counts)) for label, counts in category_rows],
            segments=severities,
            title=_("Published findings by Code category and severity"),
            unit_label=_("Findings"),
            chart_id="findings-by-category",
        ),
        "indicators_chart": bar_chart(
            indicator_rows,
            title=_("ILO forced-labour indicators in published findings"),
            unit_label=_("Findings"),
            chart_id="findings-by-indicator",
        ),
    }


def _findings_breakdown(findings) -> tuple[int, list[tuple[str, Counter]], list[tuple[str, int]]]:
    """How many `findings`; (Code category, {severity: findings}), most findings first; and
    (ILO indicator code, findings naming it), most first: one scan of the findings, each
    counted once for its category (kind 0) and once for each indicator it names (kind 1)."""
    from django.db import connection

    from monitoring.models import CodeStandard

    sql, params = (
        findings.order_by().values("standard_id", "severity", "ilo_indicators").query
    ).sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT finding.standard_id, finding.severity, named.kind, named.indicator, "  # noqa: S608
            "count(*) FROM (" + sql + ") AS finding CROSS JOIN LATERAL ("
            "SELECT 0 AS kind, NULL::text AS indicator "
            "UNION ALL SELECT 1, unnest(finding.ilo_indicators)) AS named "
            "GROUP BY 1, 2, 3, 4",
            params,
        )
        rows = cursor.fetchall()
    categories = [
        (standard_id, severity, n) for standard_id, severity, kind, _i, n in rows if not kind
    ]
    indicators: Counter = Counter()
    for _standard_id, _severity, kind, indicator, n in rows:
        if kind:
            indicators[indicator] += n
    standards = CodeStandard.objects.in_bulk({standard_id for standard_id, _s, _n in categories})
    by_category: dict[str, Counter] = defaultdict(Counter)
    for standard_id, severity, n in sorted(
        categories, key=lambda row: (standards[row[0]].number, row[0], row[1])
    ):
        by_category[standards[standard_id].label][severity] += n
    return (
        sum(n for _standard_id, _severity, n in categories),
        sorted(by_category.items(), key=lambda row: -sum(row[1].values())),
        sorted(indicators.items(), key=lambda row: (-row[1], row[0])),
    )


def _severity_rank():
    from django.db.models import Case, IntegerField, Value, When

    from monitoring.models import SEVERITY_RANK

    return Case(
        *(When(severity=value, then=Value(rank)) for value, rank in SEVERITY_RANK.items()),
        default=Value(0),
        output_field=IntegerField(),
    )


def _bought(affiliate, contracts, factory_ids=None):
    """{factory id: (brands, product models)} bought under `contracts`, aggregated in SQL."""
    from django.contrib.postgres.aggregates import ArrayAgg

    from suppliers.models import DisclosureLine

    lines = DisclosureLine.objects.in_supply_chain().filter(
        affiliate=affiliate, disclosure__contract__in=contracts
    )
    if factory_ids is not None:
        lines = lines.filter(factory_id__in=factory_ids)
    return {
        row["factory_id"]: (sorted(row["brands"]), sorted(row["models"]))
        for row in lines.order_by()
        .values("factory_id")
        .annotate(
            brands=ArrayAgg("brand", distinct=True),
            models=ArrayAgg("product_model", distinct=True),
        )
        .iterator()
    }


def report_factories(reader: Reader, contracts, end):
    """The supply chain's factories, those with published findings or remediation cases
    first, then by country and name; `with_findings` and `with_cases` on each."""
    from django.db.models import Exists, OuterRef

    from suppliers.models import Factory

    affiliate = reader.affiliate
    factory_ids = _factory_ids(affiliate, contracts)
    findings = _findings(reader, factory_ids, end).filter(report__factory_id=OuterRef("pk"))
    cases = _cases(reader, factory_ids, end).filter(factory_id=OuterRef("pk"))
    return (
        Factory.objects.filter(pk__in=factory_ids)
        .with_affiliate_count()
        .annotate(with_findings=Exists(findings), with_cases=Exists(cases))
        .order_by(
            # Each Exists on its own: a subquery inside an OR would run per row twice.
            F("with_findings").desc(),
            F("with_cases").desc(),
            "country",
            "name",
            "pk",
        )
    )


def report_findings(reader: Reader, factory_ids, end):
    """The published findings, the most severe and the most recent first."""
    return (
        _findings(reader, factory_ids, end)
        .select_related("standard", "report__factory")
        .annotate(report_rank=_severity_rank())
        .order_by("-report_rank", "-published_at", "pk")
    )


def report_cases(reader: Reader, factory_ids, end, as_of):
    affiliate = reader.affiliate
    return (
        _cases(reader, factory_ids, end)
        .with_participation_of(affiliate)
        .with_action_counts(as_of)
        .select_related("factory")
        .order_by("-fast_track", "opened_on", "pk")
    )


def report_engagements(factory_ids, start, end):
    from remediation.models import Engagement

    return (
        Engagement.objects.filter(case__factory_id__in=factory_ids, happened_on__range=(start, end))
        .select_related("case", "contract")
        .order_by("happened_on", "pk")
    )


def report_context(reader: Reader, start: date, end: date, *, contract=None) -> dict:
    """Everything the report shows, as the affiliate of `reader` may read it: the summary of
    `summary()` and the first rows of each list (`ROWS_IN_REPORT`), each with its total; the
    annex (`compliance_report_annex`) holds the whole lists."""
    from grievances.selectors import grievance_counts_for_period
    from remediation.models import Participation
    from suppliers.models import Factory

    affiliate = reader.affiliate
    today = timezone.localdate()
    as_of = overdue_as_of(end)
    context = summary(reader, start, end, contract=contract)
    totals: Figures = context["figures"]
    contracts_in_scope = _contracts(affiliate, start, end, contract)
    contracts = list(
        contracts_in_scope.select_related("contractor", "disclosure").order_by("reference", "pk")[
            :ROWS_IN_REPORT
        ]
    )
    outcome_contracts = list(
        _contracts(affiliate, start, end, contract)
        .select_related("disclosure")
        .prefetch_related("checklist")
        .order_by("reference", "pk")[:CONTRACT_OUTCOMES_IN_REPORT]
    )
    factory_ids = _factory_ids(affiliate, contracts_in_scope)

    factories = list(report_factories(reader, contracts_in_scope, end)[:ROWS_IN_REPORT])
    bought = _bought(affiliate, contracts_in_scope, [f.pk for f in factories])
    for factory in factories:
        factory.bought_brands, factory.bought_models = bought.get(factory.pk, ([], []))
    by_country = [
        (Factory(country=row["country"]).country.name, row["n"])
        for row in Factory.objects.filter(pk__in=factory_ids)
        .order_by()
        .values("country")
        .annotate(n=Count("pk"))
        .order_by("-n", "country")
    ]

    findings = list(
        report_findings(reader, factory_ids, end).with_published_replies()[:FINDINGS_IN_REPORT]
    )
    cases = list(report_cases(reader, factory_ids, end, as_of)[:ROWS_IN_REPORT])
    joined = _cases(reader, factory_ids, end).joined_by(affiliate)
    overdue = list(
        overdue_actions(reader, joined, as_of)
        .select_related("case")
        .order_by("due_date", "pk")[:ROWS_IN_REPORT]
    )
    participants = dict(
        Participation.objects.filter(
            case_id__in=[case.pk for case in cases if case.joined], joined_on__isnull=False
        )
        .values_list("case_id")
        .annotate(n=Count("pk"))
    )
    for case in cases:
        case.participant_count = participants.get(case.pk, 0)
    grievance_counts = grievance_counts_for_period(
        Factory.objects.filter(pk__in=factory_ids).values_list("pk", flat=True), start, end
    )
    grievance_factories = Factory.objects.in_bulk(
        sorted(grievance_counts, key=lambda pk: (-grievance_counts[pk], pk))[:ROWS_IN_REPORT]
    )
    grievance_rows = sorted(
        ((factory, grievance_counts[pk]) for pk, factory in grievance_factories.items()),
        key=lambda row: (-row[1], row[0].name, row[0].pk),
    )
    engagements = list(report_engagements(factory_ids, start, end)[:ROWS_IN_REPORT])
    context.update(
        {
            "affiliate": affiliate,
            "contract": contract,
            "period_start": start,
            "period_end": end,
            "today": today,
            "contracts": contracts,
            "contracts_total": totals.contracts,
            "outcome_contracts": outcome_contracts,
            "factories": factories,
            "factories_total": totals.factories,
            "factories_by_country": by_country,
            "findings": findings,
            "findings_total": totals.findings,
            "cases": cases,
            "cases_total": totals.cases,
            "overdue_actions": overdue,
            "overdue_total": totals.overdue_actions,
            "overdue_as_of": as_of,
            "grievance_rows": grievance_rows,
            "grievance_factories_total": len(grievance_counts),
            "grievance_threshold": settings.EW_GRIEVANCE_COUNT_THRESHOLD,
            "engagements": engagements,
            "engagements_total": totals.engagements,
            "screenings": _screening_sections(outcome_contracts),
        }
    )
    return context


def _screening_sections(contracts) -> list[dict]:
    """The risk screening before the tender of each contract that has one, as saved."""
    from learning.services.screening import screenings_of_contracts
    from learning.services.screening_display import results_display

    linked = screenings_of_contracts(contracts)
    sections = []
    for contract in contracts:
        screening = linked.get(contract.pk)
        if screening is None or not screening.has_snapshot:
            continue
        sections.append(
            {
                "contract": contract,
                "screening": screening,
                "results": results_display(
                    screening.results, chart_prefix=f"screening-{screening.pk}"
                ),
            }
        )
    return sections


def _key_figures(current: Figures, before: Figures) -> list[tuple[str, int, int]]:
    labels = [
        ("contracts", _("Contracts in scope")),
        ("with_conditions", _("…with the Electronics Watch conditions")),
        ("disclosures_accepted", _("Disclosures accepted")),
        ("disclosures_overdue", _("Disclosures overdue")),
        ("factories", _("Factories in the supply chain")),
        ("findings", _("Published findings at those factories")),
        ("cases", _("Remediation cases at those factories")),
        ("cases_joined", _("…joined by you")),
        ("overdue_actions", _("Overdue remediation actions in the cases you joined")),
        ("engagements", _("Engagement actions you logged")),
    ]
    return [
        (label, getattr(current, name), getattr(current, name) - getattr(before, name))
        for name, label in labels
    ]


# --- E-mail ------------------------------------------------------------------------------


def _notify_admins(report: ComplianceReport) -> int:
    from core.outbox import Message, outbox_enqueue

    admins = Membership.objects.filter(
        role__in=Membership.ADMIN_ONLY, user__is_active=True
    ).select_related("user")
    link = settings.SITE_URL + report.get_absolute_url()
    return outbox_enqueue(
        [
            Message(
                key=f"compliance-report-ready:{report.pk}:{m.user_id}",
                recipient=m.user.email,
                template_prefix="reports/email/compliance_report_ready",
                context={"report": report, "affiliate": report.affiliate, "link": link},
                language=m.user.language,
            )
            for m in admins
        ]
    )


def download_url(report: ComplianceReport) -> str:
    return reverse(
        "reports:report_download",
        kwargs={"affiliate_slug": report.affiliate.slug, "pk": report.pk},
    )
