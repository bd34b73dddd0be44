"""Demo data for the right of reply: findings shared with the fictional brand "Acme Devices"
(contact `brand@acme-devices.example`, the demo password).

- Ayutthaya (published, in northvale's and southport's supply chains): Acme answered the
  recruitment-fees finding before publication, so affiliates read its answer beside it.
- Penang, a later visit (validated): two findings awaiting Acme's answer, due in 20 days.
- Brno, an earlier visit (validated): shared, deadline passed without an answer (lapsed).

Idempotent: each right of reply is found by report and company; the reports by partner,
factory and period start.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from affiliates.demo import demo_user
from monitoring import cohorts, services
from monitoring.models import CodeStandard, MonitoringReport, RightOfReply
from monitoring.replies import rights_of_reply_lapse, share_for_reply
from suppliers.models import Factory, Supplier

from ..models import CompanyContact

BRAND = "Acme Devices"
CONTACT = "brand@acme-devices.example"


def seed(*, users=None, partner=None, **context) -> dict:
    users = users or {}
    staff, author = users.get("staff@ewatch.example"), users.get("partner@monitor.example")
    factories = {
        key: Factory.objects.active().filter(name__startswith=prefix).order_by("pk").first()
        for key, prefix in [("ayutthaya", "Ayutthaya"), ("penang", "Penang"), ("brno", "Brno")]
    }
    if not (staff and author and partner and all(factories.values())):
        return {}
    brand = _brand(factories.values())
    contact = _contact(brand)
    today = timezone.localdate()
    _answered_at_ayutthaya(brand, contact, factories["ayutthaya"], partner, staff)
    _awaiting_at_penang(brand, factories["penang"], partner, author, staff, today)
    _lapsed_at_brno(brand, factories["brno"], partner, author, staff, today)
    return {"acme": brand}


def _brand(factories) -> Supplier:
    brand = Supplier.objects.filter(name=BRAND).first()
    if brand is None:
        brand = Supplier.objects.create(name=BRAND, is_brand=True, country="US")
    elif not brand.is_brand:
        brand.is_brand = True
        brand.save(update_fields=["is_brand"])
    today = timezone.localdate()
    for factory in factories:
        factory.supplier_links.get_or_create(
            supplier=brand,
            source="staff",
            defaults={"first_seen": today, "last_seen": today, "products": "Laptops"},
        )
    return brand


def _contact(brand):
    user = demo_user(CONTACT, full_name="Alex Morgan")
    CompanyContact.objects.get_or_create(
        user=user, defaults={"company": brand, "job_title": "Supplier responsibility lead"}
    )
    return user


def _standard(number: int) -> CodeStandard:
    return CodeStandard.objects.current().get(number=number)


def _validated_report(partner, factory, author, staff, start: date, findings) -> MonitoringReport:
    report = MonitoringReport.objects.filter(
        partner=partner, factory=factory, period_start=start
    ).first()
    if report is not None:
        return report
    report = services.report_create(
        partner=partner,
        by=author,
        factory=factory,
        period_start=start,
        period_end=start + timedelta(days=45),
        methods=["offsite_interviews"],
        interviewed_women=14,
        interviewed_men=10,
        interviewed_migrant=16,
        interviewed_local=8,
        summary="Interviews held off-site on two weekends.",
    )
    for finding in findings:
        cohort = finding.pop("cohort", None)
        saved = services.finding_save(report=report, by=author, **finding)
        if cohort:
            cohorts.cohort_save(report=report, by=author, findings=[saved], **cohort)
    services.report_submit(report=report, by=author)
    services.report_assign(report=report, assignee=staff, by=staff)
    services.report_validate(report=report, by=staff)
    return report


def _answered_at_ayutthaya(brand, contact, factory, partner, staff):
    """Shared before publication (the demo's report was published through the services
    before the right of reply existed, so the rows are written as they would have been)."""
    report = MonitoringReport.objects.published().filter(partner=partner, factory=factory).first()
    if report is None or RightOfReply.objects.filter(report=report, company=brand).exists():
        return
    fees = report.findings.filter(published_at__isnull=False).order_by("pk").first()
    if fees is None:
        return
    published = report.published_at
    right = RightOfReply.objects.create(
        report=report,
        company=brand,
        due_date=(published - timedelta(days=5)).date(),
        shared_by=staff,
    )
    RightOfReply.objects.filter(pk=right.pk).update(shared_at=published - timedelta(days=35))
    right.replies.create(
        finding=fees,
        text_for_company=(
            "Migrant workers from Myanmar paid recruitment fees, visa and medical costs before "
            "departure and owe debts to a broker. The employer holds their passports."
        ),
        answer=(
            "Acme Devices has required the factory to return every passport within 14 days and "
            "to reimburse recruitment fees in full under our Employer Pays policy. An "
            "independent audit of the repayments is scheduled."
        ),
        answered_at=published - timedelta(days=10),
        answered_by=contact,
    )


def _awaiting_at_penang(brand, factory, partner, author, staff, today):
    report = _validated_report(
        partner,
        factory,
        author,
        staff,
        today - timedelta(days=95),
        [
            {
                "standard": _standard(1),
                "ilo_indicators": ["documents"],
                "severity": "high",
                "workers_affected": 45,
                "cohort": {
                    "origin_country": "NP",
                    "destination_country": "MY",
                    "workers_other": 45,
                    "documents_held_by": "agent",
                },
                "confidential_text": "Workers N3 and N8 said the agent keeps their passports.",
            },
            {
                "standard": _standard(7),
                "ilo_indicators": ["overtime"],
                "severity": "medium",
                "workers_affected": 120,
                "confidential_text": "Line 2 works 72-hour weeks before the holiday season.",
            },
        ],
    )
    if RightOfReply.objects.filter(report=report, company=brand).exists():
        return
    texts = {
        finding.pk: text
        for finding, text in zip(
            report.findings.order_by("pk"),
            [
                "Migrant workers' passports are held by the recruitment agent.",
                "Working hours exceed the legal limit in the weeks before the holiday season.",
            ],
            strict=False,
        )
    }
    share_for_reply(
        report=report,
        companies=[brand],
        due_date=today + timedelta(days=20),
        texts_for_company=texts,
        by=staff,
    )


def _lapsed_at_brno(brand, factory, partner, author, staff, today):
    report = _validated_report(
        partner,
        factory,
        author,
        staff,
        today - timedelta(days=260),
        [
            {
                "standard": _standard(6),
                "severity": "medium",
                "workers_affected": 30,
                "confidential_text": "Agency workers say supervisors threaten dismissal.",
            }
        ],
    )
    if RightOfReply.objects.filter(report=report, company=brand).exists():
        return
    finding = report.findings.order_by("pk").first()
    (right,) = share_for_reply(
        report=report,
        companies=[brand],
        due_date=today + timedelta(days=1),
        texts_for_company={
            finding.pk: "Agency workers are threatened with dismissal by supervisors."
        },
        by=staff,
    )
    RightOfReply.objects.filter(pk=right.pk).update(
        due_date=today - timedelta(days=10), shared_at=timezone.now() - timedelta(days=40)
    )
    rights_of_reply_lapse(today=today)
