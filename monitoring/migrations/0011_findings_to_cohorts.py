"""Findings' migrant-worker facts move to migrant cohorts, without loss.

Each finding that recorded an origin country, recruitment fees, a debt or who holds the
identity documents becomes one cohort on its report, linked to the finding:

- origin and destination as recorded; a missing destination is the factory's country (the
  country of work), a missing origin stays blank (shown as unknown);
- the corridor: the `suppliers.MigrationCorridor` with that origin, no transit, that destination;
- `workers_affected` counted as workers of unknown gender (findings never split by gender);
- debt per worker and its currency, who holds the documents;
- each `RecruitmentFee` becomes a `CohortFee` at the step "recruitment in the country of
  origin", paid on the first day of the report's period (the fee was paid before the visit;
  the period is the closest date the report has). Converted to euros with the latest rate of
  that day within a week (as `core.currency.to_eur`); without one, `amount_eur` and `rate`
  stay NULL and the fee is shown as "not converted" until staff record it again.

Child labour becomes ILO categories: a youngest age observed under 15 (C138's general minimum
age) is "under the minimum age", children in hazardous work is "hazardous" (C182 Art. 3(d)).
The reverse puts the first cohort's facts back on each finding, for a rollback.
"""

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import migrations

MAX_RATE_AGE_DAYS = 7  # core.currency.MAX_RATE_AGE_DAYS, frozen here
CENT = Decimal("0.01")
MINIMUM_AGE = 15  # ILO C138, Art. 2(3)


def _convert(ExchangeRate, amount, currency, on):
    if currency == "EUR":
        return Decimal(amount).quantize(CENT, ROUND_HALF_UP), None
    rate = (
        ExchangeRate.objects.filter(
            currency=currency, date__lte=on, date__gte=on - timedelta(days=MAX_RATE_AGE_DAYS)
        )
        .order_by("-date")
        .first()
    )
    if rate is None:
        return None, None
    return (Decimal(amount) / rate.units_per_euro).quantize(CENT, ROUND_HALF_UP), rate


def forward(apps, schema_editor):
    Finding = apps.get_model("monitoring", "Finding")
    MigrantCohort = apps.get_model("monitoring", "MigrantCohort")
    CohortFee = apps.get_model("monitoring", "CohortFee")
    RecruitmentFee = apps.get_model("monitoring", "RecruitmentFee")
    MigrationCorridor = apps.get_model("suppliers", "MigrationCorridor")
    ExchangeRate = apps.get_model("core", "ExchangeRate")

    with_fees = set(RecruitmentFee.objects.values_list("finding_id", flat=True))
    for finding in Finding.objects.select_related("report__factory").order_by("pk"):
        categories = list(finding.child_labour)
        if finding.youngest_age_observed is not None and finding.youngest_age_observed < MINIMUM_AGE:
            categories.append("under_minimum_age")
        if finding.children_in_hazardous_work:
            categories.append("hazardous")
        categories = list(dict.fromkeys(categories))
        if categories != finding.child_labour:
            Finding.objects.filter(pk=finding.pk).update(child_labour=categories)

        migrant = (
            finding.origin_country
            or finding.pk in with_fees
            or finding.debt_amount is not None
            or finding.documents_held_by
        )
        if not migrant:
            continue
        report = finding.report
        origin = finding.origin_country or ""
        destination = finding.destination_country or report.factory.country
        cohort = MigrantCohort.objects.create(
            report=report,
            origin_country=origin,
            destination_country=destination,
            transit_countries=[],
            corridor=MigrationCorridor.objects.filter(
                origin=origin, destination=destination, transit=[]
            ).first()
            if origin
            else None,
            workers_other=finding.workers_affected or 0,
            debt_per_worker=finding.debt_amount,
            debt_currency=finding.debt_currency,
            documents_held_by=finding.documents_held_by,
        )
        cohort.findings.add(finding)
        paid_on = report.period_start
        for fee in RecruitmentFee.objects.filter(finding=finding).order_by("pk"):
            currency = fee.currency.upper()
            amount_eur, rate = _convert(ExchangeRate, fee.amount, currency, paid_on)
            CohortFee.objects.create(
                cohort=cohort,
                step="origin_recruitment",
                cost_item=fee.cost_item,
                amount=fee.amount,
                currency=currency,
                paid_on=paid_on,
                amount_eur=amount_eur,
                rate=rate,
            )


def backward(apps, schema_editor):
    Finding = apps.get_model("monitoring", "Finding")
    RecruitmentFee = apps.get_model("monitoring", "RecruitmentFee")
    MigrantCohort = apps.get_model("monitoring", "MigrantCohort")
    for finding in Finding.objects.order_by("pk"):
        cohort = MigrantCohort.objects.filter(findings=finding).order_by("pk").first()
        changes = {
            "children_in_hazardous_work": "hazardous" in finding.child_labour,
        }
        if cohort is not None:
            changes.update(
                origin_country=cohort.origin_country,
                destination_country=cohort.destination_country,
                debt_amount=cohort.debt_per_worker,
                debt_currency=cohort.debt_currency,
                documents_held_by=cohort.documents_held_by,
            )
            RecruitmentFee.objects.filter(finding_id=finding.pk).delete()
            RecruitmentFee.objects.bulk_create(
                RecruitmentFee(
                    finding_id=finding.pk, cost_item=f.cost_item, amount=f.amount, currency=f.currency
                )
                for f in cohort.fees.order_by("pk")
            )
        Finding.objects.filter(pk=finding.pk).update(**changes)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_exchange_rates"),
        ("monitoring", "0010_cohort_fees_not_converted"),
        ("suppliers", "0018_risk_reference_data"),
    ]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
