"""The company performance tracker: what each indicator measures, how a quarter is scored, the
scoring method's versions, and the companies' comments.

Every indicator is computed from the platform's own rows, for one quarter, for all companies
at once (or some: `company_ids`) in a fixed number of queries. An item counts in the quarter in
which its deadline falls (a disclosure's due date, a right of reply's deadline, an action's due
date, the end of a grievance's cooperation window), so that when a quarter closes every one of
its deadlines has passed and its score no longer depends on the day it is computed.

"No data" (nothing to measure) is `None` everywhere, never 0: an indicator without data gives
no points and weighs nothing in the overall score; a quarter with no data at all has no
overall score.

A quarter is scored with the method in force for it, and the score keeps that method:
recomputing uses the stored method, never a newer one. A new method version takes effect from
a future quarter only.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_scopes import scopes_disabled

from core.errors import DomainError
from monitoring.models import FindingReply
from remediation.models import (
    ActionProgress,
    ActionStatus,
    Compensation,
    CompensationPayment,
    RemediationAction,
    RemediationCase,
)
from suppliers.models import (
    Contract,
    Disclosure,
    DisclosureLine,
    Factory,
    Supplier,
    SupplierFactory,
)

from ..models import (
    FIRST_METHOD_FROM,
    IndicatorCode,
    IndicatorResult,
    MethodIndicator,
    QuarterScore,
    ScoreComment,
    ScoringMethod,
)
from ..quarters import is_quarter_start, last_closed_quarter, quarter_end, quarter_of

# A grievance referred to a company counts as cooperated on when the company acts within
# this many days of the case taking it up.
COOPERATION_DAYS = 30
COMMENT_MAX_LENGTH = 4000
ONE_DECIMAL = Decimal("0.1")
HUNDRED = Decimal(100)

# The formula of an indicator measured in days, written from its stored thresholds (never
# copied from an earlier version's text, which would go stale when a version changes them).
REPLY_DAYS_FORMULA = gettext_noop(
    "Median of (answered − shared) in days; 100 points at %(best)s days or fewer, none at "
    "%(worst)s days or more, in a straight line between"
)

# The published texts of the first method version. Stored with each version as published (in
# English, the method's language); pages show the translation when the text is unchanged.
DEFAULT_INDICATORS = [
    {
        "code": IndicatorCode.DISCLOSURE_TIMELINESS,
        "name": gettext_noop("Disclosure on time"),
        "definition": gettext_noop(
            "Disclosure requests to the company as contractor whose due date falls in the "
            "quarter, and how many of them it answered (submitted its list of production "
            "sites) by the due date."
        ),
        "formula": gettext_noop(
            "Requests answered by the due date ÷ requests due in the quarter × 100"
        ),
        "weight": 15,
    },
    {
        "code": IndicatorCode.DISCLOSURE_COMPLETENESS,
        "name": gettext_noop("Disclosure complete"),
        "definition": gettext_noop(
            "Lines of the disclosures the company submitted in the quarter that name the "
            "factory, its address, the brand and the product model."
        ),
        "formula": gettext_noop(
            "Lines with factory, address, brand and model ÷ lines submitted in the quarter × 100"
        ),
        "weight": 10,
    },
    {
        "code": IndicatorCode.REPLY_RATE,
        "name": gettext_noop("Findings answered by the deadline"),
        "definition": gettext_noop(
            "Findings shared with the company under its right of reply whose answer deadline "
            "falls in the quarter, and how many it answered by the deadline."
        ),
        "formula": gettext_noop(
            "Findings answered by the deadline ÷ findings due in the quarter × 100"
        ),
        "weight": 10,
    },
    {
        "code": IndicatorCode.REPLY_DAYS,
        "name": gettext_noop("Days to answer findings"),
        "definition": gettext_noop(
            "The median number of days between Electronics Watch sharing a finding and the "
            "company answering it, over the answered findings whose deadline falls in the "
            "quarter. Fewer is better."
        ),
        "formula": REPLY_DAYS_FORMULA % {"best": 14, "worst": 60},
        "weight": 10,
        "best": Decimal(14),
        "worst": Decimal(60),
    },
    {
        "code": IndicatorCode.ACTIONS_ON_TIME,
        "name": gettext_noop("Actions done by their due date"),
        "definition": gettext_noop(
            "Remediation actions the company owns whose due date falls in the quarter, and "
            "how many it reported done by the due date (a rejected claim does not count)."
        ),
        "formula": gettext_noop("Actions done by the due date ÷ actions due in the quarter × 100"),
        "weight": 20,
    },
    {
        "code": IndicatorCode.ACTIONS_VERIFIED,
        "name": gettext_noop("Actions verified"),
        "definition": gettext_noop(
            "Of the same actions, those the monitoring partner or the workers have verified."
        ),
        "formula": gettext_noop("Actions verified ÷ actions due in the quarter × 100"),
        "weight": 15,
    },
    {
        "code": IndicatorCode.COMPENSATION_PAID,
        "name": gettext_noop("Compensation paid"),
        "definition": gettext_noop(
            "Compensation owed to workers (recruitment fees to reimburse, unpaid wages and "
            "other compensation) in the remediation cases, open during the quarter, that hold "
            "the company responsible: the share of what is owed that has been paid. Each "
            "compensation counts by the workers it covers, so that amounts in different "
            "currencies compare; the amounts are shown per currency."
        ),
        "formula": gettext_noop("Σ (workers covered × paid ÷ owed) ÷ Σ workers covered × 100"),
        "weight": 15,
    },
    {
        "code": IndicatorCode.GRIEVANCE_COOPERATION,
        "name": gettext_noop("Cooperation on grievances"),
        "definition": gettext_noop(
            "Grievances linked to remediation cases that hold the company responsible. A "
            "grievance counts as cooperated on when, within 30 days of the case taking it up "
            "(the later of the grievance's receipt and the case's opening), the company "
            "reported progress on one of its actions in the case or reported one done. A "
            "grievance counts in the quarter in which these 30 days end."
        ),
        "formula": gettext_noop(
            "Grievances with a progress report or an action done within 30 days ÷ grievances "
            "whose 30 days end in the quarter × 100"
        ),
        "weight": 5,
    },
]


# --- What the indicators measure ----------------------------------------------------------


@dataclass
class Measure:
    """An indicator's working for one company and quarter; `value` None means no data."""

    numerator: Decimal | None = None
    denominator: Decimal | None = None
    value: Decimal | None = None
    detail: dict = field(default_factory=dict)


