"""Import an affiliate's contracts from an OCDS 1.1 release package.

The whole package is read and checked (`ocds_package`) before anything is written: an import
is all-or-nothing, and the user gets every problem at once, each with its JSON path, to fix
them in one go. The importing affiliate is the buyer; the package's own `buyer` is not trusted
to pick a tenant.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django_scopes import scope

from affiliates.models import Affiliate, User

from .models import Contract, Disclosure, Supplier
from .ocds_package import ContractRow, SupplierRow, read_package

audit_log = logging.getLogger("ew.audit")

DISCLOSURE_PERIOD = timedelta(days=30)


@dataclass
class OcdsImportResult:
    """What an import did. `created + updated == len(contracts)`.

    `releases_without_contracts` lists the paths of releases that had nothing to import
    (planning or tender releases): they are skipped, not errors, unless no release at all has
    a contract or an award, in which case the import is rejected. `rows[n]` is what was read
    for `contracts[n]`, with where each field came from (`ContractRow.sources`).
    """

    created: int
    updated: int
    suppliers_created: int
    contracts: list[Contract]
    releases_without_contracts: list[str] = field(default_factory=list)
    rows: list[ContractRow] = field(default_factory=list)


def ocds_import(*, affiliate: Affiliate, data: bytes, by: User) -> OcdsImportResult:
    """Create or update the affiliate's contracts from the package; nothing is written on error.

    Contracts are matched by reference (the OCDS contract `id`, or the award's `id` for an
    award without a contract), so importing the same package again updates them; a contract
    imported from its award notice earlier becomes the contract that points to that award,
    and that award notice imported again afterwards finds it and changes nothing (the
    contract's data supersedes its award's; `_followed_award`).
    An update leaves alone what officers keep on the platform: product
    categories, contract conditions, brands, models and the disclosure due date. A new contract
    gets a requested disclosure, due 30 days after the award, and no checklist (imported
    contracts say nothing about Electronics Watch conditions).
    """
    rows, skipped = read_package(data)
    created = updated = suppliers_created = 0
    contracts = []
    with transaction.atomic(), scope(affiliate=affiliate):
        for row in rows:
            supplier, supplier_is_new = _supplier_for(row.supplier)
            suppliers_created += supplier_is_new
            contract, contract_is_new = _contract_save(
                affiliate=affiliate, row=row, contractor=supplier
            )
            created += contract_is_new
            updated += not contract_is_new
            contracts.append(contract)
    audit_log.info(
        "ocds import: affiliate=%s created=%s updated=%s suppliers_created=%s by=%s",
        affiliate.slug,
        created,
        updated,
        suppliers_created,
        by.pk,
    )
    return OcdsImportResult(
        created=created,
        updated=updated,
        suppliers_created=suppliers_created,
        contracts=contracts,
        releases_without_contracts=skipped,
        rows=rows,
    )


# --- Writing -------------------------------------------------------------------------------


def _supplier_for(row: SupplierRow) -> tuple[Supplier, bool]:
    """The registry's supplier with this identifier, else with this name, else a new one."""
    supplier = None
    if row.identifier_scheme and row.identifier:
        supplier = (
            Supplier.objects.filter(
                identifier_scheme__iexact=row.identifier_scheme, identifier=row.identifier
            )
            .order_by("pk")
            .first()
        )
    if supplier is None:
        supplier = Supplier.objects.filter(name__iexact=row.name).order_by("pk").first()
    if supplier is not None:
        if not supplier.is_contractor:
            supplier.is_contractor = True
            supplier.save(update_fields=["is_contractor", "updated_at"])
        return supplier, False
    supplier = Supplier.objects.create(
        name=row.name,
        legal_name=row.legal_name,
        country=row.country,
        identifier_scheme=row.identifier_scheme,
        identifier=row.identifier,
        is_contractor=True,
    )
    return supplier, True


def _contract_save(
    *, affiliate: Affiliate, row: ContractRow, contractor: Supplier
) -> tuple[Contract, bool]:
    fields = {
        "title": row.title,
        "contractor": contractor,
        "ocid": row.ocid,
        "value": row.value,
        "currency": row.currency,
        "value_eur": row.value_eur,
        "awarded_on": row.awarded_on,
        "start_date": row.start_date,
        "end_date": row.end_date,
        "cpv_codes": row.cpv_codes,
        "ocds_award_id": row.award_id,
    }
    contract = (
        Contract.objects.select_for_update()
        .filter(affiliate=affiliate, reference=row.reference)
        .first()
    )
    if contract is None and row.award_id and not row.from_award:
        contract = _award_notice_of(affiliate=affiliate, row=row)
        if contract is not None:
            fields["reference"] = row.reference
    if contract is None and row.from_award and row.ocid:
        contract = _followed_award(affiliate=affiliate, row=row)
        if contract is not None:
            if not contract.ocds_award_id:
                contract.ocds_award_id = row.award_id
                contract.save(update_fields=["ocds_award_id", "updated_at"])
            return contract, False
    if contract is None:
        contract = Contract.objects.create(
            affiliate=affiliate,
            reference=row.reference,
            product_categories=[],
            ew_conditions_version=Contract.ConditionsVersion.NONE,
            disclosure_due_date=row.awarded_on + DISCLOSURE_PERIOD,
            **fields,
        )
        Disclosure.objects.create(
            affiliate=affiliate,
            contract=contract,
            status=Disclosure.Status.REQUESTED,
            due_date=contract.disclosure_due_date,
        )
        return contract, True
    changed = [name for name, value in fields.items() if getattr(contract, name) != value]
    if changed:
        for name in changed:
            setattr(contract, name, fields[name])
        contract.save(update_fields=[*changed, "updated_at"])
    return contract, False


def _award_notice_of(*, affiliate: Affiliate, row: ContractRow) -> Contract | None:
    """The contract imported earlier from the award notice that this contract follows: same
    process (ocid), its reference the award's id."""
    return (
        Contract.objects.select_for_update()
        .filter(affiliate=affiliate, reference=row.award_id, ocid=row.ocid)
        .first()
    )


def _followed_award(*, affiliate: Affiliate, row: ContractRow) -> Contract | None:
    """The contract that followed this award notice (imported from the contract that points
    to the award), for an award notice imported again after it: same process (ocid), same
    award. A contract imported before awards were recorded (`ocds_award_id` blank) is taken
    when it is the affiliate's only contract of the process: most processes have one award.
    (The guess fails for a process of several lots with only one of them imported so far:
    the other lot's award notice then finds that contract and is not imported.)"""
    contracts = Contract.objects.select_for_update().filter(affiliate=affiliate, ocid=row.ocid)
    same_award = contracts.filter(ocds_award_id=row.award_id).order_by("pk").first()
    if same_award is not None:
        return same_award
    candidates = list(contracts.order_by("pk")[:2])
    if len(candidates) == 1 and not candidates[0].ocds_award_id:
        return candidates[0]
    return None
