"""Demo data of the company performance tracker: the method's version 1 and a version 2 in
force from the last closed quarter (so that versioning shows), scores over the last four
closed quarters for "Acme Devices", "Northern IT" and two other demo suppliers, and a comment
of Acme Devices on its latest quarter.

The figures are written by hand (the demo's own rows mostly fall in the current quarter, which
is not scored until it ends). Idempotent: a company's quarter already scored is left alone.
Run after the company accounts' demo: the comment is written by Acme's contact, if there is one.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from suppliers.models import Supplier

from ..models import (
    IndicatorCode,
    IndicatorResult,
    MethodIndicator,
    QuarterScore,
    ScoreComment,
    ScoringMethod,
)
from ..quarters import last_closed_quarter, recent_quarters
from ..services.performance import (
    DEFAULT_INDICATORS,
    overall_for,
    points_for,
    scoring_method_in_force,
)

C = IndicatorCode

# Per company, per quarter (oldest first): code -> (numerator, denominator); for the days to
# answer, (median days, answers). A missing code is "no data" that quarter.
FIGURES = {
    "Acme Devices": [
        {C.REPLY_RATE: (1, 3), C.REPLY_DAYS: (24, 2), C.ACTIONS_ON_TIME: (1, 4)},
        {C.REPLY_RATE: (2, 3), C.REPLY_DAYS: (18, 3), C.ACTIONS_ON_TIME: (2, 4)},
        {
            C.REPLY_RATE: (3, 4),
            C.REPLY_DAYS: (12, 4),
            C.ACTIONS_ON_TIME: (3, 5),
            C.ACTIONS_VERIFIED: (2, 5),
            C.COMPENSATION_PAID: (70, 140),
            C.GRIEVANCE_COOPERATION: (1, 2),
        },
        {
            C.REPLY_RATE: (4, 4),
            C.REPLY_DAYS: (9, 4),
            C.ACTIONS_ON_TIME: (4, 5),
            C.ACTIONS_VERIFIED: (3, 5),
            C.COMPENSATION_PAID: (98, 140),
            C.GRIEVANCE_COOPERATION: (2, 2),
        },
    ],
    "Northern IT": [
        {C.DISCLOSURE_TIMELINESS: (2, 4), C.DISCLOSURE_COMPLETENESS: (31, 48)},
        {C.DISCLOSURE_TIMELINESS: (3, 4), C.DISCLOSURE_COMPLETENESS: (40, 48)},
        {C.DISCLOSURE_TIMELINESS: (3, 3), C.DISCLOSURE_COMPLETENESS: (52, 55)},
        {
            C.DISCLOSURE_TIMELINESS: (2, 3),
            C.DISCLOSURE_COMPLETENESS: (60, 60),
            C.ACTIONS_ON_TIME: (1, 2),
        },
    ],
}
# Two other demo suppliers, whichever the supplier demo has: a steady one and a laggard.
OTHERS = [
    [{C.DISCLOSURE_TIMELINESS: (4, 4), C.DISCLOSURE_COMPLETENESS: (20, 20)}] * 4,
    [{C.DISCLOSURE_TIMELINESS: (0, 2), C.ACTIONS_ON_TIME: (0, 3), C.ACTIONS_VERIFIED: (0, 3)}] * 4,
]
COMMENT = (
    "Our answers were slow early in the year while we set up a supplier-responsibility team. "
    "Since then every finding has had an answer within two weeks, and the recruitment fees "
    "of the 140 workers at the Penang site are being reimbursed in instalments."
)


def seed(**context):
    quarters = list(reversed(recent_quarters(4)))
    v1 = scoring_method_in_force(quarters[0])
    v2 = _version_two(v1)
    companies = {
        "Acme Devices": _company("Acme Devices", is_brand=True),
        "Northern IT": _company("Northern IT", is_contractor=True),
    }
    others = (
        Supplier.objects.exclude(name__in=list(companies))
        .filter(is_contractor=True)
        .order_by("name")[: len(OTHERS)]
    )
    plans = [(companies[name], FIGURES[name]) for name in companies]
    plans += list(zip(others, OTHERS, strict=False))
    for company, figures in plans:
        for quarter, found in zip(quarters, figures, strict=True):
            method = v2 if quarter >= v2.effective_from else v1
            _score(company, quarter, method, found)
    _comment(companies["Acme Devices"], quarters[-1])
    return {}


def _company(name: str, **roles) -> Supplier:
    company = Supplier.objects.filter(name=name).first()
    return company or Supplier.objects.create(name=name, country="GB", **roles)


@transaction.atomic
def _version_two(v1: ScoringMethod) -> ScoringMethod:
    """Version 2, in force from the last closed quarter: verification and compensation weigh
    more. Written directly: staff can only publish for a future quarter, the demo shows one
    that has come into force."""
    existing = ScoringMethod.objects.filter(version=2).first()
    if existing is not None:
        return existing
    v2 = ScoringMethod.objects.create(
        version=2,
        effective_from=last_closed_quarter(),
        notes=(
            "Verified actions and compensation paid weigh more: they are what workers "
            "feel. The answer time now earns full points at 10 days."
        ),
    )
    weights = {
        C.ACTIONS_VERIFIED: 20,
        C.COMPENSATION_PAID: 20,
        C.ACTIONS_ON_TIME: 15,
        C.DISCLOSURE_COMPLETENESS: 5,
    }
    MethodIndicator.objects.bulk_create(
        MethodIndicator(
            method=v2,
            position=index,
            **{
                **spec,
                "weight": weights.get(spec["code"], spec["weight"]),
                **({"best": Decimal(10)} if spec["code"] == C.REPLY_DAYS else {}),
            },
        )
        for index, spec in enumerate(DEFAULT_INDICATORS)
    )
    return v2


def _score(company, quarter, method, found) -> None:
    if QuarterScore.objects.filter(company=company, quarter_start=quarter).exists():
        return
    rows = []
    for indicator in method.indicators.all():
        numerator = denominator = value = None
        if indicator.code in found:
            first, second = found[indicator.code]
            if indicator.in_days:
                value, denominator = Decimal(first), Decimal(second)
            else:
                numerator, denominator = Decimal(first), Decimal(second)
                value = (numerator * 100 / denominator).quantize(Decimal("0.1"))
        rows.append((indicator, numerator, denominator, value, points_for(indicator, value)))
    with transaction.atomic():
        score = QuarterScore.objects.create(
            company=company,
            quarter_start=quarter,
            method=method,
            overall=overall_for([(indicator, points) for indicator, *_, points in rows]),
            computed_at=timezone.now(),
        )
        IndicatorResult.objects.bulk_create(
            IndicatorResult(
                score=score,
                indicator=indicator,
                numerator=numerator,
                denominator=denominator,
                value=value,
                points=points,
                detail=_detail(indicator.code, numerator, denominator),
            )
            for indicator, numerator, denominator, value, points in rows
        )


def _detail(code, numerator, denominator) -> dict:
    """The amounts behind the demo's compensation: the recruitment fees of 140 workers."""
    if code != C.COMPENSATION_PAID or numerator is None:
        return {}
    paid = Decimal(3598000) * numerator / denominator
    money = {"owed": "3598000.00", "paid": f"{paid:.2f}"}
    fees = {"fees_owed": money["owed"], "fees_paid": money["paid"]}
    return {"currencies": [{"currency": "THB", **money, **fees}]}


def _comment(company, quarter) -> None:
    contact = company.contacts.select_related("user").order_by("pk").first()
    if contact is None or ScoreComment.objects.filter(company=company).exists():
        return
    ScoreComment.objects.create(
        company=company, quarter_start=quarter, text=COMMENT, author=contact.user
    )