def _share(numerator, denominator) -> Measure:
    if not denominator:
        return Measure(numerator=None, denominator=Decimal(0))
    numerator, denominator = Decimal(numerator), Decimal(denominator)
    return Measure(numerator, denominator, _round(numerator * HUNDRED / denominator))


def _round(value: Decimal) -> Decimal:
    return Decimal(value).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


class Median(Aggregate):
    """PostgreSQL's continuous median; rows where the expression is NULL do not count."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


class EpochDays(Func):
    """An interval in days, with fractions."""

    template = "EXTRACT(EPOCH FROM %(expressions)s) / 86400.0"
    output_field = FloatField()


def _only(queryset, path: str, company_ids):
    return queryset if company_ids is None else queryset.filter(**{f"{path}__in": company_ids})


def _disclosure_measures(start: date, end: date, company_ids) -> dict[int, dict]:
    measures: dict[int, dict] = defaultdict(dict)
    with scopes_disabled():
        requests = _only(
            Disclosure.objects.filter(due_date__range=(start, end)),
            "contract__contractor_id",
            company_ids,
        )
        lines = _only(
            DisclosureLine.objects.filter(disclosure__submitted_at__date__range=(start, end)),
            "disclosure__contract__contractor_id",
            company_ids,
        )
        timely = (
            requests.order_by()
            .values("contract__contractor_id")
            .annotate(
                total=Count("pk"),
                on_time=Count("pk", filter=Q(submitted_at__date__lte=F("due_date"))),
            )
        )
        for row in timely:
            measures[row["contract__contractor_id"]][IndicatorCode.DISCLOSURE_TIMELINESS] = _share(
                row["on_time"], row["total"]
            )
        complete = (
            Q(site_name__regex=r"\S")
            & Q(address__regex=r"\S")
            & Q(brand__regex=r"\S")
            & Q(product_model__regex=r"\S")
        )
        for row in (
            lines.order_by()
            .values("disclosure__contract__contractor_id")
            .annotate(total=Count("pk"), complete=Count("pk", filter=complete))
        ):
            company = row["disclosure__contract__contractor_id"]
            measures[company][IndicatorCode.DISCLOSURE_COMPLETENESS] = _share(
                row["complete"], row["total"]
            )
    return measures


def _reply_measures(start: date, end: date, company_ids) -> dict[int, dict]:
    measures: dict[int, dict] = defaultdict(dict)
    replies = _only(
        FindingReply.objects.filter(right_of_reply__due_date__range=(start, end)),
        "right_of_reply__company_id",
        company_ids,
    )
    delay = ExpressionWrapper(
        F("answered_at") - F("right_of_reply__shared_at"), output_field=DurationField()
    )
    for row in (
        replies.order_by()
        .values("right_of_reply__company_id")
        .annotate(
            total=Count("pk"),
            answered=Count("answered_at"),
            on_time=Count("pk", filter=Q(answered_at__date__lte=F("right_of_reply__due_date"))),
            median=Median(EpochDays(delay)),
        )
    ):
        company = row["right_of_reply__company_id"]
        rate = _share(row["on_time"], row["total"])
        rate.detail = {"answered": row["answered"]}
        measures[company][IndicatorCode.REPLY_RATE] = rate
        median = row["median"]
        measures[company][IndicatorCode.REPLY_DAYS] = Measure(
            numerator=None,
            denominator=Decimal(row["answered"]),
            value=_round(Decimal(str(max(median, 0.0)))) if median is not None else None,
        )
    return measures


def _action_measures(start: date, end: date, company_ids) -> dict[int, dict]:
    measures: dict[int, dict] = defaultdict(dict)
    actions = _only(
        RemediationAction.objects.filter(due_date__range=(start, end)),
        "owner_supplier_id",
        company_ids,
    ).filter(owner_supplier__isnull=False)
    done = Q(status__in=[ActionStatus.DONE_CLAIMED, ActionStatus.VERIFIED]) & (
        Q(claimed_on__lte=F("due_date"))
        | Q(claimed_on__isnull=True, verified_on__lte=F("due_date"))
    )
    for row in (
        actions.order_by()
        .values("owner_supplier_id")
        .annotate(
            total=Count("pk"),
            on_time=Count("pk", filter=done),
            verified=Count("pk", filter=Q(status=ActionStatus.VERIFIED)),
        )
    ):
        company = row["owner_supplier_id"]
        measures[company][IndicatorCode.ACTIONS_ON_TIME] = _share(row["on_time"], row["total"])
        measures[company][IndicatorCode.ACTIONS_VERIFIED] = _share(row["verified"], row["total"])
    return measures


def _responsible(path: str, company_ids) -> Q:
    """Rows of cases holding a company responsible (`company_ids` only, if given), in ONE
    filter, so that the values read through `path` come from the same join."""
    if company_ids is None:
        return Q(**{f"{path}__isnull": False})
    return Q(**{f"{path}__in": company_ids})


def _compensation_measures(start: date, end: date, company_ids) -> dict[int, dict]:
    """Worker-weighted share paid; amounts owed and paid per currency, fees apart. What is
    paid is what the payments recorded add up to by the end of the quarter."""
    paid_by_end = (
        CompensationPayment.objects.filter(compensation=OuterRef("pk"), paid_on__lte=end)
        .order_by()
        .values("compensation")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    rows = (
        Compensation.objects.annotate(
            paid_by_end=Coalesce(
                Subquery(paid_by_end),
                Value(Decimal(0)),
                output_field=Compensation.amount_paid.field,
            )
        )
        .filter(
            _responsible("case__companies__supplier_id", company_ids),
            Q(case__opened_on__lte=end),
            Q(case__closed_on__isnull=True) | Q(case__closed_on__gte=start),
        )
        .order_by()
        .values_list(
            "case__companies__supplier_id",
            "pk",
            "kind",
            "currency",
            "amount_owed",
            "paid_by_end",
            "workers_covered",
        )
        .distinct()
    )
    weighted: dict[int, Decimal] = defaultdict(Decimal)
    workers: dict[int, int] = defaultdict(int)
    amounts: dict[int, dict[str, dict[str, Decimal]]] = defaultdict(dict)
    for company, _pk, kind, currency, owed, paid, covered in rows:
        money = amounts[company].setdefault(
            currency, {key: Decimal(0) for key in ("owed", "paid", "fees_owed", "fees_paid")}
        )
        money["owed"] += owed
        money["paid"] += paid
        if kind == Compensation.Kind.RECRUITMENT_FEES:
            money["fees_owed"] += owed
            money["fees_paid"] += paid
        if owed <= 0:
            continue  # nothing owed: nothing to weigh
        weighted[company] += covered * min(paid / owed, Decimal(1))
        workers[company] += covered
    measures: dict[int, dict] = {}
    for company, currencies in amounts.items():
        measure = _share(weighted[company].quantize(Decimal("0.01")), workers[company])
        measure.detail = {
            "currencies": [
                {"currency": code, **{key: str(value) for key, value in money.items()}}
                for code, money in sorted(currencies.items())
            ]
        }
        measures[company] = {IndicatorCode.COMPENSATION_PAID: measure}
    return measures


def _grievance_measures(start: date, end: date, company_ids) -> dict[int, dict]:
    """Each (company, case, grievance) whose cooperation window ends in the quarter, and
    whether the company acted in the case within the window: three queries."""
    window = timedelta(days=COOPERATION_DAYS)
    Link = RemediationCase.grievances.through
    links = []
    for company, case_id, received_on, opened_on in (
        Link.objects.filter(_responsible("remediationcase__companies__supplier_id", company_ids))
        .order_by()
        .values_list(
            "remediationcase__companies__supplier_id",
            "remediationcase_id",
            "grievance__received_on",
            "remediationcase__opened_on",
        )
        .distinct()
    ):
        taken_up = max(received_on, opened_on)
        if start <= taken_up + window <= end:
            links.append((company, case_id, taken_up))
    if not links:
        return {}
    cases = {case_id for _company, case_id, _taken_up in links}
    companies = {company for company, _case_id, _taken_up in links}
    earliest = min(taken_up for _c, _k, taken_up in links)
    acted: dict[tuple[int, int], list[date]] = defaultdict(list)
    for case_id, company, created_at in ActionProgress.objects.filter(
        action__case_id__in=cases,
        action__owner_supplier_id__in=companies,
        created_at__date__gte=earliest,
    ).values_list("action__case_id", "action__owner_supplier_id", "created_at"):
        acted[(case_id, company)].append(timezone.localdate(created_at))
    for case_id, company, claimed_on in RemediationAction.objects.filter(
        case_id__in=cases, owner_supplier_id__in=companies, claimed_on__gte=earliest
    ).values_list("case_id", "owner_supplier_id", "claimed_on"):
        acted[(case_id, company)].append(claimed_on)
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for company, case_id, taken_up in links:
        totals[company][1] += 1
        if any(taken_up <= day <= taken_up + window for day in acted[(case_id, company)]):
            totals[company][0] += 1
    return {
        company: {IndicatorCode.GRIEVANCE_COOPERATION: _share(cooperated, total)}
        for company, (cooperated, total) in totals.items()
    }


MEASURES = (
    _disclosure_measures,
    _reply_measures,
    _action_measures,
    _compensation_measures,
    _grievance_measures,
)


def quarter_measures(*, quarter: date, company_ids=None) -> dict[int, dict[str, Measure]]:
    """Every indicator of the quarter for each company with something to measure (or for
    `company_ids` only): {company id: {indicator code: Measure}}. Seven queries whatever the
    number of companies."""
    start, end = quarter, quarter_end(quarter)
    measures: dict[int, dict[str, Measure]] = defaultdict(dict)
    for compute in MEASURES:
        for company, found in compute(start, end, company_ids).items():
            measures[company].update(found)
    return dict(measures)


def _days(value) -> str:
    value = Decimal(value)
    return formats.number_format(value, decimal_pos=1 if value % 1 else 0, use_l10n=True)


def formula_text(indicator: MethodIndicator, *, translate: bool = True) -> str:
    """The indicator's formula as the method defines it: for an indicator measured in days,
    written from its own thresholds; otherwise the stored text (translated when it is one of
    the published defaults)."""
    if indicator.in_days and indicator.best is not None and indicator.worst is not None:
        template = _(REPLY_DAYS_FORMULA) if translate else REPLY_DAYS_FORMULA
        if not translate:
            return template % {"best": _plain(indicator.best), "worst": _plain(indicator.worst)}
        return template % {"best": _days(indicator.best), "worst": _days(indicator.worst)}
    text = indicator.formula
    return _(text) if (translate and text) else text


def _plain(value) -> str:
    value = Decimal(value)
    return str(value.quantize(ONE_DECIMAL) if value % 1 else value.quantize(Decimal(1)))


def points_for(indicator: MethodIndicator, value: Decimal | None) -> Decimal | None:
    """The points (0 to 100) an indicator's value earns under its method."""
    if value is None:
        return None
    if not indicator.in_days:
        return _round(min(max(value, Decimal(0)), HUNDRED))
    best, worst = indicator.best, indicator.worst
    if best is None or worst is None:
        return None
    if value <= best:
        return HUNDRED
    if value >= worst:
        return Decimal(0)
    return _round((worst - value) * HUNDRED / (worst - best))


