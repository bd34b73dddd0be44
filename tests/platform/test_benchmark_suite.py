"""`make bench`'s machinery (benchmarks/suite.py) on a tiny network, so that it cannot rot: a
list's last page, an API list, a vanished URL; three runs each."""

import json

import pytest

from benchmarks import lines, suite
from tests.factories import AffiliateFactory, ContractFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def network():
    large = AffiliateFactory(slug="gen-00001", name="Generated Public Buyer 00001")
    small = AffiliateFactory(slug="gen-00002", name="Generated Public Buyer 00002")
    member(large)
    member(small)
    ContractFactory.create_batch(26, affiliate=large)  # two pages of 25
    ContractFactory(affiliate=small)
    return large, small


def test_lines_are_measured_with_floors_goals_and_verdicts(network, tmp_path, capsys):
    bench = suite.Bench(runs=3, warmup=0)
    _first, last = lines.lists("contracts", "affiliate", "suppliers:contract_list", "", "large")
    api = suite.ApiLine("API contracts", "affiliate", "contract", size="large")
    gone = suite.PageLine("vanished page", "staff", "suppliers:no_such_page", suite.LIST)

    results = {r.line: r for r in suite.run(bench, [last, api, gone])}

    page = results["contracts, last page"]
    assert page.extra["pages"] == 2 and page.runs == 3
    assert 0 < page.p50_ms <= page.p95_ms
    assert page.queries > 0 and page.floor_p95_ms > 0
    assert page.floor == "main query + empty template"
    assert page.extra["main_query"].upper().startswith(("SELECT", "WITH"))
    assert page.verdict == "met" or page.verdict.startswith("MISSED: ")
    assert "x p1" in page.goal
    listed = results["API contracts"]
    assert listed.extra["rows"] == 26 and listed.floor_p95_ms > 0
    assert results["vanished page"].verdict == "skipped: URL 'suppliers:no_such_page' is gone"

    suite.report(list(results.values()), bench, tmp_path)
    suite.report(list(results.values()), bench, tmp_path)  # the second compares with the first
    printed = capsys.readouterr().out
    assert "floor p95" in printed and "Change from the previous run" in printed
    saved = json.loads((tmp_path / "latest.json").read_text())
    assert {r["line"] for r in saved["results"]} == set(results)
    assert len(list(tmp_path.glob("2*.json"))) >= 1
