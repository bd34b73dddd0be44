"""Pages of the audit trail (reports/audit.py): foreign keys by name, the per-user trail."""

import pghistory
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from suppliers.models import Contract, Factory, Supplier
from tests.factories import (
    ContractFactory,
    DisclosureFactory,
    FactoryFactory,
    SupplierFactory,
)

pytestmark = pytest.mark.django_db


def _switch_contractor(contract, name):
    """Give the contract a new contractor and delete the old one; returns both."""
    old = contract.contractor
    new = SupplierFactory(name=name)
    with scopes_disabled():
        contract.contractor = new
        contract.save()
    Supplier.objects.filter(pk=old.pk).delete()
    return old, new


def test_staff_read_foreign_keys_by_name_linked_to_their_trail_and_deleted_ones_by_number(
    client, staff, northvale
):
    with scopes_disabled():
        contract = ContractFactory(affiliate=northvale, contractor=SupplierFactory(name="Acme"))
        disclosure = DisclosureFactory(contract=contract)
    old, new = _switch_contractor(contract, "Kestrel Computing")
    client.force_login(staff)

    page = client.get(f"/staff/audit/suppliers/contract/{contract.pk}/").content.decode()
    trail = "/staff/audit/{}/{}/{}/"
    assert (
        f'Contractor: <a href="{trail.format("suppliers", "supplier", old.pk)}">'
        f'#{old.pk} (deleted)</a> → <a href="{trail.format("suppliers", "supplier", new.pk)}">'
        "Kestrel Computing</a>"
    ) in page
    assert (
        f'Affiliate: <a href="{trail.format("affiliates", "affiliate", northvale.pk)}">'
        "City of Northvale</a>"
    ) in page
    assert f"Contractor: {old.pk}" not in page
    # A parent named in the label, without a query per row.
    page = client.get(f"/staff/audit/suppliers/disclosure/{disclosure.pk}/").content.decode()
    assert f'Contract: <a href="{trail.format("suppliers", "contract", contract.pk)}">' in page
    assert f"{contract.reference} – {contract.title}</a>" in page


def test_an_affiliate_admin_reads_by_name_only_what_it_may_see(client, northvale, northvale_admin):
    with scopes_disabled():
        contract = ContractFactory(affiliate=northvale, contractor=SupplierFactory(name="Acme"))
    old, _new = _switch_contractor(contract, "Kestrel Computing")
    client.force_login(northvale_admin)

    page = client.get(f"/a/northvale/audit/suppliers/contract/{contract.pk}/").content.decode()
    # Its contractor, a company it reads; the one that is gone is a number, no more.
    assert f"Contractor: #{old.pk} → Kestrel Computing" in page
    assert "(deleted)" not in page
    assert (
        f'Affiliate: <a href="/a/northvale/audit/affiliates/affiliate/{northvale.pk}/">'
        "City of Northvale</a>"
    ) in page


def test_an_affiliate_admin_does_not_read_the_name_of_a_company_it_does_not_see(
    client, northvale, northvale_admin
):
    with scopes_disabled():
        contract = ContractFactory(affiliate=northvale)
    unseen = SupplierFactory(name="Hidden Reseller")
    with scopes_disabled():
        Contract.objects.filter(pk=contract.pk).update(contractor=unseen)
        Contract.objects.filter(pk=contract.pk).update(contractor=contract.contractor)
    client.force_login(northvale_admin)
    page = client.get(f"/a/northvale/audit/suppliers/contract/{contract.pk}/").content.decode()
    assert "Hidden Reseller" not in page
    assert f"#{unseen.pk}" in page


# --- Per user ------------------------------------------------------------------------------


def _as(user, url="/somewhere/"):
    return pghistory.context(user=user.pk, method="POST", url=url)


def _user_trail(client, user, page=1):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/staff/audit/users/{user.pk}/?page={page}")
    assert response.status_code == 200
    return response, len(queries)


def test_the_user_trail_takes_as_many_queries_for_one_event_as_for_many_tables_and_events(
    client, staff, northvale, northvale_officer, southport
):
    with _as(northvale_officer), scopes_disabled():
        contract = ContractFactory(affiliate=northvale)
    with _as(staff), scopes_disabled():  # someone else's changes, on the same rows
        Contract.objects.filter(pk=contract.pk).update(title="Changed by staff")
        ContractFactory(affiliate=southport)
    client.force_login(staff)
    response, small = _user_trail(client, northvale_officer)
    assert len(response.context["rows"]) == 2  # the contract and its contractor

    suppliers = SupplierFactory.create_batch(3)
    factories = FactoryFactory.create_batch(3)
    with scopes_disabled():
        contracts = ContractFactory.create_batch(3, affiliate=northvale)
    for n in range(12):
        with _as(northvale_officer, url=f"/step/{n}/"), scopes_disabled():
            Contract.objects.filter(pk__in=[c.pk for c in contracts]).update(title=f"Lot {n}")
            Supplier.objects.filter(pk__in=[s.pk for s in suppliers]).update(name=f"Name {n}")
            Factory.objects.filter(pk__in=[f.pk for f in factories]).update(name=f"Plant {n}")
            northvale_officer.language = "en" if n % 2 else "fr"
            northvale_officer.save()
    pages = [_user_trail(client, northvale_officer, page=n) for n in (1, 2, 3)]
    assert pages[0][0].context["page_obj"].paginator.count == 2 + 12 * 10
    assert [len(response.context["rows"]) for response, _ in pages] == [50, 50, 22]
    # The page that holds the first two events names their foreign keys as the small trail
    # did; the others have none to name.
    assert max(queries for _, queries in pages) == small
    for response, _ in pages:
        assert {row.event.user_id for row in response.context["rows"]} == {northvale_officer.pk}
        assert "Changed by staff" not in response.content.decode()


def test_the_user_trail_is_found_through_the_index_of_contexts_by_user(northvale_officer):
    from core import audit
    from core.models import AuditEvents

    events = AuditEvents.objects.across(
        *[audit.event_model_for(m) for m in audit.tracked_models()]
    ).made_by(northvale_officer.pk)
    sql, _params = events.order_by("-pgh_created_at")[:50].query.sql_with_params()
    # Each event table's part of the union starts from the user's contexts...
    contexts = (
        f"SELECT id FROM pghistory_context WHERE metadata->>'user' = '{northvale_officer.pk}'"
    )
    assert sql.count(f"_event.pgh_context_id IN ({contexts})") == len(audit.tracked_models())
    # ... which the index finds. (The plan of the whole union depends on the statistics of
    # tables this small, which earlier tests change: it is not asserted.)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # tables this small are read whole
        cursor.execute(f"EXPLAIN {contexts}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "pghistory_context_user" in plan
