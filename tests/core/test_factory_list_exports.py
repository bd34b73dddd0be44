"""The factory lists export the page's columns, counts included (QA of issue 16)."""

import pytest
from django_scopes import scopes_disabled

from tests.core.test_export_columns import export_beyond_page
from tests.factories import RemediationCaseFactory, in_supply_chain, published_finding

pytestmark = pytest.mark.django_db


def _factory_with_a_finding_and_a_case(*affiliates):
    with scopes_disabled():
        finding = published_finding()
        site = finding.report.factory
        RemediationCaseFactory(factory=site)
        for affiliate in affiliates:
            in_supply_chain(affiliate, site)
    return site


def test_the_supply_chain_exports_its_columns_and_counts(
    client, northvale, southport, northvale_officer
):
    site = _factory_with_a_finding_and_a_case(northvale, southport)
    client.force_login(northvale_officer)
    rows, beyond = export_beyond_page(client, "/a/northvale/factories/")
    assert beyond == []
    assert rows[0] == [
        "Factory",
        "Country",
        "Function",
        "Open findings",
        "Open remediation cases",
        "Other affiliates buying from it",
    ]
    assert rows[1] == [site.name, site.country.name, site.get_function_display(), "1", "1", "1"]
    assert site.address not in " ".join(rows[1])


def test_the_staff_ranking_exports_its_columns_and_counts(client, northvale, southport, staff):
    site = _factory_with_a_finding_and_a_case(northvale, southport)
    client.force_login(staff)
    rows, beyond = export_beyond_page(client, "/staff/factories/")
    assert rows[0] == [
        "Factory",
        "Country",
        "Sector",
        "Function",
        "Open findings",
        "Open remediation cases",
        "Affiliates",
        "Combined contract value (EUR)",
    ]
    assert rows[1][:7] == [
        site.name,
        site.country.name,
        site.get_sector_display(),
        site.get_function_display(),
        "1",
        "1",
        "2",
    ]
    # The amount is a plain decimal (the page writes it in the reader's format).
    assert [cell for cell in beyond if cell != rows[1][7]] == []
