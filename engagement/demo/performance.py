"""Demo data of the company performance tracker, computed from the platform's own records.

For each of the last four closed quarters the demo records what the tracker measures, with
past dates, as it would have happened:

- "Acme Devices" (the brand): a monitoring report at the Penang factory whose findings were
  shared with Acme under its right of reply, with a deadline in the quarter, and Acme's
  answers (late or lapsed early on, within days later); two remediation actions Acme owns in
  the Ayutthaya recruitment-fees case (`remediation.demo`), due in the quarter, done late or
  on time, some verified. The compensation of that case (fees owed to 140 workers, a quarter
  paid) counts in every quarter the case is open.
- "Northern IT" (the contractor): a northvale contract whose disclosure request was due in
  the quarter, with the date it was submitted (late in the oldest quarter) and its lines.

Then every quarter is SCORED WITH THE SERVICE (`quarter_scores_compute`), under version 1 of
the method for the older quarters and version 2 (answer time: full points at 10 days, not
14) for the last closed one, so that "Compute again" gives the same numbers. Acme's comment on
its latest quarter is written from its computed scores.

Idempotent: each record is found by its report, action description or contract reference;
a quarter already scored is not scored again. Run after the remediation demo and the right of
reply's demo (the Penang report, Acme's link to the factory).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from monitoring.models import FindingReply, RightOfReply
from monitoring.replies import share_for_reply
from remediation import plan
from remediation.models import ActionStatus, RemediationAction, RemediationCase
from suppliers import services as supplier_services
from suppliers.contracts import contract_create
from suppliers.imports import disclosure_add_rows
from suppliers.models import Contract, Disclosure, Factory, Supplier

from ..models import IndicatorCode, MethodIndicator, QuarterScore, ScoreComment, ScoringMethod
from ..quarters import last_closed_quarter, quarter_label, recent_quarters
from ..services.performance import (
    DEFAULT_INDICATORS,
    formula_text,
    quarter_scores_compute,
    scoring_method_in_force,
)
from .replies import _standard, _validated_report

C = IndicatorCode
ACME = "Acme Devices"
NORTHERN = "Northern IT"
FEES_CASE = "Recruitment fees and retained passports at Ayutthaya Precision"

# Per quarter, oldest first: the days Acme took to answer each of the two findings shared
# with it (None: no answer, the deadline lapsed); the deadline is 28 days after sharing.
ANSWER_DAYS = [(32, None), (20, 34), (12, 15), (7, 9)]
# Per quarter: Acme's two actions due in it, as (days claimed after the due date, verified).
ACTIONS = [
    [(10, True), (20, False)],
    [(-3, True), (12, False)],
    [(-5, True), (-2, False)],
    [(-6, True), (-1, True)],
]
ACTION_TEXTS = [
    "Publish the list of recruitment agencies used for the Ayutthaya line ({quarter})",
    "Share the payroll records of the reimbursement ({quarter})",
]
# Per quarter: the days after its due date that Northern IT submitted its disclosure (every
# line complete: the platform's import requires factory, address, brand and model).
DISCLOSURES = [9, -2, -4, -6]
LINES = [
    ("penang", ACME, "AcmeView 24 monitor"),
    ("ayutthaya", ACME, "AcmeBook 14 Gen 5"),
    ("brno", "Kestrel Computing", "Kestrel Rack R7"),
]
SITES = {
    "penang": (
        "Penang Display Technologies Sdn. Bhd.",
        "Plot 12, Bayan Lepas Free Industrial Zone Phase 4, 11900 Penang",
        "MY",
    ),
    "ayutthaya": (
        "Ayutthaya Precision Electronics Co., Ltd.",
        "88 Moo 1, Rojana Industrial Park, Uthai, Phra Nakhon Si Ayutthaya 13210",
        "TH",
    ),
    "brno": ("Brno Server Assembly s.r.o.", "Technologická 12, 627 00 Brno", "CZ"),
}


def seed(*, users=None, partner=None, affiliates=None, **context):
    quarters = list(reversed(recent_quarters(4)))
    v1 = scoring_method_in_force(quarters[0])
    _version_two(v1)
    users = users or {}
    staff = users.get("staff@ewatch.example")
    author = users.get("partner@monitor.example")
    acme = Supplier.objects.filter(name=ACME).first()
    northern = Supplier.objects.filter(name=NORTHERN).first()
    if staff is not None:
        if acme is not None and partner is not None and author is not None:
            _acme_answers(acme, quarters, partner, author, staff)
        if acme is not None:
            _acme_actions(acme, quarters, staff)
        if northern is not None and affiliates and "northvale" in affiliates:
            _northern_disclosures(northern, quarters, affiliates["northvale"], users)
    for quarter in quarters:
        quarter_scores_compute(quarter=quarter, only_missing=True)
    if acme is not None:
        _comment(acme, quarters)
    return {}


@transaction.atomic
def _version_two(v1: ScoringMethod) -> ScoringMethod:
    """Version 2, in force from the last closed quarter: verification and compensation weigh
    more, the answer time earns full points at 10 days. Written directly: staff can only
    publish for a future quarter, the demo shows one that has come into force."""
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
    rows = []
    for index, spec in enumerate(DEFAULT_INDICATORS):
        row = MethodIndicator(
            method=v2,
            position=index,
            **{
                **spec,
                "weight": weights.get(spec["code"], spec["weight"]),
                **({"best": Decimal(10)} if spec["code"] == C.REPLY_DAYS else {}),
            },
        )
        if row.in_days:
            row.formula = formula_text(row, translate=False)
        rows.append(row)
    MethodIndicator.objects.bulk_create(rows)
    return v2


def _due_in(quarter: date) -> date:
    """A deadline in the middle of the quarter."""
    return quarter + timedelta(days=45)


def _acme_answers(acme, quarters, partner, author, staff) -> None:
    """A report at Penang per quarter, its two findings shared with Acme with a deadline in
    the quarter, and Acme's answers (or the lapse)."""
    factory = Factory.objects.active().filter(name__startswith="Penang").order_by("pk").first()
    contact = acme.contacts.select_related("user").order_by("pk").first()
    if factory is None or contact is None:
        return
    for quarter, days in zip(quarters, ANSWER_DAYS, strict=True):
        start = quarter - timedelta(days=40)
        report = _validated_report(
            partner,
            factory,
            author,
            staff,
            start,
            [
                {
                    "standard": _standard(7),
                    "ilo_indicators": ["overtime"],
                    "severity": "medium",
                    "workers_affected": 60,
                    "confidential_text": "Workers on line 3 say overtime is compulsory.",
                },
                {
                    "standard": _standard(6),
                    "severity": "medium",
                    "workers_affected": 40,
                    "confidential_text": "Supervisors shout at workers who ask about pay.",
                },
            ],
        )
        if RightOfReply.objects.filter(report=report, company=acme).exists():
            continue
        findings = list(report.findings.order_by("pk"))
        (right,) = share_for_reply(
            report=report,
            companies=[acme],
            due_date=timezone.localdate() + timedelta(days=1),
            texts_for_company={
                findings[0].pk: "Overtime on line 3 is compulsory.",
                findings[1].pk: "Supervisors intimidate workers who ask about their pay.",
            },
            by=staff,
        )
        due = _due_in(quarter)
        shared_at = _at(due - timedelta(days=28))
        lapsed = any(day is None for day in days)
        RightOfReply.objects.filter(pk=right.pk).update(
            due_date=due,
            shared_at=shared_at,
            lapsed_at=_at(due + timedelta(days=1)) if lapsed else None,
        )
        for reply, day in zip(right.replies.order_by("finding_id"), days, strict=True):
            if day is None:
                continue
            FindingReply.objects.filter(pk=reply.pk).update(
                answer=(
                    "Acme Devices has asked the factory for its records and will report "
                    "what changes on the line."
                ),
                answered_at=shared_at + timedelta(days=day),
                answered_by=contact.user,
            )


