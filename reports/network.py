"""A whole network's data for `seed_demo --scale N`, in bulk (`core.bulk.copy_rows`).

For N generated affiliates it makes N/300 of a network the size issue 18 measured: 50,000
contracts with their checklists and disclosures, 20,000 suppliers, 100,000 factories in the real
producing countries, 243,000 disclosure lines, 100,000 monitoring reports with 498,000 findings
(sub-standards, companies' replies), 50,000 remediation cases with 276,000 actions, their
findings, companies, participations, updates, engagements and RBA referrals, 20,000 grievances
(with receipt codes), migrant cohorts with fees and compensation, exchange rates, dialogues,
events with registrations, screenings, and a guidance library of 400 resources in six
languages (versions, topics, stages) with the affiliates' bookmarks and daily uses (at least
60 however small the network). Skewed as a real network is: contracts are shared among the
affiliates by a Zipf law (a few large buyers, many small ones) and lines among the
factories by another (popular final-assembly sites are in hundreds of supply chains, the long
tail in one or two).

Rows are tuples, values plain Python, each table one COPY; what is the same for many rows (a
site's name key, a line's normalised brand and model, an encrypted made-up text) is computed
once. Deterministic for a seed. It runs once: when the generated affiliates already have
contracts it says so and makes nothing. The database checks the constraints and the audit
trail records the inserts once per statement.
"""

from __future__ import annotations

import hashlib
import random
import time
from bisect import bisect
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from itertools import accumulate

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from affiliates.models import Affiliate, Membership, User
from core import rls
from core.bulk import copy_rows, foreign_keys_checked_once
from core.models import ExchangeRate
from engagement.models import Dialogue, RbaReferral
from grievances.models import Grievance
from grievances.receipts import ALPHABET as RECEIPT_ALPHABET
from learning.demo import library_network as library_words
from learning.models import (
    Bookmark,
    Event,
    ProcurementStage,
    Registration,
    Resource,
    ResourceKind,
    ResourceUse,
    ResourceVersion,
    Screening,
    Topic,
)
from monitoring.models import (
    ChildLabourCategory,
    CodeStandard,
    CodeSubStandard,
    CohortFee,
    CostItem,
    Finding,
    FindingReply,
    ForcedLabourIndicator,
    MigrantCohort,
    MonitoringPartner,
    MonitoringReport,
    RightOfReply,
    Severity,
    TraffickingAct,
    TraffickingMeans,
    TraffickingPurpose,
)
from remediation.models import (
    ActionStatus,
    CaseStatus,
    CaseUpdate,
    Compensation,
    Engagement,
    Participation,
    RemediationAction,
    RemediationCase,
    ResponsibleCompany,
)
from suppliers.import_rows import line_key
from suppliers.matching import normalise_address, normalise_label, normalise_name
from suppliers.models import (
    ChecklistItem,
    Contract,
    Disclosure,
    DisclosureLine,
    Factory,
    FactoryFunction,
    Supplier,
)
from suppliers.querysets import SUPPLY_CHAIN_STATUSES

from . import network_data as data

# The network issue 18 measured, for 300 generated affiliates; N affiliates make N/300 of it.
PER_300 = {
    "suppliers": 20_000,
    "factories": 100_000,
    "contracts": 50_000,
    "disclosure lines": 243_000,
    "monitoring reports": 100_000,
    "findings": 498_000,
    "remediation cases": 50_000,
    "remediation actions": 276_000,
    "grievances": 20_000,
    "library resources": 400,
}
DEFAULT_SEED = 2026
SEVERITY_WEIGHTS = {Severity.LOW: 25, Severity.MEDIUM: 40, Severity.HIGH: 27, Severity.CRITICAL: 8}
TRIAGE_STATES = [
    MonitoringReport.Status.DRAFT,
    MonitoringReport.Status.SUBMITTED,
    MonitoringReport.Status.IN_TRIAGE,
    MonitoringReport.Status.NEEDS_INFORMATION,
    MonitoringReport.Status.VALIDATED,
    MonitoringReport.Status.REJECTED,
]
CASE_STATUSES = [
    CaseStatus.PLAN_AGREED,
    CaseStatus.IN_PROGRESS,
    CaseStatus.IN_PROGRESS,
    CaseStatus.ESCALATED,
    CaseStatus.REMEDIATED,
    CaseStatus.CLOSED,
]
ACTION_STATUSES = [ActionStatus.PLANNED] * 2 + [
    ActionStatus.VERIFIED,
    ActionStatus.DONE_CLAIMED,
    ActionStatus.REJECTED,
]
ORIGINS = ["NP", "BD", "MM", "KH", "ID", "PH", "VN", "IN", "LK"]
GRIEVANCE_TEXTS = [
    "We work every Sunday in the peak season and the overtime is not voluntary.",
    "The agency kept my passport and says I must pay to get it back.",
    "My wages were paid late for three months and the slip does not explain deductions.",
    "The supervisor shouts at us and threatens to dismiss anyone who complains.",
    "The dormitory doors are locked at night and there is no fire exit.",
]
# Enumerations read once: `Choices.values` builds a new list on every access.
CHECKLIST_OUTCOMES = list(ChecklistItem.Outcome.values)
CHECKLIST_STATUSES = list(ChecklistItem.Status.values)
EVIDENCED = {ChecklistItem.Status.ACHIEVED, ChecklistItem.Status.FORMAL_REQUEST}
CHILD_LABOUR = list(ChildLabourCategory.values)
INDICATORS = list(ForcedLabourIndicator.values)
METHODS = list(MonitoringReport.Method.values)
SEVERITIES = list(Severity.values)
COST_ITEMS = list(CostItem.values)
COMPENSATION_KINDS = list(Compensation.Kind.values)
ENGAGEMENT_KINDS = list(Engagement.Kind.values)
ENGAGEMENT_LEVELS = list(Engagement.Level.values)
PUBLISHED = MonitoringReport.Status.PUBLISHED
# A generated grievance's receipt opens with this secret after its lookup id (demo data only).
DEMO_RECEIPT_SECRET = "EW00" * 4
# Every table the generator writes, in the order it writes them.
TABLES = [
    Supplier,
    Factory,
    Contract,
    ChecklistItem,
    Disclosure,
    DisclosureLine,
    MonitoringReport,
    Finding,
    RightOfReply,
    FindingReply,
    MigrantCohort,
    MigrantCohort.findings.through,
    CohortFee,
    RemediationCase,
    Participation,
    RemediationCase.findings.through,
    ResponsibleCompany,
    CaseUpdate,
    RemediationAction,
    Compensation,
    Engagement,
    RbaReferral,
    Dialogue,
    Grievance,
    ExchangeRate,
    Event,
    Registration,
    Screening,
    Resource,
    Resource.topics.through,
    ResourceVersion,
    Bookmark,
    ResourceUse,
]
# The library (`Network.library`): the share of each kind, how often a resource is translated
# into each other language, and the fewest resources a small network's library has.
LIBRARY_KINDS = {
    ResourceKind.GUIDANCE: 30,
    ResourceKind.PROCUREMENT_TOOL: 15,
    ResourceKind.CONTRACT_CLAUSE: 12,
    ResourceKind.TENDER_LANGUAGE: 10,
    ResourceKind.CASE_STUDY: 13,
    ResourceKind.WEBINAR_RECORDING: 10,
    ResourceKind.RESEARCH: 10,
}
LIBRARY_TRANSLATED = {"fr": 0.7, "de": 0.25, "es": 0.25, "nl": 0.2, "sv": 0.1, "en": 0.5}
LIBRARY_MIN = 60
CURRENCIES = {"USD": 1.08, "GBP": 0.85, "SEK": 11.4, "DKK": 7.46, "NOK": 11.6, "CHF": 0.95}


