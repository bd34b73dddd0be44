"""QA fixes of the performance tracker: "compute again" in two steps with a record of what
changed, formulas written from the stored thresholds, export names, localised amounts."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation
from django_scopes import scopes_disabled

from engagement.models import IndicatorResult, QuarterScore
from engagement.services.performance import formula_text, scoring_method_publish
from engagement.services.performance_display import working_of
from tests.factories import (
    CompanyContactFactory,
    ContractFactory,
    DisclosureFactory,
    RemediationActionFactory,
    SupplierFactory,
    quarter_score,
    score_comment,
)

pytestmark = pytest.mark.django_db

Q1 = date(2025, 1, 1)


@pytest.fixture
def scored(staff):
    """A company scored 62.5 for Q1 2025 whose records now give 0 (an action due, not done)."""
    company = SupplierFactory(name="Acme Devices")
    quarter_score(company, Q1, overall="62.5")
    RemediationActionFactory(owner_supplier=company, due_date=date(2025, 3, 1))
    return company


def test_compute_again_first_shows_what_would_change_and_saves_nothing(client, staff, scored):
    other = SupplierFactory(name="Brand New Ltd")
    with scopes_disabled():
        DisclosureFactory(contract=ContractFactory(contractor=other), due_date=date(2025, 2, 1))
    client.force_login(staff)
    page = client.get("/staff/companies/performance/recompute/?quarter=2025-01-01")
    assert page.status_code == 200
    text = page.content.decode()
    assert "1 score of Q1 2025 will be computed again" in text
    assert "1 company not scored yet" in text
    assert "Acme Devices" in text and "62.5" in text and "0.0" in text
    assert "Not scored yet" in text
    score = QuarterScore.objects.get(company=scored)
    assert score.overall == Decimal("62.5") and score.recomputed_at is None
    assert not QuarterScore.objects.filter(company=other).exists()


def test_a_bad_quarter_shows_no_confirmation(client, staff):
    client.force_login(staff)
    response = client.get("/staff/companies/performance/recompute/?quarter=2099-01-01")
    assert response.status_code == 302


def test_confirming_records_the_previous_overall_shown_to_every_audience(
    client, staff, scored, northvale
):
    contact = CompanyContactFactory(company=scored)
    score_comment(scored, Q1)
    client.force_login(staff)
    response = client.post("/staff/companies/performance/recompute/", {"quarter": "2025-01-01"})
    assert response.status_code == 302
    score = QuarterScore.objects.get(company=scored)
    assert score.overall == Decimal("0.0") and score.previous_overall == Decimal("62.5")
    assert score.recomputed_by == staff and score.recomputed_at is not None
    date_text = score.recomputed_at.strftime("%-d %B %Y")
    staff_page = client.get(f"/staff/companies/{scored.pk}/performance/").content.decode()
    assert "previously 62.5" in staff_page
    assert "before the score was recomputed; it was then 62.5" in staff_page
    client.force_login(contact)
    company_page = client.get("/company/performance/").content.decode()
    assert "Recomputed on" in company_page and "previously 62.5" in company_page
    assert date_text.split(" ")[-1] in company_page


def test_the_days_formula_follows_the_stored_thresholds(staff):
    from django.utils import timezone

    from engagement.quarters import next_quarter, quarter_of
    from engagement.services.performance import scoring_method_in_force

    v1 = scoring_method_in_force(Q1)
    days = v1.indicators.get(code="reply_days")
    assert "100 points at 14 days or fewer, none at 60 days" in formula_text(days)
    v2 = scoring_method_publish(
        by=staff,
        effective_from=next_quarter(quarter_of(timezone.localdate())),
        notes="Faster answers.",
        indicators={"reply_days": {"weight": 10, "best": Decimal(10), "worst": Decimal("45.5")}},
    )
    days = v2.indicators.get(code="reply_days")
    assert "100 points at 10 days or fewer, none at 45.5 days" in formula_text(days)
    assert "10 days or fewer" in days.formula  # stored as published, not copied


def test_version_one_is_in_force_from_the_start(client, staff):
    client.force_login(staff)
    text = client.get("/staff/companies/performance/methods/").content.decode()
    assert "Version 1, in force from the start" in text
    assert "2000" not in text


def test_company_exports_are_named_after_the_company_and_the_day(client, staff, scored):
    from django.utils import timezone

    contact = CompanyContactFactory(company=scored)
    today = timezone.localdate().isoformat()
    client.force_login(staff)
    response = client.get(f"/staff/companies/{scored.pk}/performance/?format=csv")
    assert f"acme-devices-scores-{today}.csv" in response["Content-Disposition"]
    client.force_login(contact)
    response = client.get("/company/performance/?format=xlsx")
    assert f"acme-devices-scores-{today}.xlsx" in response["Content-Disposition"]


def test_amounts_and_workers_are_localised(client, scored):
    score = QuarterScore.objects.get(company=scored)
    result = score.results.select_related("indicator").get(indicator__code="compensation_paid")
    IndicatorResult.objects.filter(pk=result.pk).update(
        numerator=Decimal("35.02"),
        denominator=Decimal(140),
        detail={
            "currencies": [
                {
                    "currency": "THB",
                    "owed": "3598000.00",
                    "paid": "2518600.00",
                    "fees_owed": "3598000.00",
                    "fees_paid": "2518600.00",
                }
            ]
        },
    )
    result.refresh_from_db()
    with translation.override("en"):
        assert working_of(result)[0].startswith("35 of 140 workers")
    contact = CompanyContactFactory(company=scored, language="fr")
    client.force_login(contact)
    text = client.get("/company/performance/").content.decode()
    found = text[text.find("THB") - 20 : text.find("THB") + 120]
    assert any(f"2{sep}518{sep}600,00" in text for sep in ("\u202f", "\xa0", " ")), found
    assert "35 " in text and "35.0" not in text and "35,0" not in text
    type(contact).objects.filter(pk=contact.pk).update(language="en")
    english = client.get("/company/performance/").content.decode()
    assert "2,518,600.00" in english
