"""Demo data for monitoring: the partner organisation, and its reports in several states.

- Published: Ayutthaya (in northvale's and southport's supply chains), with forced-labour
  indicators and migrant workers' recruitment fees; one finding left unpublished.
- Submitted and waiting for triage: Penang.
- Sent back to the partner for more information: Brno.
- Draft: Brno, a later period.

Idempotent: a report is found by partner, factory and period start, and built through the
services only when it does not exist yet.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from suppliers.models import Factory

from . import services
from .models import CodeStandard, Finding, MonitoringPartner, MonitoringReport, PartnerMembership


def seed(*, users, scale: int = 0, stdout=None, **context) -> dict:
    partner, _created = MonitoringPartner.objects.update_or_create(
        slug="workers-voice",
        defaults={
            "name": "Workers' Voice Monitoring Network",
            "countries": ["TH", "MY", "CZ"],
            "contact_email": "contact@monitor.example",
        },
    )
    PartnerMembership.objects.update_or_create(
        user=users["partner@monitor.example"], defaults={"partner": partner}
    )
    author, staff = users["partner@monitor.example"], users["staff@ewatch.example"]
    factories = {
        key: Factory.objects.active().filter(name__startswith=prefix).order_by("pk").first()
        for key, prefix in [("ayutthaya", "Ayutthaya"), ("penang", "Penang"), ("brno", "Brno")]
    }
    if not all(factories.values()):
        return {"partner": partner}
    today = timezone.localdate()
    _published_ayutthaya(partner, factories["ayutthaya"], author, staff, today)
    _awaiting_triage_penang(partner, factories["penang"], author, today)
    _needs_information_brno(partner, factories["brno"], author, staff, today)
    _draft_brno(partner, factories["brno"], author, today)
    return {"partner": partner}


def _standard(number: int) -> CodeStandard:
    return CodeStandard.objects.current().get(number=number)


def _sub(standard: CodeStandard, number: str):
    return standard.sub_standards.get(number=number)


def _report(partner, factory, author, start: date, **fields) -> MonitoringReport | None:
    """A new draft report, or None when the demo already has this one."""
    if MonitoringReport.objects.filter(partner=partner, factory=factory, period_start=start):
        return None
    return services.report_create(partner=partner, by=author, factory=factory, **fields)


def _published_ayutthaya(partner, factory, author, staff, today):
    start = date(today.year - 1, 9, 1)
    report = _report(
        partner,
        factory,
        author,
        start,
        period_start=start,
        period_end=date(today.year - 1, 11, 30),
        methods=["offsite_interviews", "focus_groups", "documents"],
        interviewed_women=41,
        interviewed_men=23,
        interviewed_migrant=52,
        interviewed_local=12,
        summary=(
            "Interviews were held in three dormitories away from the plant. Most Myanmar "
            "workers said the broker in Yangon charged them before departure and that HR keeps "
            "their passports 'for safety'. Several showed loan papers from the broker."
        ),
    )
    if report is None:
        return
    recruitment = _standard(2)
    fees = services.finding_save(
        report=report,
        by=author,
        standard=recruitment,
        sub_standard=_sub(recruitment, "2.1"),
        ilo_indicators=["debt", "deception", "documents"],
        severity="critical",
        fast_track=True,
        workers_affected=140,
        origin_country="MM",
        destination_country="TH",
        documents_held_by="employer",
        debt_amount=Decimal("25000"),
        debt_currency="THB",
        confidential_text=(
            "Workers M1–M9 paid the Yangon broker before departure; two said they were "
            "told the job paid double. Passports are kept in the HR office."
        ),
        evidence_summary="38 interviews; photos of 6 loan contracts; payslips.",
        fees=[
            services.Fee("recruitment_fee", Decimal("18000"), "THB"),
            services.Fee("visa_permit", Decimal("6500"), "THB"),
            services.Fee("medical", Decimal("1200"), "THB"),
        ],
    )
    hours = services.finding_save(
        report=report,
        by=author,
        standard=_standard(7),
        sub_standard=_sub(_standard(7), "7.2"),
        ilo_indicators=["overtime"],
        severity="high",
        workers_affected=300,
        confidential_text="Line 4 works 12-hour shifts 13 days out of 14 in peak season.",
        evidence_summary="Timesheets photographed by workers; 20 interviews.",
    )
    services.finding_save(
        report=report,
        by=author,
        standard=_standard(6),
        ilo_indicators=["intimidation"],
        severity="medium",
        workers_affected=3,
        confidential_text="Three workers said a supervisor shouts at and threatens them.",
    )
    services.report_submit(report=report, by=author)
    services.report_assign(report=report, assignee=staff, by=staff)
    services.report_comment(
        report=report, by=staff, text="Fees corroborated by the loan papers; fast-track."
    )
    for finding in (fees, hours):
        services.finding_set_status(finding=finding, status=Finding.Status.SUBSTANTIATED, by=staff)
    services.report_validate(report=report, by=staff)
    services.report_publish(
        report=report,
        by=staff,
        summary=(
            "Worker-driven monitoring found that migrant workers from Myanmar paid recruitment "
            "fees and related costs and are in debt to a recruitment broker, that the employer "
            "holds their passports, and that overtime exceeds legal limits in peak season."
        ),
        published_texts={
            fees.pk: (
                "Migrant workers from Myanmar paid recruitment fees, visa and medical costs "
                "before departure and owe debts to a broker. The employer holds their passports."
            ),
            hours.pk: (
                "Production workers work 12-hour shifts with one rest day in two weeks during "
                "peak season, beyond the legal overtime limit."
            ),
        },
    )
    # Published last December, so that the default compliance report (the last calendar
    # year) of the demo affiliates has findings to show.
    published = datetime(today.year - 1, 12, 12, 10, 0, tzinfo=timezone.get_current_timezone())
    MonitoringReport.objects.filter(pk=report.pk).update(published_at=published)
    report.findings.exclude(published_at=None).update(published_at=published)


def _awaiting_triage_penang(partner, factory, author, today):
    start = today - timedelta(days=120)
    report = _report(
        partner,
        factory,
        author,
        start,
        period_start=start,
        period_end=today - timedelta(days=30),
        methods=["offsite_interviews", "observation"],
        interviewed_women=18,
        interviewed_men=9,
        interviewed_migrant=20,
        interviewed_local=7,
        summary="Nepali workers describe passports retained and recruitment debts.",
    )
    if report is None:
        return
    free = _standard(1)
    services.finding_save(
        report=report,
        by=author,
        standard=free,
        sub_standard=_sub(free, "1.2"),
        ilo_indicators=["documents", "movement"],
        severity="high",
        workers_affected=60,
        origin_country="NP",
        destination_country="MY",
        documents_held_by="agent",
        confidential_text="Passports kept by the outsourcing agent; workers need a pass to leave.",
        fees=[services.Fee("recruitment_fee", Decimal("4500"), "MYR")],
    )
    services.report_submit(report=report, by=author)


def _needs_information_brno(partner, factory, author, staff, today):
    start = today - timedelta(days=200)
    report = _report(
        partner,
        factory,
        author,
        start,
        period_start=start,
        period_end=today - timedelta(days=150),
        methods=["offsite_interviews"],
        interviewed_women=4,
        interviewed_men=6,
        interviewed_migrant=7,
        interviewed_local=3,
        summary="Agency workers from Ukraine describe unpaid overtime.",
    )
    if report is None:
        return
    services.finding_save(
        report=report,
        by=author,
        standard=_standard(8),
        ilo_indicators=["wages"],
        severity="medium",
        workers_affected=25,
        origin_country="UA",
        destination_country="CZ",
        documents_held_by="worker",
        confidential_text="Overtime hours are paid at the normal rate through the agency.",
    )
    services.report_submit(report=report, by=author)
    services.report_assign(report=report, assignee=staff, by=staff)
    services.report_request_information(
        report=report,
        by=staff,
        text="Can you add the agency's name and a payslip showing the overtime rate?",
    )


def _draft_brno(partner, factory, author, today):
    start = today - timedelta(days=40)
    _report(
        partner,
        factory,
        author,
        start,
        period_start=start,
        period_end=today - timedelta(days=10),
        methods=["focus_groups"],
        interviewed_women=5,
        interviewed_men=5,
        summary="Focus group notes to be typed up.",
    )
