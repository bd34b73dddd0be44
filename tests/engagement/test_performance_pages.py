"""Issue 13, item 4: the performance tracker's pages for affiliates, staff and the company,
their exports, the company's comments, who may read what, and query budgets."""

import csv
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django_scopes import scopes_disabled
from openpyxl import load_workbook

from engagement.models import IndicatorCode, QuarterScore, ScoreComment, ScoringMethod
from engagement.quarters import next_quarter, quarter_of
from tests.factories import (
    CompanyContactFactory,
    ContractFactory,
    DisclosureFactory,
    FactoryFactory,
    RemediationActionFactory,
    SupplierFactory,
    in_supply_chain,
    member,
    quarter_score,
    score_comment,
)

pytestmark = pytest.mark.django_db

Q1 = date(2025, 1, 1)
Q2 = date(2025, 4, 1)


@pytest.fixture
def contractor(northvale):
    company = SupplierFactory(name="Northern IT", is_contractor=True)
    with scopes_disabled():
        ContractFactory(affiliate=northvale, contractor=company)
    return company


@pytest.fixture
def contact(contractor):
    return CompanyContactFactory(company=contractor, email="contractor@northern-it.example")


# --- The company --------------------------------------------------------------------------


def test_a_company_reads_its_scores_with_their_working_and_definitions(client, contact):
    company = contact.company_contact.company
    quarter_score(company, Q1, overall="62.5")
    quarter_score(company, Q2, overall=None)
    client.force_login(contact)
    response = client.get("/company/performance/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Your performance" in text
    assert "Q1 2025" in text and "Q2 2025" in text
    assert "Overall score: 62.5 out of 100." in text
    assert "Overall score: no data this quarter." in text
    assert "3 of 4" in text  # the working of an indicator
    assert "Requests answered by the due date ÷ requests due in the quarter × 100" in text
    assert 'id="trend-chart-title"' in text  # the chart, with its table beside it
    assert "<caption" in text


def test_a_company_comments_on_a_quarter_and_affiliates_read_it(client, contact, northvale):
    company = contact.company_contact.company
    score = quarter_score(company, Q1)
    client.force_login(contact)
    response = client.post(
        f"/company/performance/{score.pk}/comments/",
        {f"q{score.pk}-text": "Two requests went to an old address; fixed since."},
    )
    assert response.status_code == 302
    comment = ScoreComment.objects.get()
    assert (comment.company, comment.quarter_start, comment.author) == (company, Q1, contact)

    officer = member(northvale)
    client.force_login(officer)
    page = client.get(f"/a/northvale/companies/{company.pk}/")
    assert "Two requests went to an old address; fixed since." in page.content.decode()


def test_an_empty_comment_is_refused_and_nothing_is_saved(client, contact):
    score = quarter_score(contact.company_contact.company, Q1)
    client.force_login(contact)
    response = client.post(f"/company/performance/{score.pk}/comments/", {f"q{score.pk}-text": " "})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not ScoreComment.objects.exists()


def test_a_company_gets_404_on_another_companys_scores(client, contact):
    other = quarter_score(SupplierFactory(name="Other Co"), Q1, overall="12.0")
    client.force_login(contact)
    response = client.post(f"/company/performance/{other.pk}/comments/", {f"q{other.pk}-text": "x"})
    assert response.status_code == 404
    assert not ScoreComment.objects.exists()
    page = client.get("/company/performance/")
    assert "Other Co" not in page.content.decode() and "12.0" not in page.content.decode()
    assert client.get(f"/a/northvale/companies/{other.company_id}/").status_code == 404
    assert client.get(f"/staff/companies/{other.company_id}/performance/").status_code == 404
    assert client.get("/staff/companies/performance/").status_code == 404
    api = client.get(f"/api/v1/company/scores/{other.pk}/")
    assert api.status_code == 404


def test_the_company_exports_its_own_scores_only(client, contact):
    quarter_score(contact.company_contact.company, Q1, overall="62.5")
    quarter_score(SupplierFactory(name="Other Co"), Q1)
    client.force_login(contact)
    response = client.get("/company/performance/?format=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["Company", "Quarter", "Quarter start", "Method version", "Overall score"]
    assert len(rows) == 1 + len(IndicatorCode.values)
    assert {row[0] for row in rows[1:]} == {"Northern IT"}
    assert rows[1][4] == "62.5"


# --- Affiliates ---------------------------------------------------------------------------


def test_affiliates_see_every_company_that_supplies_them(client, northvale, contractor):
    factory = FactoryFactory(owner=SupplierFactory(name="Plant Owner Co"))
    in_supply_chain(northvale, factory)
    from suppliers.models import SupplierFactory as Link

    brand = SupplierFactory(name="Acme Devices", is_brand=True)
    Link.objects.create(
        supplier=brand,
        factory=factory,
        source="disclosure",
        first_seen=Q1,
        last_seen=Q1,
    )
    quarter_score(brand, Q1, overall="81.0")
    SupplierFactory(name="Stranger Ltd")
    client.force_login(member(northvale))
    response = client.get("/a/northvale/companies/")
    text = response.content.decode()
    for name in ("Northern IT", "Plant Owner Co", "Acme Devices"):
        assert name in text
    assert "Stranger Ltd" not in text
    assert "81.0" in text and "Q1 2025" in text
    assert client.get(f"/a/northvale/companies/{brand.pk}/").status_code == 200


def test_an_affiliate_gets_404_for_a_company_not_supplying_it(client, northvale, southport):
    elsewhere = SupplierFactory(name="Southport's contractor")
    with scopes_disabled():
        ContractFactory(affiliate=southport, contractor=elsewhere)
    quarter_score(elsewhere, Q1)
    client.force_login(member(northvale))
    assert client.get(f"/a/northvale/companies/{elsewhere.pk}/").status_code == 404
    assert client.get(f"/a/northvale/companies/{elsewhere.pk}/?format=csv").status_code == 404
    assert "Southport's contractor" not in client.get("/a/northvale/companies/").content.decode()


def test_an_affiliate_exports_a_supplying_companys_scores_as_xlsx(client, northvale, contractor):
    quarter_score(contractor, Q1, overall="62.5")
    quarter_score(contractor, Q2, overall=None)
    client.force_login(member(northvale))
    response = client.get(f"/a/northvale/companies/{contractor.pk}/?format=xlsx")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Company"
    assert len(rows) == 1 + 2 * len(IndicatorCode.values)
    q2 = [row for row in rows[1:] if row[1] == "Q2 2025"]
    assert q2[0][4] is None  # no data stays empty, never 0
    q1 = [row for row in rows[1:] if row[1] == "Q1 2025"]
    assert q1[0][4] == 62.5 and q1[0][7] == 3 and q1[0][8] == 4


def test_the_affiliate_list_keeps_its_query_budget(
    client, northvale, django_assert_max_num_queries
):
    officer = member(northvale)
    for index in range(30):
        company = SupplierFactory(name=f"Contractor {index:02d}")
        with scopes_disabled():
            ContractFactory(affiliate=northvale, contractor=company)
        quarter_score(company, Q1)
    client.force_login(officer)
    with django_assert_max_num_queries(14):
        response = client.get("/a/northvale/companies/")
    assert response.status_code == 200
    assert response.content.decode().count("/a/northvale/companies/") >= 25


def test_the_company_page_keeps_its_query_budget(
    client, northvale, contractor, django_assert_max_num_queries
):
    quarter = Q1
    for _index in range(8):
        quarter_score(contractor, quarter)
        score_comment(contractor, quarter)
        quarter = next_quarter(quarter)
    client.force_login(member(northvale))
    with django_assert_max_num_queries(16):
        response = client.get(f"/a/northvale/companies/{contractor.pk}/")
    assert response.content.decode().count("The late list was our reseller") == 8


# --- Staff --------------------------------------------------------------------------------


def test_staff_compare_every_company_of_a_quarter_sorted_by_any_column(client, staff):
    quarter_score(SupplierFactory(name="Alpha"), Q1, overall="40.0", points="10.0")
    quarter_score(SupplierFactory(name="Beta"), Q1, overall="90.0", points="20.0")
    quarter_score(SupplierFactory(name="Gamma"), Q1, overall=None, points="30.0")
    quarter_score(SupplierFactory(name="Later"), Q2, overall="50.0")
    client.force_login(staff)
    text = client.get("/staff/companies/performance/?quarter=2025-01-01").content.decode()
    assert text.index("Beta") < text.index("Alpha") < text.index("Gamma")  # no data last
    assert "Later" not in text
    by_name = client.get("/staff/companies/performance/?quarter=2025-01-01&sort=name")
    text = by_name.content.decode()
    assert text.index("Alpha") < text.index("Beta") < text.index("Gamma")
    assert 'aria-sort="ascending"' in text
    by_points = client.get(
        "/staff/companies/performance/?quarter=2025-01-01&sort=-actions_on_time"
    ).content.decode()
    assert by_points.index("Gamma") < by_points.index("Beta") < by_points.index("Alpha")
    latest = client.get("/staff/companies/performance/").content.decode()
    assert "Later" in latest and "Alpha" not in latest  # the latest quarter by default


def test_staff_comparison_shows_each_indicators_points_in_its_column(client, staff):
    """The points are read for every indicator at once (one subquery of each score's points
    by code): each cell still shows its own indicator's, "—" for none, localised."""
    from engagement.models import IndicatorResult

    score = quarter_score(SupplierFactory(name="Alpha"), Q1, overall="40.0")
    results = list(IndicatorResult.objects.filter(score=score).order_by("indicator__position"))
    expected = []
    for index, result in enumerate(results):
        result.points = None if index == 1 else Decimal(index * 10) + Decimal("0.5")
        expected.append("—" if index == 1 else f"{index * 10},5")
    IndicatorResult.objects.bulk_update(results, ["points"])
    client.force_login(staff)
    staff.language = "fr"
    staff.save(update_fields=["language"])
    text = client.get(
        "/staff/companies/performance/?quarter=2025-01-01", HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    row = text[text.index(">Alpha<") :]
    row = row[: row.index("</tr>")]
    cells = re.findall(r'<td class="num">([^<]*)</td>', row)
    assert cells == ["40,0", *expected]
    by_points = client.get(
        f"/staff/companies/performance/?quarter=2025-01-01&sort={results[2].indicator.code}"
    )
    assert by_points.status_code == 200 and ">Alpha<" in by_points.content.decode()


def test_staff_comparison_keeps_its_query_budget_and_exports(
    client, staff, django_assert_max_num_queries
):
    for index in range(60):
        quarter_score(SupplierFactory(name=f"Company {index:02d}"), Q1)
    client.force_login(staff)
    with django_assert_max_num_queries(14):
        response = client.get("/staff/companies/performance/?quarter=2025-01-01")
    assert response.status_code == 200
    with django_assert_max_num_queries(12):
        export = client.get("/staff/companies/performance/?quarter=2025-01-01&format=xlsx")
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert len(rows) == 1 + 60 * len(IndicatorCode.values)


def test_staff_recompute_a_quarter_with_its_stored_method(client, staff):
    company = SupplierFactory()
    with scopes_disabled():
        DisclosureFactory(contract=ContractFactory(contractor=company), due_date=date(2025, 2, 1))
    RemediationActionFactory(owner_supplier=company, due_date=date(2025, 3, 1))
    client.force_login(staff)
    response = client.post("/staff/companies/performance/recompute/", {"quarter": "2025-01-01"})
    assert response.status_code == 302
    score = QuarterScore.objects.get(company=company)
    assert score.overall == Decimal("0.0") and score.computed_by == staff
    assert score.method.version == 1
    page = client.get(response["Location"])
    assert "Q1 2025 computed again: 1 score, with its own method." in page.content.decode()


def test_staff_publish_a_method_version_from_a_future_quarter(client, staff):
    client.force_login(staff)
    page = client.get("/staff/companies/performance/methods/")
    assert page.status_code == 200
    assert "Version 1, in force from the start" in page.content.decode()
    upcoming = next_quarter(quarter_of(date.today()))
    data = {
        "effective_from": upcoming.isoformat(),
        "notes": "Verification counts for more.",
        "best": "10",
        "worst": "45",
        **{f"weight_{code}": "10" for code in IndicatorCode.values},
        "weight_actions_verified": "30",
        "weight_grievance_cooperation": "0",
    }
    response = client.post("/staff/companies/performance/methods/", data)
    assert response.status_code == 302
    method = ScoringMethod.objects.get(version=2)
    assert method.effective_from == upcoming
    weights = {i.code: i.weight for i in method.indicators.all()}
    assert weights[IndicatorCode.ACTIONS_VERIFIED] == 30
    assert IndicatorCode.GRIEVANCE_COOPERATION not in weights
    assert method.indicators.get(code=IndicatorCode.REPLY_DAYS).best == 10
    # The current quarter is refused: it would change scores in the making.
    data["effective_from"] = quarter_of(date.today()).isoformat()
    refused = client.post("/staff/companies/performance/methods/", data)
    assert refused.status_code == 200
    assert ScoringMethod.objects.count() == 2
    # An upcoming version can be withdrawn; the one in force cannot.
    client.post(f"/staff/companies/performance/methods/{method.pk}/withdraw/", {"confirmed": "1"})
    assert not ScoringMethod.objects.filter(version=2).exists()
    first = ScoringMethod.objects.get(version=1)
    client.post(f"/staff/companies/performance/methods/{first.pk}/withdraw/", {"confirmed": "1"})
    assert ScoringMethod.objects.filter(version=1).exists()


def test_affiliate_members_get_404_on_staff_pages(client, northvale):
    client.force_login(member(northvale))
    assert client.get("/staff/companies/performance/").status_code == 404
    assert client.get("/staff/companies/performance/methods/").status_code == 404


# --- API ----------------------------------------------------------------------------------


def test_the_company_api_serves_its_own_scores_with_working_and_comments(
    client, contact, django_assert_max_num_queries
):
    company = contact.company_contact.company
    for index in range(12):
        quarter = date(2023 + index // 4, 1 + 3 * (index % 4), 1)
        quarter_score(company, quarter)
        score_comment(company, quarter)
    quarter_score(SupplierFactory(name="Other Co"), Q1)
    client.force_login(contact)
    with django_assert_max_num_queries(12):
        response = client.get("/api/v1/company/scores/")
    body = response.json()
    assert body["count"] == 12
    first = body["results"][0]
    assert first["company_name"] == "Northern IT" and first["method_version"] == 1
    assert first["comments"][0]["text"] == "The late list was our reseller's."
    result = first["results"][0]
    assert result["code"] == "disclosure_timeliness"
    assert (result["numerator"], result["denominator"], result["points"]) == (
        "3.00",
        "4.00",
        "75.0",
    )


def test_a_company_comments_on_its_score_through_the_api(client, contact):
    company = contact.company_contact.company
    score = quarter_score(company, Q1)
    other = quarter_score(SupplierFactory(name="Other Co"), Q1)
    client.force_login(contact)

    response = client.post(
        f"/api/v1/company/scores/{score.pk}/comments/",
        {"text": "  The late list was our reseller's.  "},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["text"] == "The late list was our reseller's."
    assert ScoreComment.objects.get(company=company).quarter_start == Q1

    blank = client.post(
        f"/api/v1/company/scores/{score.pk}/comments/",
        {"text": " "},
        content_type="application/json",
    )
    assert blank.status_code == 400
    foreign = client.post(
        f"/api/v1/company/scores/{other.pk}/comments/",
        {"text": "Not ours."},
        content_type="application/json",
    )
    assert foreign.status_code == 404
    assert ScoreComment.objects.count() == 1


def test_the_company_api_is_404_for_everyone_but_company_contacts(client, northvale, staff):
    quarter_score(SupplierFactory(), Q1)
    client.force_login(member(northvale))
    assert client.get("/api/v1/company/scores/").status_code == 404
    client.force_login(staff)
    assert client.get("/api/v1/company/scores/").status_code == 404


def test_the_scores_api_serves_staff_everything_and_affiliates_their_suppliers(
    client, northvale, contractor, staff
):
    quarter_score(contractor, Q1)
    stranger = quarter_score(SupplierFactory(name="Stranger Ltd"), Q1)
    client.force_login(member(northvale))
    names = {row["company_name"] for row in client.get("/api/v1/company-scores/").json()["results"]}
    assert names == {"Northern IT"}
    assert client.get(f"/api/v1/company-scores/{stranger.pk}/").status_code == 404
    client.force_login(staff)
    body = client.get("/api/v1/company-scores/?quarter=2025-01-01").json()
    assert {row["company_name"] for row in body["results"]} == {"Northern IT", "Stranger Ltd"}


def test_a_company_contact_gets_404_on_the_scores_api(client, contact):
    quarter_score(contact.company_contact.company, Q1)
    client.force_login(contact)
    assert client.get("/api/v1/company-scores/").status_code == 404


def test_staff_record_compensation_as_recruitment_fees_and_the_score_shows_them(client, staff):
    from django.urls import reverse

    from remediation.models import Compensation, ResponsibleCompany
    from tests.factories import RemediationCaseFactory

    company = SupplierFactory(name="Acme Devices", is_brand=True)
    case = RemediationCaseFactory(opened_on=date(2024, 12, 1))
    ResponsibleCompany.objects.create(case=case, supplier=company, role="brand")
    client.force_login(staff)
    data = {
        "kind": "recruitment_fees",
        "description": "Fees paid to the Yangon broker",
        "currency": "THB",
        "amount_owed": "40000",
        "amount_paid": "0",
        "workers_covered": "4",
    }
    client.post(reverse("remediation:compensation_add", kwargs={"pk": case.pk}), data)
    compensation = Compensation.objects.get()
    assert compensation.kind == Compensation.Kind.RECRUITMENT_FEES
    # What counts is what was paid by the end of the quarter: a payment dated in it.
    client.post(
        reverse(
            "remediation:payment_record",
            kwargs={"pk": case.pk, "compensation_pk": compensation.pk},
        ),
        {"paid_on": "2025-02-10", "amount": "10000", "confirm": "yes"},
    )
    client.post("/staff/companies/performance/recompute/", {"quarter": "2025-01-01"})
    page = client.get(f"/staff/companies/{company.pk}/performance/").content.decode()
    assert "THB: 10,000.00 paid of 40,000.00 owed" in page
    assert "recruitment fees reimbursed: 10,000.00 of 40,000.00" in page
    assert "1 of 4 workers covered" in page
