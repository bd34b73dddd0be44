"""Demo supply chain: contracts with disclosures, factories shared by northvale and southport,
one disclosure overdue and two waiting for the contractor.

Every company is fictional. The demo's brand "Acme Devices" sources from the Ayutthaya factory
(which has published findings) through an accepted disclosure; the contractor "Northern IT"
holds a contract of each demo affiliate: northvale's accepted disclosure and southport's open
request. Their company contacts are seeded by `engagement.demo.contacts`.

Idempotent: contracts are found by reference, lines by their key (re-adding updates them), and
workflow steps are taken only from the state they start from.
"""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from django_scopes import scope

from suppliers.contracts import checklist_item_update, contract_create
from suppliers.models import ChecklistItem, Contract

from . import services
from .imports import disclosure_add_rows
from .matching import normalise_address, normalise_name
from .models import Disclosure, Factory, FactoryMatchReview, Supplier
from .reference_tables import seed_reference_data

# The demo's fictional companies that other apps' demos look up by name.
ACME_DEVICES = "Acme Devices"
NORTHERN_IT = "Northern IT"
COMPANIES = [
    {
        "name": ACME_DEVICES,
        "is_brand": True,
        "country": "NL",
        "website": "https://acme-devices.example",
    },
    {
        "name": NORTHERN_IT,
        "is_contractor": True,
        "country": "GB",
        "website": "https://northern-it.example",
    },
]
# Where each contractor receives its disclosure link.
CONTRACTOR_EMAILS = {
    NORTHERN_IT: "contractor@northern-it.example",
    "EuroDesk Solutions BV": "compliance@eurodesk.example",
}

# (legal name, address, country, (latitude, longitude) of the site in its town: the
# dashboards' map draws them).
SITES = {
    "ayutthaya": (
        "Ayutthaya Precision Electronics Co., Ltd.",
        "88 Moo 1, Rojana Industrial Park, Uthai, Phra Nakhon Si Ayutthaya 13210",
        "TH",
        ("14.332000", "100.648000"),
    ),
    "penang": (
        "Penang Display Technologies Sdn. Bhd.",
        "Plot 12, Bayan Lepas Free Industrial Zone Phase 4, 11900 Penang",
        "MY",
        ("5.296000", "100.268000"),
    ),
    "shenzhen": (
        "Shenzhen Bright Peripheral Factory",
        "No. 3 Industrial Road, Longhua District, Shenzhen, Guangdong",
        "CN",
        ("22.696000", "114.044000"),
    ),
    "brno": (
        "Brno Server Assembly s.r.o.",
        "Technologická 12, 627 00 Brno",
        "CZ",
        ("49.226000", "16.575000"),
    ),
    "bacninh": (
        "Bac Ninh Mobile Assembly Co., Ltd.",
        "Lot A, Yen Phong Industrial Park, Bac Ninh Province",
        "VN",
        ("21.207000", "105.958000"),
    ),
}
# The second Penang plant of the staff review queue (`_possible_duplicate`).
TWIN = (
    "Penang Display Tech Plant 2",
    "Plot 12A, Bayan Lepas FIZ Phase 4, Penang",
    "MY",
    ("5.301000", "100.263000"),
)

# (affiliate, reference, title, contractor, value, currency, days since award, EW version,
#  categories, lines as (site, brand, model, tier), final disclosure state)
CONTRACTS = [
    (
        "northvale",
        "NV-ICT-2025-01",
        "Laptops and desktops framework",
        NORTHERN_IT,
        "1200000",
        "GBP",
        400,
        "v2.1",
        ["computers", "monitors"],
        [
            ("ayutthaya", ACME_DEVICES, "AcmeBook 14 Gen 5", 1),
            ("penang", ACME_DEVICES, "AcmeView 24 monitor", 1),
            ("shenzhen", "Borealis Peripherals", "KB-20 keyboard", 2),
        ],
        "accepted",
    ),
    (
        "northvale",
        "NV-ICT-2026-02",
        "Multifunction printers",
        "EuroDesk Solutions BV",
        "300000",
        "EUR",
        60,
        "v2.1",
        ["printers"],
        [],
        "overdue",
    ),
    (
        "southport",
        "SU-IT-2025-07",
        "Student and staff laptops",
        "Campus Tech Distribution",
        "800000",
        "EUR",
        300,
        "v2",
        ["computers", "monitors"],
        [
            ("ayutthaya", "Kestrel Computing", "Kestrel Pro 5450", 1),
            ("penang", "Kestrel Computing", "Kestrel View 24 monitor", 1),
            ("bacninh", "Marlin Mobile", "Marlin M5 phone", 1),
        ],
        "accepted",
    ),
    (
        "southport",
        "SU-IT-2026-01",
        "Servers and storage",
        "EuroDesk Solutions BV",
        "450000",
        "EUR",
        10,
        "v2.1",
        ["servers"],
        [("brno", "Kestrel Computing", "Kestrel Rack R7", 1)],
        "awaiting_contractor",
    ),
    (
        "southport",
        "SU-IT-2026-03",
        "Docking stations and peripherals",
        NORTHERN_IT,
        "120000",
        "EUR",
        20,
        "v2.1",
        ["peripherals"],
        [],
        "awaiting_contractor",
    ),
]


