"""The forced-labour dossier of a factory: its published, substantiated forced-labour findings
as a structured file that can be submitted to the European Commission under the EU Forced
Labour Regulation (Regulation (EU) 2024/3015, Art. 9: information submitted to the Commission).

Only what was published goes in: each finding's published text (never the partner's
confidential text, its evidence note, the report's narrative or any testimony), its dates, its
ILO indicators, the products and brands made at the site and the companies concerned (legal
persons, never a natural person); a worker count only from `EW_GRIEVANCE_COUNT_THRESHOLD` up.

JSON structure (`DOSSIER_VERSION`):

    {"format": "ewatch-forced-labour-dossier", "version": "1.0",
     "prepared_for": "…Regulation (EU) 2024/3015, Art. 9…", "prepared_at": ISO 8601,
     "prepared_by": {"organisation": "Electronics Watch", "affiliate": name or null},
     "factory": {"name", "address", "region", "country", "country_name", "os_id", "sector",
                 "products"},
     "economic_operators": [{"name", "roles": ["owner"|"brand"|"contractor"], "country"}],
     "products": [{"brand", "product_categories": [...]}],
     "findings": [{"reference", "report", "code_category", "sub_standard" (or null),
                   "status", "severity", "ilo_indicators": [{"code", "label"}], "facts",
                   "monitoring_period": {"start", "end"}, "published_on",
                   "workers_affected": n or null}]}

The Code category and sub-standard are their labels in the active language (the request's,
or the PDF's), as on the published findings' pages.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django_scopes import scopes_disabled

DOSSIER_FORMAT = "ewatch-forced-labour-dossier"
DOSSIER_VERSION = "1.0"
PREPARED_FOR = (
    "Prepared for submission under Regulation (EU) 2024/3015, Art. 9 "
    "(information submitted to the Commission)"
)
# The Code category that is about forced labour, by its English name in every edition.
FORCED_LABOUR_STANDARD = "Freely chosen employment"
SUBSTANTIATED_STATUSES = (
    "substantiated",
    "remediation_planned",
    "remediated_verified",
    "recurred",
)


def dossier_findings(reader, factory):
    """The published, substantiated forced-labour findings at the site that `reader` may read:
    a forced-labour Code category or at least one ILO indicator."""
    from monitoring.models import Finding

    return (
        Finding.objects.visible_to(reader)
        .published()
        .filter(report__factory=factory, status__in=SUBSTANTIATED_STATUSES)
        .filter(Q(standard__name__iexact=FORCED_LABOUR_STANDARD) | ~Q(ilo_indicators=[]))
        .select_related("standard", "sub_standard", "report")
        .order_by("published_at", "pk")
    )


def dossier_data(reader, factory) -> dict:
    """The dossier as a dict (the JSON file, and the PDF's context)."""
    from monitoring.models import Finding, ForcedLabourIndicator
    from suppliers.models import Contract, SupplyChainLink

    threshold = settings.EW_GRIEVANCE_COUNT_THRESHOLD
    indicator_labels = dict(ForcedLabourIndicator.choices)
    findings = [
        {
            "reference": f"F-{finding.pk:05d}",
            "report": finding.report.reference,
            "code_category": finding.standard.label,
            "sub_standard": finding.sub_standard.label if finding.sub_standard else None,
            "status": finding.status,
            "status_label": str(Finding.Status(finding.status).label),
            "severity": finding.severity,
            "ilo_indicators": [
                {"code": code, "label": str(indicator_labels.get(code, code))}
                for code in finding.ilo_indicators
            ],
            "facts": finding.published_text,
            "monitoring_period": {
                "start": finding.report.period_start.isoformat(),
                "end": finding.report.period_end.isoformat(),
            },
            "published_on": timezone.localdate(finding.published_at).isoformat(),
            "workers_affected": (
                finding.workers_affected
                if finding.workers_affected is not None and finding.workers_affected >= threshold
                else None
            ),
        }
        for finding in dossier_findings(reader, factory)
    ]

    links = SupplyChainLink.objects.filter(factory=factory)
    own_contracts = links if reader.is_staff else links.filter(affiliate=reader.affiliate)
    products: dict[str, set] = {}
    for brand, categories in links.values_list("brand", "product_categories"):
        products.setdefault(brand, set()).update(categories)
    contract_labels = dict(Contract.Category.choices)

    operators: dict[int, dict] = {}

    def operator(company, role):
        entry = operators.setdefault(
            company.pk,
            {"name": company.name, "roles": [], "country": str(company.country or "")},
        )
        if role not in entry["roles"]:
            entry["roles"].append(role)

    if factory.owner is not None:
        operator(factory.owner, "owner")
    for link in factory.supplier_links.select_related("supplier").order_by("supplier__name"):
        if link.supplier.is_brand:
            operator(link.supplier, "brand")
    with scopes_disabled():
        # The reader's own contracts (an affiliate's), or all of them (staff): only the
        # contractor's company name goes in, never the contract.
        for contract in Contract.objects.filter(
            pk__in=own_contracts.values("contract_id")
        ).select_related("contractor"):
            operator(contract.contractor, "contractor")

    return {
        "format": DOSSIER_FORMAT,
        "version": DOSSIER_VERSION,
        "prepared_for": PREPARED_FOR,
        "prepared_at": timezone.now().isoformat(timespec="seconds"),
        "prepared_by": {
            "organisation": "Electronics Watch",
            "affiliate": reader.affiliate.name if reader.is_affiliate else None,
        },
        "factory": {
            "name": factory.name,
            "address": factory.address,
            "region": factory.region,
            "country": str(factory.country),
            "country_name": str(factory.country.name),
            "os_id": factory.os_id or None,
            "sector": factory.sector,
            "products": factory.products,
        },
        "economic_operators": sorted(operators.values(), key=lambda o: o["name"]),
        "products": [
            {
                "brand": brand,
                "product_categories": sorted(categories),
                "product_category_labels": [
                    str(contract_labels.get(c, c)) for c in sorted(categories)
                ],
            }
            for brand, categories in sorted(products.items())
        ],
        "findings": findings,
    }


def dossier_json(reader, factory) -> bytes:
    return json.dumps(dossier_data(reader, factory), ensure_ascii=False, indent=2).encode()


def dossier_pdf(reader, factory, *, language: str) -> bytes:
    from django.utils import translation

    from core.pdf import render_pdf

    with translation.override(language):
        html = render_to_string(
            "reports/dossier.html",
            {"dossier": dossier_data(reader, factory), "LANGUAGE_CODE": language},
        )
    return render_pdf(html)
