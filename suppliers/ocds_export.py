"""An affiliate's contracts as an OCDS 1.1 release package (JSON), for open-data portals and
for another system to import.

One release per contract, tagged `award` and `contract`: the affiliate is the buyer, the
contractor the supplier; the award and the contract carry the value, the period and one item
per CPV code. A contract imported from OCDS keeps its `ocid`; the others get
`EW_OCID_PREFIX` + "-" + the contract's id (register a prefix with the Open Contracting
Partnership before publishing). `suppliers.ocds` imports such a package back unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, date, datetime
from decimal import Decimal

from django.conf import settings
from django.utils import timezone, translation
from django_countries import countries

from affiliates.models import Affiliate

from .models import Contract, Supplier

OCDS_VERSION = "1.1"
# Contracts read from the database at a time: the export holds one chunk, not the list.
CHUNK = 500


def ocds_export(
    *, affiliate: Affiliate, contracts: Iterable[Contract] | None = None, uri: str
) -> bytes:
    """The release package of `contracts` (by default all of the affiliate's), as UTF-8 JSON.

    Call it inside the affiliate's scope: `contracts` is a queryset of the scoped manager.
    """
    if contracts is None:
        contracts = Contract.objects.filter(affiliate=affiliate)
    contracts = contracts.select_related("contractor").order_by("pk").iterator(chunk_size=CHUNK)
    today = timezone.localdate()
    releases, last_change = [], None
    for contract in contracts:
        releases.append(_release(contract, affiliate, today))
        if last_change is None or contract.updated_at > last_change:
            last_change = contract.updated_at
    package = {
        "uri": uri,
        "version": OCDS_VERSION,
        # Generated on demand: the date of the last change to what it holds.
        "publishedDate": _moment(last_change or timezone.now()),
        "publisher": {"name": affiliate.name},
        "releases": releases,
    }
    return json.dumps(package, ensure_ascii=False, indent=1).encode()


def contract_ocid(contract: Contract) -> str:
    return contract.ocid or f"{settings.EW_OCID_PREFIX}-{contract.pk}"


def _release(contract: Contract, affiliate: Affiliate, today: date) -> dict:
    ocid = contract_ocid(contract)
    buyer = {"id": f"ew-affiliate-{affiliate.pk}", "name": affiliate.name}
    supplier = _party_id(contract.contractor)
    supplier_reference = {"id": supplier, "name": contract.contractor.name}
    # The publisher's own award id when the contract came from OCDS; ours otherwise.
    award_id = contract.ocds_award_id or f"{contract.reference}-award"
    value = {"amount": _amount(contract.value), "currency": contract.currency}
    period = {
        "startDate": f"{contract.start_date.isoformat()}T00:00:00Z",
        "endDate": f"{contract.end_date.isoformat()}T23:59:59Z",
    }
    items = [
        {"id": str(n), "classification": {"scheme": "CPV", "id": code}}
        for n, code in enumerate(contract.cpv_codes, start=1)
    ]
    award = {
        "id": award_id,
        "title": contract.title,
        "status": "active",
        "date": f"{contract.awarded_on.isoformat()}T00:00:00Z",
        "value": value,
        "suppliers": [supplier_reference],
        "contractPeriod": period,
    }
    contract_block = {
        "id": contract.reference,
        "awardID": award_id,
        "title": contract.title,
        "status": _status(contract, today),
        "value": value,
        "period": period,
    }
    if items:
        award["items"] = contract_block["items"] = items
    return {
        "ocid": ocid,
        # A release id is unique within its process: a changed contract is a new release.
        "id": f"{ocid}-{contract.updated_at.astimezone(UTC):%Y%m%dT%H%M%S%fZ}",
        "date": _moment(contract.updated_at),
        "tag": ["award", "contract"],
        "initiationType": "tender",
        "parties": [
            {**buyer, "roles": ["buyer"], **_address(affiliate.country)},
            _supplier_party(contract.contractor, supplier),
        ],
        "buyer": buyer,
        "awards": [award],
        "contracts": [contract_block],
    }


def _party_id(supplier: Supplier) -> str:
    if supplier.identifier_scheme and supplier.identifier:
        return f"{supplier.identifier_scheme}-{supplier.identifier}"
    return f"ew-supplier-{supplier.pk}"


def _supplier_party(supplier: Supplier, party_id: str) -> dict:
    party = {"id": party_id, "name": supplier.name, "roles": ["supplier"]}
    if supplier.identifier_scheme and supplier.identifier:
        party["identifier"] = {"scheme": supplier.identifier_scheme, "id": supplier.identifier}
        if supplier.legal_name:
            party["identifier"]["legalName"] = supplier.legal_name
    party.update(_address(supplier.country))
    return party


def _address(country) -> dict:
    """OCDS 1.1 names countries in English (`countryName`); the importer reads them back."""
    code = getattr(country, "code", country)
    if not code:
        return {}
    with translation.override("en"):
        return {"address": {"countryName": str(countries.name(code))}}


def _status(contract: Contract, today: date) -> str:
    """OCDS contractStatus: pending before the start, terminated after the end."""
    if contract.start_date > today:
        return "pending"
    if contract.end_date < today:
        return "terminated"
    return "active"


def _amount(value: Decimal) -> int | float:
    """A JSON number. Amounts have at most 14 digits, which a float holds exactly as written."""
    return int(value) if value == value.to_integral_value() else float(value)


def _moment(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