def _acme_actions(acme, quarters, staff) -> None:
    """Two actions Acme owns in the recruitment-fees case, due in each quarter."""
    with scopes_disabled():
        case = RemediationCase.objects.filter(title=FEES_CASE).first()
    if case is None:
        return
    for quarter, actions in zip(quarters, ACTIONS, strict=True):
        due = _due_in(quarter)
        for text, (late_by, verified) in zip(ACTION_TEXTS, actions, strict=True):
            description = text.format(quarter=quarter_label(quarter))
            if RemediationAction.objects.filter(case=case, description=description).exists():
                continue
            action = plan.action_save(
                case=case,
                by=staff,
                description=description,
                owner_supplier=acme,
                owner_name=acme.name,
                contact_name="Alex Morgan",
                contact_email="brand@acme-devices.example",
                contact_language="en",
                due_date=timezone.localdate() + timedelta(days=30),
            )
            claimed = due + timedelta(days=late_by)
            RemediationAction.objects.filter(pk=action.pk).update(
                due_date=due,
                status=ActionStatus.VERIFIED if verified else ActionStatus.DONE_CLAIMED,
                evidence="Documents sent to Electronics Watch.",
                claimed_on=claimed,
                verified_on=claimed + timedelta(days=7) if verified else None,
                verified_by=RemediationAction.VerifiedBy.PARTNER if verified else "",
            )