def overall_for(results: list[tuple[MethodIndicator, Decimal | None]]) -> Decimal | None:
    """The weighted mean of the points of the indicators with data; None without any."""
    counted = [(i.weight, points) for i, points in results if points is not None and i.weight]
    total_weight = sum(weight for weight, _points in counted)
    if not total_weight:
        return None
    return _round(sum(weight * points for weight, points in counted) / total_weight)


# --- The method's versions ----------------------------------------------------------------


def _methods():
    return ScoringMethod.objects.prefetch_related(
        Prefetch("indicators", queryset=MethodIndicator.objects.order_by("position", "pk"))
    )


def scoring_method_in_force(quarter: date) -> ScoringMethod:
    """The method version in force for the quarter; the first version (the defaults) is
    published when none exists yet."""
    method = _methods().in_force(quarter)
    if method is not None:
        return method
    if ScoringMethod.objects.exists():
        raise DomainError(_("No scoring method was in force for this quarter."))
    with transaction.atomic():
        method = ScoringMethod.objects.create(
            version=1,
            effective_from=FIRST_METHOD_FROM,
            notes="First version of the company performance method.",
        )
        MethodIndicator.objects.bulk_create(
            MethodIndicator(method=method, position=index, **spec)
            for index, spec in enumerate(DEFAULT_INDICATORS)
        )
    return _methods().get(pk=method.pk)


