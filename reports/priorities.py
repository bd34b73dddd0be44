"""Where to act first: an affiliate's supply-chain factories ranked by a documented score.

    score = findings + country risk + spend + leverage

- **findings**: for each finding published at the site that the affiliate may read,
  `SEVERITY_POINTS[severity] × 0.5 ** (age in months / HALF_LIFE_MONTHS)`, summed; the age
  counts from the finding's publication, a month being `DAYS_PER_MONTH` days. A critical
  finding published today weighs 8, one published a year ago 4.
- **country risk**: `COUNTRY_RISK_POINTS[level]` of the site's country for the forced-labour
  and for the child-labour indicator (`suppliers.CountryRiskIndicator`, the latest year of
  each), added.
- **spend**: `SPEND_POINTS × log10(1 + spend / SPEND_UNIT_EUR)`, where spend is the sum over
  the affiliate's contracts that put the site in its supply chain of the contract's value in
  euros divided by the number of sites disclosed under that contract (shared equally).
- **leverage**: `LEVERAGE_POINTS × min(other affiliates, LEVERAGE_CAP)`, the other affiliates
  that have the site in their supply chain: a count, never which.

Every weight is below, in one place; README "Where to act first" says the same. The whole
ranking is read in a fixed number of queries whatever the number of sites and findings.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# --- The weights --------------------------------------------------------------------------
SEVERITY_POINTS = {"low": 1.0, "medium": 2.0, "high": 4.0, "critical": 8.0}
HALF_LIFE_MONTHS = 12.0  # a finding weighs half as much a year after its publication
DAYS_PER_MONTH = 30.4375  # 365.25 / 12
COUNTRY_RISK_POINTS = {"low": 0.0, "medium": 2.0, "high": 4.0}
SPEND_POINTS = 2.0  # per tenfold increase of the spend
SPEND_UNIT_EUR = 10_000.0
LEVERAGE_POINTS = 1.0  # per other affiliate sharing the site
LEVERAGE_CAP = 10
# What the explanation calls "recent" and "severe".
RECENT_MONTHS = 6
SEVERE = ("high", "critical")


@dataclass
class CountryRisk:
    indicator: str  # CountryRiskIndicator.Indicator value
    level: str
    source: str
    year: int


@dataclass
class FactoryPriority:
    """One site's place in the ranking, with every number its explanation needs."""

    factory: object
    findings_points: float = 0.0
    country_points: float = 0.0
    spend_points: float = 0.0
    leverage_points: float = 0.0
    finding_count: int = 0
    severity_counts: dict = field(default_factory=dict)
    severe_recent: int = 0
    latest_published: date | None = None
    categories: list = field(default_factory=list)
    risks: list = field(default_factory=list)
    spend_eur: float = 0.0
    other_affiliates: int = 0
    cases: list = field(default_factory=list)
    contracts: list = field(default_factory=list)
    rank: int = 0

    @property
    def score(self) -> float:
        return round(
            self.findings_points + self.country_points + self.spend_points + self.leverage_points,
            2,
        )

    @property
    def contractors(self) -> list[dict]:
        """Each contractor of the site's contracts, with the e-mail addresses recorded on those
        contracts' disclosures: the only address of a company that an affiliate holds (a
        company's contacts on the platform are known to Electronics Watch staff alone)."""
        by_company: dict[int, dict] = {}
        for contract in self.contracts:
            entry = by_company.setdefault(
                contract.contractor_id, {"company": contract.contractor, "emails": set()}
            )
            disclosure = getattr(contract, "disclosure", None)
            if disclosure is not None and disclosure.contractor_email:
                entry["emails"].add(disclosure.contractor_email)
        return [
            {"company": entry["company"], "emails": sorted(entry["emails"])}
            for entry in sorted(
                by_company.values(), key=lambda e: (e["company"].name, e["company"].pk)
            )
        ]

    @property
    def explanation(self) -> list[str]:
        """The score in words, one sentence per component."""
        return [
            self.findings_sentence(),
            self.country_sentence(),
            self.spend_sentence(),
            self.leverage_sentence(),
        ]

    def findings_sentence(self) -> str:
        from monitoring.models import Severity

        if not self.finding_count:
            return _("No published findings at this site.")
        labels = dict(Severity.choices)
        by_severity = ", ".join(
            f"{self.severity_counts[value]} {str(labels[value]).lower()}"
            for value in ("critical", "high", "medium", "low")
            if self.severity_counts.get(value)
        )
        text = ngettext(
            "%(count)d finding published (%(severities)s), the latest on %(date)s",
            "%(count)d findings published (%(severities)s), the latest on %(date)s",
            self.finding_count,
        ) % {
            "count": self.finding_count,
            "severities": by_severity,
            "date": date_format(self.latest_published, "DATE_FORMAT"),
        }
        if self.severe_recent:
            text += "; " + ngettext(
                "%(count)d severe finding in the last %(months)d months",
                "%(count)d severe findings in the last %(months)d months",
                self.severe_recent,
            ) % {"count": self.severe_recent, "months": RECENT_MONTHS}
        if self.categories:
            text += " (" + ", ".join(self.categories) + ")"
        return text + "."

    def country_sentence(self) -> str:
        country = self.factory.country.name
        if not self.risks:
            return _("No forced-labour or child-labour risk figure for %(country)s.") % {
                "country": country
            }
        parts = []
        for risk in self.risks:
            values = {"country": country, "source": risk.source, "year": risk.year}
            if risk.indicator == "forced_labour":
                template = {
                    "high": _("high forced-labour risk in %(country)s (%(source)s, %(year)s)"),
                    "medium": _("medium forced-labour risk in %(country)s (%(source)s, %(year)s)"),
                    "low": _("low forced-labour risk in %(country)s (%(source)s, %(year)s)"),
                }[risk.level]
            else:
                template = {
                    "high": _("high child-labour risk in %(country)s (%(source)s, %(year)s)"),
                    "medium": _("medium child-labour risk in %(country)s (%(source)s, %(year)s)"),
                    "low": _("low child-labour risk in %(country)s (%(source)s, %(year)s)"),
                }[risk.level]
            parts.append(template % values)
        text = "; ".join(parts)
        return text[:1].upper() + text[1:] + "."

    def spend_sentence(self) -> str:
        if not self.spend_eur:
            return _("None of your contract value is attributed to this site.")
        return ngettext(
            "€%(amount)s of your contracts (%(count)d contract, its value shared equally over "
            "the sites disclosed under it).",
            "€%(amount)s of your contracts (%(count)d contracts, each value shared equally over "
            "the sites disclosed under it).",
            len(self.contracts),
        ) % {
            "amount": number_format(round(self.spend_eur), 0, force_grouping=True),
            "count": len(self.contracts),
        }

    def leverage_sentence(self) -> str:
        if not self.other_affiliates:
            return _("No other affiliate has this site in its supply chain.")
        return ngettext(
            "Shared with %(count)d other affiliate.",
            "Shared with %(count)d other affiliates.",
            self.other_affiliates,
        ) % {"count": self.other_affiliates}


