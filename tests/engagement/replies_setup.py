"""Shared set-up of the right-of-reply tests: a validated report at a factory owned by one
company and making a brand's products, with testimony in every confidential place."""

import io
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from monitoring.models import MonitoringPartner, MonitoringReport
from tests.factories import (
    CompanyContactFactory,
    FactoryFactory,
    FindingFactory,
    MonitoringPartnerFactory,
    MonitoringReportFactory,
    StaffFactory,
    SupplierFactory,
)

TESTIMONY = "Worker A said the agent keeps her passport in a locked office."
EVIDENCE = "Interview 7 with Somchai by the canteen"
NARRATIVE = "Workers described passports held by the dormitory manager Mr Lek."
PARTNER = "Hidden Voices Monitoring Collective"
FOR_COMPANY = "Identity documents of migrant workers were kept by the employer."


def validated_report(**factory_fields):
    factory = FactoryFactory(name="Lotus Assembly Plant", **factory_fields)
    report = MonitoringReportFactory(
        factory=factory,
        partner=MonitoringPartner.objects.filter(name=PARTNER).first()
        or MonitoringPartnerFactory(name=PARTNER),
        summary=NARRATIVE,
        status=MonitoringReport.Status.VALIDATED,
        decided_at=timezone.now(),
    )
    FindingFactory(
        report=report,
        confidential_text=TESTIMONY,
        evidence_summary=EVIDENCE,
        workers_affected=3,
    )
    FindingFactory(report=report, confidential_text=TESTIMONY + " (2)", workers_affected=2)
    return report


def brand_with_contact(name="Acme Devices", language="en", **fields):
    brand = SupplierFactory(name=name, is_brand=True, is_contractor=False, **fields)
    contact = CompanyContactFactory(company=brand, language=language)
    return brand, contact


def share(report, companies, *, days=30, texts=None, by=None):
    from monitoring.replies import share_for_reply

    return share_for_reply(
        report=report,
        companies=companies,
        due_date=timezone.localdate() + timedelta(days=days),
        texts_for_company=texts
        or {finding.pk: f"{FOR_COMPANY} ({n})" for n, finding in enumerate(report.findings.all())},
        by=by or StaffFactory(),
    )


def png_upload(name="scan.png"):
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def makes_for(brand, factory):
    """Record that the factory makes the brand's products (EW research)."""
    today = timezone.localdate()
    return factory.supplier_links.create(
        supplier=brand, source="staff", first_seen=today, last_seen=today
    )


def concerned_brand(report, name="Acme Devices", language="en"):
    brand, contact = brand_with_contact(name, language)
    makes_for(brand, report.factory)
    return brand, contact