def generated_affiliates():
    return Affiliate.objects.filter(slug__startswith="gen-").order_by("slug")


def seed(*, seed: int = DEFAULT_SEED, stdout=None) -> Counter:
    """Generate the network for the affiliates `gen-…` (already made, with their members).

    Outside a transaction (the command's own run) it connects as the owner of the tables,
    whom row-level security does not bind: COPY goes straight into each table, and the
    foreign keys are checked once at the end (`foreign_keys_checked_once`). Inside one (a
    test's) it writes as the application and the keys are checked row by row at commit."""
    if connection.in_atomic_block:
        with scopes_disabled():
            return _seed(seed, stdout, owner=False)
    with rls.as_owner(), transaction.atomic(), scopes_disabled():
        return _seed(seed, stdout, owner=True)


def _seed(seed: int, stdout, *, owner: bool) -> Counter:
    write = stdout.write if stdout else print
    affiliates = list(generated_affiliates().values_list("pk", "slug"))
    if not affiliates:
        return Counter()
    if Contract.objects.filter(affiliate__slug__startswith="gen-").exists():
        write("The generated affiliates already have their network: nothing generated.")
        return Counter()
    started = time.perf_counter()
    network = Network(affiliates, seed)
    if owner:
        with foreign_keys_checked_once(TABLES):
            counts = network.make()
    else:
        counts = network.make()
    # The stored aggregates (reports, cases, the supply-chain table and factories' leverage)
    # were kept by their statement triggers during the COPY; `verify_aggregates` checks them.
    # A full refresh here would plan badly on tables filled in this transaction, without
    # statistics, so the owner gathers them instead, for whatever reads the network next.
    if owner:
        gather_statistics()
    counts = Counter({"affiliates": Affiliate.objects.count(), **counts})
    write(
        "Generated: "
        + ", ".join(f"{n:,} {what}" for what, n in counts.items())
        + f" in {time.perf_counter() - started:.0f} s."
    )
    return counts


def gather_statistics() -> None:
    """ANALYZE the tables the generator fills (and the supply-chain table its triggers keep):
    the planner then knows their sizes and values. Their owner may; inside a transaction (a
    test's) the rows it wrote so far are counted, so a role granted MAINTAIN may as well."""
    with connection.cursor() as cursor:
        for table in [model._meta.db_table for model in TABLES] + ["suppliers_supply_chain"]:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


def _zipf_weights(count: int, exponent: float, offset: float = 1.0) -> list[float]:
    return [1 / (rank + offset) ** exponent for rank in range(count)]


def _at(day) -> datetime:
    return datetime.combine(day, datetime.min.time(), UTC)