def finding_points(severity: str, published_on: date, today: date) -> float:
    months = max((today - published_on).days, 0) / DAYS_PER_MONTH
    return SEVERITY_POINTS[severity] * 0.5 ** (months / HALF_LIFE_MONTHS)


def spend_points(spend_eur: float) -> float:
    return SPEND_POINTS * math.log10(1 + spend_eur / SPEND_UNIT_EUR)


def leverage_points(other_affiliates: int) -> float:
    return LEVERAGE_POINTS * min(other_affiliates, LEVERAGE_CAP)


def priorities_for(reader, *, today: date | None = None) -> list[FactoryPriority]:
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


def priority_of(reader, factory_id: int, *, today: date | None = None) -> FactoryPriority | None:
    """One site's row of the ranking (its rank among all), or None outside the supply chain."""
    for row in priorities_for(reader, today=today):
        if row.factory.pk == factory_id:
            return row
    return None


def export_header() -> list[str]:
    return [
        _("Rank"),
        _("Factory"),
        _("Country"),
        _("Score"),
        _("Findings points"),
        _("Country risk points"),
        _("Spend points"),
        _("Leverage points"),
        _("Published findings"),
        _("Spend (EUR)"),
        _("Other affiliates"),
        _("Explanation"),
    ]


def export_row(row: FactoryPriority) -> list:
    return [
        row.rank,
        row.factory.name,
        row.factory.country.name,
        row.score,
        round(row.findings_points, 2),
        round(row.country_points, 2),
        round(row.spend_points, 2),
        round(row.leverage_points, 2),
        row.finding_count,
        round(row.spend_eur, 2),
        row.other_affiliates,
        " ".join(row.explanation),
    ]
