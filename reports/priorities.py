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

Every weight is below, in one place; README "Where to act first" says the same. PostgreSQL
computes the score of every site and sorts them (`_score_sql`, one query); the ranking is kept
compact in the read-model cache (core/readmodel.py: ids and score parts, for the affiliate and
the day) and Python details only the rows of the page asked for, in a fixed number of queries
whatever the number of sites and findings.
"""

from __future__ import annotations

import math
import sys
from array import array
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import connection
from django.db.models import Count, F, FloatField, Max, Q, Sum
from django.db.models.expressions import RawSQL
from django.utils import timezone, translation
from django.utils.formats import date_format, number_format
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, npgettext
from django_scopes import scope

from core import readmodel
from core.pagination import CappedPageNumberPagination, CappedPaginator

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


def severity_count(severity: str, count: int) -> str:
    """'2 critical': one message per severity, so that each language can make it agree with
    "finding" (in French, "2 critiques", "1 élevé")."""
    from monitoring.models import Severity

    if severity == Severity.CRITICAL:
        text = npgettext("findings", "%(count)d critical", "%(count)d critical", count)
    elif severity == Severity.HIGH:
        text = npgettext("findings", "%(count)d high", "%(count)d high", count)
    elif severity == Severity.MEDIUM:
        text = npgettext("findings", "%(count)d medium", "%(count)d medium", count)
    else:
        text = npgettext("findings", "%(count)d low", "%(count)d low", count)
    return text % {"count": count}


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
    contract_count: int | None = None  # counted by the ranking query when `contracts` is not read
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
        by_severity = ", ".join(
            severity_count(value, self.severity_counts[value])
            for value in (Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW)
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
            self.contracts_counted,
        ) % {
            "amount": number_format(round(self.spend_eur), 0, force_grouping=True),
            "count": self.contracts_counted,
        }

    @property
    def contracts_counted(self) -> int:
        return len(self.contracts) if self.contract_count is None else self.contract_count

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


def _score_sql(reader, today: date) -> tuple[str, list]:
    """One SELECT of the affiliate's supply-chain sites with the four parts of their score,
    computed by PostgreSQL: `id, name, findings_points, country_points, spend_eur,
    spend_points, leverage_points, score`. The findings and the sites are the ORM's
    `visible_to(reader)` (the visibility rules stay in one place); the sums follow the
    Python formulas above operation by operation, so the floats are the same."""
    from monitoring.models import Finding
    from suppliers.models import Contract, CountryRiskIndicator, Factory, SupplyChainLink

    finding = Finding._meta.db_table
    severity = " ".join(
        f"WHEN '{value}' THEN {points!r}::float8" for value, points in SEVERITY_POINTS.items()
    )
    weight = RawSQL(  # noqa: S611 - names and weights are ours, values are parameters
        f'CASE "{finding}"."severity" {severity} END * power(0.5::float8, '
        f'(greatest(%s::date - ("{finding}"."published_at" AT TIME ZONE %s)::date, 0) '
        f"/ %s::float8) / %s::float8)",
        [today, timezone.get_current_timezone_name(), DAYS_PER_MONTH, HALF_LIFE_MONTHS],
        output_field=FloatField(),
    )
    findings_sql, findings_params = (
        Finding.objects.visible_to(reader)
        .order_by()
        .values(factory=F("report__factory_id"))
        .annotate(points=Sum(weight))
        .values("factory", "points")
        .query.sql_with_params()
    )
    sites_sql, sites_params = (
        Factory.objects.visible_to(reader)
        .order_by()
        .values("id", "name", "country", "affiliate_count")
        .query.sql_with_params()
    )
    risk_points = " ".join(
        f"WHEN '{level}' THEN {points!r}::float8" for level, points in COUNTRY_RISK_POINTS.items()
    )
    Indicator = CountryRiskIndicator.Indicator
    sql = f"""
        WITH sites AS ({sites_sql}),
        findings AS ({findings_sql}),
        links AS (
            SELECT contract_id, factory_id,
                   count(*) OVER (PARTITION BY contract_id) AS sites
            FROM (SELECT DISTINCT contract_id, factory_id
                  FROM {SupplyChainLink._meta.db_table} WHERE affiliate_id = %s) AS pairs
        ),
        spend AS (
            SELECT links.factory_id, sum(contract.value_eur::float8 / links.sites) AS eur,
                   count(*) AS contracts
            FROM links JOIN {Contract._meta.db_table} AS contract
                 ON contract.id = links.contract_id AND contract.affiliate_id = %s
            GROUP BY links.factory_id
        ),
        risk AS (
            SELECT country, sum(CASE level {risk_points} END) AS points
            FROM (SELECT DISTINCT ON (country, indicator) country, indicator, level
                  FROM {CountryRiskIndicator._meta.db_table}
                  WHERE indicator IN (%s, %s)
                  ORDER BY country, indicator, year DESC, id DESC) AS latest
            GROUP BY country
        ),
        parts AS (
            SELECT sites.id, sites.name,
                   coalesce(findings.points, 0.0::float8) AS findings_points,
                   coalesce(risk.points, 0.0::float8) AS country_points,
                   coalesce(spend.eur, 0.0::float8) AS spend_eur,
                   coalesce(spend.contracts, 0) AS contract_count,
                   {SPEND_POINTS!r}::float8
                       * log(1 + coalesce(spend.eur, 0.0::float8) / {SPEND_UNIT_EUR!r}::float8)
                       AS spend_points,
                   {LEVERAGE_POINTS!r}::float8 * least(
                       greatest(coalesce(nullif(sites.affiliate_count, 0), 1) - 1, 0),
                       {LEVERAGE_CAP}
                   ) AS leverage_points
            FROM sites
            LEFT JOIN findings ON findings.factory = sites.id
            LEFT JOIN spend ON spend.factory_id = sites.id
            LEFT JOIN risk ON risk.country = sites.country
        )
        SELECT *, round((findings_points + country_points + spend_points + leverage_points)
                        ::numeric, 2) AS score
        FROM parts
    """  # noqa: S608 - the subqueries are Django's SQL, names ours, values parameters
    params = [
        *sites_params,
        *findings_params,
        reader.affiliate.pk,
        reader.affiliate.pk,
        Indicator.FORCED_LABOUR,
        Indicator.CHILD_LABOUR,
    ]
    return sql, params


# Highest score first, then by name as Python compares strings (code points), then by id.
RANKING_ORDER = 'score DESC, name COLLATE "C", id'


# The columns of the cached ranking (`Ranking._ranked`), each an array in rank order.
SCORE_COLUMNS = (
    ("id", "q"),
    ("findings_points", "d"),
    ("country_points", "d"),
    ("spend_eur", "d"),
    ("contract_count", "q"),
    ("spend_points", "d"),
    ("leverage_points", "d"),
)


class Ranking:
    """The affiliate's ranking as a sequence that reads only what is asked for. PostgreSQL
    scores and sorts every site once (`_score_sql`); the result is kept compact (an array per
    score part, in rank order: some 100 KB for 1,000 sites) in the read-model cache
    (core/readmodel.py) for the affiliate and the day, so its length is known without a query
    and a slice reads, for that slice's sites only, the details of their explanation (a fixed
    number of queries whatever the size). `CappedPaginator` and DRF's pagination page through
    it like a list; the page, the API, the exports and one site's page share the entry."""

    BATCH = 500  # rows detailed per batch when iterated whole (the exports)

    def __init__(self, reader, today: date, *, with_actions: bool = False):
        self.reader = reader
        self.today = today
        self.with_actions = with_actions

    def _scope(self):
        """The reader's own scope: a ranking sliced after its caller's scope has ended (a
        template, a test) still reads as the affiliate it was made for, and only so."""
        return scope(affiliate=self.reader.affiliate)

    def _parts(self) -> tuple:
        """What the ranking depends on besides the data: whose, and the day (the findings'
        weights decay with their age, counted in the current time zone)."""
        return (
            self.reader.affiliate.pk,
            self.today.isoformat(),
            timezone.get_current_timezone_name(),
        )

    @cached_property
    def _ranked(self) -> dict[str, array]:
        return readmodel.cached("priorities-ranking", self._parts(), self._rank_all)

    def _rank_all(self) -> dict[str, array]:
        names = [name for name, _code in SCORE_COLUMNS]
        columns = {name: array(code) for name, code in SCORE_COLUMNS}
        with self._scope(), connection.cursor() as cursor:
            sql, params = _score_sql(self.reader, self.today)
            select = ", ".join(names)
            cursor.execute(
                f"SELECT {select} FROM ({sql}) AS scored ORDER BY {RANKING_ORDER}",  # noqa: S608 - as above
                params,
            )
            for row in cursor.fetchall():
                for name, value in zip(names, row, strict=True):
                    columns[name].append(value)
        return columns

    def __len__(self) -> int:
        return len(self._ranked["id"])

    def __getitem__(self, index):
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            if step != 1:
                raise ValueError("Ranking slices take no step")
            return self._read(start, max(stop - start, 0))
        if index < 0:
            index += len(self)
        rows = self._read(index, 1)
        if not rows:
            raise IndexError(index)
        return rows[0]

    def __iter__(self):
        """Every row (the exports), their details read BATCH sites at a time."""
        for start in range(0, len(self), self.BATCH):
            yield from self._read(start, self.BATCH)

    def __bool__(self) -> bool:
        return len(self) > 0

    def _read(self, offset: int, limit: int, *, with_actions: bool | None = None):
        if limit <= 0:
            return []
        scored = self._scored(offset, limit)
        if not scored:
            return []
        actions = self.with_actions if with_actions is None else with_actions
        with self._scope():
            return _detailed(self.reader, scored, self.today, with_actions=actions)

    def _scored(self, offset: int, limit: int | None) -> list[dict]:
        """The sites' score parts and ranks from `offset`, `limit` of them (None: all)."""
        ranked = self._ranked
        stop = len(self) if limit is None else min(offset + limit, len(self))
        return [
            {
                **{name: ranked[name][index] for name, _code in SCORE_COLUMNS},
                "rank": index + 1,
            }
            for index in range(offset, stop)
        ]

    def rank_of(self, factory_id: int) -> FactoryPriority | None:
        try:
            index = self._ranked["id"].index(int(factory_id))
        except ValueError:
            return None
        rows = self._read(index, 1, with_actions=True)
        return rows[0] if rows else None


