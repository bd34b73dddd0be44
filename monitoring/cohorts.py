"""Migrant cohorts of a report: the route, the chain of recruitment agencies and the fees paid.

A cohort is saved whole, in one transaction: its facts, its agency chain (replaced as a whole,
in order from the country of origin) and its fees (replaced as a whole, each converted to
euros at the rate of the day it was paid, `core.currency.to_eur`). Fees without a rate of their
day stop the save with a message per fee naming the currency and the date (all of them at once,
`FeesWithoutRate`): nothing is saved. Fees are listed in the order of the journey, then by date.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.currency import NoExchangeRate, to_eur
from core.errors import DomainError
from suppliers.models import MigrationCorridor

from .models import CohortFee, Finding, MigrantCohort, MonitoringReport, RecruitmentAgency
from .services import _require_partner_edit

COHORT_FIELDS = (
    "origin_country",
    "transit_countries",
    "destination_country",
    "workers_women",
    "workers_men",
    "workers_other",
    "debt_per_worker",
    "debt_currency",
    "months_to_repay",
    "documents_held_by",
    "contract_substitution",
    "employer_housing",
)


@dataclass(frozen=True)
class Agency:
    side: str
    name: str
    country: str


@dataclass(frozen=True)
class Fee:
    """One fee per worker. `agency` is the index of the agency paid in the chain, or None."""

    step: str
    cost_item: str
    amount: Decimal
    currency: str
    paid_on: date
    agency: int | None = None


class FeesWithoutRate(DomainError):
    """Fees with no exchange rate of their day: `missing` maps each one's index in the fees
    given to its message, so that the form shows every one on its own row."""

    def __init__(self, missing: dict[int, str]):
        super().__init__(" ".join(missing[index] for index in sorted(missing)), field="fees")
        self.missing = missing

    @property
    def summary(self) -> str:
        count = len(self.missing)
        return ngettext(
            "%(count)d fee has no exchange rate for the day it was paid: nothing was saved.",
            "%(count)d fees have no exchange rate for the day they were paid: nothing was saved.",
            count,
        ) % {"count": count}


def journey_order():
    """Fees by step of the journey (the order of CohortFee.Step), then by date paid."""
    step = models.Case(
        *(models.When(step=value, then=index) for index, value in enumerate(CohortFee.Step.values)),
        default=len(CohortFee.Step.values),
        output_field=models.IntegerField(),
    )
    return (step.asc(), "paid_on", "pk")


def matching_corridor(origin: str, transit: Sequence[str], destination: str):
    """The reference corridor with the same origin, transit countries (in order) and
    destination, or None."""
    if not (origin and destination):
        return None
    return MigrationCorridor.objects.filter(
        origin=origin, transit=list(transit), destination=destination
    ).first()


def with_chain(queryset, *, findings=None):
    """Cohorts with what their card shows (agencies, fees with their agency, findings), in a
    fixed number of queries; `findings`, another queryset of their findings (the API reads
    their ids only)."""
    if findings is None:
        findings = Finding.objects.select_related("standard")
    return queryset.select_related("corridor").prefetch_related(
        "agencies",
        models.Prefetch(
            "fees",
            queryset=CohortFee.objects.select_related("agency", "rate").order_by(*journey_order()),
        ),
        models.Prefetch("findings", queryset=findings),
    )


@transaction.atomic
def cohort_save(
    *,
    report: MonitoringReport,
    by,
    cohort: MigrantCohort | None = None,
    agencies: Iterable[Agency] = (),
    fees: Iterable[Fee] = (),
    findings: Iterable[Finding] = (),
    **data,
) -> MigrantCohort:
    """Add a cohort to a draft report, or change one: its agencies, fees and linked findings
    are replaced as a whole."""
    report = MonitoringReport.objects.select_for_update().get(pk=report.pk)
    _require_partner_edit(report, by)
    cohort = cohort or MigrantCohort(report=report)
    if cohort.report_id != report.pk:
        raise DomainError(_("This cohort belongs to another report."))
    for field in COHORT_FIELDS:
        if field in data:
            setattr(cohort, field, data[field])
    cohort.transit_countries = [c.upper() for c in cohort.transit_countries]
    cohort.debt_currency = (cohort.debt_currency or "").upper()
    _check_cohort(cohort)
    findings = list(findings)
    if any(f.report_id != report.pk for f in findings):
        raise DomainError(_("A linked finding belongs to another report."), field="findings")
    agencies, fees = list(agencies), list(fees)
    converted = _convert_all(fees)  # before any write: a missing rate saves nothing
    for fee in fees:
        if fee.agency is not None and not 0 <= fee.agency < len(agencies):
            raise DomainError(_("A fee is paid to an agency that is not in the chain."))

    cohort.corridor = matching_corridor(
        cohort.origin_country.code, cohort.transit_countries, cohort.destination_country.code
    )
    cohort.save()
    cohort.findings.set(findings)
    cohort.fees.all().delete()
    cohort.agencies.all().delete()
    saved_agencies = RecruitmentAgency.objects.bulk_create(
        RecruitmentAgency(
            cohort=cohort, position=position, side=a.side, name=a.name.strip(), country=a.country
        )
        for position, a in enumerate(agencies, start=1)
    )
    CohortFee.objects.bulk_create(
        CohortFee(
            cohort=cohort,
            step=fee.step,
            agency=saved_agencies[fee.agency] if fee.agency is not None else None,
            cost_item=fee.cost_item,
            amount=fee.amount,
            currency=fee.currency.upper(),
            paid_on=fee.paid_on,
            amount_eur=eur.amount_eur,
            rate=eur.rate,
        )
        for fee, eur in zip(fees, converted, strict=True)
    )
    return cohort


def _convert_all(fees: list[Fee]) -> list:
    converted, missing = [], {}
    for index, fee in enumerate(fees):
        try:
            converted.append(to_eur(fee.amount, fee.currency, fee.paid_on))
        except NoExchangeRate as error:
            missing[index] = str(error)
    if missing:
        raise FeesWithoutRate(missing)
    return converted


def _check_cohort(cohort: MigrantCohort) -> None:
    if not cohort.origin_country:
        raise DomainError(_("Give the migrant workers' country of origin."), field="origin_country")
    if not cohort.destination_country:
        raise DomainError(_("Give the country where they work."), field="destination_country")
    route = [cohort.origin_country.code, *cohort.transit_countries, cohort.destination_country.code]
    if len(set(route)) != len(route):
        raise DomainError(
            _("A country appears twice on the route: list each transit country once."),
            field="transit_countries",
        )
    if cohort.workers == 0:
        raise DomainError(_("Give the number of workers in the cohort."), field="workers_other")
    if cohort.debt_per_worker is not None and not cohort.debt_currency:
        raise DomainError(_("Give the currency of the debt."), field="debt_currency")


@transaction.atomic
def cohort_delete(*, cohort: MigrantCohort, by) -> None:
    _require_partner_edit(cohort.report, by)
    cohort.delete()


def fee_totals_eur(cohorts: Iterable[MigrantCohort]) -> dict[str, Decimal]:
    """Euros per worker over several cohorts' prefetched fees, weighted by each cohort's
    workers: the average a worker paid."""
    paid = workers = Decimal(0)
    for cohort in cohorts:
        paid += cohort.fees_per_worker_eur * cohort.workers
        workers += cohort.workers
    return {"workers": workers, "average_per_worker": (paid / workers) if workers else Decimal(0)}
