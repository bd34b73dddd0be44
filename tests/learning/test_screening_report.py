"""The contract's compliance report summarises the risk screening made before its tender:
the PDF, rendered by the real task with WeasyPrint, read back with pypdf."""

import io
from datetime import date

import pytest
from django_scopes import scope, scopes_disabled
from pypdf import PdfReader

from reports.compliance import compliance_report_request
from reports.models import ComplianceReport
from reports.tasks import render_compliance_report
from suppliers.models import CountryRiskIndicator
from tests.factories import (
    ContractFactory,
    FactoryFactory,
    ScreeningFactory,
    code_standard,
    cpv_code,
    published_finding,
)

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def _report(affiliate, contract, language="en") -> str:
    with scope(affiliate=affiliate):
        report = compliance_report_request(
            affiliate=affiliate,
            by=None,
            contract=contract,
            period_start=date(2026, 1, 1),
            period_end=date(2026, 12, 31),
            language=language,
        )
    render_compliance_report.apply(args=[report.pk])
    with scopes_disabled():
        report = ComplianceReport.objects.get(pk=report.pk)
    assert report.status == ComplianceReport.Status.READY
    return _text(report.file.read())


def test_the_contract_report_summarises_its_screening(northvale, northvale_officer, settings):
    from learning.services.screening import screening_award

    settings.EW_GRIEVANCE_COUNT_THRESHOLD = 2
    factory_ = FactoryFactory(products="Laptops", name="Faraway Laptop Works", country="TH")
    for _ in range(3):
        published_finding(factory_, standard=code_standard(1), ilo_indicators=["debt"])
    CountryRiskIndicator.objects.create(
        country="TH",
        indicator="slavery_prevalence",
        value="5.7",
        level="medium",
        source="Walk Free, Global Slavery Index 2023",
        year=2023,
    )
    with scopes_disabled():
        contract = ContractFactory(
            affiliate=northvale,
            reference="NV-LAP-2026",
            start_date=date(2026, 1, 1),
            end_date=date(2027, 12, 31),
        )
        screening = ScreeningFactory(
            affiliate=northvale,
            title="Laptops for the schools",
            cpv_codes=[cpv_code("30213100-6")],
            countries=["TH"],
        )
    with scope(affiliate=northvale):
        screening_award(screening=screening, contract=contract, by=northvale_officer)

    text = _report(northvale, contract)

    assert "Risk screening before the tender" in text
    assert "Laptops for the schools" in text
    assert "30213100-6 Portable computers" in text
    assert "Freely chosen employment" in text
    assert "Debt bondage" in text
    assert "Walk Free, Global Slavery Index 2023" in text
    assert "Faraway Laptop Works" not in text


def test_a_contract_without_screening_has_no_such_section(northvale):
    with scopes_disabled():
        contract = ContractFactory(
            affiliate=northvale, start_date=date(2026, 1, 1), end_date=date(2027, 12, 31)
        )

    assert "Risk screening before the tender" not in _report(northvale, contract)


def test_the_section_is_in_french_in_a_french_report(northvale, northvale_officer):
    from learning.services.screening import screening_award

    with scopes_disabled():
        contract = ContractFactory(
            affiliate=northvale, start_date=date(2026, 1, 1), end_date=date(2027, 12, 31)
        )
        screening = ScreeningFactory(affiliate=northvale, cpv_codes=[cpv_code("30213100-6")])
    with scope(affiliate=northvale):
        screening_award(screening=screening, contract=contract, by=northvale_officer)

    text = _report(northvale, contract, language="fr")

    assert "30213100-6 Ordinateurs portables" in text