def _northern_disclosures(northern, quarters, affiliate, users) -> None:
    """A northvale contract per quarter whose disclosure was due in it, submitted on time
    or late, with its lines."""
    by = users.get("admin@northvale.example")
    if by is None:
        return
    with scope(affiliate=affiliate):
        for quarter, late_by in zip(quarters, DISCLOSURES, strict=True):
            reference = f"NV-ACC-{quarter.year}-Q{(quarter.month - 1) // 3 + 1}"
            if Contract.objects.filter(reference=reference).exists():
                continue
            awarded = quarter - timedelta(days=20)
            contract = contract_create(
                affiliate=affiliate,
                by=by,
                reference=reference,
                title=f"Accessories call-off, {quarter_label(quarter)}",
                contractor=northern,
                product_categories=["peripherals"],
                cpv_codes=["30237000"],
                brands=ACME,
                product_models="\n".join(model for _site, _brand, model in LINES),
                value=Decimal("85000"),
                currency="GBP",
                awarded_on=awarded,
                start_date=awarded + timedelta(days=14),
                end_date=awarded + timedelta(days=14 + 365),
                ew_conditions_version="v2.1",
            )
            disclosure = Disclosure.objects.get(contract=contract)
            disclosure_add_rows(
                disclosure=disclosure,
                by=by,
                rows=[
                    {
                        "site_name": SITES[site][0],
                        "address": SITES[site][1],
                        "country": SITES[site][2],
                        "brand": brand,
                        "product_model": model,
                        "tier": "1",
                    }
                    for site, brand, model in LINES
                ],
            )
            disclosure = supplier_services.disclosure_submit(disclosure=disclosure)
            supplier_services.disclosure_accept(disclosure=disclosure, by=by)
            due = _due_in(quarter)
            submitted = _at(due + timedelta(days=late_by))
            Disclosure.objects.filter(pk=disclosure.pk).update(
                due_date=due,
                requested_at=_at(awarded),
                submitted_at=submitted,
                decided_at=submitted + timedelta(days=3),
            )


def _at(day: date):
    return datetime.combine(day, time(10), tzinfo=timezone.get_current_timezone())


def _comment(acme, quarters) -> None:
    """Acme's comment on its latest quarter, true to its computed scores."""
    contact = acme.contacts.select_related("user").order_by("pk").first()
    if contact is None or ScoreComment.objects.filter(company=acme).exists():
        return
    scores = {
        score.quarter_start: score
        for score in QuarterScore.objects.filter(company=acme, quarter_start__in=quarters)
    }
    first, latest = scores.get(quarters[0]), scores.get(quarters[-1])
    if latest is None or latest.overall is None:
        return
    text = f"Our overall score for {latest.quarter_label} is {latest.overall} out of 100"
    if first is not None and first.overall is not None:
        text += f", up from {first.overall} in {first.quarter_label}"
    text += (
        ". We now answer findings within about a week and report our actions done by their "
        "due date. Reimbursing the recruitment fees of the 140 workers at Ayutthaya is still "
        "under way: a quarter has been paid, and the rest follows in instalments."
    )
    ScoreComment.objects.create(
        company=acme, quarter_start=latest.quarter_start, text=text, author=contact.user
    )