class Network:
    def __init__(self, affiliates: list[tuple[int, str]], seed: int):
        self.rng = random.Random(seed)
        self.affiliates = affiliates
        share = len(affiliates) / 300
        self.volume = {what: max(1, round(n * share)) for what, n in PER_300.items()}
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.counts: Counter = Counter()
        self.staff = User.objects.filter(is_ew_staff=True).order_by("pk").first().pk
        self.author = (
            User.objects.filter(partner_membership__isnull=False).order_by("pk").first().pk
        )
        self.partners = list(MonitoringPartner.objects.order_by("pk").values_list("pk", flat=True))
        self.standards = list(
            CodeStandard.objects.current().order_by("pk").values_list("pk", flat=True)
        )
        subs = defaultdict(list)
        for pk, standard in CodeSubStandard.objects.filter(standard__in=self.standards).values_list(
            "pk", "standard"
        ):
            subs[standard].append(pk)
        self.sub_standards = {s: subs.get(s, []) for s in self.standards}
        # Each generated affiliate's members: (admin, officer) user ids.
        self.members: dict[int, dict[str, int]] = defaultdict(dict)
        for affiliate, user, role in (
            Membership.objects.filter(affiliate__slug__startswith="gen-")
            .order_by("affiliate", "pk")
            .values_list("affiliate", "user", "role")
        ):
            self.members[affiliate][role] = user

    def make(self) -> Counter:
        self.suppliers()
        self.factories()
        self.contracts()
        self.disclosures()
        self.lines()
        self.reports()
        self.findings()
        self.replies()
        self.cohorts()
        self.cases()
        self.engagement()
        self.grievances()
        self.exchange_rates()
        self.learning()
        return self.counts

    def _copy(self, what: str, model, columns: list[str], rows: list[tuple]) -> list[int]:
        ids = copy_rows(model, rows, columns=columns, fresh_ciphertexts=False)
        self.counts[what] += len(ids)
        return ids

    def _days_ago(self, days_from: int, days_to: int):
        return self.today - timedelta(days=self.rng.randint(days_to, days_from))

    # --- Companies and sites -------------------------------------------------------------

    def suppliers(self):
        rng, total = self.rng, self.volume["suppliers"]
        contractors = max(1, total * 2 // 5)
        rows = []
        for n in range(total):
            if n < contractors:
                name = (
                    f"{rng.choice(data.RESELLER_WORDS)}{rng.choice(data.SYLLABLES)} "
                    f"{rng.choice(data.RESELLER_TAILS)} {rng.choice(data.RESELLER_FORMS)}"
                )
                rows.append((name, True, False, False))
            else:
                name = (
                    f"{rng.choice(data.BRAND_WORDS)}{rng.choice(data.SYLLABLES)} "
                    f"{rng.choice(data.BRAND_TAILS)}"
                )
                rows.append((name, False, True, n % 3 == 0))
        columns = ["name", "is_contractor", "is_brand", "is_manufacturer"]
        ids = self._copy("suppliers", Supplier, columns, rows)
        self.contractors = ids[:contractors]
        self.brands = ids[contractors:] or ids
        self.contractor_weights = list(accumulate(_zipf_weights(contractors, 1.1)))
        self.brand_weights = list(accumulate(_zipf_weights(len(self.brands), 1.0)))

    def _popular_brand(self) -> int:
        return self.brands[bisect(self.brand_weights, self.rng.random() * self.brand_weights[-1])]

    def factories(self):
        rng, total = self.rng, self.volume["factories"]
        codes = list(data.COUNTRIES)
        weights = list(accumulate(data.COUNTRIES[c][0] for c in codes))
        used: set[str] = set()
        streets: dict[tuple, str | None] = {}  # a street's shape → its normalised tail
        rows, self.sites = [], []
        for n in range(total):
            code = codes[bisect(weights, rng.random() * weights[-1])]
            city, lat, lon, districts = rng.choice(data.CITIES[code])
            while True:
                syllables = rng.choice((2, 2, 2, 3))
                core = "".join(rng.choice(data.SYLLABLES) for _ in range(syllables)).title()
                trade = rng.choice(data.TRADES)
                name = data.NAME_SHAPES[code].format(city=city, core=core, trade=trade)
                if name not in used:
                    used.add(name)
                    break
            road, district, number = (
                rng.choice(data.ROADS),
                rng.choice(districts),
                rng.randint(1, 999),
            )
            address = f"No. {number} {road}, {district}, {city}"
            address_key = self._address_key(streets, number, road, district, city, address)
            # The most popular sites (the first ones) assemble; most of the rest make parts.
            if n < total // 50 or rng.random() < 0.15:
                function = FactoryFunction.FINAL_ASSEMBLY
            else:
                function = rng.choice(
                    (FactoryFunction.COMPONENT,) * 9 + (FactoryFunction.RAW_MATERIAL,)
                )
            name_key = normalise_name(name)
            rows.append(
                (
                    name,
                    address,
                    code,
                    city,
                    Decimal(f"{lat + rng.gauss(0, 0.06):.6f}"),
                    Decimal(f"{lon + rng.gauss(0, 0.06):.6f}"),
                    function,
                    int(rng.paretovariate(1.2) * 150),
                    Decimal(rng.choice((0, 0, 0, 5, 12, 30, 60))),
                    name_key,
                    address_key,
                )
            )
            self.sites.append((name, address, code, function, name_key))
        columns = [
            "name",
            "address",
            "country",
            "region",
            "latitude",
            "longitude",
            "function",
            "workforce_size",
            "migrant_share",
            "name_key",
            "address_key",
        ]
        self.factory_ids = self._copy("factories", Factory, columns, rows)
        # Popularity: a Zipf law over the sites in the order made.
        self.factory_weights = list(accumulate(_zipf_weights(total, 1.0, offset=3)))

    @staticmethod
    def _address_key(streets, number, road, district, city, address) -> str:
        """`normalise_address(address)`, computed once per street and district: the street
        number is the key's first word whenever the first address of that shape shows so."""
        shape = (road, district, city)
        if shape not in streets:
            probe = normalise_address(f"No. 7 {road}, {district}, {city}")
            streets[shape] = probe[2:] if probe.startswith("7 ") else None
        tail = streets[shape]
        if tail is None or number == 7:
            return normalise_address(address)
        return f"{number} {tail}" if tail else str(number)

    def _popular_factory(self) -> int:
        """The position of a site, drawn by popularity."""
        weights = self.factory_weights
        return bisect(weights, self.rng.random() * weights[-1])

    # --- Contracts, checklists, disclosures and lines -------------------------------------

    def contracts(self):
        rng, total = self.rng, self.volume["contracts"]
        weights = _zipf_weights(len(self.affiliates), 1.0)
        scale = total / sum(weights)
        brand_names = list(data.BRANDS)
        rows = []
        for (affiliate_id, slug), weight in zip(self.affiliates, weights, strict=True):
            for n in range(max(1, round(weight * scale))):
                awarded = self._days_ago(6 * 365, 20)
                begins = awarded + timedelta(days=14)
                contractor = self.contractors[
                    bisect(self.contractor_weights, rng.random() * self.contractor_weights[-1])
                ]
                value = Decimal(int(rng.lognormvariate(12.5, 1.2)) // 100 * 100 + 1000)
                rows.append(
                    (
                        affiliate_id,
                        f"{slug.upper()}-ICT-{awarded.year}-{n + 1:05d}",
                        rng.choice(data.CONTRACT_TITLES),
                        contractor,
                        ["computers", "monitors"][: rng.randint(1, 2)],
                        ["30213100"],
                        ", ".join(rng.sample(brand_names, 2)),
                        value,
                        value,
                        awarded,
                        begins,
                        begins + timedelta(days=365 * rng.randint(2, 4)),
                        "" if rng.random() < 0.1 else "v2.1",
                        awarded + timedelta(days=30),
                        f"ocds-b5fd17-{slug}-{n}" if n % 2 else "",
                    )
                )
        columns = [
            "affiliate",
            "reference",
            "title",
            "contractor",
            "product_categories",
            "cpv_codes",
            "brands",
            "value",
            "value_eur",
            "awarded_on",
            "start_date",
            "end_date",
            "ew_conditions_version",
            "disclosure_due_date",
            "ocid",
        ]
        ids = self._copy("contracts", Contract, columns, rows)
        # (id, affiliate, awarded on, disclosure due) of each contract.
        self.contracts_made = [(pk, r[0], r[9], r[13]) for pk, r in zip(ids, rows, strict=True)]
        self.contracts_of = defaultdict(list)
        for pk, affiliate, _awarded, _due in self.contracts_made:
            self.contracts_of[affiliate].append(pk)
        checklist = []
        for (pk, affiliate, _awarded, due), row in zip(self.contracts_made, rows, strict=True):
            if not row[12]:
                continue
            for outcome in CHECKLIST_OUTCOMES:
                status = rng.choice(CHECKLIST_STATUSES)
                evidence = rng.choice(data.EVIDENCE)
                if status in EVIDENCED:
                    evidence = evidence or data.EVIDENCE[0]
                checklist.append((affiliate, pk, outcome, status, due, evidence))
        columns = ["affiliate", "contract", "outcome", "status", "due_date", "evidence"]
        self._copy("checklist items", ChecklistItem, columns, checklist)

    def disclosures(self):
        rng, rows = self.rng, []
        accepted_at, submitted_at = self.now - timedelta(days=30), self.now - timedelta(days=40)
        for pk, affiliate, awarded, due in self.contracts_made:
            roll = rng.random()
            status = (
                "accepted"
                if roll < 0.8
                else "submitted"
                if roll < 0.87
                else "returned"
                if roll < 0.9
                else "requested"
            )
            if status == "requested" and roll < 0.95:  # half of them not yet due
                due = self.today + timedelta(days=rng.randint(1, 60))
            waiting = status == "requested"
            decided = status in {"accepted", "returned"}
            rows.append(
                (
                    affiliate,
                    pk,
                    status,
                    due,
                    _at(awarded),
                    None if waiting else submitted_at,
                    not waiting,
                    accepted_at if decided else None,
                    self.staff if decided else None,
                )
            )
        columns = [
            "affiliate",
            "contract",
            "status",
            "due_date",
            "requested_at",
            "submitted_at",
            "submitted_by_contractor",
            "decided_at",
            "decided_by",
        ]
        ids = self._copy("disclosures", Disclosure, columns, rows)
        self.disclosures_made = [
            (pk, row[0], row[2]) for pk, row in zip(ids, rows, strict=True)
        ]  # (id, affiliate, status)

    def lines(self):
        rng, total = self.rng, self.volume["disclosure lines"]
        listing = [d for d in self.disclosures_made if d[2] != "requested"]
        brands = list(data.BRANDS)
        labels = {brand: normalise_label(brand) for brand in brands}
        models: dict[str, str] = {}  # a product model → its label
        rows, keys = [], set()
        self.chains: dict[int, set[int]] = defaultdict(set)  # factory → affiliates
        while len(rows) < total:
            disclosure, affiliate, status = rng.choice(listing)
            position = self._popular_factory()
            factory, (name, address, country, function, name_key) = (
                self.factory_ids[position],
                self.sites[position],
            )
            brand = rng.choice(brands)
            model = rng.choice(data.BRANDS[brand]).format(n=rng.randint(1, 9))
            if model not in models:
                models[model] = normalise_label(model)
            parts = "\x1f".join((country, name_key, labels[brand], models[model]))
            key = hashlib.sha256(parts.encode()).hexdigest()
            if (disclosure, key) in keys:
                continue
            keys.add((disclosure, key))
            if status in SUPPLY_CHAIN_STATUSES:
                self.chains[factory].add(affiliate)
            tier = 1 if function == FactoryFunction.FINAL_ASSEMBLY else 2
            rows.append(
                (affiliate, disclosure, factory, name, address, country, brand, model, tier, key)
            )
        columns = [
            "affiliate",
            "disclosure",
            "factory",
            "site_name",
            "address",
            "country",
            "brand",
            "product_model",
            "tier",
            "line_key",
        ]
        first = rows[0] if rows else None
        if first and first[9] != line_key(first[5], first[3], first[6], first[7]):
            raise RuntimeError("The generated lines' keys are not the import's.")
        self._copy("disclosure lines", DisclosureLine, columns, rows)

    # --- Monitoring ------------------------------------------------------------------------

    def reports(self):
        rng, rows = self.rng, []
        self.report_factory = []
        summary = "Worker-driven monitoring found breaches of the Code."
        for _ in range(self.volume["monitoring reports"]):
            factory = self.factory_ids[
                self._popular_factory()
                if rng.random() < 0.7
                else rng.randrange(len(self.factory_ids))
            ]
            published = rng.random() < 0.9
            ends = self._days_ago(5 * 365, 30)
            at = _at(ends + timedelta(days=60))
            status = PUBLISHED if published else rng.choice(TRIAGE_STATES)
            rows.append(
                (
                    rng.choice(self.partners),
                    factory,
                    ends - timedelta(days=rng.randint(30, 120)),
                    ends,
                    rng.sample(METHODS, rng.randint(1, 3)),
                    rng.randint(3, 60),
                    rng.randint(3, 60),
                    rng.randint(0, 30),
                    status,
                    self.author,
                    None if status == "draft" else at,
                    at if published or status in {"validated", "rejected"} else None,
                    self.staff if published else None,
                    at if published else None,
                    self.staff if published else None,
                    summary if published else "",
                    "Outside the Code's scope." if status == "rejected" else "",
                )
            )
            self.report_factory.append(factory)
        columns = [
            "partner",
            "factory",
            "period_start",
            "period_end",
            "methods",
            "interviewed_women",
            "interviewed_men",
            "interviewed_migrant",
            "status",
            "created_by",
            "submitted_at",
            "decided_at",
            "decided_by",
            "published_at",
            "published_by",
            "published_summary",
            "rejection_reason",
        ]
        ids = self._copy("monitoring reports", MonitoringReport, columns, rows)
        # (id, factory, published at) of each report.
        self.reports_made = [(pk, r[1], r[13]) for pk, r in zip(ids, rows, strict=True)]

    def findings(self):
        rng, total = self.rng, self.volume["findings"]
        per_report = total / len(self.reports_made)
        severity_weights = list(accumulate(SEVERITY_WEIGHTS.values()))
        severities = list(SEVERITY_WEIGHTS)
        texts = data.PUBLISHED_TEXTS
        indicator_counts = (0, 0, 0, 1, 2, 3)
        rows = []
        self.forced_labour = defaultdict(list)  # report → its findings' positions
        self.findings_of: dict[int, list[int]] = {}  # report → positions of shown findings
        for report, _factory, published_at in self.reports_made:
            published = published_at is not None
            status = Finding.Status.SUBSTANTIATED if published else Finding.Status.ALLEGED
            shown_here = []
            for _ in range(max(1, round(rng.uniform(0.2, 1.8) * per_report))):
                roll = rng.random()
                child = [rng.choice(CHILD_LABOUR)] if roll < 0.02 else []
                trafficking = 0.02 <= roll < 0.03
                indicators = rng.sample(INDICATORS, rng.choice(indicator_counts))
                shown = published and rng.random() < 0.93
                if indicators:
                    self.forced_labour[report].append(len(rows))
                if shown:
                    shown_here.append(len(rows))
                standard = rng.choice(self.standards)
                subs = self.sub_standards[standard]
                rows.append(
                    (
                        report,
                        standard,
                        rng.choice(subs) if subs and roll < 0.6 else None,
                        indicators,
                        child,
                        rng.randint(12, 17) if child else None,
                        [TraffickingAct.RECRUITMENT] if trafficking else [],
                        [TraffickingMeans.DECEPTION] if trafficking else [],
                        [TraffickingPurpose.FORCED_LABOUR] if trafficking else [],
                        Severity.CRITICAL
                        if child or trafficking
                        else severities[bisect(severity_weights, rng.random() * 100)],
                        bool(child or trafficking),
                        rng.randint(3, 800),
                        rng.choice(texts),
                        status,
                        rng.choice(texts) if shown else "",
                        published_at if shown else None,
                    )
                )
            self.findings_of[report] = shown_here
        columns = [
            "report",
            "standard",
            "sub_standard",
            "ilo_indicators",
            "child_labour",
            "youngest_age_observed",
            "trafficking_acts",
            "trafficking_means",
            "trafficking_purposes",
            "severity",
            "fast_track",
            "workers_affected",
            "confidential_text",
            "status",
            "published_text",
            "published_at",
        ]
        self.finding_ids = self._copy("findings", Finding, columns, rows)

    def replies(self):
        """Right of reply: a brand asked about a fifth of the published reports, most
        findings answered."""
        rng, rights, shared = self.rng, [], []
        for report, _factory, published_at in self.reports_made:
            if published_at is None or rng.random() >= 0.2 or not self.findings_of[report]:
                continue
            rights.append(
                (
                    report,
                    self._popular_brand(),
                    published_at.date() + timedelta(days=30),
                    published_at - timedelta(days=20),
                    self.staff,
                )
            )
            shared.append(report)
        columns = ["report", "company", "due_date", "shared_at", "shared_by"]
        ids = self._copy("rights of reply", RightOfReply, columns, rights)
        replies = []
        for right, report, row in zip(ids, shared, rights, strict=True):
            for position in self.findings_of[report]:
                answered = rng.random() < 0.7
                replies.append(
                    (
                        right,
                        self.finding_ids[position],
                        "What the monitors found, as shared with the company.",
                        "The supplier has started an investigation and will report back."
                        if answered
                        else "",
                        row[3] + timedelta(days=10) if answered else None,
                    )
                )
        columns = ["right_of_reply", "finding", "text_for_company", "answer", "answered_at"]
        self._copy("finding replies", FindingReply, columns, replies)

    def cohorts(self):
        """Migrant cohorts (and what they paid) behind some forced-labour findings."""
        rng, cohorts, links, fees = self.rng, [], [], []
        report_factory = {pk: factory for pk, factory, _at in self.reports_made}
        country_of = dict(zip(self.factory_ids, (s[2] for s in self.sites), strict=True))
        chosen = [r for r in self.forced_labour if rng.random() < 0.15]
        for report in chosen:
            cohorts.append(
                (
                    report,
                    rng.choice(ORIGINS),
                    country_of[report_factory[report]],
                    rng.randint(0, 80),
                    rng.randint(5, 120),
                    Decimal(rng.randrange(300, 4000, 50)),
                    "USD",
                    rng.randint(2, 18),
                )
            )
        columns = [
            "report",
            "origin_country",
            "destination_country",
            "workers_women",
            "workers_men",
            "debt_per_worker",
            "debt_currency",
            "months_to_repay",
        ]
        ids = self._copy("migrant cohorts", MigrantCohort, columns, cohorts)
        for report, cohort in zip(chosen, ids, strict=True):
            for position in self.forced_labour[report]:
                links.append((cohort, self.finding_ids[position]))
            for item in rng.sample(COST_ITEMS, rng.randint(1, 3)):
                amount = Decimal(rng.randrange(50, 1500, 10))
                paid_on = self.today - timedelta(days=rng.randint(200, 2000))
                fees.append(
                    (
                        cohort,
                        CohortFee.Step.ORIGIN_RECRUITMENT,
                        item,
                        amount,
                        "EUR",
                        paid_on,
                        amount,
                    )
                )
        through = MigrantCohort.findings.through
        self._copy("cohort findings", through, ["migrantcohort", "finding"], links)
        columns = ["cohort", "step", "cost_item", "amount", "currency", "paid_on", "amount_eur"]
        self._copy("cohort fees", CohortFee, columns, fees)

    # --- Remediation and grievances --------------------------------------------------------

    def cases(self):
        rng, rows = self.rng, []
        watched = [(pk, factory) for pk, factory, at in self.reports_made if at is not None]
        summary = "Workers' rights were breached; the plan sets out what is owed."
        case_reports = []
        for n in range(self.volume["remediation cases"]):
            status = rng.choice(CASE_STATUSES)
            opened = self._days_ago(4 * 365, 10)
            report, factory = rng.choice(watched)
            case_reports.append(report)
            rows.append(
                (
                    factory,
                    rng.choice(data.CASE_TITLES),
                    summary,
                    rng.choice(SEVERITIES),
                    n % 11 == 0,
                    rng.choice(self.partners),
                    self.staff,
                    status,
                    opened,
                    self.staff,
                    opened + timedelta(days=300) if status == "closed" else None,
                )
            )
        columns = [
            "factory",
            "title",
            "summary",
            "severity",
            "fast_track",
            "lead_partner",
            "staff_lead",
            "status",
            "opened_on",
            "opened_by",
            "closed_on",
        ]
        ids = self._copy("remediation cases", RemediationCase, columns, rows)
        # (id, factory, opened on, status) of each case.
        self.cases_made = [(pk, r[0], r[8], r[7]) for pk, r in zip(ids, rows, strict=True)]
        participations, actions, compensations = [], [], []
        findings, companies, updates = [], [], []
        self.joined = []  # (case, affiliate, joined on)
        per_case = self.volume["remediation actions"] / len(ids)
        for (case, factory, opened, _status), report in zip(
            self.cases_made, case_reports, strict=True
        ):
            buyers = sorted(self.chains.get(factory, ()))
            for affiliate in rng.sample(buyers, min(len(buyers), rng.randint(1, 6))):
                joins = rng.random() < 0.7
                joined_on = opened + timedelta(days=10) if joins else None
                participations.append((case, affiliate, opened, joined_on))
                if joins:
                    self.joined.append((case, affiliate, joined_on))
            shown = self.findings_of[report]
            for position in rng.sample(shown, min(len(shown), rng.randint(1, 3))):
                findings.append((case, self.finding_ids[position]))
            companies.append((case, self._popular_brand(), "brand"))
            updates.append(
                (
                    case,
                    "affiliates",
                    "The plan was agreed with the brand; first actions due.",
                    self.staff,
                )
            )
            for _ in range(max(1, round(rng.uniform(0.3, 1.7) * per_case))):
                due = self.today + timedelta(days=rng.randint(-500, 200))
                status = rng.choice(ACTION_STATUSES)
                verified = status == ActionStatus.VERIFIED
                actions.append(
                    (
                        case,
                        rng.choice(data.ACTIONS),
                        rng.choice(data.OWNERS),
                        due,
                        status,
                        due if status != ActionStatus.PLANNED else None,
                        due if verified else None,
                        "partner" if verified else "",
                        "No evidence." if status == ActionStatus.REJECTED else "",
                    )
                )
            if rng.random() < 0.12:
                owed = Decimal(rng.randrange(2_000, 400_000, 100))
                compensations.append(
                    (
                        case,
                        rng.choice(COMPENSATION_KINDS),
                        "Recruitment fees and unpaid overtime owed to workers",
                        "EUR",
                        owed,
                        owed * Decimal(rng.choice((0, 0, 25, 50, 100))) / 100,
                        rng.randint(10, 900),
                    )
                )
        columns = ["case", "affiliate", "invited_on", "joined_on"]
        self._copy("participations", Participation, columns, participations)
        through = RemediationCase.findings.through
        self._copy("case findings", through, ["remediationcase", "finding"], findings)
        columns = ["case", "supplier", "role"]
        self._copy("responsible companies", ResponsibleCompany, columns, companies)
        columns = ["case", "audience", "text", "author"]
        self._copy("case updates", CaseUpdate, columns, updates)
        columns = [
            "case",
            "description",
            "owner_name",
            "due_date",
            "status",
            "claimed_on",
            "verified_on",
            "verified_by",
            "rejection_reason",
        ]
        self._copy("remediation actions", RemediationAction, columns, actions)
        columns = [
            "case",
            "kind",
            "description",
            "currency",
            "amount_owed",
            "amount_paid",
            "workers_covered",
        ]
        self._copy("compensation", Compensation, columns, compensations)

    def engagement(self):
        """Affiliates' engagement with their contractors on the cases they joined, RBA
        referrals of escalated cases and dialogues with companies."""
        rng, engagements = self.rng, []
        for case, affiliate, joined_on in self.joined:
            contracts = self.contracts_of.get(affiliate)
            author = self.members[affiliate].get("admin") or self.staff
            for _ in range(rng.choice((0, 0, 1, 1, 2, 3))):
                engagements.append(
                    (
                        affiliate,
                        case,
                        rng.choice(contracts) if contracts and rng.random() < 0.6 else None,
                        rng.choice(ENGAGEMENT_KINDS),
                        rng.choice(ENGAGEMENT_LEVELS),
                        min(self.today, joined_on + timedelta(days=rng.randint(5, 200))),
                        rng.choice(data.ENGAGEMENTS),
                        author,
                    )
                )
        columns = [
            "affiliate",
            "case",
            "contract",
            "kind",
            "level",
            "happened_on",
            "summary",
            "created_by",
        ]
        self._copy("engagements", Engagement, columns, engagements)
        referrals, dialogues = [], []
        for case, _factory, opened, status in self.cases_made:
            if status == CaseStatus.ESCALATED and rng.random() < 0.5:
                referred = opened + timedelta(days=rng.randint(30, 200))
                answered = rng.random() < 0.5
                referrals.append(
                    (
                        case,
                        referred,
                        self.staff,
                        "The case, the findings and the overdue actions, for the RBA.",
                        referred + timedelta(days=30),
                        "The member will investigate." if answered else "",
                        referred + timedelta(days=20) if answered else None,
                        "responded" if answered else "open",
                    )
                )
            elif rng.random() < 0.02:
                dialogues.append(("Dialogue on the remediation plan", case, self.staff))
        columns = [
            "case",
            "referred_on",
            "referred_by",
            "shared_text",
            "response_due",
            "response",
            "responded_on",
            "status",
        ]
        self._copy("RBA referrals", RbaReferral, columns, referrals)
        self._copy("dialogues", Dialogue, ["title", "case", "created_by"], dialogues)

    def grievances(self):
        rng, rows = self.rng, []
        lookups: set[str] = set(
            Grievance.objects.exclude(receipt_lookup=None).values_list("receipt_lookup", flat=True)
        )
        # One slow hash for every generated receipt: `<lookup>-EW00-EW00-EW00-EW00` opens it.
        secret_hash = make_password(DEMO_RECEIPT_SECRET)
        for n in range(self.volume["grievances"]):
            position = self._popular_factory()
            received = self._days_ago(3 * 365, 0)
            ack_due, feedback_due = Grievance.deadlines_from(received)
            status = rng.choice(("received", "acknowledged", "under_review", "closed", "closed"))
            channel = rng.choice(("web", "web", "partner_in_person"))
            lookup = None
            if channel == "web":
                while lookup is None or lookup in lookups:
                    lookup = "".join(rng.choice(RECEIPT_ALPHABET) for _ in range(4))
                lookups.add(lookup)
            rows.append(
                (
                    f"GR-N{n + 1:07d}",
                    channel,
                    rng.choice(("en", "zh-hans", "vi", "th", "ms")),
                    self.factory_ids[position],
                    self.sites[position][2],
                    rng.sample(("wages", "hours", "documents", "fees", "safety"), 2),
                    rng.choice(GRIEVANCE_TEXTS),
                    received,
                    ack_due,
                    received + timedelta(days=3) if status != "received" else None,
                    feedback_due,
                    status,
                    received + timedelta(days=60) if status == "closed" else None,
                    lookup,
                    secret_hash if lookup else "",
                )
            )
        columns = [
            "reference",
            "channel",
            "language",
            "factory",
            "country",
            "categories",
            "description",
            "received_on",
            "ack_due",
            "acknowledged_on",
            "feedback_due",
            "status",
            "closed_on",
            "receipt_lookup",
            "receipt_hash",
        ]
        self._copy("grievances", Grievance, columns, rows)

    def exchange_rates(self):
        """Daily reference rates of the network's currencies over two years, once."""
        if ExchangeRate.objects.filter(source="Generated").exists():
            return
        rng, rows = self.rng, []
        known = set(ExchangeRate.objects.values_list("currency", "date"))
        for currency, rate in CURRENCIES.items():
            for days in range(730, 0, -1):
                day = self.today - timedelta(days=days)
                if day.weekday() < 5 and (currency, day) not in known:
                    rate *= 1 + rng.gauss(0, 0.003)
                    rows.append((currency, day, Decimal(f"{rate:.6f}"), "Generated"))
        columns = ["currency", "date", "units_per_euro", "source"]
        self._copy("exchange rates", ExchangeRate, columns, rows)

    # --- Learning ----------------------------------------------------------------------------

    def learning(self):
        """Events with the generated affiliates' officers registered, and screenings."""
        rng = self.rng
        events = []
        for n in range(max(2, len(self.affiliates) // 10)):
            starts = self.now + timedelta(days=rng.randint(-400, 120))
            events.append(
                (
                    f"Generated webinar {n + 1}: {rng.choice(data.CASE_TITLES)}",
                    starts,
                    starts + timedelta(hours=1),
                    "held" if starts < self.now else "scheduled",
                    self.staff,
                )
            )
        columns = ["title", "starts_at", "ends_at", "status", "created_by"]
        event_ids = self._copy("events", Event, columns, events)
        registrations, screenings = [], []
        for affiliate, roles in self.members.items():
            officer = roles.get("officer")
            if officer:
                for event in rng.sample(event_ids, min(len(event_ids), rng.randint(0, 3))):
                    registrations.append((event, officer, "registered"))
            for n in range(rng.choice((0, 0, 1, 2))):
                screenings.append(
                    (
                        affiliate,
                        f"Screening {n + 1}: {rng.choice(data.CONTRACT_TITLES)}",
                        "saved",
                        officer,
                    )
                )
        columns = ["event", "user", "status"]
        self._copy("event registrations", Registration, columns, registrations)
        columns = ["affiliate", "title", "status", "created_by"]
        self._copy("screenings", Screening, columns, screenings)
        self.library()

    def library(self):
        """Electronics Watch's guidance library and its translations: resources of every kind
        with topics, stages and sometimes countries, most published over six years (the
        newest more often), a few drafts; an English text (now and then a second or third
        version) or, for national versions, one in another language, translated into French
        for most, into German, Spanish, Dutch or Swedish for some; texts and links (no
        files: nothing is stored). The generated affiliates' officers and admins bookmark the
        popular ones, and their members' views and downloads are counted per day. The
        network's own library does not grow with its buyers as fast as their contracts: at
        least `LIBRARY_MIN` resources however small the network."""
        rng, words = self.rng, library_words
        total = max(LIBRARY_MIN, self.volume["library resources"])
        topics = list(Topic.objects.order_by("pk").values_list("pk", "slug", "name_en", "name_fr"))
        kinds, kind_weights = zip(*LIBRARY_KINDS.items(), strict=True)
        stages = list(ProcurementStage.values)
        others = [code for code in words.LANGUAGES if code != "en"]
        resources, facets = [], []
        for _ in range(total):
            kind = rng.choices(kinds, kind_weights)[0]
            held = rng.sample(topics, min(len(topics), rng.choice((1, 1, 2, 2, 3))))
            staged = sorted(rng.sample(stages, rng.choice((1, 1, 2))), key=stages.index)
            countries = rng.sample(words.COUNTRIES, rng.choice((0, 0, 0, 1, 1, 2, 3)))
            if rng.random() < 0.94:
                published = self.now - timedelta(
                    days=int(2200 * rng.random() ** 1.6), minutes=rng.randint(0, 1439)
                )
                created = published - timedelta(days=rng.randint(1, 30))
                row = (kind, staged, countries, "published", published, self.staff, created)
            else:
                created = self.now - timedelta(days=rng.randint(0, 60))
                row = (kind, staged, countries, "draft", None, self.staff, created)
            resources.append(row)
            facets.append((held, staged, created))
        columns = ["kind", "stages", "countries", "status", "published_at", "created_by"]
        ids = self._copy("library resources", Resource, [*columns, "created_at"], resources)
        links, versions, numbers = [], [], Counter()
        for pk, (kind, *_rest), (held, staged, created) in zip(ids, resources, facets, strict=True):
            links.extend((pk, topic[0]) for topic in held)
            numbers[kind] += 1
            original = "en" if rng.random() < 0.88 else rng.choice(others)
            languages = [original] + [
                code
                for code in words.LANGUAGES
                if code != original and rng.random() < LIBRARY_TRANSLATED[code]
            ]
            shape = {
                "kind": kind,
                "n": numbers[kind],
                "pattern": rng.randrange(2),
                "topic": held[0] if held else None,
                "stage": staged[0],
                "link": kind == "webinar_recording" or rng.random() < 0.15,
            }
            for language in languages:
                extra = (rng.random() < 0.2) + (rng.random() < 0.05)
                if language != original:
                    extra = int(rng.random() < 0.1)
                for number in range(1, 2 + extra):
                    at = min(self.now, created + timedelta(days=120 * (number - 1)))
                    versions.append(self._library_version(pk, language, number, shape, at))
        columns = ["resource", "topic"]
        self._copy("resource topics", Resource.topics.through, columns, links)
        columns = [
            "resource",
            "language",
            "number",
            "title",
            "summary",
            "format",
            "body",
            "link",
            "change_note",
            "created_by",
            "created_at",
        ]
        self._copy("resource versions", ResourceVersion, columns, versions)
        self._library_readers([pk for pk, row in zip(ids, resources, strict=True) if row[4]])

    def _library_version(self, resource: int, language: str, number: int, shape, at) -> tuple:
        rng, words = self.rng, library_words
        topic = shape["topic"]
        if topic is None:
            name = "Electronics Watch"
        elif language in ("en", "fr"):
            name = topic[2] if language == "en" else topic[3]
        else:
            name = words.TOPIC_NAMES.get(topic[1], {}).get(language, topic[2])
        patterns = words.TITLES[language][shape["kind"]]
        values = {
            "Topic": name,
            "topic": name if language == "de" else name[:1].lower() + name[1:],
            "stage": words.STAGE_PHRASES[language][shape["stage"]],
            "n": shape["n"],
        }
        title = patterns[shape["pattern"] % len(patterns)].format(**values)
        summary = rng.choice(words.SUMMARIES[language]).format(**values)
        body = link = ""
        if shape["link"]:
            format_ = ResourceVersion.Format.LINK
            link = rng.choice(words.LINKS)
        else:
            format_ = ResourceVersion.Format.TEXT
            sentences = words.SENTENCES[language]
            picked = rng.sample(sentences, min(len(sentences), rng.randint(3, 6) + number - 1))
            paragraphs = [" ".join(picked[i : i + 2]) for i in range(0, len(picked), 2)]
            body = f"## {title}\n\n" + "\n\n".join(paragraphs)
        note = words.CHANGE_NOTES[language] if number > 1 else ""
        text = (title, summary, format_, body, link, note)
        return (resource, language, number, *text, self.staff, at)

    def _library_readers(self, published: list[int]) -> None:
        """Bookmarks of the generated affiliates' officers and admins, and each affiliate's
        daily views and downloads: popular resources (a Zipf law over them) more often."""
        rng = self.rng
        if not published:
            return
        popular = rng.sample(published, len(published))
        weights = list(accumulate(_zipf_weights(len(popular), 1.0, 2.0)))
        bookmarks, uses = [], []
        for affiliate, roles in self.members.items():
            for role in ("officer", "admin"):
                user = roles.get(role)
                if user is None:
                    continue
                count = rng.choice((0, 0, 1, 2, 3, 5, 8, 12))
                picked = set(rng.choices(popular, cum_weights=weights, k=count))
                for resource in sorted(picked):
                    ago = timedelta(days=rng.randint(0, 365), minutes=rng.randint(0, 1439))
                    bookmarks.append((user, resource, self.now - ago))
            days = {}
            for _ in range(rng.randint(0, 30)):
                resource = rng.choices(popular, cum_weights=weights)[0]
                day = self.today - timedelta(days=rng.randint(0, 365))
                days.setdefault((resource, day), (rng.randint(1, 6), rng.choice((0, 0, 0, 1, 2))))
            for (resource, day), (views, downloads) in sorted(days.items()):
                uses.append((resource, affiliate, day, views, downloads))
        self._copy("bookmarks", Bookmark, ["user", "resource", "created_at"], bookmarks)
        columns = ["resource", "affiliate", "day", "views", "downloads"]
        self._copy("resource uses", ResourceUse, columns, uses)