def scoring_method_publish(
    *, by, effective_from: date, notes: str, indicators: dict[str, dict]
) -> ScoringMethod:
    """Publish a new version, in force from a future quarter. `indicators` maps each code to
    its `weight` (0 leaves the indicator out) and, optionally, new `definition`, `formula`,
    `best` and `worst`; the rest is copied from the latest version."""
    if not (by.is_authenticated and by.is_ew_staff):
        raise DomainError(_("Only Electronics Watch staff can do this."))
    if not is_quarter_start(effective_from):
        raise DomainError(
            _("A method takes effect on the first day of a quarter."), field="effective_from"
        )
    if effective_from <= quarter_of(timezone.localdate()):
        raise DomainError(
            _(
                "A new method takes effect from a future quarter only, so that no score "
                "already computed changes."
            ),
            field="effective_from",
        )
    notes = (notes or "").strip()
    if not notes:
        raise DomainError(_("Say what changed and why."), field="notes")
    latest = _methods().order_by("-version").first() or scoring_method_in_force(FIRST_METHOD_FROM)
    if effective_from <= latest.effective_from:
        raise DomainError(
            _("A version already takes effect from %(quarter)s: choose a later quarter.")
            % {"quarter": latest.effective_label},
            field="effective_from",
        )
    previous = {indicator.code: indicator for indicator in latest.indicators.all()}
    rows = []
    for position, code in enumerate(IndicatorCode.values):
        spec = indicators.get(code, {})
        weight = spec.get("weight", previous[code].weight if code in previous else 0)
        if weight is None or weight < 0:
            raise DomainError(_("A weight is a whole number, 0 or more."), field=code)
        if not weight:
            continue
        base = previous.get(code)
        default = next(d for d in DEFAULT_INDICATORS if d["code"] == code)
        row = MethodIndicator(
            code=code,
            name=base.name if base else default["name"],
            definition=(spec.get("definition") or "").strip()
            or (base.definition if base else default["definition"]),
            formula=(spec.get("formula") or "").strip()
            or (base.formula if base else default["formula"]),
            weight=weight,
            best=spec.get("best", base.best if base else default.get("best")),
            worst=spec.get("worst", base.worst if base else default.get("worst")),
            position=position,
        )
        if row.in_days and (row.best is None or row.worst is None or row.worst <= row.best):
            raise DomainError(
                _("Give the days for full points, fewer than the days for no points."),
                field=code,
            )
        if row.in_days:
            row.formula = formula_text(row, translate=False)
        rows.append(row)
    if not rows:
        raise DomainError(_("Give at least one indicator a weight."))
    with transaction.atomic():
        method = ScoringMethod.objects.create(
            version=latest.version + 1,
            effective_from=effective_from,
            notes=notes,
            published_by=by,
        )
        for row in rows:
            row.method = method
        MethodIndicator.objects.bulk_create(rows)
    return method


