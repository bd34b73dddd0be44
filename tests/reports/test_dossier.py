"""The forced-labour dossier (reports/dossier.py): published, substantiated forced-labour
findings only, no personal data and no confidential text, for staff and for an affiliate of
the factory's supply chain."""

import json

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from reports.dossier import DOSSIER_VERSION
from suppliers.models import SupplierFactory
from tests.factories import (
    FactoryFactory,
    code_standard,
    in_supply_chain,
    published_finding,
)
from tests.factories import (
    SupplierFactory as CompanyFactory,
)
from tests.reports.test_compliance_reports import text_of

pytestmark = pytest.mark.django_db

WORKER_NAME = "Somchai Jaidee"
CONFIDENTIAL = f"{WORKER_NAME} told us the supervisor keeps the passports in his desk."
EVIDENCE = f"Interview with {WORKER_NAME} and two colleagues, 3 March, off-site."
FACTS = "Identity documents of migrant workers were retained by the employer."


@pytest.fixture
def dossier_factory(northvale):
    """A factory of northvale's chain with one substantiated forced-labour finding (personal
    data in its confidential text and evidence), one alleged, one about wages only."""
    site = FactoryFactory(
        name="Ayutthaya Precision Parts", os_id="TH2026001ABC", country="TH", owner=None
    )
    owner = CompanyFactory(name="Precision Holdings Co", is_contractor=False, country="TH")
    brand = CompanyFactory(name="Acme Devices", is_brand=True, is_contractor=False, country="US")
    site.owner = owner
    site.save()
    SupplierFactory.objects.create(
        supplier=brand,
        factory=site,
        source="disclosure",
        first_seen="2026-01-01",
        last_seen="2026-06-01",
    )
    published_finding(
        site,
        status="substantiated",
        ilo_indicators=["documents", "debt"],
        published_text=FACTS,
        confidential_text=CONFIDENTIAL,
        evidence_summary=EVIDENCE,
        workers_affected=3,  # under the threshold: not shown
    )
    published_finding(site, status="alleged", published_text="An alleged fact only.")
    published_finding(
        site,
        status="substantiated",
        standard=code_standard(7),
        ilo_indicators=[],
        published_text="Overtime pay was below the legal rate.",
    )
    with scopes_disabled():
        line = in_supply_chain(northvale, site)
    return {"factory": site, "contract": line.disclosure.contract}


def _url(name, factory_, **kwargs):
    return reverse(name, kwargs={"pk": factory_.pk, **kwargs})


def test_the_json_has_the_facts_and_no_personal_data_nor_confidential_text(
    client, northvale_officer, dossier_factory
):
    client.force_login(northvale_officer)
    response = client.get(
        _url("reports:dossier_json", dossier_factory["factory"], affiliate_slug="northvale")
    )

    assert response.status_code == 200
    raw = response.content.decode()
    assert WORKER_NAME not in raw
    assert "passports in his desk" not in raw
    assert "off-site" not in raw
    data = json.loads(raw)
    assert data["version"] == DOSSIER_VERSION
    assert "Regulation (EU) 2024/3015, Art. 9" in data["prepared_for"]
    assert data["factory"]["os_id"] == "TH2026001ABC"
    assert [f["facts"] for f in data["findings"]] == [FACTS]
    finding = data["findings"][0]
    assert [i["code"] for i in finding["ilo_indicators"]] == ["documents", "debt"]
    assert finding["workers_affected"] is None
    operators = {o["name"]: o["roles"] for o in data["economic_operators"]}
    assert operators["Precision Holdings Co"] == ["owner"]
    assert operators["Acme Devices"] == ["brand"]
    assert operators[dossier_factory["contract"].contractor.name] == ["contractor"]
    assert data["products"][0]["brand"] == "Acme Devices"


def test_the_pdf_has_the_facts_and_no_personal_data_nor_confidential_text(
    client, northvale_officer, dossier_factory
):
    client.force_login(northvale_officer)
    response = client.get(
        _url("reports:dossier_pdf", dossier_factory["factory"], affiliate_slug="northvale")
    )

    assert response["Content-Type"] == "application/pdf"
    text = text_of(response.content)
    assert FACTS in text
    assert "Retention of identity documents" in text
    assert "Regulation (EU) 2024/3015, Art. 9" in text
    assert WORKER_NAME not in text
    assert "An alleged fact only." not in text
    assert "Overtime pay" not in text


def test_staff_get_any_factorys_dossier_and_other_affiliates_none(
    client, staff, southport_officer, dossier_factory
):
    client.force_login(southport_officer)
    refused = client.get(
        _url("reports:dossier_json", dossier_factory["factory"], affiliate_slug="southport")
    )
    client.force_login(staff)
    staff_page = client.get(
        reverse("suppliers:staff_factory", kwargs={"pk": dossier_factory["factory"].pk})
    )
    given = client.get(_url("reports:staff_dossier_json", dossier_factory["factory"]))

    assert refused.status_code == 404
    assert (
        _url("reports:staff_dossier_pdf", dossier_factory["factory"]) in staff_page.content.decode()
    )
    assert given.status_code == 200
    assert [f["facts"] for f in given.json()["findings"]] == [FACTS]
    assert given.json()["prepared_by"]["affiliate"] is None
