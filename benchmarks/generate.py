"""The data the compliance report benchmark renders from, made in bulk (`bulk_create`):
supply chains for the affiliates `seed_demo --scale N` generated, monitoring findings,
remediation cases, engagements and grievances. Import it after `django.setup()`.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from affiliates.models import Affiliate, Membership, User
from grievances.models import Grievance
from monitoring.models import (
    CodeStandard,
    Finding,
    ForcedLabourIndicator,
    MonitoringPartner,
    MonitoringReport,
    Severity,
)
from remediation.models import (
    CaseStatus,
    Engagement,
    Participation,
    RemediationAction,
    RemediationCase,
)
from reports.network_data import (
    ACTIONS,
    BRANDS,
    CASE_TITLES,
    CONTRACT_TITLES,
    CONTRACTORS,
    COUNTRIES,
    ENGAGEMENTS,
    EVIDENCE,
    OWNERS,
    PUBLISHED_TEXTS,
    SUFFIXES,
    SYLLABLES,
    TRADES,
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

BATCH = 2000
CASE_STATUSES = [
    CaseStatus.PLAN_AGREED,
    CaseStatus.IN_PROGRESS,
    CaseStatus.IN_PROGRESS,
    CaseStatus.ESCALATED,
    CaseStatus.REMEDIATED,
    CaseStatus.CLOSED,
]


def _factory_name(rng: random.Random, used: set[str]) -> tuple[str, str, str, str]:
    while True:
        code = rng.choices(list(COUNTRIES), [weight for weight, _ in COUNTRIES.values()])[0]
        city = rng.choice(COUNTRIES[code][1])
        core = "".join(rng.choice(SYLLABLES) for _ in range(2)).title()
        name = f"{city} {core} {rng.choice(TRADES)} {rng.choice(SUFFIXES)}"
        if name not in used:
            used.add(name)
            address = f"No. {rng.randint(1, 400)} Industrial Road, {city}"
            return name, address, code, city


def _bulk(model, objects: list) -> list:
    return model.objects.bulk_create(objects, batch_size=BATCH)


def generate(args, start: date, end: date, today: date) -> Affiliate:
    """Everything the reports read, in bulk. Returns the affiliate made the largest."""
    rng = random.Random(args.seed)
    generated = list(Affiliate.objects.filter(slug__startswith="gen-").order_by("slug"))
    big = rng.choice(generated)
    admins = {
        m.affiliate_id: m.user
        for m in Membership.objects.filter(
            affiliate__in=generated, role=Membership.Role.ADMIN
        ).select_related("user")
    }
    staff = User.objects.get(email="staff@ewatch.example")
    author = User.objects.get(email="partner@monitor.example")
    partner = MonitoringPartner.objects.get(slug="workers-voice")
    standards = list(CodeStandard.objects.current().order_by("number"))
    counts: Counter = Counter()

    # Factories: the big affiliate's chain, and more that only the others buy from.
    used: set[str] = set(Factory.objects.values_list("name", flat=True))
    factories = []
    for index in range(args.factories * 4):
        name, address, code, city = _factory_name(rng, used)
        factories.append(
            Factory(
                name=name,
                address=address,
                country=code,
                region=city,
                function=FactoryFunction.FINAL_ASSEMBLY if index % 3 else FactoryFunction.COMPONENT,
                name_key=normalise_name(name),
                address_key=normalise_address(address),
            )
        )
    factories = _bulk(Factory, factories)
    counts["factories"] = len(factories)
    big_factories = factories[: args.factories]
    contractors = _bulk(Supplier, [Supplier(name=n, is_contractor=True) for n in CONTRACTORS])

    # Contracts, their checklists and disclosures.
    contracts, plans = [], []
    for affiliate in generated:
        number = args.contracts if affiliate == big else rng.randint(1, 6)
        for n in range(number):
            awarded = start - timedelta(days=rng.randint(-150, 900))
            begins = awarded + timedelta(days=14)
            ends = max(begins + timedelta(days=365 * rng.randint(2, 4)), start + timedelta(100))
            brands = rng.sample(list(BRANDS), 2)
            contracts.append(
                Contract(
                    affiliate=affiliate,
                    reference=f"{affiliate.slug.upper()}-ICT-{awarded.year}-{n + 1:03d}",
                    title=rng.choice(CONTRACT_TITLES),
                    contractor=rng.choice(contractors),
                    product_categories=["computers", "monitors"],
                    cpv_codes=["30213100"],
                    brands=", ".join(brands),
                    value=Decimal(rng.randrange(50_000, 5_000_000, 1000)),
                    currency="EUR",
                    value_eur=Decimal(0),
                    awarded_on=awarded,
                    start_date=begins,
                    end_date=ends,
                    ew_conditions_version="" if n % 9 == 8 else rng.choice(["v2", "v2.1"]),
                    disclosure_due_date=awarded + timedelta(days=30),
                    ocid=f"ocds-b5fd17-{affiliate.pk}-{n}" if n % 2 else "",
                )
            )
            state = "accepted"
            if n % 13 == 5:
                state = "submitted"
            elif n % 13 == 11:
                state = "requested"
            plans.append(state)
    for contract in contracts:
        contract.value_eur = contract.value
    contracts = _bulk(Contract, contracts)
    counts["contracts"] = len(contracts)
    checklist = []
    for contract in contracts:
        if not contract.ew_conditions_version:
            continue
        for outcome in ChecklistItem.Outcome.values:
            status = rng.choice(ChecklistItem.Status.values)
            evidence = rng.choice(EVIDENCE)
            if status in {ChecklistItem.Status.ACHIEVED, ChecklistItem.Status.FORMAL_REQUEST}:
                evidence = evidence or EVIDENCE[0]
            checklist.append(
                ChecklistItem(
                    affiliate_id=contract.affiliate_id,
                    contract=contract,
                    outcome=outcome,
                    status=status,
                    due_date=contract.disclosure_due_date,
                    evidence=evidence,
                )
            )
    counts["checklist items"] = len(_bulk(ChecklistItem, checklist))
    now = timezone.now()
    disclosures = _bulk(
        Disclosure,
        [
            Disclosure(
                affiliate_id=contract.affiliate_id,
                contract=contract,
                status=state,
                due_date=contract.disclosure_due_date,
                submitted_at=None if state == "requested" else now,
                submitted_by_contractor=state != "requested",
                decided_at=now if state == "accepted" else None,
            )
            for contract, state in zip(contracts, plans, strict=True)
        ],
    )
    counts["disclosures"] = len(disclosures)

    # Lines: every factory of the big chain under one to three of its contracts; the other
    # affiliates over a sample of all factories (so the big one's sites are shared).
    lines, keys = [], set()
    by_affiliate: dict[int, list[Disclosure]] = {}
    for disclosure in disclosures:
        if disclosure.status in SUPPLY_CHAIN_STATUSES:
            by_affiliate.setdefault(disclosure.affiliate_id, []).append(disclosure)

    def add_lines(disclosure: Disclosure, factory: Factory) -> None:
        brands = rng.sample(list(BRANDS), rng.choice((1, 1, 2)))
        for _ in range(rng.randint(1, 3)):
            brand = rng.choice(brands)
            model = rng.choice(BRANDS[brand]).format(n=rng.randint(1, 9))
            key = line_key(factory.country.code, factory.name, brand, model)
            if (disclosure.pk, key) in keys:
                continue
            keys.add((disclosure.pk, key))
            lines.append(
                DisclosureLine(
                    affiliate_id=disclosure.affiliate_id,
                    disclosure=disclosure,
                    factory=factory,
                    site_name=factory.name,
                    address=factory.address,
                    country=factory.country,
                    brand=brand,
                    product_model=model,
                    tier=1 if factory.function == FactoryFunction.FINAL_ASSEMBLY else 2,
                    line_key=key,
                )
            )

    for factory in big_factories:
        for disclosure in rng.sample(by_affiliate[big.pk], rng.choice((1, 1, 2, 3))):
            add_lines(disclosure, factory)
    for affiliate in generated:
        if affiliate == big or affiliate.pk not in by_affiliate:
            continue
        for factory in rng.sample(factories, rng.randint(10, max(11, args.factories // 4))):
            add_lines(rng.choice(by_affiliate[affiliate.pk]), factory)
    counts["disclosure lines"] = len(_bulk(DisclosureLine, lines))

    # Monitoring: published reports with findings at a share of the big chain's factories
    # (and elsewhere), some findings left unpublished, some published after the period.
    watched = rng.sample(big_factories, min(len(big_factories), max(1, args.findings * 2 // 5)))
    watched += rng.sample(factories[args.factories :], args.findings // 4)
    reports = []
    for factory in watched:
        published = start - timedelta(days=rng.randint(-400, 700))
        reports.append(
            MonitoringReport(
                partner=partner,
                factory=factory,
                period_start=published - timedelta(days=120),
                period_end=published - timedelta(days=60),
                methods=["offsite_interviews", "focus_groups"],
                interviewed_women=rng.randint(5, 40),
                interviewed_men=rng.randint(5, 40),
                status=MonitoringReport.Status.PUBLISHED,
                created_by=author,
                decided_by=staff,
                published_by=staff,
                published_at=datetime(*published.timetuple()[:3], 12, tzinfo=UTC),
                published_summary="Worker-driven monitoring found breaches of the Code.",
            )
        )
    reports = _bulk(MonitoringReport, reports)
    counts["monitoring reports"] = len(reports)
    indicators = ForcedLabourIndicator.values
    findings = []
    per_report = max(1, round(args.findings * 1.25 / len(reports)))
    for report in reports:
        for _ in range(rng.randint(1, 2 * per_report - 1)):
            hidden = rng.random() < 0.1
            findings.append(
                Finding(
                    report=report,
                    standard=rng.choice(standards),
                    ilo_indicators=rng.sample(indicators, rng.choice((0, 1, 1, 2, 3))),
                    severity=rng.choice(Severity.values),
                    workers_affected=rng.randint(3, 400),
                    confidential_text="What the workers said, in the partner's words.",
                    status=Finding.Status.SUBSTANTIATED,
                    published_text="" if hidden else rng.choice(PUBLISHED_TEXTS),
                    published_at=None if hidden else report.published_at,
                )
            )
    counts["findings"] = len(_bulk(Finding, findings))

    # Remediation: cases at the big chain's factories, most joined, with overdue actions.
    cases = []
    for n in range(args.cases + args.cases // 2):
        factory = rng.choice(big_factories if n < args.cases else factories)
        cases.append(
            RemediationCase(
                factory=factory,
                title=rng.choice(CASE_TITLES),
                summary="Workers' rights were breached; the plan sets out what is owed to them.",
                severity=rng.choice(Severity.values),
                fast_track=n % 7 == 0,
                lead_partner=partner,
                staff_lead=staff,
                status=rng.choice(CASE_STATUSES),
                opened_on=start - timedelta(days=rng.randint(-200, 500)),
                opened_by=staff,
            )
        )
    cases = _bulk(RemediationCase, cases)
    counts["remediation cases"] = len(cases)
    participations, joined = [], []
    for case in cases:
        for affiliate in {*rng.sample(generated, 3), big}:
            joins = rng.random() < 0.7
            participations.append(
                Participation(
                    case=case,
                    affiliate=affiliate,
                    invited_on=case.opened_on,
                    joined_on=case.opened_on + timedelta(days=10) if joins else None,
                )
            )
            if joins and affiliate == big:
                joined.append(case)
    counts["participations"] = len(_bulk(Participation, participations))
    actions = []
    for case in cases:
        for _ in range(rng.randint(3, 8)):
            due = today + timedelta(days=rng.randint(-500, 200))
            status = rng.choice(["planned", "planned", "verified", "done_claimed", "rejected"])
            actions.append(
                RemediationAction(
                    case=case,
                    description=rng.choice(ACTIONS),
                    owner_name=rng.choice(OWNERS),
                    due_date=due,
                    status=status,
                    verified_on=due if status == "verified" else None,
                    verified_by="partner" if status == "verified" else "",
                    rejection_reason="No evidence." if status == "rejected" else "",
                )
            )
    counts["remediation actions"] = len(_bulk(RemediationAction, actions))
    big_contracts = [c for c in contracts if c.affiliate_id == big.pk]
    engagements = [
        Engagement(
            affiliate=big,
            case=rng.choice(joined or cases),
            contract=rng.choice(big_contracts) if n % 2 else None,
            kind=rng.choice(Engagement.Kind.values),
            level=rng.choice(Engagement.Level.values),
            happened_on=start + timedelta(days=rng.randint(0, (end - start).days)),
            summary=rng.choice(ENGAGEMENTS),
            created_by=admins[big.pk],
        )
        for n in range(args.engagements)
    ]
    counts["engagements"] = len(_bulk(Engagement, engagements))

    # Grievances: a few at many factories (under the threshold), more at some.
    grievances = []
    for factory in rng.sample(big_factories, len(big_factories) // 5):
        for _ in range(rng.choice((1, 2, 3, 5, 6, 9, 14))):
            received = start + timedelta(days=rng.randint(-60, (end - start).days))
            ack_due, feedback_due = Grievance.deadlines_from(received)
            grievances.append(
                Grievance(
                    reference=f"GR-B{len(grievances) + 1:06d}",
                    channel="web",
                    language="en",
                    factory=factory,
                    country=factory.country,
                    categories=["hours"],
                    received_on=received,
                    ack_due=ack_due,
                    feedback_due=feedback_due,
                    status="closed",
                )
            )
    counts["grievances"] = len(_bulk(Grievance, grievances))
    print("Generated: " + ", ".join(f"{n:,} {what}" for what, n in counts.items()), flush=True)
    return big
