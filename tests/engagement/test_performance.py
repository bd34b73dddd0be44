"""Issue 13, item 4: each indicator of the company performance tracker, computed on small
hand-built data, and the versioned scoring method."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from core.errors import DomainError
from engagement.models import IndicatorCode, IndicatorResult, QuarterScore, ScoringMethod
from engagement.quarters import next_quarter, quarter_of
from engagement.services import performance as rules
from grievances.services import Intake, grievance_submit
from monitoring.models import FindingReply, RightOfReply
from remediation.models import (
    ActionProgress,
    ActionStatus,
    Compensation,
    CompensationPayment,
    RemediationAction,
    RemediationCase,
    ResponsibleCompany,
)
from tests.factories import (
    ContractFactory,
    DisclosureFactory,
    DisclosureLineFactory,
    FindingFactory,
    MonitoringReportFactory,
    RemediationActionFactory,
    RemediationCaseFactory,
    StaffFactory,
    SupplierFactory,
)

pytestmark = pytest.mark.django_db

Q1 = date(2025, 1, 1)  # a closed quarter: 1 January to 31 March 2025
UTC = ZoneInfo("UTC")


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def measures(company, quarter=Q1):
    return rules.quarter_measures(quarter=quarter, company_ids=[company.pk]).get(company.pk, {})


def disclosure(company, *, due, submitted=None):
    with scopes_disabled():
        return DisclosureFactory(
            contract=ContractFactory(contractor=company),
            due_date=due,
            submitted_at=at(submitted) if submitted else None,
            status="submitted" if submitted else "requested",
        )


def shared_findings(company, *, due, shared, answers, staff):
    """A right of reply with one finding per entry of `answers` (a date or None)."""
    report = MonitoringReportFactory()
    right = RightOfReply.objects.create(
        report=report, company=company, due_date=due, shared_by=staff
    )
    RightOfReply.objects.filter(pk=right.pk).update(shared_at=at(shared, hour=9))
    for answered in answers:
        FindingReply.objects.create(
            right_of_reply=right,
            finding=FindingFactory(report=report),
            text_for_company="Identity documents were retained.",
            answer="We have asked the factory to return them." if answered else "",
            answered_at=at(answered, hour=9) if answered else None,
        )
    return right


def case_holding(company, *, opened=date(2024, 12, 1), role="brand"):
    case = RemediationCaseFactory(opened_on=opened)
    ResponsibleCompany.objects.create(case=case, supplier=company, role=role)
    return case


def grievance_in(case, *, received):
    grievance, _code = grievance_submit(
        intake=Intake(
            language="en",
            description="The agent keeps our passports.",
            categories=["documents"],
            workplace="Building 2",
            country="TH",
        )
    )
    type(grievance).objects.filter(pk=grievance.pk).update(received_on=received)
    case.grievances.add(grievance)
    return grievance


# --- Each indicator on hand-built data ------------------------------------------------------


def test_disclosure_timeliness_counts_requests_due_in_the_quarter_answered_by_the_due_date():
    company = SupplierFactory()
    disclosure(company, due=date(2025, 1, 20), submitted=date(2025, 1, 20))  # on the day
    disclosure(company, due=date(2025, 2, 10), submitted=date(2025, 2, 14))  # late
    disclosure(company, due=date(2025, 3, 31))  # never answered
    disclosure(company, due=date(2025, 4, 2), submitted=date(2025, 1, 5))  # due next quarter
    disclosure(SupplierFactory(), due=date(2025, 2, 1), submitted=date(2025, 1, 1))  # another
    found = measures(company)[IndicatorCode.DISCLOSURE_TIMELINESS]
    assert (found.numerator, found.denominator, found.value) == (1, 3, Decimal("33.3"))


def test_disclosure_completeness_counts_lines_with_factory_address_brand_and_model():
    company = SupplierFactory()
    submitted = disclosure(company, due=date(2025, 3, 1), submitted=date(2025, 2, 1))
    with scopes_disabled():
        DisclosureLineFactory(disclosure=submitted)
        DisclosureLineFactory(disclosure=submitted)
        DisclosureLineFactory(disclosure=submitted, brand=" ")
        DisclosureLineFactory(disclosure=submitted, product_model="")
        earlier = disclosure(company, due=date(2024, 12, 1), submitted=date(2024, 12, 1))
        DisclosureLineFactory(disclosure=earlier, address="")  # submitted last quarter
    found = measures(company)[IndicatorCode.DISCLOSURE_COMPLETENESS]
    assert (found.numerator, found.denominator, found.value) == (2, 4, Decimal("50.0"))


def test_responsiveness_is_the_share_answered_by_the_deadline_and_the_median_days(staff):
    company = SupplierFactory(is_brand=True)
    shared_findings(
        company,
        due=date(2025, 2, 28),
        shared=date(2025, 2, 1),
        answers=[date(2025, 2, 5), date(2025, 2, 11), date(2025, 3, 15), None],
        staff=staff,
    )
    shared_findings(  # deadline in the next quarter: not counted
        company, due=date(2025, 4, 15), shared=date(2025, 3, 20), answers=[None], staff=staff
    )
    found = measures(company)
    rate = found[IndicatorCode.REPLY_RATE]
    assert (rate.numerator, rate.denominator, rate.value) == (2, 4, Decimal("50.0"))
    assert rate.detail == {"answered": 3}
    days = found[IndicatorCode.REPLY_DAYS]
    assert days.value == Decimal("10.0")  # 4, 10 and 42 days: the median is 10
    assert days.denominator == 3


def test_remediation_counts_actions_done_by_their_due_date_and_verified():
    company = SupplierFactory()
    due = date(2025, 3, 1)
    RemediationActionFactory(
        owner_supplier=company,
        due_date=due,
        status=ActionStatus.VERIFIED,
        claimed_on=date(2025, 2, 20),
        verified_on=date(2025, 3, 10),
    )
    RemediationActionFactory(
        owner_supplier=company, due_date=due, status=ActionStatus.DONE_CLAIMED, claimed_on=due
    )
    RemediationActionFactory(  # claimed late, then verified
        owner_supplier=company,
        due_date=due,
        status=ActionStatus.VERIFIED,
        claimed_on=date(2025, 3, 5),
        verified_on=date(2025, 3, 9),
    )
    RemediationActionFactory(  # claimed on time, but the claim was rejected
        owner_supplier=company, due_date=due, status=ActionStatus.REJECTED, claimed_on=due
    )
    RemediationActionFactory(owner_supplier=company, due_date=due)  # still planned
    RemediationActionFactory(owner_supplier=company, due_date=date(2025, 4, 1))  # next quarter
    found = measures(company)
    on_time = found[IndicatorCode.ACTIONS_ON_TIME]
    assert (on_time.numerator, on_time.denominator, on_time.value) == (2, 5, Decimal("40.0"))
    verified = found[IndicatorCode.ACTIONS_VERIFIED]
    assert (verified.numerator, verified.denominator, verified.value) == (2, 5, Decimal("40.0"))


def test_compensation_paid_weighs_by_workers_and_shows_fees_reimbursed_per_currency():
    company = SupplierFactory(is_brand=True)
    case = case_holding(company)
    ResponsibleCompany.objects.create(case=case, supplier=company, role="contractor")  # twice
    fees = Compensation.objects.create(
        case=case,
        kind=Compensation.Kind.RECRUITMENT_FEES,
        description="Recruitment fees",
        currency="THB",
        amount_owed=Decimal("100000"),
        workers_covered=30,
    )
    wages = Compensation.objects.create(
        case=case,
        kind=Compensation.Kind.WAGES,
        description="Unpaid overtime",
        currency="THB",
        amount_owed=Decimal("20000"),
        workers_covered=10,
    )
    other = case_holding(company)
    agent = Compensation.objects.create(
        case=other,
        kind=Compensation.Kind.RECRUITMENT_FEES,
        description="Fees paid to a Malaysian agent",
        currency="MYR",
        amount_owed=Decimal("5000"),
        workers_covered=10,
    )
    closed = case_holding(company)
    RemediationCase.objects.filter(pk=closed.pk).update(closed_on=date(2024, 12, 20))
    Compensation.objects.create(  # a case closed before the quarter: not counted
        case=closed,
        description="Old",
        currency="THB",
        amount_owed=Decimal("1000"),
        workers_covered=99,
    )
    # What is paid is what the payments add up to by the end of the quarter.
    for compensation, paid_on, amount in [
        (fees, date(2025, 1, 15), "15000"),
        (fees, date(2025, 3, 31), "10000"),
        (fees, date(2025, 4, 1), "30000"),  # after the quarter: not counted
        (wages, date(2025, 2, 1), "20000"),
        (agent, date(2024, 11, 30), "5000"),
    ]:
        CompensationPayment.objects.create(
            compensation=compensation, paid_on=paid_on, amount=Decimal(amount)
        )
    found = measures(company)[IndicatorCode.COMPENSATION_PAID]
    # 30 × 0.25 + 10 × 1 + 10 × 1 = 27.5 of 50 workers.
    assert (found.numerator, found.denominator, found.value) == (
        Decimal("27.50"),
        50,
        Decimal("55.0"),
    )
    assert found.detail["currencies"] == [
        {
            "currency": "MYR",
            "owed": "5000.00",
            "paid": "5000.00",
            "fees_owed": "5000.00",
            "fees_paid": "5000.00",
        },
        {
            "currency": "THB",
            "owed": "120000.00",
            "paid": "45000.00",
            "fees_owed": "100000.00",
            "fees_paid": "25000.00",
        },
    ]


def test_grievance_cooperation_counts_progress_or_a_claim_within_thirty_days(staff):
    company = SupplierFactory(is_brand=True)
    case = case_holding(company, opened=date(2025, 1, 10))
    action = RemediationActionFactory(case=case, owner_supplier=company, due_date=date(2025, 6, 1))
    # Taken up on 10 January (the case opened after receipt): window to 9 February.
    grievance_in(case, received=date(2025, 1, 2))
    ActionProgress.objects.create(
        action=action,
        text="Passports returned to 20 workers.",
        author=staff,
        created_at=at(date(2025, 2, 1)),
    )
    # Received 1 February: window to 3 March; the progress of 1 February counts, once.
    grievance_in(case, received=date(2025, 2, 1))
    # Received 1 March: window ends 31 March; nothing happened in it.
    quiet = case_holding(company, opened=date(2025, 1, 1))
    grievance_in(quiet, received=date(2025, 3, 1))
    # Received 15 March: window ends in April, counted next quarter.
    grievance_in(quiet, received=date(2025, 3, 15))
    claimed = case_holding(company, opened=date(2025, 2, 1))
    RemediationActionFactory(
        case=claimed,
        owner_supplier=company,
        due_date=date(2025, 2, 20),
        status=ActionStatus.DONE_CLAIMED,
        claimed_on=date(2025, 2, 15),
    )
    grievance_in(claimed, received=date(2025, 2, 1))
    found = measures(company)[IndicatorCode.GRIEVANCE_COOPERATION]
    assert (found.numerator, found.denominator, found.value) == (3, 4, Decimal("75.0"))


def test_no_data_is_not_zero():
    company = SupplierFactory()
    disclosure(company, due=date(2025, 2, 1))  # due, never answered: 0 %
    assert measures(company)[IndicatorCode.DISCLOSURE_TIMELINESS].value == Decimal("0.0")
    assert IndicatorCode.REPLY_RATE not in measures(company)
    rules.quarter_scores_compute(quarter=Q1)
    score = QuarterScore.objects.get(company=company, quarter_start=Q1)
    results = {r.indicator.code: r for r in score.results.select_related("indicator")}
    assert results[IndicatorCode.DISCLOSURE_TIMELINESS].points == Decimal("0.0")
    assert results[IndicatorCode.REPLY_RATE].value is None
    assert results[IndicatorCode.REPLY_RATE].points is None
    # Only the indicator with data weighs in the overall score.
    assert score.overall == Decimal("0.0")
    assert rules.overall_for([]) is None


def test_median_days_turn_into_points_between_best_and_worst():
    method = rules.scoring_method_in_force(Q1)
    days = method.indicators.get(code=IndicatorCode.REPLY_DAYS)
    assert rules.points_for(days, Decimal(10)) == 100
    assert rules.points_for(days, Decimal(37)) == Decimal("50.0")
    assert rules.points_for(days, Decimal(90)) == 0
    assert rules.points_for(days, None) is None


def test_the_overall_score_is_the_weighted_mean_of_indicators_with_data():
    company = SupplierFactory()
    disclosure(company, due=date(2025, 2, 1), submitted=date(2025, 1, 15))  # 100 %, weight 15
    RemediationActionFactory(owner_supplier=company, due_date=date(2025, 3, 1))  # 0 %, 0 %
    assert rules.quarter_scores_compute(quarter=Q1) == 1
    score = QuarterScore.objects.get(company=company)
    # Timeliness 100 × 15, actions on time 0 × 20, verified 0 × 15: 1500 / 50 = 30.
    assert score.overall == Decimal("30.0")
    assert score.method.version == 1
    assert score.results.count() == len(IndicatorCode.values)


# --- The versioned method -------------------------------------------------------------------


def test_a_change_of_scoring_method_keeps_the_earlier_quarters_score(staff):
    company = SupplierFactory()
    disclosure(company, due=date(2025, 2, 1), submitted=date(2025, 1, 15))
    RemediationActionFactory(owner_supplier=company, due_date=date(2025, 3, 1))
    rules.quarter_scores_compute(quarter=Q1)
    before = QuarterScore.objects.get(company=company, quarter_start=Q1)
    assert before.overall == Decimal("30.0")

    upcoming = next_quarter(quarter_of(timezone.localdate()))
    v2 = rules.scoring_method_publish(
        by=staff,
        effective_from=upcoming,
        notes="Disclosure counts for more.",
        indicators={IndicatorCode.DISCLOSURE_TIMELINESS: {"weight": 60}},
    )
    assert v2.version == 2
    assert v2.indicators.get(code=IndicatorCode.DISCLOSURE_TIMELINESS).weight == 60

    # Recomputed, Q1 keeps method v1 and its weights: under v2 it would be 6000 / 95 = 63.2.
    rules.quarter_scores_compute(quarter=Q1, by=staff)
    after = QuarterScore.objects.get(company=company, quarter_start=Q1)
    assert after.method.version == 1
    assert after.overall == Decimal("30.0")
    # New facts about Q1 count, still with v1: (1500 + 2000) / 50 = 70 (v2: 84.2).
    RemediationAction.objects.filter(owner_supplier=company).update(
        status=ActionStatus.DONE_CLAIMED, claimed_on=date(2025, 2, 27)
    )
    rules.quarter_scores_compute(quarter=Q1, by=staff)
    after = QuarterScore.objects.get(company=company, quarter_start=Q1)
    assert after.method.version == 1
    assert after.overall == Decimal("70.0")
    assert after.computed_by == staff
    assert ScoringMethod.objects.in_force(Q1).version == 1
    assert ScoringMethod.objects.in_force(upcoming).version == 2
    for quarter in (Q1, upcoming):  # the version and its indicators in one query
        method, indicators = ScoringMethod.objects.in_force_with_indicators(quarter)
        assert method == ScoringMethod.objects.in_force(quarter)
        assert indicators == list(method.indicators.all()) and indicators
    assert ScoringMethod.objects.in_force_with_indicators(date(1999, 1, 1)) == (None, [])

    # Time passes (as if v2 had been published for Q2 2025): Q2 is scored with v2, Q1 stays.
    ScoringMethod.objects.filter(pk=v2.pk).update(effective_from=date(2025, 4, 1))
    disclosure(company, due=date(2025, 5, 1), submitted=date(2025, 4, 20))
    RemediationActionFactory(owner_supplier=company, due_date=date(2025, 6, 1))
    rules.quarter_scores_compute(quarter=date(2025, 4, 1))
    q2 = QuarterScore.objects.get(company=company, quarter_start=date(2025, 4, 1))
    assert q2.method == v2
    assert q2.overall == Decimal("63.2")  # 100 × 60 / (60 + 20 + 15)
    rules.quarter_scores_compute(quarter=Q1)
    assert QuarterScore.objects.get(company=company, quarter_start=Q1).overall == Decimal("70.0")


def test_a_new_method_takes_effect_from_a_future_quarter_only(staff):
    current = quarter_of(timezone.localdate())
    with pytest.raises(DomainError, match="future quarter"):
        rules.scoring_method_publish(by=staff, effective_from=current, notes="Now.", indicators={})
    with pytest.raises(DomainError, match="first day of a quarter"):
        rules.scoring_method_publish(
            by=staff,
            effective_from=next_quarter(current) + timedelta(days=1),
            notes="Soon.",
            indicators={},
        )
    assert not ScoringMethod.objects.filter(version__gt=1).exists()


def test_only_a_closed_quarter_is_scored():
    with pytest.raises(DomainError, match="ended"):
        rules.quarter_scores_compute(quarter=quarter_of(timezone.localdate()))


def test_the_daily_job_scores_the_last_closed_quarter_once(django_assert_max_num_queries):
    from engagement.quarters import last_closed_quarter
    from engagement.tasks import score_last_quarter

    quarter = last_closed_quarter()
    companies = [SupplierFactory() for _ in range(6)]
    for company in companies:
        RemediationActionFactory(owner_supplier=company, due_date=quarter + timedelta(days=10))
    rules.scoring_method_in_force(quarter)
    with django_assert_max_num_queries(16):
        assert score_last_quarter.apply().get() == 6
    assert score_last_quarter.apply().get() == 0  # already scored: nothing to do
    assert QuarterScore.objects.filter(quarter_start=quarter).count() == 6
    assert IndicatorResult.objects.filter(score__quarter_start=quarter).count() == 6 * len(
        IndicatorCode.values
    )


def test_staff_alone_recompute():
    company = SupplierFactory()
    with pytest.raises(DomainError):
        rules.quarter_scores_compute(quarter=Q1, by=StaffFactory(is_ew_staff=False))
    assert not QuarterScore.objects.filter(company=company).exists()
