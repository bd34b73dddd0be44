"""The ranking of reports/priorities.py as it was before issue 18 (every site and every visible
finding read into Python): the oracle the SQL ranking is compared with."""

from collections import defaultdict
from datetime import date

from django.utils import timezone

from reports.priorities import (
    COUNTRY_RISK_POINTS,
    DAYS_PER_MONTH,
    RECENT_MONTHS,
    SEVERE,
    CountryRisk,
    FactoryPriority,
    finding_points,
    leverage_points,
    spend_points,
)


def python_priorities_for(reader, *, today: date | None = None) -> list[FactoryPriority]:
    """The affiliate's supply-chain sites, highest score first (then by name). Reads as
    `reader` (an affiliate's), inside its scope; six queries whatever the numbers."""
    from monitoring.models import Finding, localized
    from remediation.models import RemediationCase
    from suppliers.models import Contract, CountryRiskIndicator, Factory, SupplyChainLink

    affiliate = reader.affiliate
    today = today or timezone.localdate()
    factories = list(
        Factory.objects.visible_to(reader).with_affiliate_count().order_by("name", "pk")
    )
    rows = {
        factory.pk: FactoryPriority(factory=factory, other_affiliates=factory.other_affiliates)
        for factory in factories
    }

    # Findings: severity and recency.
    findings = (
        Finding.objects.visible_to(reader)
        .filter(report__factory_id__in=rows)
        .order_by()
        .values(
            "report__factory_id", "severity", "published_at", "standard__name", "standard__name_fr"
        )
    )
    categories: dict[int, set] = defaultdict(set)
    for finding in findings:
        row = rows[finding["report__factory_id"]]
        published_on = timezone.localdate(finding["published_at"])
        row.findings_points += finding_points(finding["severity"], published_on, today)
        row.finding_count += 1
        row.severity_counts[finding["severity"]] = (
            row.severity_counts.get(finding["severity"], 0) + 1
        )
        if finding["severity"] in SEVERE and (today - published_on).days <= (
            RECENT_MONTHS * DAYS_PER_MONTH
        ):
            row.severe_recent += 1
        if row.latest_published is None or published_on > row.latest_published:
            row.latest_published = published_on
        categories[row.factory.pk].add(
            localized(finding["standard__name"], finding["standard__name_fr"])
        )
    for pk, names in categories.items():
        rows[pk].categories = sorted(names)

    # Country risk: the latest year of each indicator.
    Indicator = CountryRiskIndicator.Indicator
    latest: dict[tuple[str, str], CountryRisk] = {}
    for figure in CountryRiskIndicator.objects.filter(
        country__in={str(f.country) for f in factories},
        indicator__in=[Indicator.FORCED_LABOUR, Indicator.CHILD_LABOUR],
    ).order_by("country", "indicator", "-year", "-pk"):
        latest.setdefault(
            (str(figure.country), figure.indicator),
            CountryRisk(figure.indicator, figure.level, figure.source, figure.year),
        )
    for row in rows.values():
        for indicator in (Indicator.FORCED_LABOUR, Indicator.CHILD_LABOUR):
            risk = latest.get((str(row.factory.country), indicator))
            if risk is not None:
                row.risks.append(risk)
                row.country_points += COUNTRY_RISK_POINTS[risk.level]

    # Spend: each contract's value in euros shared equally over the sites disclosed under it.
    links = set(
        SupplyChainLink.objects.filter(affiliate=affiliate).values_list("contract_id", "factory_id")
    )
    sites_per_contract: dict[int, int] = defaultdict(int)
    for contract_id, _factory_id in links:
        sites_per_contract[contract_id] += 1
    contracts = {
        contract.pk: contract
        for contract in Contract.objects.filter(
            affiliate=affiliate, pk__in=sites_per_contract
        ).select_related("contractor", "disclosure")
    }
    for contract_id, factory_id in sorted(links):
        row = rows.get(factory_id)
        contract = contracts.get(contract_id)
        if row is None or contract is None:
            continue
        row.spend_eur += float(contract.value_eur) / sites_per_contract[contract_id]
        row.contracts.append(contract)

    # Open cases at the sites, for "join the case".
    for case in (
        RemediationCase.objects.visible_to(reader)
        .active()
        .filter(factory_id__in=rows)
        .with_participation_of(affiliate)
        .order_by("opened_on", "pk")
    ):
        rows[case.factory_id].cases.append(case)

    for row in rows.values():
        row.spend_points = spend_points(row.spend_eur)
        row.leverage_points = leverage_points(row.other_affiliates)
    ranked = sorted(rows.values(), key=lambda row: (-row.score, row.factory.name, row.factory.pk))
    for rank, row in enumerate(ranked, start=1):
        row.rank = rank
    return ranked
