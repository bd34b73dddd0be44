"""Where to act first (reports/priorities.py): the score is the documented formula, the page,
its exports and the API show only the affiliate's supply chain and published findings, in a
fixed number of queries; the compliance report carries the top ten."""

import io
import json
import math
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django_scopes import scope, scopes_disabled
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from openpyxl import load_workbook

from affiliates.reader import Reader
from monitoring.models import Finding
from reports.priorities import priorities_for
from suppliers.models import Contract, CountryRiskIndicator
from tests.factories import (
    AffiliateFactory,
    ContractFactory,
    DisclosureFactory,
    DisclosureLineFactory,
    FactoryFactory,
    FindingFactory,
    RemediationCaseFactory,
    in_supply_chain,
    joined_case,
    published_finding,
)
from tests.platform.test_api_schema_truth import _component, _conforms
from tests.reports.test_compliance_reports import _ready_report, text_of

pytestmark = pytest.mark.django_db


def _risk(country, indicator, level, year, source="Walk Free, Global Slavery Index"):
    return CountryRiskIndicator.objects.create(
        country=country, indicator=indicator, value=level, level=level, source=source, year=year
    )


@pytest.fixture
def ranked(northvale, southport):
    """A Thai factory in northvale's chain with two published findings (critical today, high
    a year ago) and an unpublished one, under a €250,000 contract shared with a second site
    and a €40,000 contract of its own; southport and a third affiliate share it. Southport
    alone buys from a Malaysian factory with a critical finding."""
    factory_ = FactoryFactory(name="Ayutthaya Precision Parts", country="TH")
    other_site = FactoryFactory(name="Quiet Assembly Works", country="VN")
    published_finding(factory_, severity="critical", published_text="Passports were retained.")
    year_old = published_finding(factory_, severity="high")
    Finding.objects.filter(pk=year_old.pk).update(published_at=timezone.now() - timedelta(days=365))
    FindingFactory(report__factory=factory_, severity="critical")  # not published
    with scopes_disabled():
        shared = DisclosureFactory(
            contract=ContractFactory(affiliate=northvale, value=250_000, reference="NV-1"),
            status="accepted",
        )
        DisclosureLineFactory(disclosure=shared, factory=factory_)
        DisclosureLineFactory(disclosure=shared, factory=other_site)
        own = DisclosureFactory(
            contract=ContractFactory(affiliate=northvale, value=40_000, reference="NV-2"),
            status="accepted",
            contractor_email="sales@northern-it.example",
        )
        DisclosureLineFactory(disclosure=own, factory=factory_)
        in_supply_chain(southport, factory_)
        in_supply_chain(AffiliateFactory(), factory_)
        hidden = published_finding(
            FactoryFactory(name="Penang Hidden Plant", country="MY"), severity="critical"
        )
        in_supply_chain(southport, hidden.report.factory)
    _risk("TH", "forced_labour", "low", 2020)
    _risk("TH", "forced_labour", "high", 2023)  # the latest year counts
    _risk("TH", "child_labour", "medium", 2022, source="UNICEF, Child Labour Atlas")
    return {"factory": factory_, "other": other_site, "hidden": hidden.report.factory}


def test_the_score_is_the_documented_formula_computed_by_hand(northvale, ranked):
    with scope(affiliate=northvale):
        rows = priorities_for(Reader.for_affiliate(northvale), today=timezone.localdate())

    first = rows[0]
    assert first.factory == ranked["factory"]
    findings = 8 * 1 + 4 * 0.5 ** ((365 / 30.4375) / 12)
    country = 4 + 2  # high forced-labour risk, medium child-labour risk
    spend_eur = 250_000 / 2 + 40_000
    spend = 2 * math.log10(1 + spend_eur / 10_000)
    leverage = 1 * 2  # southport and the third affiliate
    assert first.score == round(findings + country + spend + leverage, 2)
    assert first.finding_count == 2  # the unpublished one does not count
    assert first.spend_eur == pytest.approx(165_000)
    assert first.other_affiliates == 2
    assert [row.factory for row in rows] == [ranked["factory"], ranked["other"]]
    assert ranked["hidden"] not in [row.factory for row in rows]


def test_the_explanation_says_why_in_words(northvale, ranked):
    with scope(affiliate=northvale):
        first = priorities_for(Reader.for_affiliate(northvale))[0]
    text = " ".join(first.explanation)
    assert "2 findings published (1 critical, 1 high)" in text
    assert "1 severe finding in the last 6 months (Freely chosen employment)" in text
    assert "High forced-labour risk in Thailand (Walk Free, Global Slavery Index, 2023)" in text
    assert "medium child-labour risk in Thailand (UNICEF, Child Labour Atlas, 2022)" in text
    assert "€165,000 of your contracts (2 contracts" in text
    assert "Shared with 2 other affiliates." in text


def test_the_explanation_agrees_in_french(northvale, ranked):
    """Each severity is its own plural message: "2 critiques", "1 élevé" (a constat)."""
    with scope(affiliate=northvale), translation.override("fr"):
        first = priorities_for(Reader.for_affiliate(northvale))[0]
        text = " ".join(first.explanation)
    assert "2 constats publiés (1 critique, 1 élevé)" in text


