"""The factory lists (the affiliate's supply chain, staff's ranking): open findings and open
cases per factory in a fixed number of queries, one filter layout, and choice filters that
offer only the values of the factories the viewer may read, with counts."""

import re

import pytest
from django_scopes import scopes_disabled

from monitoring.models import Finding
from tests.factories import (
    ContractFactory,
    DisclosureFactory,
    DisclosureLineFactory,
    FactoryFactory,
    RemediationCaseFactory,
    StaffFactory,
    published_finding,
)

pytestmark = pytest.mark.django_db


def _disclose(affiliate, factory):
    with scopes_disabled():
        contract = ContractFactory(affiliate=affiliate)
        DisclosureLineFactory(
            disclosure=DisclosureFactory(contract=contract, status="accepted"), factory=factory
        )


def _options(page: str, select_id: str) -> list[str]:
    select = page.split(f'id="{select_id}"', 1)[1].split("</select>", 1)[0]
    return [part.split(">", 1)[1].split("<", 1)[0] for part in select.split("<option")[1:]]


@pytest.fixture
def chain(northvale, southport):
    """Northvale buys from a Vietnamese site with two open findings (and a closed one) and an
    open case, and from a Thai site; southport alone from a Malaysian one."""
    viet = FactoryFactory(name="Hanoi Boards", country="VN")
    thai = FactoryFactory(name="Ayutthaya Cables", country="TH")
    theirs = FactoryFactory(name="Penang Only", country="MY")
    for factory in (viet, thai):
        _disclose(northvale, factory)
    _disclose(southport, theirs)
    published_finding(viet, status=Finding.Status.SUBSTANTIATED)
    published_finding(viet, status=Finding.Status.ALLEGED)
    published_finding(viet, status=Finding.Status.REMEDIATED_VERIFIED)
    published_finding(theirs)
    RemediationCaseFactory(factory=viet)
    RemediationCaseFactory(factory=theirs)
    return {"viet": viet, "thai": thai, "theirs": theirs}


def test_the_supply_chain_shows_open_findings_and_cases_per_factory(
    client, northvale_officer, chain
):
    client.force_login(northvale_officer)
    page = client.get("/a/northvale/factories/").content.decode()
    viet_row = page.split("Hanoi Boards", 1)[1].split("</tr>", 1)[0]
    thai_row = page.split("Ayutthaya Cables", 1)[1].split("</tr>", 1)[0]
    assert '<td class="num">2</td>\n          <td class="num">1</td>' in viet_row
    assert '<td class="num">0</td>\n          <td class="num">0</td>' in thai_row
    assert "Penang Only" not in page


def test_the_country_filter_offers_the_viewers_countries_with_counts(
    client, northvale_officer, chain
):
    client.force_login(northvale_officer)
    page = client.get("/a/northvale/factories/").content.decode()
    assert _options(page, "id_country") == ["All countries", "Thailand (1)", "Vietnam (1)"]
    assert 'class="filter-panel"' in page
    assert ">Apply</button>" in page and ">Reset</a>" in page
    filtered = client.get("/a/northvale/factories/", {"country": "VN"}).content.decode()
    assert "Hanoi Boards" in filtered and "Ayutthaya Cables" not in filtered
    assert "(1 applied)" in filtered


def test_staff_see_every_country_in_the_registry_and_the_open_counts(client, chain):
    client.force_login(StaffFactory())
    page = client.get("/staff/factories/").content.decode()
    assert _options(page, "id_country") == [
        "All countries",
        "Malaysia (1)",
        "Thailand (1)",
        "Vietnam (1)",
    ]
    penang_row = page.split("Penang Only", 1)[1].split("</tr>", 1)[0]
    assert '<td class="num">1</td>\n          <td class="num">1</td>' in penang_row


def test_factory_lists_have_a_fixed_query_budget(
    client, northvale, northvale_officer, chain, django_assert_max_num_queries
):
    for _ in range(15):
        factory = FactoryFactory(country="ID")
        _disclose(northvale, factory)
        published_finding(factory)
        RemediationCaseFactory(factory=factory)
    client.force_login(northvale_officer)
    with django_assert_max_num_queries(20):
        assert client.get("/a/northvale/factories/").status_code == 200
    client.force_login(StaffFactory())
    with django_assert_max_num_queries(20):
        assert client.get("/staff/factories/").status_code == 200


def test_the_supply_chain_reads_the_stored_open_cases_which_equal_the_affiliates_count(
    northvale, northvale_officer, chain
):
    """At the sites of its own supply chain an affiliate reads every case (remediation's
    `visible_to`): the stored count is its count; its findings are still counted (it reads
    the published ones only, staff's stored count holds every one)."""
    from affiliates.reader import Reader
    from monitoring.querysets import open_findings_at_factory
    from remediation.querysets import open_cases_at_factory
    from suppliers.factory_counts import with_counts
    from suppliers.models import Factory

    RemediationCaseFactory(factory=chain["thai"], status="remediated")  # not active
    reader = Reader.for_affiliate(northvale)
    visible = Factory.objects.visible_to(reader)
    stored = with_counts(visible, reader, in_readers_supply_chain=True)
    query = str(stored.query)
    assert "active_case_count" in query and "remediation_remediationcase" not in query
    assert "monitoring_finding" in query and '"open_finding_count" AS "open_findings"' not in query
    counted = visible.annotate(
        open_findings=open_findings_at_factory(reader), open_cases=open_cases_at_factory(reader)
    )
    as_stored = {f.pk: (f.open_findings, f.open_cases) for f in stored}
    assert as_stored == {f.pk: (f.open_findings, f.open_cases) for f in counted}
    assert as_stored == {chain["viet"].pk: (2, 1), chain["thai"].pk: (0, 0)}


