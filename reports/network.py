"""A whole network's data for `seed_demo --scale N`, in bulk (`core.bulk.copy_rows`).

For N generated affiliates it makes N/300 of a network the size issue 18 measured: 50,000
contracts with their checklists and disclosures, 20,000 suppliers, 100,000 factories in the real
producing countries, 243,000 disclosure lines, 100,000 monitoring reports with 498,000 findings,
50,000 remediation cases with 276,000 actions, 20,000 grievances, migrant cohorts with fees and
compensation. Skewed as a real network is: contracts are shared among the affiliates by a Zipf
law (a few large buyers, many small ones) and lines among the factories by another (popular
final-assembly sites are in hundreds of supply chains, the long tail in one or two).

Deterministic for a seed. It runs once: when the generated affiliates already have contracts it
says so and makes nothing. Every row goes through its field's `get_db_prep_save` (encrypted
texts are encrypted), the database checks the constraints and the audit trail records the
inserts once per statement.
"""

from __future__ import annotations

import random
import time
from bisect import bisect
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from itertools import accumulate

from django.utils import timezone

from affiliates.models import Affiliate, User
from core.bulk import copy_rows
from grievances.models import Grievance
from monitoring.models import (
    ChildLabourCategory,
    CodeStandard,
    CohortFee,
    CostItem,
    Finding,
    ForcedLabourIndicator,
    MigrantCohort,
    MonitoringPartner,
    MonitoringReport,
    Severity,
    TraffickingAct,
    TraffickingMeans,
    TraffickingPurpose,
)
from remediation.models import (
    ActionStatus,
    CaseStatus,
    Compensation,
    Participation,
    RemediationAction,
    RemediationCase,
)
from suppliers.import_rows import line_key
from suppliers.matching import normalise_address, normalise_name
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
from suppliers.services import supply_chain_refresh

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
ORIGINS = ["NP", "BD", "MM", "KH", "ID", "PH", "VN", "IN", "LK"]
GRIEVANCE_TEXTS = [
    "We work every Sunday in the peak season and the overtime is not voluntary.",
    "The agency kept my passport and says I must pay to get it back.",
    "My wages were paid late for three months and the slip does not explain deductions.",
    "The supervisor shouts at us and threatens to dismiss anyone who complains.",
    "The dormitory doors are locked at night and there is no fire exit.",
]


def generated_affiliates():
    return Affiliate.objects.filter(slug__startswith="gen-").order_by("slug")


def seed(*, seed: int = DEFAULT_SEED, stdout=None) -> Counter:
    """Generate the network for the affiliates `gen-…` (already made, with their members)."""
    write = stdout.write if stdout else print
    affiliates = list(generated_affiliates().values_list("pk", "slug"))
    if not affiliates:
        return Counter()
    if Contract.objects.filter(affiliate__slug__startswith="gen-").exists():
        write("The generated affiliates already have their network: nothing generated.")
        return Counter()
    started = time.perf_counter()
    counts = Network(affiliates, seed).make()
    supply_chain_refresh()  # the supply-chain table and factories' leverage, from the lines
    counts = Counter({"affiliates": Affiliate.objects.count(), **counts})
    write(
        "Generated: "
        + ", ".join(f"{n:,} {what}" for what, n in counts.items())
        + f" in {time.perf_counter() - started:.0f} s."
    )
    return counts


def _zipf_weights(count: int, exponent: float, offset: float = 1.0) -> list[float]:
    return [1 / (rank + offset) ** exponent for rank in range(count)]