def test_the_page_ranks_explains_and_links_the_actions(
    client, northvale, northvale_officer, ranked
):
    client.force_login(northvale_officer)
    case = joined_case(northvale, RemediationCaseFactory(factory=ranked["factory"]))

    page = client.get(reverse("reports:priorities", kwargs={"affiliate_slug": "northvale"}))
    detail = client.get(
        reverse(
            "reports:priority_detail",
            kwargs={"affiliate_slug": "northvale", "pk": ranked["factory"].pk},
        )
    )
    hidden = client.get(
        reverse(
            "reports:priority_detail",
            kwargs={"affiliate_slug": "northvale", "pk": ranked["hidden"].pk},
        )
    )

    body = page.content.decode()
    assert body.index("Ayutthaya Precision Parts") < body.index("Quiet Assembly Works")
    assert "Penang Hidden Plant" not in body
    assert "Shared with 2 other affiliates." in body
    assert f"/a/northvale/factories/{ranked['factory'].pk}/dossier.pdf" in body
    detail_body = detail.content.decode()
    assert f"Follow case {case.reference}" in detail_body
    with scopes_disabled():
        contracts = {c.reference: c for c in Contract.objects.filter(affiliate=northvale)}
    assert "mailto:sales@northern-it.example" in detail_body
    assert f"Write to {contracts['NV-2'].contractor.name}, the contractor" in detail_body
    # NV-1's disclosure has no address: said in words, no link.
    assert (
        f"No e-mail address for {contracts['NV-1'].contractor.name}, the contractor, is "
        "recorded on your disclosures" in detail_body
    )
    # Accepted disclosures cannot be reopened: no link to a page that offers no request,
    # the contract pages instead.
    assert not re.search(r"/disclosures/\d+/", detail_body)
    assert "cannot be reopened here" in detail_body
    for contract in contracts.values():
        assert f'href="/a/northvale/contracts/{contract.pk}/">contract {contract.reference}' in (
            detail_body
        )
    assert "dossier.pdf" in detail_body
    assert hidden.status_code == 404


def test_exports_have_the_ranking_with_formula_safe_cells(client, northvale_officer, ranked):
    with scopes_disabled():
        Finding.objects.filter(report__factory=ranked["factory"]).update(published_text="x")
    ranked["other"].name = "=HYPERLINK(1)"
    ranked["other"].save()
    client.force_login(northvale_officer)

    xlsx = client.get(
        reverse("reports:priorities_export_xlsx", kwargs={"affiliate_slug": "northvale"})
    )
    csv = client.get(
        reverse("reports:priorities_export_csv", kwargs={"affiliate_slug": "northvale"})
    )

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Rank", "Factory", "Country", "Score")
    assert rows[1][:3] == (1, "Ayutthaya Precision Parts", "Thailand")
    assert rows[2][1] == "'=HYPERLINK(1)"
    assert "Shared with 2 other affiliates." in rows[1][-1]
    assert '"\'=HYPERLINK(1)"' in csv.content.decode("utf-8-sig")


def test_the_api_lists_the_affiliates_own_ranking(client, northvale_officer, ranked):
    client.force_login(northvale_officer)
    response = client.get("/api/v1/priorities/")

    assert response.status_code == 200
    body = response.json()
    items = body["results"] if isinstance(body, dict) else body
    assert [item["factory_name"] for item in items] == [
        "Ayutthaya Precision Parts",
        "Quiet Assembly Works",
    ]
    assert items[0]["other_affiliates"] == 2
    assert items[0]["explanation"][-1] == "Shared with 2 other affiliates."


def test_the_api_rounds_money_and_points_to_two_decimals(client, northvale, northvale_officer):
    """€1,000 shared over three sites is €333.33 each, and 2 × log10(1 + 333.33… / 10,000)
    spend points are 0.028…: the API says "333.33" (a decimal string, as the rest of the API
    gives money) and 0.03, as the schema says."""
    sites = [FactoryFactory(name=f"Site {n}", country="VN") for n in range(3)]
    with scopes_disabled():
        disclosure = DisclosureFactory(
            contract=ContractFactory(affiliate=northvale, value=1000), status="accepted"
        )
        for site in sites:
            DisclosureLineFactory(disclosure=disclosure, factory=site)
    client.force_login(northvale_officer)

    body = client.get("/api/v1/priorities/").json()

    items = body["results"] if isinstance(body, dict) else body
    assert [item["spend_eur"] for item in items] == ["333.33"] * 3
    expected_points = 2 * math.log10(1 + (1000 / 3) / 10_000)
    assert round(expected_points, 2) == 0.03
    assert {item["spend_points"] for item in items} == {0.03}
    assert {item["leverage_points"] for item in items} == {0.0}
    openapi = json.loads(
        OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True))
    )
    assert openapi["components"]["schemas"]["Priority"]["properties"]["spend_eur"]["type"] == (
        "string"
    )
    for item in items:
        assert _conforms(openapi, _component("Priority"), item)


def test_the_page_runs_a_fixed_number_of_queries(client, northvale, northvale_officer, ranked):
    client.force_login(northvale_officer)
    url = reverse("reports:priorities", kwargs={"affiliate_slug": "northvale"})
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _n in range(6):
        site = FactoryFactory(country="MY")
        published_finding(site, severity="medium")
        published_finding(site, severity="low")
        in_supply_chain(northvale, site)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)

    assert response.content.decode().count('id="factory-') == 8
    assert len(many) == len(few)


def test_the_compliance_report_has_the_top_priorities(northvale, ranked):
    report = _ready_report(northvale)

    text = text_of(report.file.read())
    assert "Where to act first" in text
    assert "Ayutthaya Precision Parts" in text
    assert "Shared with 2 other affiliates." in text
    assert "Penang Hidden Plant" not in text
