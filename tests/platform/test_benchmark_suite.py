"""`make bench`'s machinery (benchmarks/suite.py) on a tiny network, so that it cannot rot: a
list's last page, an API list, a vanished URL, a learning page, the Celery round trip through
a real worker; three runs each. And every page and API line of the catalogue names a URL."""

import json

import pytest

from benchmarks import lines, suite
from tests.factories import AffiliateFactory, ContractFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def network():
    large = AffiliateFactory(slug="gen-00001", name="Generated Public Buyer 00001")
    small = AffiliateFactory(slug="gen-00002", name="Generated Public Buyer 00002")
    large.officer = member(large)
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
    assert page.floor == "main query + empty page"
    assert last.empty == "/a/gen-00001/bench-empty/"  # through the same tenancy as the page
    assert page.extra["main_query"].upper().startswith(("SELECT", "WITH"))
    assert page.verdict == "met" or page.verdict.startswith("MISSED: ")
    assert "x p1" in page.goal
    listed = results["API contracts"]
    assert listed.extra["rows"] == 26 and listed.floor_p95_ms > 0
    assert listed.floor == "values+orjson + empty API list"
    assert api.empty == "/api/v1/bench-empty/contract/"
    assert results["vanished page"].verdict == "skipped: URL 'suppliers:no_such_page' is gone"

    suite.report(list(results.values()), bench, tmp_path)
    suite.report(list(results.values()), bench, tmp_path)  # the second compares with the first
    printed = capsys.readouterr().out
    assert "floor p95" in printed and "Change from the previous run" in printed
    assert "main query + empty page" in printed  # the table says what each floor is
    saved = json.loads((tmp_path / "latest.json").read_text())
    assert {r["line"] for r in saved["results"]} == set(results)
    assert len(list(tmp_path.glob("2*.json"))) >= 1


def test_the_floors_empty_views_answer_as_the_platform_does(network, client, settings):
    """The empty page renders the layout through the middleware (a non-member gets the
    tenancy's 404, as on the affiliate's pages); the empty API list has the list's shape and
    its authentication. Only in the bench's URLconf: the product has no such route."""
    from django.urls import NoReverseMatch, reverse

    from benchmarks import urls

    large, small = network
    with pytest.raises(NoReverseMatch):
        reverse(urls.EMPTY_PAGE)
    settings.ROOT_URLCONF = "benchmarks.urls"
    assert client.get("/bench-empty/").status_code == 302  # to the login, as every page
    client.force_login(large.officer)
    page = client.get(f"/a/{large.slug}/bench-empty/")
    assert page.status_code == 200 and b'id="main"' in page.content
    assert client.get(f"/a/{small.slug}/bench-empty/").status_code == 404
    body = client.get("/api/v1/bench-empty/contract/", HTTP_ACCEPT="application/json").json()
    assert body["results"] == [] and body["count"] == 0
    client.logout()
    assert client.get("/api/v1/bench-empty/contract/").status_code in (401, 403)


def test_every_page_and_api_line_of_the_catalogue_names_a_url(network):
    bench = suite.Bench()
    paths = {}
    for line in lines.catalogue():
        if isinstance(line, suite.PageLine):
            paths[line.name] = line.path(bench)  # Skip if the URL is gone
    assert paths["learning: library"] == "/learn/"
    assert paths["learning: screenings"] == "/a/gen-00001/screenings/"


def test_the_celery_line_runs_a_real_worker_and_reads_the_result_back(capsys):
    line = lines.CeleryLine()
    assert line.backend_url().startswith("redis+socket://") or line.backend_url().startswith(
        "redis://"
    )
    (result,) = suite.run(suite.Bench(runs=3, warmup=0), [line])
    assert result.runs == 3, result.verdict
    assert 0 < result.p50_ms <= result.p95_ms and result.floor_p95_ms > 0
    assert result.floor == "Redis LPUSH/BRPOP"
    assert line.worker.poll() is not None  # stopped by the line


@pytest.mark.django_db(transaction=True)
def test_a_page_after_a_write_is_read_under_a_new_generation_each_run(network):
    """The "after a write" lines commit a write (one that changes no row) before each run,
    untimed, so that each run computes the read models again; no goal, at most 10 runs."""
    from django.db import transaction

    from core import readmodel

    line = suite.ColdPageLine(
        "dashboard, after a write", "affiliate", "reports:dashboard", size="large"
    )
    tokens = []
    renew = line.renew

    def renew_and_read():
        renew()
        with transaction.atomic():
            tokens.append(readmodel.generation())

    line.renew = renew_and_read
    (result,) = suite.run(suite.Bench(runs=20, warmup=0), [line])

    assert result.runs == 10  # max_runs
    assert result.verdict == "measured (no goal)" and result.goal == "informational"
    assert result.floor_p95_ms > 0 and result.queries > 0
    assert None not in tokens and len(tokens) == len(set(tokens)) >= 10 + line.probes