def scoring_method_check_withdrawable(method: ScoringMethod) -> None:
    if method.effective_from <= quarter_of(timezone.localdate()) or method.scores.exists():
        raise DomainError(_("This version is in force: it stays, so that its scores stay."))
    if ScoringMethod.objects.filter(version__gt=method.version).exists():
        raise DomainError(_("Withdraw the later versions first."))


def scoring_method_withdraw(*, method: ScoringMethod, by) -> None:
    """Withdraw a version that has not taken effect yet (nothing was scored with it)."""
    if not (by.is_authenticated and by.is_ew_staff):
        raise DomainError(_("Only Electronics Watch staff can do this."))
    scoring_method_check_withdrawable(method)
    method.delete()


# --- Scoring ------------------------------------------------------------------------------


def _require_closed(quarter: date) -> None:
    if not is_quarter_start(quarter):
        raise DomainError(_("A quarter starts on 1 January, April, July or October."))
    if quarter > last_closed_quarter():
        raise DomainError(_("Only a quarter that has ended can be scored."))


@dataclass
class ScorePlan:
    """One company's score of a quarter as it would be computed now, not saved yet."""

    company_id: int
    method: ScoringMethod
    overall: Decimal | None
    results: list[tuple[MethodIndicator, Measure, Decimal | None]]
    # The score already stored for the quarter, if any (its overall is the current one).
    existing: QuarterScore | None = None

    @property
    def current_overall(self) -> Decimal | None:
        return self.existing.overall if self.existing is not None else None

    @property
    def changes(self) -> bool:
        return self.existing is None or self.existing.overall != self.overall