def test_a_long_list_offers_every_choice_without_counting_them(
    client, northvale_officer, chain, settings
):
    """When the page's count already passes the limit, the filters offer every choice
    without a count and read no row for them; below it, one query counts all three."""
    client.force_login(northvale_officer)
    settings.EW_FILTER_COUNT_LIMIT = 1
    page = client.get("/a/northvale/factories/").content.decode()
    options = _options(page, "id_country")
    assert options[0] == "All countries" and "Vietnam" in options and len(options) > 200
    assert not [option for option in options if re.search(r"\(\d+\)$", option)]
    settings.EW_READMODEL_CACHE = False
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as capped:
        client.get("/a/northvale/factories/")
    settings.EW_FILTER_COUNT_LIMIT = 1000
    with CaptureQueriesContext(connection) as counted:
        client.get("/a/northvale/factories/")
    assert len(counted) == len(capped) + 1
    assert _options(client.get("/a/northvale/factories/").content.decode(), "id_country") == [
        "All countries",
        "Thailand (1)",
        "Vietnam (1)",
    ]


def test_a_country_the_chain_does_not_hold_is_refused_as_before(client, northvale_officer, chain):
    """Checked against every country first, then against those offered: the form shows the
    error it showed when it offered only the chain's countries, and no row."""
    client.force_login(northvale_officer)
    page = client.get("/a/northvale/factories/", {"country": "FR"}).content.decode()
    assert "Select a valid choice. FR is not one of the available choices." in page
    assert "Hanoi Boards" not in page and "Ayutthaya Cables" not in page


# suppliers/staff_factories.html's rows before suppliers/templatetags/factory_rows.py wrote them.
STAFF_ROWS_TEMPLATE = """{% load i18n humanize %}{% for f in factories %}
        <tr>
          <td><a href="{% url 'suppliers:staff_factory' pk=f.pk %}">{{ f.name }}</a></td>
          <td>{{ f.country_name }}</td>
          <td>{{ f.get_sector_display }}</td>
          <td>{{ f.get_function_display }}</td>
          <td class="num">{{ f.open_findings|default:0 }}</td>
          <td class="num">{{ f.open_cases|default:0 }}</td>
          <td>{{ f.affiliate_count|default:0 }}</td>
          <td>{{ f.combined_value_eur|default:0|money_eur }}</td>
        </tr>
      {% endfor %}"""


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_staff_rows_written_in_python_are_the_templates(language):
    from decimal import Decimal

    from django.template import engines
    from django.utils import translation

    from suppliers.models import Factory, FactoryFunction, Sector
    from suppliers.templatetags.factory_rows import staff_factory_rows

    rows = [
        # name, country, sector, function, open findings, open cases, affiliates, value
        ('Hanoi <Boards> & "Co"', "VN", Sector.ICT, FactoryFunction.choices[0][0],
         2, 1, 3, Decimal("3598123.45")),
        ("Ayutthaya Cables", "TH", "not-a-sector", "not-a-function", None, None, None, None),
        ("Côte Assemblage", "CI", Sector.choices[-1][0], FactoryFunction.choices[-1][0],
         0, 0, 1, Decimal("0")),
        ("Shenzhen One", "CN", Sector.ICT, FactoryFunction.choices[0][0],
         2, 1, 3, Decimal("3598123.45")),
        ("Shenzhen Two", "CN", Sector.ICT, FactoryFunction.choices[0][0],
         1234, 5, 12, Decimal("1234567.5")),
    ]  # fmt: skip
    factories = []
    for pk, (name, country, sector, function, findings, cases, count, value) in enumerate(
        rows, start=7
    ):
        factory = Factory(
            pk=pk, name=name, country=country, sector=sector, function=function,
            affiliate_count=count, combined_value_eur=value,
        )  # fmt: skip
        factory.open_findings, factory.open_cases = findings, cases
        factories.append(factory)
    with translation.override(language):
        before = engines["django"].from_string(STAFF_ROWS_TEMPLATE).render({"factories": factories})
        after = staff_factory_rows(factories)
    assert after == before
    assert "Hanoi &lt;Boards&gt; &amp; &quot;Co&quot;" in after


def test_the_ranking_counts_the_pending_reviews_as_they_change(client):
    from suppliers.models import FactoryMatchReview

    client.force_login(StaffFactory())
    assert "possible duplicate" not in client.get("/staff/factories/").content.decode()
    review = FactoryMatchReview.objects.create(
        factory=FactoryFactory(), candidate=FactoryFactory(), score=0.5
    )
    assert "1 possible duplicate to review" in client.get("/staff/factories/").content.decode()
    FactoryMatchReview.objects.create(
        factory=FactoryFactory(), candidate=FactoryFactory(), score=0.5
    )
    assert "2 possible duplicates to review" in client.get("/staff/factories/").content.decode()
    review.decision = FactoryMatchReview.Decision.DIFFERENT
    review.save()
    assert "1 possible duplicate to review" in client.get("/staff/factories/").content.decode()