def seed(*, affiliates, users, scale: int = 0, **context) -> dict:
    today = timezone.localdate()
    officers = {
        "northvale": users["admin@northvale.example"],
        "southport": users["officer@southport.example"],
    }
    _companies()
    # The risk reference set (ILO ratifications, corridors, rates, ...): suppliers/reference_data/.
    seed_reference_data()
    for (
        slug,
        reference,
        title,
        contractor,
        value,
        currency,
        age,
        version,
        categories,
        lines,
        state,
    ) in CONTRACTS:
        affiliate = affiliates[slug]
        by = officers[slug]
        with scope(affiliate=affiliate):
            contract = Contract.objects.filter(reference=reference).first()
            if contract is None:
                awarded = today - timedelta(days=age)
                supplier = Supplier.objects.filter(name=contractor).first()
                who = {"contractor": supplier} if supplier else {"contractor_name": contractor}
                contract = contract_create(
                    affiliate=affiliate,
                    by=by,
                    reference=reference,
                    title=title,
                    **who,
                    product_categories=categories,
                    cpv_codes=["30213100"],
                    brands=", ".join(sorted({line[1] for line in lines})),
                    product_models="\n".join(line[2] for line in lines),
                    value=Decimal(value),
                    currency=currency,
                    awarded_on=awarded,
                    start_date=awarded + timedelta(days=14),
                    end_date=awarded + timedelta(days=14 + 3 * 365),
                    ew_conditions_version=version,
                )
            disclosure = Disclosure.objects.get(contract=contract)
            _advance(disclosure, lines, state, by, CONTRACTOR_EMAILS.get(contractor, ""))
    _possible_duplicate()
    place_factories()
    return {}


def _companies() -> None:
    """The demo brand and contractor, made before the contracts and disclosures name them."""
    for data in COMPANIES:
        fields = {k: v for k, v in data.items() if k != "name"}
        supplier = Supplier.objects.filter(name__iexact=data["name"]).order_by("pk").first()
        if supplier is None:
            Supplier.objects.create(**data)
            continue
        changed = [name for name, value in fields.items() if getattr(supplier, name) != value]
        for name in changed:
            setattr(supplier, name, fields[name])
        if changed:
            supplier.save(update_fields=[*changed, "updated_at"])


def _possible_duplicate() -> None:
    """One uncertain match waiting in the staff review queue."""
    known = Factory.objects.filter(name_key=normalise_name(SITES["penang"][0])).first()
    name, address = TWIN[:2]
    twin, _created = Factory.objects.get_or_create(
        name_key=normalise_name(name),
        country="MY",
        defaults={"name": name, "address": address, "address_key": normalise_address(address)},
    )
    if known is not None:
        FactoryMatchReview.objects.get_or_create(
            factory=twin,
            candidate=known,
            # What the matcher would say about this pair (the review page shows it).
            defaults={
                "score": 0.62,
                "name_similarity": 0.68,
                "address_similarity": 0.54,
                "matched_facts": ["name"],
            },
        )


def place_factories() -> None:
    """Every demo factory where it is (the disclosure rows carry no coordinates): seed_demo
    calls it again after the other apps' demos, whose accepted disclosures add factories too;
    a database seeded before the map gets them on the next run."""
    for name, _address, country, (latitude, longitude) in [*SITES.values(), TWIN]:
        Factory.objects.filter(name_key=normalise_name(name), country=country).exclude(
            latitude=Decimal(latitude), longitude=Decimal(longitude)
        ).update(latitude=Decimal(latitude), longitude=Decimal(longitude))


def _advance(disclosure: Disclosure, lines, state: str, by, contractor_email: str) -> None:
    if disclosure.status in services.EDITABLE_STATUSES and lines:
        disclosure_add_rows(
            disclosure=disclosure,
            by=by,
            rows=[
                {
                    "site_name": SITES[site][0],
                    "address": SITES[site][1],
                    "country": SITES[site][2],
                    "brand": brand,
                    "product_model": model,
                    "tier": str(tier),
                }
                for site, brand, model, tier in lines
            ],
        )
    if state == "accepted" and disclosure.status == Disclosure.Status.REQUESTED:
        # The contractor sent the list back through its link (no user: `by=None`).
        disclosure = services.disclosure_submit(disclosure=disclosure)
        services.disclosure_accept(disclosure=disclosure, by=by)
        item = ChecklistItem.objects.filter(
            contract=disclosure.contract, outcome=ChecklistItem.Outcome.SITES_DISCLOSED
        ).first()
        if item is not None and item.status == ChecklistItem.Status.OPEN:
            checklist_item_update(
                item=item,
                status=ChecklistItem.Status.ACHIEVED,
                due_date=item.due_date,
                by=by,
                evidence="Factory disclosure form received and accepted.",
            )
    if state == "awaiting_contractor" and not disclosure.contractor_email:
        services.disclosure_request_contractor(disclosure=disclosure, email=contractor_email, by=by)