def _plan_scores(*, quarter: date, company_ids=None, only_missing: bool = False) -> list[ScorePlan]:
    """Each company's score of the quarter as it would be computed now, in company order:
    an existing score with its stored method, a new one with the method in force."""
    measures = quarter_measures(quarter=quarter, company_ids=company_ids)
    existing = {
        score.company_id: score
        for score in _only(
            QuarterScore.objects.filter(quarter_start=quarter), "company_id", company_ids
        ).only("pk", "company_id", "method_id", "overall")
    }
    companies = set(measures) if only_missing else set(measures) | set(existing)
    if only_missing:
        companies -= set(existing)
    if not companies:
        return []
    in_force = scoring_method_in_force(quarter)
    methods = {in_force.pk: in_force}
    stored_ids = {score.method_id for score in existing.values()} - set(methods)
    methods.update({method.pk: method for method in _methods().filter(pk__in=stored_ids)})
    plans = []
    for company in sorted(companies):
        stored = existing.get(company)
        method = methods[stored.method_id if stored is not None else in_force.pk]
        found = measures.get(company, {})
        results = []
        for indicator in method.indicators.all():
            measure = found.get(indicator.code) or Measure()
            results.append((indicator, measure, points_for(indicator, measure.value)))
        plans.append(
            ScorePlan(
                company_id=company,
                method=method,
                overall=overall_for([(indicator, points) for indicator, _m, points in results]),
                results=results,
                existing=stored,
            )
        )
    return plans


def quarter_scores_preview(*, quarter: date, by) -> list[ScorePlan]:
    """What "compute again" would give for the quarter, company by company, without saving
    anything: the current overall score beside the new one."""
    _require_closed(quarter)
    if not (by.is_authenticated and by.is_ew_staff):
        raise DomainError(_("Only Electronics Watch staff can do this."))
    return _plan_scores(quarter=quarter)