def _finding_facts(reader, factory_ids: list[int], today: date) -> dict[int, dict]:
    """What the explanation says of the findings at these sites that the reader may read, by
    site: how many, how many of each severity, the severe ones of the last RECENT_MONTHS (a
    finding is recent up to that many whole days old), the latest publication, the Code
    categories. One query, cached as plain values for the sites, the reader's affiliate, the
    day and the language."""
    from monitoring.models import Finding, localized

    recent_since = today - timedelta(days=math.floor(RECENT_MONTHS * DAYS_PER_MONTH))

    def compute():
        facts: dict[int, dict] = {}
        for group in (
            Finding.objects.visible_to(reader)
            .filter(report__factory_id__in=factory_ids)
            .order_by()
            .values("report__factory_id", "severity", "standard__name", "standard__name_fr")
            .annotate(
                n=Count("pk"),
                recent=Count("pk", filter=Q(published_at__date__gte=recent_since)),
                latest=Max("published_at"),
            )
        ):
            fact = facts.setdefault(
                group["report__factory_id"],
                {"count": 0, "severities": {}, "severe_recent": 0, "latest": None, "names": set()},
            )
            severity = group["severity"]
            fact["count"] += group["n"]
            fact["severities"][severity] = fact["severities"].get(severity, 0) + group["n"]
            if severity in SEVERE:
                fact["severe_recent"] += group["recent"]
            published_on = timezone.localdate(group["latest"])
            if fact["latest"] is None or published_on > fact["latest"]:
                fact["latest"] = published_on
            fact["names"].add(localized(group["standard__name"], group["standard__name_fr"]))
        for fact in facts.values():
            fact["categories"] = sorted(fact.pop("names"))
        return facts

    parts = (
        reader.affiliate.pk,
        today.isoformat(),
        timezone.get_current_timezone_name(),
        translation.get_language(),
        tuple(factory_ids),
    )
    return readmodel.cached("priorities-findings", parts, compute)


