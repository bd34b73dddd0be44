"""The forced-labour dossier (reports/dossier.py): published, substantiated forced-labour
findings only, no personal data and no confidential text, for staff and for an affiliate of
the factory's supply chain."""

import json
import re

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from monitoring.models import CodeSubStandard
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
        sub_standard=CodeSubStandard.objects.get(standard=code_standard(1), number="1.2"),
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
    assert data["findings"][0]["code_category"] == "Freely chosen employment"
    assert data["findings"][0]["sub_standard"] == "Workers keep their identity documents"
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
    assert "Freely chosen employment: Workers keep their identity documents" in text
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


def test_the_code_category_and_sub_standard_are_in_the_readers_language(
    client, northvale_officer, dossier_factory
):
    northvale_officer.language = "fr"
    northvale_officer.save()
    client.force_login(northvale_officer)

    data = client.get(
        _url("reports:dossier_json", dossier_factory["factory"], affiliate_slug="northvale")
    ).json()
    pdf = client.get(
        _url("reports:dossier_pdf", dossier_factory["factory"], affiliate_slug="northvale")
    )

    finding = data["findings"][0]
    assert finding["code_category"] == "Emploi librement choisi"
    assert finding["sub_standard"] == "Les travailleurs gardent leurs papiers d'identité"
    assert "Emploi librement choisi : Les travailleurs" in text_of(pdf.content) or (
        "Emploi librement choisi: Les travailleurs" in text_of(pdf.content)
    )


def test_the_demos_forced_labour_dossiers_and_where_to_act_first(client, staff):
    """The demo (seed_demo): its published forced-labour findings have sub-standards; every
    dossier of northvale's chain and staff's opens; the top factory's page links no accepted
    disclosure and says that its contractor has no e-mail address on northvale's disclosures;
    the API gives money as a decimal string."""
    from django.core.management import call_command

    from affiliates.models import User
    from monitoring.models import Finding

    call_command("seed_demo", verbosity=0)
    with scopes_disabled():
        with_sub_standard = [
            finding
            for finding in Finding.objects.filter(
                report__factory__name="Ayutthaya Precision Electronics Co., Ltd.",
                published_at__isnull=False,
                sub_standard__isnull=False,
            ).exclude(ilo_indicators=[])
        ]
        site = with_sub_standard[0].report.factory
        sub_standards = {finding.sub_standard.text for finding in with_sub_standard}
    client.force_login(User.objects.get(email="officer@northvale.example"))

    dossier = client.get(_url("reports:dossier_json", site, affiliate_slug="northvale"))
    pdf = client.get(_url("reports:dossier_pdf", site, affiliate_slug="northvale"))
    detail = client.get(
        reverse("reports:priority_detail", kwargs={"affiliate_slug": "northvale", "pk": site.pk})
    )
    api = client.get("/api/v1/priorities/").json()
    client.force_login(staff)  # the demo's staff login has no second factor yet
    staff_json = client.get(_url("reports:staff_dossier_json", site))
    staff_pdf = client.get(_url("reports:staff_dossier_pdf", site))

    assert dossier.status_code == 200
    assert {f["sub_standard"] for f in dossier.json()["findings"]} >= sub_standards
    assert pdf.status_code == 200
    assert staff_json.status_code == 200 and staff_pdf.status_code == 200
    assert {f["sub_standard"] for f in staff_json.json()["findings"]} >= sub_standards
    page = detail.content.decode()
    assert not re.search(r"/disclosures/\d+/", page)
    assert "No e-mail address for Northern IT, the contractor" in page
    for item in api["results"]:
        assert isinstance(item["spend_eur"], str)
        assert len(item["spend_eur"].split(".")[1]) == 2
