"""The ranking computed by PostgreSQL (reports/priorities.py `_score_sql`) is the ranking the
Python code computed before (tests/reports/priorities_oracle.py, kept as the oracle), on a
varied supply chain: every severity at several ages (one published in the future), findings
not published, contracts shared over several sites and sites under several contracts,
countries with and without risk figures over several years, sites shared with other
affiliates, equal scores ordered by name then id, a merged site; read whole, by pages, one
site at a time, and from the API."""

import random
from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from affiliates.reader import Reader
from monitoring.models import Finding
from reports.priorities import Ranking, RankingPaginator, priorities_for, priority_of
from suppliers.models import CountryRiskIndicator, Factory
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
from tests.reports.priorities_oracle import python_priorities_for

pytestmark = pytest.mark.django_db


def _figure(country, indicator, level, year):
    CountryRiskIndicator.objects.create(
        country=country, indicator=indicator, value=level, level=level, source="S", year=year
    )


@pytest.fixture
def varied(northvale, southport):
    chance = random.Random(18)
    countries = ["TH", "VN", "MY", "CN", "MX"]
    sites = [
        FactoryFactory(name=name, country="MX" if n < 4 else countries[n % len(countries)])
        for n, name in enumerate(
            ["Twin Works", "Twin Works", "alpha Plant", "Alpha Plant", "Élan Assembly"]
            + [f"Site {n:02d}" for n in range(13)]
        )
    ]
    now = timezone.now()
    for site in sites[4:]:
        for _n in range(chance.randint(0, 4)):
            finding = published_finding(
                site, severity=chance.choice(["low", "medium", "high", "critical"])
            )
            days = chance.choice([-3, 0, 1, 45, 182, 183, 365, 800])
            Finding.objects.filter(pk=finding.pk).update(published_at=now - timedelta(days=days))
        if chance.random() < 0.3:
            FindingFactory(report__factory=site, severity="critical")  # not published
    with scopes_disabled():
        for _n in range(5):
            contract = ContractFactory(
                affiliate=northvale, value=chance.choice([1_000, 33_333, 250_000, 1_234_567])
            )
            disclosure = DisclosureFactory(contract=contract, status="accepted")
            for site in chance.sample(sites[4:], chance.randint(1, 4)):
                DisclosureLineFactory(disclosure=disclosure, factory=site)
        for site in sites[:4]:  # equal scores: ordered by name (code points), then id
            in_supply_chain(northvale, site)
        for site in sites[4:]:
            in_supply_chain(northvale, site)
            for _n in range(chance.randint(0, 3)):
                in_supply_chain(AffiliateFactory(), site)
        in_supply_chain(southport, sites[6])
        merged = FactoryFactory(name="Merged Away", country="TH")
        in_supply_chain(northvale, merged)
        Factory.objects.filter(pk=merged.pk).update(merged_into=sites[5])
    _figure("TH", "forced_labour", "low", 2020)
    _figure("TH", "forced_labour", "high", 2023)
    _figure("TH", "child_labour", "medium", 2022)
    _figure("VN", "child_labour", "high", 2021)
    _figure("MY", "forced_labour", "medium", 2019)
    _figure("MY", "forced_labour", "low", 2018)
    joined_case(northvale, RemediationCaseFactory(factory=sites[7]))
    return sites


def _summary(row, *, actions=True):
    """What the ranking says of a site; a page of the list reads no contracts or cases (its
    explanation counts the contracts all the same), one site's page reads them."""
    return (
        row.rank,
        row.factory.pk,
        row.score,
        round(row.findings_points, 9),
        row.country_points,
        round(row.spend_eur, 6),
        round(row.spend_points, 9),
        row.leverage_points,
        row.explanation,
        [contract.pk for contract in row.contracts] if actions else None,
        [case.pk for case in row.cases] if actions else None,
    )


def test_postgresql_ranks_as_the_python_code_did(northvale, varied, monkeypatch):
    monkeypatch.setattr(Ranking, "BATCH", 5)  # the exports' batches, here several
    reader = Reader.for_affiliate(northvale)
    today = timezone.localdate()
    with scope(affiliate=northvale):
        oracle = python_priorities_for(reader, today=today)
        expected = [_summary(row) for row in oracle]
        listed = [_summary(row, actions=False) for row in oracle]
        ranking = priorities_for(reader, today=today)
        whole = [_summary(row, actions=False) for row in ranking]
        paged = []
        paginator = RankingPaginator(ranking, 4)
        for number in paginator.page_range:
            paged += [_summary(row, actions=False) for row in paginator.page(number)]
        one_by_one = [
            _summary(priority_of(reader, pk, today=today)) for _rank, pk, *_rest in expected
        ]

    assert len(expected) == 18  # the merged site is not ranked
    assert len({row[2] for row in expected}) < len(expected)  # some scores are equal
    assert whole == listed
    assert paged == listed
    assert one_by_one == expected
    assert len(ranking) == len(expected)


def test_the_api_pages_the_same_ranking(client, northvale, northvale_officer, varied):
    with scope(affiliate=northvale):
        expected = [
            row.factory.pk for row in python_priorities_for(Reader.for_affiliate(northvale))
        ]
    client.force_login(northvale_officer)

    pks = []
    url = "/api/v1/priorities/"
    while url:
        body = client.get(url).json()
        assert body["count"] == len(expected)
        pks += [item["factory"] for item in body["results"]]
        url = body["next"]

    assert pks == expected