def quarter_scores_compute(
    *, quarter: date, by=None, company_ids=None, only_missing: bool = False
) -> int:
    """Score the quarter for every company with something to measure (or `company_ids`).

    A company already scored for the quarter is recomputed with the method stored with its
    score (or skipped, with `only_missing`), and the score records the overall it replaces,
    when and by whom; a company scored for the first time gets the method in force for the
    quarter. Returns how many scores were written. A fixed number of queries whatever the
    number of companies."""
    _require_closed(quarter)
    if by is not None and not (by.is_authenticated and by.is_ew_staff):
        raise DomainError(_("Only Electronics Watch staff can do this."))
    plans = _plan_scores(quarter=quarter, company_ids=company_ids, only_missing=only_missing)
    if not plans:
        return 0
    now = timezone.now()
    new = [
        QuarterScore(
            company_id=plan.company_id,
            quarter_start=quarter,
            method=plan.method,
            overall=plan.overall,
            computed_at=now,
            computed_by=by,
        )
        for plan in plans
        if plan.existing is None
    ]
    with transaction.atomic():
        QuarterScore.objects.bulk_create(new)
        again = [plan for plan in plans if plan.existing is not None]
        for plan in again:
            score = plan.existing
            score.previous_overall = score.overall
            score.overall = plan.overall
            score.computed_at = score.recomputed_at = now
            score.computed_by = score.recomputed_by = by
        QuarterScore.objects.bulk_update(
            [plan.existing for plan in again],
            [
                "overall",
                "previous_overall",
                "computed_at",
                "computed_by",
                "recomputed_at",
                "recomputed_by",
            ],
        )
        scores = {score.company_id: score for score in new}
        scores.update({plan.company_id: plan.existing for plan in again})
        IndicatorResult.objects.filter(score__in=[plan.existing.pk for plan in again]).delete()
        IndicatorResult.objects.bulk_create(
            IndicatorResult(
                score=scores[plan.company_id],
                indicator=indicator,
                numerator=measure.numerator,
                denominator=measure.denominator,
                value=measure.value,
                points=points,
                detail=measure.detail,
            )
            for plan in plans
            for indicator, measure, points in plan.results
        )
    return len(plans)


def last_quarter_score() -> int:
    """For beat, daily: score the last closed quarter for the companies not scored yet."""
    return quarter_scores_compute(quarter=last_closed_quarter(), only_missing=True)


# --- Who reads which company's scores -----------------------------------------------------


def companies_supplying(affiliate):
    """The companies that supply the affiliate: the contractors of its contracts, and the
    brands and owners of the factories in its supply chain."""
    with scopes_disabled():
        contractors = Contract.objects.filter(affiliate=affiliate).values("contractor_id")
    chain = Factory.objects.in_supply_chain_of(affiliate)
    brands = SupplierFactory.objects.filter(factory__in=chain).values("supplier_id")
    # The owners (few sites name one): from the sites that have an owner, probed in the chain,
    # rather than every site of the chain joined to the registry.
    owners = chain.filter(owner__isnull=False).values("owner_id")
    return Supplier.objects.filter(Q(pk__in=contractors) | Q(pk__in=brands) | Q(pk__in=owners))


def scores_of(company) -> list[QuarterScore]:
    """A company's scores, newest quarter first, each with its method and working: three
    queries."""
    return list(
        QuarterScore.objects.filter(company=company)
        .select_related("method")
        .prefetch_related(
            Prefetch(
                "results",
                queryset=IndicatorResult.objects.select_related("indicator").order_by(
                    "indicator__position", "pk"
                ),
            )
        )
        .order_by("-quarter_start")
    )


def comments_of(company) -> dict[date, list[ScoreComment]]:
    comments: dict[date, list[ScoreComment]] = defaultdict(list)
    for comment in ScoreComment.objects.filter(company=company).select_related("author"):
        comments[comment.quarter_start].append(comment)
    return dict(comments)


# --- Comments -----------------------------------------------------------------------------


def score_comment_add(*, score: QuarterScore, by, text: str) -> ScoreComment:
    """A contact of the company comments on its score of a quarter."""
    contact = getattr(by, "company_contact", None)
    if contact is None or contact.company_id != score.company_id:
        raise DomainError(_("Only the company's contacts can comment on its scores."))
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Write your comment."), field="text")
    if len(text) > COMMENT_MAX_LENGTH:
        raise DomainError(
            _("Keep the comment under %(limit)s characters.") % {"limit": COMMENT_MAX_LENGTH},
            field="text",
        )
    return ScoreComment.objects.create(
        company_id=score.company_id, quarter_start=score.quarter_start, text=text, author=by
    )
