"""Demo data for monitoring: the partner organisation, and its reports in several states.

- Published: Ayutthaya (in northvale's and southport's supply chains), with forced-labour
  indicators, trafficking (act, means, purpose), child labour in two ILO categories and a
  Myanmar → Thailand cohort of migrant workers with its agencies and fees in kyat and baht;
  one finding left unpublished.
- Submitted and waiting for triage: Penang, with cohorts from Nepal (direct, and through
  India) and Bangladesh to Malaysia, fees in rupees, taka, ringgit and dollars, and child
  labour in two ILO categories (counted once triage publishes it).
- Sent back to the partner for more information: Brno.
- Draft: Brno, a later period.

Idempotent: a report is found by partner, factory and period start, and built through the
services only when it does not exist yet.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from core.models import ExchangeRate
from suppliers.models import Factory

from . import cohorts, services
from .cohorts import Agency, Fee
from .models import CodeStandard, Finding, MonitoringPartner, MonitoringReport, PartnerMembership

# Demo rates (units per euro, near their 2024–25 level) for the days the demo's fees were
# paid; the reference-data seed holds the real table. ECB reference rates where the ECB
# publishes the currency, the issuing central bank otherwise.
ECB = "European Central Bank, euro foreign exchange reference rates (demo figure)"
DEMO_RATES = {
    "THB": ("38.50", ECB),
    "MYR": ("4.95", ECB),
    "USD": ("1.08", ECB),
    "NPR": ("145.00", "Nepal Rastra Bank, foreign exchange rates (demo figure)"),
    "BDT": ("128.00", "Bangladesh Bank, exchange rates (demo figure)"),
    "MMK": ("2270.00", "Central Bank of Myanmar, reference exchange rates (demo figure)"),
}


def _rates(*fees: Fee) -> list[Fee]:
    """The demo rate of each fee's currency on the day it was paid (idempotent)."""
    for fee in fees:
        if fee.currency != "EUR":
            units, source = DEMO_RATES[fee.currency]
            ExchangeRate.objects.get_or_create(
                currency=fee.currency,
                date=fee.paid_on,
                defaults={"units_per_euro": Decimal(units), "source": source},
            )
    return list(fees)


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
        trafficking_acts=["recruitment", "transport", "receipt"],
        trafficking_means=["deception", "abuse_of_power"],
        trafficking_purposes=["forced_labour"],
        confidential_text=(
            "Workers M1–M9 paid the Yangon broker before departure; two said they were "
            "told the job paid double. Passports are kept in the HR office."
        ),
        evidence_summary="38 interviews; photos of 6 loan contracts; payslips.",
    )
    departure = start - timedelta(days=300)
    cohorts.cohort_save(
        report=report,
        by=author,
        findings=[fees],
        origin_country="MM",
        destination_country="TH",
        workers_women=82,
        workers_men=58,
        debt_per_worker=Decimal("25000"),
        debt_currency="THB",
        months_to_repay=9,
        documents_held_by="employer",
        contract_substitution=True,
        employer_housing=True,
        agencies=[
            Agency("origin", "Golden Lotus Overseas Employment (Yangon)", "MM"),
            Agency("destination", "Siam Manpower Services", "TH"),
        ],
        fees=_rates(
            Fee("origin_recruitment", "recruitment_fee", Decimal("950000"), "MMK", departure, 0),
            Fee(
                "pre_departure",
                "medical",
                Decimal("1200"),
                "THB",
                departure + timedelta(days=14),
                0,
            ),
            Fee(
                "arrival", "visa_permit", Decimal("6500"), "THB", departure + timedelta(days=30), 1
            ),
        ),
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
    children = services.finding_save(
        report=report,
        by=author,
        standard=_standard(3),
        severity="critical",
        workers_affected=7,
        youngest_age_observed=14,
        child_labour=["under_minimum_age", "hazardous"],
        confidential_text=(
            "Seven agency workers on the night shift of the coating line said they are 14 to "
            "17; two started before 15."
        ),
        evidence_summary="Interviews away from the plant; agency ID cards photographed.",
    )
    services.report_submit(report=report, by=author)
    services.report_assign(report=report, assignee=staff, by=staff)
    services.report_comment(
        report=report, by=staff, text="Fees corroborated by the loan papers; fast-track."
    )
    for finding in (fees, hours, children):
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
            children.pk: (
                "Children under the minimum working age, and workers under 18, were found on "
                "the night shift of a coating line handling hazardous chemicals."
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
    passports = services.finding_save(
        report=report,
        by=author,
        standard=free,
        sub_standard=_sub(free, "1.2"),
        ilo_indicators=["documents", "movement"],
        severity="high",
        workers_affected=60,
        confidential_text="Passports kept by the outsourcing agent; workers need a pass to leave.",
    )
    children = services.finding_save(
        report=report,
        by=author,
        standard=_standard(3),
        severity="critical",
        fast_track=True,
        workers_affected=6,
        youngest_age_observed=14,
        child_labour=["under_minimum_age", "hazardous"],
        confidential_text="Six workers on the plating line said they are 14 to 16; one showed "
        "a borrowed passport.",
    )
    paid = start - timedelta(days=400)
    nepal = [Agency("origin", "Himalayan Overseas Placement (Kathmandu)", "NP")]
    outsourcing = Agency("destination", "Penang Workforce Outsourcing", "MY")
    cohorts.cohort_save(
        report=report,
        by=author,
        findings=[passports],
        origin_country="NP",
        destination_country="MY",
        workers_men=38,
        workers_women=4,
        debt_per_worker=Decimal("180000"),
        debt_currency="NPR",
        months_to_repay=14,
        documents_held_by="agent",
        contract_substitution=True,
        employer_housing=True,
        agencies=[*nepal, outsourcing],
        fees=_rates(
            Fee("origin_recruitment", "recruitment_fee", Decimal("150000"), "NPR", paid, 0),
            Fee("pre_departure", "medical", Decimal("8000"), "NPR", paid + timedelta(days=10), 0),
            Fee("pre_departure", "travel", Decimal("450"), "USD", paid + timedelta(days=20), 0),
            Fee("arrival", "visa_permit", Decimal("1500"), "MYR", paid + timedelta(days=25), 1),
        ),
    )
    cohorts.cohort_save(
        report=report,
        by=author,
        findings=[passports, children],
        origin_country="NP",
        transit_countries=["IN"],
        destination_country="MY",
        workers_men=12,
        workers_women=6,
        documents_held_by="agent",
        contract_substitution=False,
        employer_housing=True,
        agencies=[*nepal, Agency("transit", "Delhi Travel Desk", "IN"), outsourcing],
        fees=_rates(
            Fee("origin_recruitment", "recruitment_fee", Decimal("120000"), "NPR", paid, 0),
            Fee("transit", "travel", Decimal("300"), "USD", paid + timedelta(days=40), 1),
            Fee("transit", "accommodation", Decimal("150"), "USD", paid + timedelta(days=41), 1),
            Fee("arrival", "visa_permit", Decimal("1500"), "MYR", paid + timedelta(days=45), 2),
        ),
    )
    cohorts.cohort_save(
        report=report,
        by=author,
        origin_country="BD",
        destination_country="MY",
        workers_men=25,
        debt_per_worker=Decimal("400000"),
        debt_currency="BDT",
        months_to_repay=18,
        documents_held_by="employer",
        employer_housing=True,
        agencies=[Agency("origin", "Dhaka Overseas Manpower", "BD"), outsourcing],
        fees=_rates(
            Fee("origin_recruitment", "recruitment_fee", Decimal("380000"), "BDT", paid, 0),
            Fee("pre_departure", "training", Decimal("12000"), "BDT", paid + timedelta(days=12), 0),
            Fee("arrival", "medical", Decimal("350"), "MYR", paid + timedelta(days=30), 1),
        ),
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
        confidential_text="Overtime hours are paid at the normal rate through the agency.",
    )
    cohorts.cohort_save(
        report=report,
        by=author,
        findings=list(report.findings.all()),
        origin_country="UA",
        destination_country="CZ",
        workers_other=25,
        documents_held_by="worker",
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
