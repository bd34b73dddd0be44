"""Demo data: the country risk table for the demo countries of production, a saved screening
of northvale (laptops and tablets from Thailand, Malaysia and China), and a screening turned
into northvale's laptop contract.

The figures name real publications, but they are typed in for the demonstration: each carries
a note saying so, to be checked against the source before anyone relies on it.

Idempotent: figures by (country, indicator, year), screenings by their title.
"""

from importlib import import_module

from django.db import transaction
from django_scopes import scope

from suppliers.models import Contract, CountryRiskIndicator

from ..models import CpvCode, Screening
from ..services.screening import screening_award, screening_create, screening_save

GSI = "Walk Free, Global Slavery Index 2023"
GSI_URL = "https://www.walkfree.org/global-slavery-index/"
DOL = "U.S. Department of Labor, List of Goods Produced by Child Labor or Forced Labor 2024"
DOL_URL = "https://www.dol.gov/agencies/ilab/reports/child-labor/list-of-goods"
NOTE = "Demo figure: check it against the source before relying on it."

# (country, indicator, value, level, source, url, year)
FIGURES = [
    ("TH", "slavery_prevalence", "5.7", "medium", GSI, GSI_URL, 2023),
    ("MY", "slavery_prevalence", "6.3", "medium", GSI, GSI_URL, 2023),
    ("CN", "slavery_prevalence", "4.0", "medium", GSI, GSI_URL, 2023),
    ("VN", "slavery_prevalence", "4.1", "medium", GSI, GSI_URL, 2023),
    ("MY", "forced_labour", "Listed: electronics (forced labour)", "high", DOL, DOL_URL, 2024),
    ("CN", "forced_labour", "Listed: electronics (forced labour)", "high", DOL, DOL_URL, 2024),
    ("CN", "child_labour", "Listed: electronics (child labour)", "high", DOL, DOL_URL, 2024),
]

SAVED_TITLE = "Laptops and tablets for the city's schools, 2027"
AWARDED_TITLE = "Laptops and desktops framework (screened before the tender)"
AWARDED_CONTRACT = "NV-ICT-2025-01"


def seed(*, affiliates=None, users=None, **context) -> dict:
    if not affiliates or not users:
        return {}
    with transaction.atomic():
        for country, indicator, value, level, source, url, year in FIGURES:
            CountryRiskIndicator.objects.update_or_create(
                country=country,
                indicator=indicator,
                year=year,
                defaults={
                    "value": value,
                    "level": level,
                    "source": source,
                    "source_url": url,
                    "note": NOTE,
                },
            )
        northvale = affiliates["northvale"]
        officer = users.get("officer@northvale.example") or users["admin@northvale.example"]
        if not CpvCode.objects.exists():
            # The reference list comes with its migration; a flushed database has lost it.
            from django.apps import apps

            import_module("learning.migrations.0003_screening").seed_cpv_codes(apps, None)
        laptops = list(CpvCode.objects.filter(code__in=["30213100-6", "30213200-7"]))
        with scope(affiliate=northvale):
            if not Screening.objects.filter(title=SAVED_TITLE).exists():
                screening = screening_create(
                    affiliate=northvale,
                    by=officer,
                    title=SAVED_TITLE,
                    tender_reference="NV-ICT-2027-03",
                    cpv_codes=laptops,
                    countries=["TH", "MY", "CN"],
                )
                screening_save(screening=screening, by=officer)
            contract = Contract.objects.filter(reference=AWARDED_CONTRACT).first()
            if contract is not None and not Screening.objects.filter(title=AWARDED_TITLE).exists():
                screening = screening_create(
                    affiliate=northvale,
                    by=officer,
                    title=AWARDED_TITLE,
                    tender_reference=AWARDED_CONTRACT,
                    cpv_codes=[c for c in laptops if c.code == "30213100-6"],
                    countries=["TH", "MY"],
                )
                screening_save(screening=screening, by=officer)
                if not Screening.objects.filter(contract=contract).exists():
                    screening_award(screening=screening, contract=contract, by=officer)
    return {}
