"""The risk views and where to act first as read models (core/readmodel.py): what the cache
serves equals what is computed without it, an entry is never another tenant's, a page view
writes nothing that would renew the generation, and a warm page runs fewer queries.

These tests commit their data (a transaction that wrote neither reads nor fills the cache)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from core import readmodel
from tests.factories import FactoryFactory, in_supply_chain, member, published_finding
from tests.reports import test_priorities, test_risk

pytestmark = pytest.mark.django_db(transaction=True)

# The data of the risk and priorities tests, here committed.
world = test_risk.world
ranked = test_priorities.ranked


def _risk_context(client, url):
    response = client.get(url)
    assert response.status_code == 200
    context = response.context
    return {"overview": context["overview"], "tables": context["tables"]}, response


def _generation():
    assert not connection.in_atomic_block
    return readmodel.generation()


@pytest.fixture
def risk_urls():
    return {
        "northvale": reverse("reports:risk", kwargs={"affiliate_slug": "northvale"}),
        "southport": reverse("reports:risk", kwargs={"affiliate_slug": "southport"}),
        "staff": reverse("reports:staff_risk"),
    }


def test_the_cached_risk_pages_and_api_equal_the_computed_ones(
    client, settings, world, northvale_officer, southport_officer, staff, risk_urls
):
    readers = {"northvale": northvale_officer, "southport": southport_officer, "staff": staff}
    filters = "?severity=critical"
    expected = {}
    settings.EW_READMODEL_CACHE = False
    for name, user in readers.items():
        client.force_login(user)
        for query in ("", filters):
            expected[name, query] = _risk_context(client, risk_urls[name] + query)[0]
        expected[name, "api"] = client.get("/api/v1/risk/").json()
    # Each tenant reads its own supply chain: the three pages differ.
    totals = {name: expected[name, ""]["overview"]["total"] for name in readers}
    assert totals == {"northvale": 3, "southport": 1, "staff": 5}

    settings.EW_READMODEL_CACHE = True
    token = _generation()
    assert token is not None
    for _cold_then_warm in range(2):
        for name, user in readers.items():
            client.force_login(user)
            for query in ("", filters):
                assert _risk_context(client, risk_urls[name] + query)[0] == expected[name, query]
            assert client.get("/api/v1/risk/").json() == expected[name, "api"]
    assert _generation() == token, "a page view renewed the generation"


def test_a_warm_risk_page_reads_the_cache_in_fewer_queries_and_a_write_renews_it(
    client, world, northvale_officer, risk_urls
):
    client.force_login(northvale_officer)
    url = risk_urls["northvale"]
    with CaptureQueriesContext(connection) as cold:
        first, _response = _risk_context(client, url)
    with CaptureQueriesContext(connection) as warm:
        again, _response = _risk_context(client, url)
    assert again == first
    assert len(warm) < len(cold)
    sql = " ".join(query["sql"] for query in warm.captured_queries)
    assert "monitoring_finding" not in sql, "the warm page counts no finding"

    published_finding(world["malaysian"], ilo_indicators=["overtime"], severity="high")
    after, _response = _risk_context(client, url)
    assert after["overview"]["total"] == first["overview"]["total"] + 1


def test_the_cached_ranking_equals_the_computed_one_per_tenant(
    client, settings, ranked, northvale, northvale_officer, southport_officer
):
    with scopes_disabled():
        for n in range(3):
            site = FactoryFactory(name=f"Southport Site {n}", country="MY")
            published_finding(site, severity="medium")
            in_supply_chain(northvale, site)
    pages = {
        "northvale": (northvale_officer, "northvale"),
        "southport": (southport_officer, "southport"),
    }

    def read(user, slug):
        client.force_login(user)
        page = client.get(reverse("reports:priorities", kwargs={"affiliate_slug": slug}))
        assert page.status_code == 200
        html = page.content.decode()
        # Rank, factory, score and explanation of each row, as the page shows them.
        rows = re.findall(r'<tr id="factory-(\d+)"[^>]*>(.*?)</tr>', html, re.S)
        first = int(rows[0][0])
        detail = client.get(
            reverse("reports:priority_detail", kwargs={"affiliate_slug": slug, "pk": first})
        )
        api = client.get(f"/api/v1/priorities/?affiliate={slug}").json()
        return rows, detail.context["row"].explanation, api

    settings.EW_READMODEL_CACHE = False
    expected = {name: read(*args) for name, args in pages.items()}
    assert [row[0] for row in expected["northvale"][0]] != [
        row[0] for row in expected["southport"][0]
    ]
    assert ranked["hidden"].pk in [item["factory"] for item in expected["southport"][2]["results"]]
    assert ranked["hidden"].pk not in [
        item["factory"] for item in expected["northvale"][2]["results"]
    ]

    settings.EW_READMODEL_CACHE = True
    token = _generation()
    for _cold_then_warm in range(2):
        for name, args in pages.items():
            assert read(*args) == expected[name]
    assert _generation() == token, "a page view renewed the generation"


def test_the_warm_priorities_page_does_not_rank_again(client, ranked, northvale_officer):
    client.force_login(northvale_officer)
    url = reverse("reports:priorities", kwargs={"affiliate_slug": "northvale"})
    with CaptureQueriesContext(connection) as cold:
        client.get(url)
    with CaptureQueriesContext(connection) as warm:
        response = client.get(url)
    assert response.status_code == 200
    assert len(warm) < len(cold)
    sql = " ".join(query["sql"] for query in warm.captured_queries)
    assert "monitoring_finding" not in sql and "suppliers_contract" not in sql


def test_the_priorities_api_page_is_kept_per_language_and_tenant(
    client, settings, ranked, northvale, northvale_officer, southport_officer
):
    """The API's page is kept serialised (reports/priorities.py `KeptPages`): per affiliate,
    language and slice; warm, it details no site again."""
    readers = {
        ("northvale", "en"): northvale_officer,
        ("northvale", "fr"): member(northvale, language="fr"),
        ("southport", "en"): southport_officer,
    }

    def read(slug, language):
        client.force_login(readers[slug, language])
        url = f"/api/v1/priorities/?affiliate={slug}"
        with CaptureQueriesContext(connection) as queries:
            body = client.get(url).json()
        return body, " ".join(query["sql"] for query in queries.captured_queries)

    settings.EW_READMODEL_CACHE = False
    expected = {key: read(*key)[0] for key in readers}
    assert expected["northvale", "en"] != expected["northvale", "fr"]  # the explanations
    settings.EW_READMODEL_CACHE = True
    for warm in (False, True):
        for key, body in expected.items():
            answer, sql = read(*key)
            assert answer == body
            if warm:
                assert "suppliers_factory" not in sql and "monitoring_finding" not in sql


def test_the_priorities_page_is_kept_rendered_per_language_and_tenant(
    client, settings, ranked, northvale, northvale_officer, southport_officer
):
    """The page's rows are kept rendered (reports/priorities.py `KeptPages`): per
    affiliate, language and slice; warm, the page equals the computed one and details no
    site again."""
    readers = {
        ("northvale", "en"): northvale_officer,
        ("northvale", "fr"): member(northvale, language="fr"),
        ("southport", "en"): southport_officer,
    }

    def read(slug, language):
        client.force_login(readers[slug, language])
        url = reverse("reports:priorities", kwargs={"affiliate_slug": slug})
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        main = html[html.index("<main") : html.index("</main>")]
        return main, " ".join(query["sql"] for query in queries.captured_queries)

    settings.EW_READMODEL_CACHE = False
    expected = {key: read(*key)[0] for key in readers}
    assert "constats publiés" in expected["northvale", "fr"]
    assert "findings published" in expected["northvale", "en"]
    assert expected["northvale", "en"] != expected["southport", "en"]
    settings.EW_READMODEL_CACHE = True
    for warm in (False, True):
        for key, main in expected.items():
            answer, sql = read(*key)
            assert answer == main
            if warm:
                assert "suppliers_factory" not in sql and "monitoring_finding" not in sql


def _token_reads(queries) -> int:
    """How many times the request read the read models' token (core/readmodel.py)."""
    return sum("core_readmodel_generation" in query["sql"] for query in queries.captured_queries)


def _each_reads_the_token_once(client, requests):
    for user, url in requests:
        client.force_login(user)
        for _cold_then_warm in range(2):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            assert _token_reads(queries) == 1, url


def test_a_risk_request_reads_the_token_once(client, world, northvale_officer, staff, risk_urls):
    """Each request reads the token once for all its entries (`readmodel.one_generation`),
    cold (entries computed, nested ones too) and warm (entries read from the cache)."""
    _each_reads_the_token_once(
        client,
        [
            (northvale_officer, risk_urls["northvale"]),
            (northvale_officer, risk_urls["northvale"] + "?severity=critical"),
            (staff, risk_urls["staff"]),
            (northvale_officer, "/api/v1/risk/"),
        ],
    )


def test_a_priorities_request_reads_the_token_once(client, ranked, northvale_officer):
    page = reverse("reports:priorities", kwargs={"affiliate_slug": "northvale"})
    detail = reverse(
        "reports:priority_detail",
        kwargs={"affiliate_slug": "northvale", "pk": ranked["factory"].pk},
    )
    _each_reads_the_token_once(
        client,
        [
            (northvale_officer, page),
            (northvale_officer, detail),
            (northvale_officer, "/api/v1/priorities/?affiliate=northvale"),
        ],
    )
