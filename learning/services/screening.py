"""Risk screening before a tender: what the network knows about the risks to workers making the
products an affiliate plans to buy, and the screening's workflow (draft → saved → awarded).

What the results count (`screening_results`):

- **Factories making such products.** CPV codes map to the contracts' product categories
  (`CPV_CATEGORY_PREFIXES`, by the longest matching prefix of the code's significant digits).
  A factory makes products of a category when it was disclosed (submitted or accepted), by
  any affiliate, under a contract of that category or with one of the chosen CPV codes; or
  when its products, or a company's link to it, name a product of the category
  (`CATEGORY_KEYWORDS`); for vehicles and batteries also every factory of the low-emission
  vehicle sector. Brands narrow this to the factories linked to one of them (the registry's
  supplier-to-factory links, or a disclosed line of that brand); countries to the factories
  in one of them. Merged factories do not count.
- **Published findings** at those factories (`FindingQuerySet.published()`: a published report
  and a published finding), without those found not substantiated, counted by Code category
  and by ILO forced-labour indicator; never a draft, a confidential text or a testimony.
- **Open remediation cases**: the share of those factories with an active case.
- **Country risk indicators** (`suppliers.CountryRiskIndicator`, kept by EW staff) of the
  chosen countries, or else of the countries where such factories are: the latest year of
  each indicator, with its source.
- **Recommended resources** of the library for the risks found
  (`learning.services.library.recommended_resources`).

Visibility: the point of a screening is to learn about products and countries across the
whole network, so it counts published findings everywhere. It never names a factory outside
the affiliate's supply chain (factories *in* its supply chain, which it may read anyway, are
listed by name), and it withholds every count smaller than `screening_threshold()`
(`EW_GRIEVANCE_COUNT_THRESHOLD`, 5 by default, the threshold below which the platform hides
grievance counts): such a count is shown as "fewer than N", a breakdown row with such a count
is left out, the open-case share is shown only over at least N factories, and a country is
named from the factories' countries only when at least N of them are there. The stored
results hold only what may be shown, so no later display can leak a withheld number.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope

from affiliates.models import Affiliate, User
from affiliates.reader import Reader
from core.errors import DomainError
from monitoring.models import Finding, ForcedLabourIndicator
from remediation.models import RemediationCase
from suppliers.models import (
    Contract,
    CountryRiskIndicator,
    Factory,
    Sector,
    SupplierFactory,
    SupplyChainLink,
)

from ..models import ProcurementStage, ResourceKind, Screening

audit_log = logging.getLogger("ew.audit")
Category = Contract.Category
Status = Screening.Status

RESULTS_VERSION = 1
# How many of the affiliate's own factories the results list by name, at most.
OWN_FACTORIES_LIMIT = 50

# --- Products: CPV codes → the contracts' product categories ---------------------------------

# Keys are the significant digits of a CPV code (its first eight digits without the trailing
# zeros, so that a key covers the codes below it); the longest key that prefixes a code wins.
CPV_CATEGORY_PREFIXES: dict[str, tuple[str, ...]] = {
    "302": (  # 30200000 Computer equipment and supplies
        Category.COMPUTERS,
        Category.TABLETS,
        Category.MONITORS,
        Category.PERIPHERALS,
        Category.PRINTERS,
        Category.SERVERS,
    ),
    "30213": (Category.COMPUTERS, Category.TABLETS),  # Personal computers
    "302131": (Category.COMPUTERS,),  # Portable computers
    "302132": (Category.TABLETS,),  # Tablet computer
    "302133": (Category.COMPUTERS,),  # Desktop computers
    "30231": (Category.MONITORS,),  # Computer screens and consoles
    "30232": (Category.PERIPHERALS, Category.PRINTERS),  # Peripheral equipment
    "302321": (Category.PRINTERS,),  # Printers and plotters (laser printers below)
    "30233": (Category.SERVERS,),  # Media storage and reader devices
    "30236": (Category.PERIPHERALS,),  # Miscellaneous computer equipment
    "3012": (Category.PRINTERS,),  # Photocopying and offset printing equipment
    "32": (Category.PHONES, Category.SERVERS),  # Radio, TV, communication equipment
    "3225": (Category.PHONES,),  # Mobile telephones
    "3242": (Category.SERVERS,),  # Network equipment
    "4882": (Category.SERVERS,),  # Servers
    "314": (Category.BATTERIES,),  # Accumulators, primary cells and primary batteries
    "341449": (Category.VEHICLES,),  # Electric vehicles
}

# Words that name a category's products in a factory's or a supplier link's product list
# (English and French; matched as the start of a word, in any case).
CATEGORY_KEYWORDS: dict[str, tuple[str, ...]] = {
    Category.COMPUTERS: ("laptop", "notebook", "computer", "desktop", "ordinateur"),
    Category.TABLETS: ("tablet", "tablette"),
    Category.PHONES: ("phone", "smartphone", "mobile", "téléphone"),
    Category.MONITORS: ("monitor", "display", "screen", "écran"),
    Category.PRINTERS: ("printer", "copier", "imprimante", "photocopieur"),
    Category.PERIPHERALS: ("keyboard", "mouse", "peripheral", "clavier", "souris"),
    Category.SERVERS: ("server", "storage", "network", "switch", "router", "serveur"),
    Category.VEHICLES: ("vehicle", "bicycle", "scooter", "véhicule", "vélo"),
    Category.BATTERIES: ("battery", "batteries", "cell", "batterie", "accumulat"),
}
LEV_CATEGORIES = {Category.VEHICLES, Category.BATTERIES}


def categories_for_cpv(codes) -> list[str]:
    """The product categories of these CPV codes, in the order of `Contract.Category`."""
    found: set[str] = set()
    for code in codes:
        digits = str(code)[:8].rstrip("0")
        keys = [key for key in CPV_CATEGORY_PREFIXES if digits.startswith(key)]
        if keys:
            found.update(CPV_CATEGORY_PREFIXES[max(keys, key=len)])
    return [value for value in Category.values if value in found]


def _keyword_regex(categories) -> str:
    words = sorted({word for category in categories for word in CATEGORY_KEYWORDS[category]})
    return r"\m(" + "|".join(words) + ")" if words else ""


def matching_factories(*, categories, cpv_codes=(), brands=(), countries=()):
    """The factories, across the network, making products of these categories (see the
    module's docstring), of one of these brands (Supplier rows) and in one of these
    countries (codes); an empty brands or countries argument does not narrow."""
    categories = list(categories)
    if not categories:
        return Factory.objects.none()
    # Every affiliate's supply chain: the view that crosses tenants on purpose.
    lines = SupplyChainLink.objects.all()
    cpv_values = {value for code in cpv_codes for value in (code, code[:8])}
    product_lines = lines.filter(
        Q(product_categories__overlap=categories) | Q(cpv_codes__overlap=sorted(cpv_values))
    )
    makes = Q(pk__in=product_lines.values("factory_id"))
    regex = _keyword_regex(categories)
    if regex:
        makes |= Q(products__iregex=regex) | Q(
            Exists(SupplierFactory.objects.filter(factory=OuterRef("pk"), products__iregex=regex))
        )
    if LEV_CATEGORIES.intersection(categories):
        makes |= Q(sector=Sector.LEV)
    factories = Factory.objects.active().filter(makes)
    brands = list(brands)
    if brands:
        brand_lines = Q()
        for brand in brands:
            brand_lines |= Q(brand__iexact=brand.name)
        branded = lines.filter(brand_lines).values("factory_id")
        factories = factories.filter(
            Q(
                Exists(
                    SupplierFactory.objects.filter(
                        factory=OuterRef("pk"), supplier__in=[brand.pk for brand in brands]
                    )
                )
            )
            | Q(pk__in=branded)
        )
    countries = [str(country) for country in countries]
    if countries:
        factories = factories.filter(country__in=countries)
    return factories


# --- Risks → the library's topics --------------------------------------------------------

# Code categories by their English name (the same in every edition of the seed list).
STANDARD_TOPICS: dict[str, tuple[str, ...]] = {
    "freely chosen employment": ("forced-labour",),
    "fair recruitment": ("migrant-workers-recruitment-fees", "forced-labour"),
    "child labour and young workers": ("child-labour",),
}
INDICATOR_TOPICS: dict[str, tuple[str, ...]] = {
    indicator.value: ("forced-labour",) for indicator in ForcedLabourIndicator
}
for _indicator in ("documents", "debt", "deception"):
    INDICATOR_TOPICS[_indicator] = ("forced-labour", "migrant-workers-recruitment-fees")
COUNTRY_TOPICS: dict[str, tuple[str, ...]] = {
    CountryRiskIndicator.Indicator.FORCED_LABOUR: ("forced-labour",),
    CountryRiskIndicator.Indicator.SLAVERY_PREVALENCE: ("forced-labour",),
    CountryRiskIndicator.Indicator.CHILD_LABOUR: ("child-labour",),
}
# Every screening is due diligence in procurement planning; clauses for the contract follow.
BASE_TOPICS = ("due-diligence-procurement-planning", "contract-management")
RESOURCE_STAGES = (ProcurementStage.PLANNING, ProcurementStage.TENDER)
RESOURCE_KINDS = (
    ResourceKind.CONTRACT_CLAUSE,
    ResourceKind.TENDER_LANGUAGE,
    ResourceKind.PROCUREMENT_TOOL,
    ResourceKind.GUIDANCE,
)
RESOURCE_LIMIT = 5


# --- The results -------------------------------------------------------------------------


def screening_threshold() -> int:
    return settings.EW_GRIEVANCE_COUNT_THRESHOLD


def _shown(count: int, threshold: int) -> int | None:
    """The count when it may be shown; None when it is withheld."""
    return count if count >= threshold else None


@dataclass(frozen=True)
class Criteria:
    cpv_codes: list[str]
    categories: list[str]
    brands: list  # Supplier rows
    countries: list[str]

    @classmethod
    def of(cls, screening: Screening) -> Criteria:
        codes = [cpv.code for cpv in screening.cpv_codes.all()]
        return cls(
            cpv_codes=codes,
            categories=categories_for_cpv(codes),
            brands=list(screening.brands.all()),
            countries=[country.code for country in screening.countries],
        )


def screening_results(screening: Screening) -> dict:
    """What the screening shows, as JSON-ready data holding only what may be shown (see the
    module's docstring). Reads as the screening's affiliate; a fixed number of queries."""
    from .library import recommended_resources

    threshold = screening_threshold()
    criteria = Criteria.of(screening)
    reader = Reader.for_affiliate(screening.affiliate)
    factories = matching_factories(
        categories=criteria.categories,
        cpv_codes=criteria.cpv_codes,
        brands=criteria.brands,
        countries=criteria.countries,
    )
    factory_count = factories.count()
    findings = (
        Finding.objects.published()
        .exclude(status=Finding.Status.NOT_SUBSTANTIATED)
        .filter(report__factory__in=factories.values("pk"))
    )
    totals = findings.aggregate(
        total=Count("pk"),
        **{
            f"indicator_{i.value}": Count("pk", filter=Q(ilo_indicators__contains=[i.value]))
            for i in ForcedLabourIndicator
        },
    )
    by_standard = [
        {
            "name": row["standard__name"],
            "name_fr": row["standard__name_fr"],
            "count": row["n"],
        }
        for row in findings.order_by()
        .values("standard__name", "standard__name_fr")
        .annotate(n=Count("pk"))
        if row["n"] >= threshold
    ]
    by_standard.sort(key=lambda row: (-row["count"], row["name"]))
    by_indicator = [
        {"code": i.value, "count": totals[f"indicator_{i.value}"]}
        for i in ForcedLabourIndicator
        if totals[f"indicator_{i.value}"] >= threshold
    ]
    by_indicator.sort(key=lambda row: -row["count"])
    with_open_cases = (
        RemediationCase.objects.active()
        .filter(factory__in=factories.values("pk"))
        .values("factory")
        .distinct()
        .count()
    )
    share_shown = factory_count >= threshold
    countries = _countries(criteria, factories, screening.affiliate, threshold)
    country_rows = _country_indicators(countries)
    topics = _topics(by_standard, by_indicator, country_rows)
    resources = recommended_resources(
        topics=topics, stages=RESOURCE_STAGES, kinds=RESOURCE_KINDS, limit=RESOURCE_LIMIT
    )
    return {
        "version": RESULTS_VERSION,
        "computed_at": timezone.now().isoformat(),
        "threshold": threshold,
        "cpv_codes": criteria.cpv_codes,
        "categories": criteria.categories,
        "brands": sorted(brand.name for brand in criteria.brands),
        "countries": criteria.countries,
        "factories": _shown(factory_count, threshold),
        "factories_with_open_cases": with_open_cases if share_shown else None,
        "open_case_share": round(with_open_cases / factory_count, 3) if share_shown else None,
        "findings_total": _shown(totals["total"], threshold),
        "by_standard": by_standard,
        "by_indicator": by_indicator,
        "own_factories": _own_factories(screening.affiliate, reader, factories),
        "country_indicators": country_rows,
        "topics": topics,
        "resources": [resource.pk for resource in resources],
    }


def _countries(criteria: Criteria, factories, affiliate, threshold: int) -> list[str]:
    """The chosen countries; else those of the matching factories, each only when at least
    `threshold` factories are there or one is in the affiliate's own supply chain."""
    if criteria.countries:
        return criteria.countries
    counts = factories.order_by().values("country").annotate(n=Count("pk"))
    own = set(factories.in_supply_chain_of(affiliate).order_by().values_list("country", flat=True))
    return sorted(
        str(row["country"]) for row in counts if row["n"] >= threshold or row["country"] in own
    )


def _country_indicators(countries: list[str]) -> list[dict]:
    """The latest year of each indicator of each country, with its source."""
    latest: dict[tuple[str, str], CountryRiskIndicator] = {}
    for row in CountryRiskIndicator.objects.filter(country__in=countries).order_by(
        "country", "indicator", "-year"
    ):
        latest.setdefault((str(row.country), row.indicator), row)
    order = {value: index for index, value in enumerate(CountryRiskIndicator.Indicator.values)}
    return [
        {
            "country": str(row.country),
            "indicator": row.indicator,
            "value": row.value,
            "level": row.level,
            "source": row.source,
            "source_url": row.source_url,
            "year": row.year,
        }
        for (_country, indicator), row in sorted(
            latest.items(), key=lambda item: (item[0][0], order.get(item[0][1], 99))
        )
    ]


def _own_factories(affiliate: Affiliate, reader: Reader, factories) -> list[dict]:
    """The matching factories in the affiliate's own supply chain, which it may read by name,
    with the number of published findings it can read there."""
    rows = factories.in_supply_chain_of(affiliate).order_by("name", "pk")
    own = list(rows.values("pk", "name", "country")[:OWN_FACTORIES_LIMIT])
    counts = dict(
        Finding.objects.visible_to(reader)
        .filter(report__factory__in=[row["pk"] for row in own])
        .order_by()
        .values_list("report__factory")
        .annotate(n=Count("pk"))
    )
    return [
        {
            "id": row["pk"],
            "name": row["name"],
            "country": str(row["country"]),
            "findings": counts.get(row["pk"], 0),
        }
        for row in own
    ]


def _topics(by_standard, by_indicator, country_rows) -> list[str]:
    topics: list[str] = []

    def add(slugs):
        for slug in slugs:
            if slug not in topics:
                topics.append(slug)

    for row in by_standard:
        add(STANDARD_TOPICS.get(row["name"].casefold(), ()))
    for row in by_indicator:
        add(INDICATOR_TOPICS.get(row["code"], ()))
    for row in country_rows:
        if row["level"] in {CountryRiskIndicator.Level.HIGH, CountryRiskIndicator.Level.MEDIUM}:
            add(COUNTRY_TOPICS.get(row["indicator"], ()))
    add(BASE_TOPICS)
    return topics


# --- The workflow ------------------------------------------------------------------------

# Which statuses each action starts from; an awarded screening keeps what was known then.
TRANSITIONS = {
    "edit": {Status.DRAFT, Status.SAVED},
    "save": {Status.DRAFT, Status.SAVED},
    "refresh": {Status.SAVED},
    "award": {Status.DRAFT, Status.SAVED},
}


def _require(screening: Screening, action: str) -> None:
    if screening.status not in TRANSITIONS[action]:
        messages = {
            "edit": _("A screening turned into a contract can no longer be changed."),
            "save": _("This screening was turned into a contract: its results stay as saved."),
            "refresh": _("Only a saved screening can be refreshed."),
            "award": _("This screening is linked to a contract already."),
        }
        raise DomainError(messages[action])


def _clean_criteria(*, title, cpv_codes, countries) -> tuple[str, list, list[str]]:
    title = " ".join((title or "").split())
    if not title:
        raise DomainError(_("Name the planned tender."), field="title")
    cpv_codes = list(cpv_codes or [])
    if not cpv_codes:
        raise DomainError(_("Choose at least one CPV code."), field="cpv_codes")
    return title, cpv_codes, sorted({str(country) for country in countries or []})


def screening_create(
    *,
    affiliate: Affiliate,
    by: User,
    title: str,
    cpv_codes,
    tender_reference: str = "",
    tender_date=None,
    brands=(),
    countries=(),
) -> Screening:
    """A draft screening of a planned tender; its page computes the results."""
    title, cpv_codes, countries = _clean_criteria(
        title=title, cpv_codes=cpv_codes, countries=countries
    )
    with transaction.atomic(), scope(affiliate=affiliate):
        screening = Screening.objects.create(
            affiliate=affiliate,
            title=title,
            tender_reference=(tender_reference or "").strip(),
            tender_date=tender_date,
            countries=countries,
            created_by=by,
        )
        screening.cpv_codes.set(cpv_codes)
        screening.brands.set(brands or [])
    audit_log.info("screening created: affiliate=%s screening=%s", affiliate.slug, screening.pk)
    return screening


def screening_update(
    *,
    screening: Screening,
    by: User,
    title: str,
    cpv_codes,
    tender_reference: str = "",
    tender_date=None,
    brands=(),
    countries=(),
) -> Screening:
    """New criteria: the screening is a draft again until saved (its old results stay stored
    until then, marked as computed for other criteria)."""
    title, cpv_codes, countries = _clean_criteria(
        title=title, cpv_codes=cpv_codes, countries=countries
    )
    with transaction.atomic(), scope(affiliate=screening.affiliate_id):
        screening = Screening.objects.select_for_update().get(pk=screening.pk)
        _require(screening, "edit")
        screening.title = title
        screening.tender_reference = (tender_reference or "").strip()
        screening.tender_date = tender_date
        screening.countries = countries
        screening.status = Status.DRAFT
        screening.save()
        screening.cpv_codes.set(cpv_codes)
        screening.brands.set(brands or [])
    audit_log.info("screening updated: screening=%s by=%s", screening.pk, by.pk)
    return screening


def _store_results(screening: Screening) -> None:
    screening.results = screening_results(screening)
    screening.results_at = timezone.now()


def screening_save(*, screening: Screening, by: User) -> Screening:
    """Store the results as they are now: the saved screening shows what was known then."""
    with transaction.atomic(), scope(affiliate=screening.affiliate_id):
        screening = Screening.objects.select_for_update().get(pk=screening.pk)
        _require(screening, "save")
        _store_results(screening)
        screening.status = Status.SAVED
        screening.save(update_fields=["results", "results_at", "status", "updated_at"])
    audit_log.info("screening saved: screening=%s by=%s", screening.pk, by.pk)
    return screening


def screening_refresh(*, screening: Screening, by: User) -> Screening:
    """Recompute and store the results of a saved screening with what is known today."""
    with transaction.atomic(), scope(affiliate=screening.affiliate_id):
        screening = Screening.objects.select_for_update().get(pk=screening.pk)
        _require(screening, "refresh")
        _store_results(screening)
        screening.save(update_fields=["results", "results_at", "updated_at"])
    audit_log.info("screening refreshed: screening=%s by=%s", screening.pk, by.pk)
    return screening


def screening_award(*, screening: Screening, contract: Contract, by: User) -> Screening:
    """Link the screening to the contract awarded after the tender. A draft's results are
    stored first, so the contract's compliance report summarises them."""
    if contract.affiliate_id != screening.affiliate_id:
        raise DomainError(_("Choose one of your own contracts."), field="contract")
    with transaction.atomic(), scope(affiliate=screening.affiliate_id):
        screening = Screening.objects.select_for_update().get(pk=screening.pk)
        _require(screening, "award")
        if Screening.objects.filter(contract=contract).exclude(pk=screening.pk).exists():
            raise DomainError(
                _("Contract %(reference)s is linked to another screening already.")
                % {"reference": contract.reference},
                field="contract",
            )
        if screening.status == Status.DRAFT or not screening.has_snapshot:
            _store_results(screening)
        screening.contract = contract
        screening.status = Status.AWARDED
        try:
            with transaction.atomic():
                screening.save()
        except IntegrityError:
            raise DomainError(
                _("Contract %(reference)s is linked to another screening already.")
                % {"reference": contract.reference},
                field="contract",
            ) from None
    audit_log.info(
        "screening awarded: screening=%s contract=%s by=%s", screening.pk, contract.pk, by.pk
    )
    return screening


def screening_create_contract(*, screening: Screening, by: User, **contract_fields) -> Contract:
    """Record the awarded contract (through the contract services) and link the screening to
    it, all or nothing."""
    from suppliers.contracts import contract_create

    with transaction.atomic():
        _require(screening, "award")
        contract = contract_create(affiliate=screening.affiliate, by=by, **contract_fields)
        screening_award(screening=screening, contract=contract, by=by)
    return contract


def contract_initial(screening: Screening) -> dict:
    """The contract form's initial values taken from the screening."""
    criteria = Criteria.of(screening)
    return {
        "reference": screening.tender_reference,
        "title": screening.title,
        "product_categories": criteria.categories,
        "cpv_codes": criteria.cpv_codes,
        "brands": ", ".join(sorted(brand.name for brand in criteria.brands)),
        "ew_conditions_version": Contract.ConditionsVersion.V2_1,
    }


# --- Country risk indicators (EW staff) ------------------------------------------------------

COUNTRY_RISK_FIELDS = ("country", "indicator", "value", "level", "source", "source_url", "year")


def _duplicate_indicator(fields) -> str:
    return _(
        "There is already a figure for this indicator in %(country)s for %(year)s: "
        "edit that one instead."
    ) % {"country": fields["country"], "year": fields["year"]}


def country_risk_save(
    *, by: User, figure: CountryRiskIndicator | None = None, **fields
) -> CountryRiskIndicator:
    """Create or change one figure of the country risk table (EW staff only)."""
    if not by.is_ew_staff:
        raise DomainError(_("Only Electronics Watch staff keep the country risk table."))
    unknown = set(fields) - {*COUNTRY_RISK_FIELDS, "note"}
    if unknown:
        raise TypeError(f"Unknown country risk fields: {', '.join(sorted(unknown))}")
    figure = figure or CountryRiskIndicator()
    for name, value in fields.items():
        setattr(figure, name, value.strip() if isinstance(value, str) else value)
    if not figure.source:
        raise DomainError(_("Name the source of the figure."), field="source")
    duplicate = CountryRiskIndicator.objects.filter(
        country=figure.country, indicator=figure.indicator, year=figure.year
    ).exclude(pk=figure.pk)
    if duplicate.exists():
        raise DomainError(
            _duplicate_indicator({"country": figure.country.name, "year": figure.year}),
            field="year",
        )
    figure.updated_by = by
    try:
        with transaction.atomic():
            figure.save()
    except IntegrityError:
        raise DomainError(
            _duplicate_indicator({"country": figure.country.name, "year": figure.year}),
            field="year",
        ) from None
    audit_log.info("country risk indicator saved: indicator=%s by=%s", figure.pk, by.pk)
    return figure


def country_risk_delete(*, figure: CountryRiskIndicator, by: User) -> None:
    if not by.is_ew_staff:
        raise DomainError(_("Only Electronics Watch staff keep the country risk table."))
    audit_log.info("country risk indicator deleted: indicator=%s by=%s", figure.pk, by.pk)
    figure.delete()


# --- For the compliance report ---------------------------------------------------------------


def screenings_of_contracts(contracts) -> dict[int, Screening]:
    """The screening linked to each of these contracts (read in the affiliate's scope)."""
    rows = Screening.objects.filter(contract__in=contracts).prefetch_related("cpv_codes")
    found: dict[int, Screening] = {}
    for screening in rows:
        found[screening.contract_id] = screening
    return found