def _detailed(
    reader, scored: list[dict], today: date, *, with_actions: bool
) -> list[FactoryPriority]:
    """The rows of `scored` (ids and score parts, in rank order) with what their explanation
    needs: the sites, their findings counted by severity and category, the country figures;
    `with_actions`, also the contracts and the open cases (one site's page). At most six
    queries, for these sites only, each answering a few rows per site."""
    from remediation.models import RemediationCase
    from suppliers.models import Contract, CountryRiskIndicator, Factory, SupplyChainLink

    if not scored:
        return []
    affiliate = reader.affiliate
    factories = Factory.objects.in_bulk([values["id"] for values in scored])
    rows = {}
    for values in scored:
        factory = factories[values["id"]]
        rows[factory.pk] = FactoryPriority(
            factory=factory,
            findings_points=values["findings_points"],
            country_points=values["country_points"],
            spend_points=values["spend_points"],
            leverage_points=values["leverage_points"],
            spend_eur=values["spend_eur"],
            contract_count=None if with_actions else values["contract_count"],
            other_affiliates=factory.other_affiliates,
            rank=values["rank"],
        )

    # Findings, counted by site, severity and category: how many of each severity, the severe
    # ones of the last RECENT_MONTHS (a finding is recent up to that many whole days old),
    # the latest publication, the categories.
    for pk, fact in _finding_facts(reader, list(rows), today).items():
        row = rows[pk]
        row.finding_count = fact["count"]
        row.severity_counts = dict(fact["severities"])
        row.severe_recent = fact["severe_recent"]
        row.latest_published = fact["latest"]
        row.categories = list(fact["categories"])

    # Country risk: the latest year of each indicator, as the score counted it.
    Indicator = CountryRiskIndicator.Indicator
    latest: dict[tuple[str, str], CountryRisk] = {}
    for figure in CountryRiskIndicator.objects.filter(
        country__in={str(row.factory.country) for row in rows.values()},
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
    if not with_actions:
        return list(rows.values())

    # The contracts that put each site in the supply chain (the spend is the score's).
    links = sorted(
        set(
            SupplyChainLink.objects.filter(affiliate=affiliate, factory_id__in=rows).values_list(
                "contract_id", "factory_id"
            )
        )
    )
    contracts = Contract.objects.filter(
        affiliate=affiliate, pk__in={contract_id for contract_id, _site in links}
    ).select_related("contractor", "disclosure")
    contracts = {contract.pk: contract for contract in contracts}
    for contract_id, factory_id in links:
        if contract_id in contracts:
            rows[factory_id].contracts.append(contracts[contract_id])

    # Open cases at the sites, for "join the case".
    for case in (
        RemediationCase.objects.visible_to(reader)
        .active()
        .filter(factory_id__in=rows)
        .with_participation_of(affiliate)
        .order_by("opened_on", "pk")
    ):
        rows[case.factory_id].cases.append(case)
    return list(rows.values())


class KeptPages:
    """A `Ranking` as a paginator pages it: its length, and for a slice one item, `render`
    of that slice's rows (the page's rendered rows, the API's serialised page), kept in the
    read-model cache beside the ranking (core/readmodel.py: exact until the data change)
    under `name`, for the affiliate, the day, the time zone, the language and the slice. A
    page read again costs a cache read instead of detailing and explaining its sites."""

    def __init__(self, ranking: Ranking, name: str, render):
        self.ranking, self.name, self.render = ranking, name, render

    def __len__(self) -> int:
        return len(self.ranking)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            raise TypeError("pages only")
        start, stop, _step = index.indices(len(self))

        def rendered():
            return self.render(self.ranking[start:stop] if stop > start else [])

        parts = (*self.ranking._parts(), translation.get_language(), start, stop)
        return [readmodel.cached(self.name, parts, rendered)]


class RankingPaginator(CappedPaginator):
    """The shared pager over a `Ranking`: its count is exact and cheap (the sites of one
    supply chain, from the index `supply_chain_affiliate`), and a deep page costs what the
    first does (PostgreSQL scores and sorts every site either way), so it is never capped."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_limit = sys.maxsize


class RankingPagination(CappedPageNumberPagination):
    """The API's pages of a `Ranking`."""

    django_paginator_class = RankingPaginator


def priorities_for(reader, *, today: date | None = None) -> Ranking:
    """The affiliate's supply-chain sites, highest score first (then by name), as a lazy
    sequence: slice it (a page) or iterate it (an export). Reads as `reader` (an
    affiliate's), inside its scope; a slice costs a fixed number of queries, and PostgreSQL
    ranks the sites without sending them to Python."""
    return Ranking(reader, today or timezone.localdate())


def priority_of(reader, factory_id: int, *, today: date | None = None) -> FactoryPriority | None:
    """One site's row of the ranking (its rank among all), or None outside the supply chain."""
    return priorities_for(reader, today=today).rank_of(factory_id)


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