class Network:
    def __init__(self, affiliates: list[tuple[int, str]], seed: int):
        self.rng = random.Random(seed)
        self.affiliates = affiliates
        share = len(affiliates) / 300
        self.volume = {what: max(1, round(n * share)) for what, n in PER_300.items()}
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.counts: Counter = Counter()
        self.staff = User.objects.filter(is_ew_staff=True).order_by("pk").first()
        self.author = User.objects.filter(partner_membership__isnull=False).order_by("pk").first()
        self.partners = list(MonitoringPartner.objects.order_by("pk").values_list("pk", flat=True))
        self.standards = list(CodeStandard.objects.current().values_list("pk", flat=True))

    def make(self) -> Counter:
        self.suppliers()
        self.factories()
        self.contracts()
        self.disclosures()
        self.lines()
        self.reports()
        self.findings()
        self.cohorts()
        self.cases()
        self.grievances()
        return self.counts

    def _copy(self, what: str, model, rows: list[dict]) -> list[int]:
        ids = copy_rows(model, rows)
        self.counts[what] += len(ids)
        return ids

    def _day(self, days_ago_from: int, days_ago_to: int) -> date:
        return self.today - timedelta(days=self.rng.randint(days_ago_to, days_ago_from))

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
                rows.append({"name": name, "is_contractor": True})
            else:
                name = (
                    f"{rng.choice(data.BRAND_WORDS)}{rng.choice(data.SYLLABLES)} "
                    f"{rng.choice(data.BRAND_TAILS)}"
                )
                rows.append({"name": name, "is_brand": True, "is_manufacturer": n % 3 == 0})
        ids = self._copy("suppliers", Supplier, rows)
        self.contractors = ids[:contractors]
        self.contractor_weights = list(accumulate(_zipf_weights(contractors, 1.1)))

    def factories(self):
        rng, total = self.rng, self.volume["factories"]
        codes = list(data.COUNTRIES)
        weights = list(accumulate(data.COUNTRIES[c][0] for c in codes))
        used: set[str] = set()
        rows = []
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
            road = rng.choice(data.ROADS)
            address = f"No. {rng.randint(1, 999)} {road}, {rng.choice(districts)}, {city}"
            # The most popular sites (the first ones) assemble; most of the rest make parts.
            if n < total // 50 or rng.random() < 0.15:
                function = FactoryFunction.FINAL_ASSEMBLY
            else:
                function = rng.choice(
                    (FactoryFunction.COMPONENT,) * 9 + (FactoryFunction.RAW_MATERIAL,)
                )
            rows.append(
                {
                    "name": name,
                    "address": address,
                    "country": code,
                    "region": city,
                    "latitude": Decimal(f"{lat + rng.gauss(0, 0.06):.6f}"),
                    "longitude": Decimal(f"{lon + rng.gauss(0, 0.06):.6f}"),
                    "function": function,
                    "workforce_size": int(rng.paretovariate(1.2) * 150),
                    "migrant_share": Decimal(rng.choice((0, 0, 0, 5, 12, 30, 60))),
                    "name_key": normalise_name(name),
                    "address_key": normalise_address(address),
                }
            )
        ids = self._copy("factories", Factory, rows)
        self.factory_rows = list(zip(ids, rows, strict=True))
        # Popularity: a Zipf law over the sites in the order made.
        self.factory_weights = list(accumulate(_zipf_weights(total, 1.0, offset=3)))

    def _popular_factory(self) -> tuple[int, dict]:
        weights = self.factory_weights
        return self.factory_rows[bisect(weights, self.rng.random() * weights[-1])]

    # --- Contracts, checklists, disclosures and lines -------------------------------------

    def contracts(self):
        rng, total = self.rng, self.volume["contracts"]
        weights = _zipf_weights(len(self.affiliates), 1.0)
        scale = total / sum(weights)
        rows, self.contract_plans = [], []
        for (affiliate_id, slug), weight in zip(self.affiliates, weights, strict=True):
            for n in range(max(1, round(weight * scale))):
                awarded = self._day(6 * 365, 20)
                begins = awarded + timedelta(days=14)
                contractor = self.contractors[
                    bisect(self.contractor_weights, rng.random() * self.contractor_weights[-1])
                ]
                value = Decimal(int(rng.lognormvariate(12.5, 1.2)) // 100 * 100 + 1000)
                rows.append(
                    {
                        "affiliate": affiliate_id,
                        "reference": f"{slug.upper()}-ICT-{awarded.year}-{n + 1:05d}",
                        "title": rng.choice(data.CONTRACT_TITLES),
                        "contractor": contractor,
                        "product_categories": ["computers", "monitors"][: rng.randint(1, 2)],
                        "cpv_codes": ["30213100"],
                        "brands": ", ".join(rng.sample(list(data.BRANDS), 2)),
                        "value": value,
                        "value_eur": value,
                        "awarded_on": awarded,
                        "start_date": begins,
                        "end_date": begins + timedelta(days=365 * rng.randint(2, 4)),
                        "ew_conditions_version": "" if rng.random() < 0.1 else "v2.1",
                        "disclosure_due_date": awarded + timedelta(days=30),
                        "ocid": f"ocds-b5fd17-{slug}-{n}" if n % 2 else "",
                    }
                )
        ids = self._copy("contracts", Contract, rows)
        self.contracts_made = list(zip(ids, rows, strict=True))
        checklist = []
        for pk, row in self.contracts_made:
            if not row["ew_conditions_version"]:
                continue
            for outcome in ChecklistItem.Outcome.values:
                status = rng.choice(ChecklistItem.Status.values)
                evidence = rng.choice(data.EVIDENCE)
                if status in {ChecklistItem.Status.ACHIEVED, ChecklistItem.Status.FORMAL_REQUEST}:
                    evidence = evidence or data.EVIDENCE[0]
                checklist.append(
                    {
                        "affiliate": row["affiliate"],
                        "contract": pk,
                        "outcome": outcome,
                        "status": status,
                        "due_date": row["disclosure_due_date"],
                        "evidence": evidence,
                    }
                )
        self._copy("checklist items", ChecklistItem, checklist)

    def disclosures(self):
        rng, rows = self.rng, []
        for pk, contract in self.contracts_made:
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
            due = contract["disclosure_due_date"]
            if status == "requested" and roll < 0.95:  # half of them not yet due
                due = self.today + timedelta(days=rng.randint(1, 60))
            waiting = status == "requested"
            rows.append(
                {
                    "affiliate": contract["affiliate"],
                    "contract": pk,
                    "status": status,
                    "due_date": due,
                    "requested_at": datetime.combine(
                        contract["awarded_on"], datetime.min.time(), UTC
                    ),
                    "submitted_at": None if waiting else self.now - timedelta(days=40),
                    "submitted_by_contractor": not waiting,
                    "decided_at": self.now - timedelta(days=30)
                    if status in {"accepted", "returned"}
                    else None,
                    "decided_by": self.staff.pk if status in {"accepted", "returned"} else None,
                }
            )
        ids = self._copy("disclosures", Disclosure, rows)
        self.disclosures_made = list(zip(ids, rows, strict=True))

    def lines(self):
        rng, total = self.rng, self.volume["disclosure lines"]
        listing = [(pk, row) for pk, row in self.disclosures_made if row["status"] != "requested"]
        brands = list(data.BRANDS)
        rows, keys = [], set()
        self.chains: dict[int, set[int]] = defaultdict(set)  # factory → affiliates
        while len(rows) < total:
            disclosure, row = rng.choice(listing)
            factory, site = self._popular_factory()
            brand = rng.choice(brands)
            model = rng.choice(data.BRANDS[brand]).format(n=rng.randint(1, 9))
            key = line_key(site["country"], site["name"], brand, model)
            if (disclosure, key) in keys:
                continue
            keys.add((disclosure, key))
            if row["status"] in SUPPLY_CHAIN_STATUSES:
                self.chains[factory].add(row["affiliate"])
            rows.append(
                {
                    "affiliate": row["affiliate"],
                    "disclosure": disclosure,
                    "factory": factory,
                    "site_name": site["name"],
                    "address": site["address"],
                    "country": site["country"],
                    "brand": brand,
                    "product_model": model,
                    "tier": 1 if site["function"] == FactoryFunction.FINAL_ASSEMBLY else 2,
                    "line_key": key,
                }
            )
        self._copy("disclosure lines", DisclosureLine, rows)

    # --- Monitoring ------------------------------------------------------------------------

    def reports(self):
        rng, rows = self.rng, []
        for _ in range(self.volume["monitoring reports"]):
            factory = (
                self._popular_factory()[0]
                if rng.random() < 0.7
                else rng.choice(self.factory_rows)[0]
            )
            published = rng.random() < 0.9
            ends = self._day(5 * 365, 30)
            at = datetime.combine(ends + timedelta(days=60), datetime.min.time(), UTC)
            status = MonitoringReport.Status.PUBLISHED if published else rng.choice(TRIAGE_STATES)
            rows.append(
                {
                    "partner": rng.choice(self.partners),
                    "factory": factory,
                    "period_start": ends - timedelta(days=rng.randint(30, 120)),
                    "period_end": ends,
                    "methods": rng.sample(MonitoringReport.Method.values, rng.randint(1, 3)),
                    "interviewed_women": rng.randint(3, 60),
                    "interviewed_men": rng.randint(3, 60),
                    "interviewed_migrant": rng.randint(0, 30),
                    "status": status,
                    "created_by": self.author.pk,
                    "submitted_at": None if status == "draft" else at,
                    "decided_at": at if published or status in {"validated", "rejected"} else None,
                    "decided_by": self.staff.pk if published else None,
                    "published_at": at if published else None,
                    "published_by": self.staff.pk if published else None,
                    "published_summary": "Worker-driven monitoring found breaches of the Code."
                    if published
                    else "",
                    "rejection_reason": "Outside the Code's scope." if status == "rejected" else "",
                }
            )
        ids = self._copy("monitoring reports", MonitoringReport, rows)
        self.reports_made = list(zip(ids, rows, strict=True))

    def findings(self):
        rng, total = self.rng, self.volume["findings"]
        per_report = total / len(self.reports_made)
        severities = list(SEVERITY_WEIGHTS)
        severity_weights = list(accumulate(SEVERITY_WEIGHTS.values()))
        rows, self.forced_labour = [], defaultdict(list)  # report → finding rows' positions
        for report, row in self.reports_made:
            published = row["status"] == MonitoringReport.Status.PUBLISHED
            for _ in range(max(1, round(rng.uniform(0.2, 1.8) * per_report))):
                roll = rng.random()
                severity = severities[bisect(severity_weights, rng.random() * 100)]
                child = rng.sample(ChildLabourCategory.values, 1) if roll < 0.02 else []
                trafficking = 0.02 <= roll < 0.03
                indicators = rng.sample(
                    ForcedLabourIndicator.values, rng.choice((0, 0, 0, 1, 2, 3))
                )
                shown = published and rng.random() < 0.93
                if indicators:
                    self.forced_labour[report].append(len(rows))
                rows.append(
                    {
                        "report": report,
                        "standard": rng.choice(self.standards),
                        "ilo_indicators": indicators,
                        "child_labour": child,
                        "youngest_age_observed": rng.randint(12, 17) if child else None,
                        "trafficking_acts": [TraffickingAct.RECRUITMENT] if trafficking else [],
                        "trafficking_means": [TraffickingMeans.DECEPTION] if trafficking else [],
                        "trafficking_purposes": [TraffickingPurpose.FORCED_LABOUR]
                        if trafficking
                        else [],
                        "severity": Severity.CRITICAL if child or trafficking else severity,
                        "fast_track": bool(child or trafficking),
                        "workers_affected": rng.randint(3, 800),
                        "confidential_text": rng.choice(data.PUBLISHED_TEXTS),
                        "status": Finding.Status.SUBSTANTIATED if published else "alleged",
                        "published_text": rng.choice(data.PUBLISHED_TEXTS) if shown else "",
                        "published_at": row["published_at"] if shown else None,
                    }
                )
        self.finding_ids = self._copy("findings", Finding, rows)

    def cohorts(self):
        """Migrant cohorts (and what they paid) behind some forced-labour findings."""
        rng, cohorts, links, fees = self.rng, [], [], []
        reports = dict(self.reports_made)
        factories = dict(self.factory_rows)
        chosen = [r for r in self.forced_labour if rng.random() < 0.15]
        for report in chosen:
            country = factories[reports[report]["factory"]]["country"]
            cohorts.append(
                {
                    "report": report,
                    "origin_country": rng.choice(ORIGINS),
                    "destination_country": country,
                    "workers_women": rng.randint(0, 80),
                    "workers_men": rng.randint(5, 120),
                    "debt_per_worker": Decimal(rng.randrange(300, 4000, 50)),
                    "debt_currency": "USD",
                    "months_to_repay": rng.randint(2, 18),
                }
            )
        ids = self._copy("migrant cohorts", MigrantCohort, cohorts)
        self.cohort_of = dict(zip(chosen, ids, strict=True))
        for report, cohort in self.cohort_of.items():
            for position in self.forced_labour[report]:
                links.append({"migrantcohort": cohort, "finding": self.finding_ids[position]})
            for item in rng.sample(CostItem.values, rng.randint(1, 3)):
                amount = Decimal(rng.randrange(50, 1500, 10))
                paid_on = self.today - timedelta(days=rng.randint(200, 2000))
                fees.append(
                    {
                        "cohort": cohort,
                        "step": CohortFee.Step.ORIGIN_RECRUITMENT,
                        "cost_item": item,
                        "amount": amount,
                        "currency": "EUR",
                        "paid_on": paid_on,
                        "amount_eur": amount,
                    }
                )
        self._copy("cohort findings", MigrantCohort.findings.through, links)
        self._copy("cohort fees", CohortFee, fees)

    # --- Remediation and grievances --------------------------------------------------------

    def cases(self):
        rng, rows = self.rng, []
        watched = [row["factory"] for _, row in self.reports_made if row["published_at"]]
        for n in range(self.volume["remediation cases"]):
            status = rng.choice(CASE_STATUSES)
            opened = self._day(4 * 365, 10)
            rows.append(
                {
                    "factory": rng.choice(watched),
                    "title": rng.choice(data.CASE_TITLES),
                    "summary": "Workers' rights were breached; the plan sets out what is owed.",
                    "severity": rng.choice(Severity.values),
                    "fast_track": n % 11 == 0,
                    "lead_partner": rng.choice(self.partners),
                    "staff_lead": self.staff.pk,
                    "status": status,
                    "opened_on": opened,
                    "opened_by": self.staff.pk,
                    "closed_on": opened + timedelta(days=300) if status == "closed" else None,
                }
            )
        ids = self._copy("remediation cases", RemediationCase, rows)
        participations, actions, compensations = [], [], []
        per_case = self.volume["remediation actions"] / len(ids)
        for case, row in zip(ids, rows, strict=True):
            buyers = sorted(self.chains.get(row["factory"], ()))
            for affiliate in rng.sample(buyers, min(len(buyers), rng.randint(1, 6))):
                joins = rng.random() < 0.7
                participations.append(
                    {
                        "case": case,
                        "affiliate": affiliate,
                        "invited_on": row["opened_on"],
                        "joined_on": row["opened_on"] + timedelta(days=10) if joins else None,
                    }
                )
            for _ in range(max(1, round(rng.uniform(0.3, 1.7) * per_case))):
                due = self.today + timedelta(days=rng.randint(-500, 200))
                status = rng.choice(
                    [ActionStatus.PLANNED] * 2
                    + [ActionStatus.VERIFIED, ActionStatus.DONE_CLAIMED, ActionStatus.REJECTED]
                )
                actions.append(
                    {
                        "case": case,
                        "description": rng.choice(data.ACTIONS),
                        "owner_name": rng.choice(data.OWNERS),
                        "due_date": due,
                        "status": status,
                        "claimed_on": due if status != ActionStatus.PLANNED else None,
                        "verified_on": due if status == ActionStatus.VERIFIED else None,
                        "verified_by": "partner" if status == ActionStatus.VERIFIED else "",
                        "rejection_reason": "No evidence." if status == "rejected" else "",
                    }
                )
            if rng.random() < 0.12:
                owed = Decimal(rng.randrange(2_000, 400_000, 100))
                compensations.append(
                    {
                        "case": case,
                        "kind": rng.choice(Compensation.Kind.values),
                        "description": "Recruitment fees and unpaid overtime owed to workers",
                        "currency": "EUR",
                        "amount_owed": owed,
                        "amount_paid": owed * Decimal(rng.choice((0, 0, 25, 50, 100))) / 100,
                        "workers_covered": rng.randint(10, 900),
                    }
                )
        self._copy("participations", Participation, participations)
        self._copy("remediation actions", RemediationAction, actions)
        self._copy("compensation", Compensation, compensations)

    def grievances(self):
        rng, rows = self.rng, []
        for n in range(self.volume["grievances"]):
            factory, site = self._popular_factory()
            received = self._day(3 * 365, 0)
            ack_due, feedback_due = Grievance.deadlines_from(received)
            status = rng.choice(("received", "acknowledged", "under_review", "closed", "closed"))
            rows.append(
                {
                    "reference": f"GR-N{n + 1:07d}",
                    "channel": rng.choice(("web", "web", "partner_in_person")),
                    "language": rng.choice(("en", "zh-hans", "vi", "th", "ms")),
                    "factory": factory,
                    "country": site["country"],
                    "categories": rng.sample(("wages", "hours", "documents", "fees", "safety"), 2),
                    "description": rng.choice(GRIEVANCE_TEXTS),
                    "received_on": received,
                    "ack_due": ack_due,
                    "acknowledged_on": received + timedelta(days=3)
                    if status != "received"
                    else None,
                    "feedback_due": feedback_due,
                    "status": status,
                    "closed_on": received + timedelta(days=60) if status == "closed" else None,
                    "receipt_lookup": None,
                }
            )
        self._copy("grievances", Grievance, rows)
