"""Tenancy in the database too (issue 17, item 6): PostgreSQL's row-level security refuses
other tenants' rows even to a query that forgets its scope."""

import logging

import pytest
from django.db import DatabaseError, connection, transaction
from django_scopes import scope, scopes_disabled

from core import rls
from suppliers.models import ChecklistItem, Contract, Supplier
from tests.factories import ContractFactory, SupplierFactory

pytestmark = pytest.mark.django_db

TENANT_MODELS = {
    "affiliates_membership",
    "affiliates_invitation",
    "suppliers_contract",
    "suppliers_checklistitem",
    "suppliers_disclosure",
    "suppliers_disclosureline",
    "remediation_engagement",
    "reports_compliancereport",
    "learning_assessment",
    "learning_answer",
    "learning_screening",
}


def _fetch(query, params=()):
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


@pytest.fixture
def contracts(northvale, southport):
    contractor = SupplierFactory(name="Shared Contractor Ltd")
    with scopes_disabled():
        ours = ContractFactory(affiliate=northvale, reference="NV-1", contractor=contractor)
        theirs = ContractFactory(affiliate=southport, reference="SP-1", contractor=contractor)
    return ours, theirs


def test_the_application_connects_as_a_role_that_owns_no_table_and_bypasses_nothing():
    [(user, superuser, bypass)] = _fetch(
        "SELECT rolname, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"
    )
    assert (superuser, bypass) == (False, False)
    owned = _fetch("SELECT count(*) FROM pg_tables WHERE tableowner = current_user")
    assert owned == [(0,)]
    with pytest.raises(DatabaseError, match="must be owner"), transaction.atomic():
        _fetch("ALTER TABLE suppliers_contract DISABLE ROW LEVEL SECURITY")
    assert user == connection.settings_dict["USER"]


def test_every_tenant_table_and_its_audit_events_has_the_policy():
    tables = set(rls.tenant_tables())
    assert tables >= TENANT_MODELS
    assert {"suppliers_contractauditevent", "affiliates_membershipauditevent"} <= tables
    rows = dict(
        _fetch(
            "SELECT c.relname, c.relrowsecurity FROM pg_class c "
            "JOIN pg_policies p ON p.tablename = c.relname AND p.policyname = 'ew_tenant' "
            "WHERE c.relname = ANY(%s)",
            [sorted(tables)],
        )
    )
    assert rows == dict.fromkeys(tables, True)


def test_a_query_forgetting_the_scope_returns_nothing_instead_of_another_tenants_rows(
    contracts, northvale
):
    # No scope at all: neither raw SQL nor the base manager nor a join sees a tenant's row.
    assert _fetch("SELECT reference FROM suppliers_contract") == []
    assert Contract._base_manager.count() == 0
    assert not Supplier.objects.filter(contracts__reference="SP-1").exists()
    # In a scope: the affiliate's own rows only, whichever way they are asked for.
    with scope(affiliate=northvale):
        assert _fetch("SELECT reference FROM suppliers_contract") == [("NV-1",)]
        assert list(Contract._base_manager.values_list("reference", flat=True)) == ["NV-1"]
        assert not Supplier.objects.filter(contracts__reference="SP-1").exists()
    # The explicit bypass of staff and cross-tenant jobs sees both.
    with scopes_disabled():
        assert sorted(_fetch("SELECT reference FROM suppliers_contract")) == [
            ("NV-1",),
            ("SP-1",),
        ]


def test_a_scope_cannot_change_or_create_another_tenants_rows(contracts, northvale, southport):
    _ours, theirs = contracts
    with scope(affiliate=northvale):
        with connection.cursor() as cursor:
            cursor.execute("UPDATE suppliers_contract SET title = 'hacked'")
            assert cursor.rowcount == 1
            cursor.execute("DELETE FROM suppliers_contract WHERE id = %s", [theirs.pk])
            assert cursor.rowcount == 0
        with pytest.raises(DatabaseError, match="row-level security"), transaction.atomic():
            ChecklistItem.objects.create(affiliate=southport, contract=theirs)
    with scopes_disabled():
        theirs.refresh_from_db()
        assert theirs.title != "hacked"
        assert not ChecklistItem.objects.filter(contract=theirs).exists()


def test_the_scope_is_set_again_after_a_rollback_undid_it(contracts, northvale):
    with scope(affiliate=northvale):
        with pytest.raises(RuntimeError), transaction.atomic():
            # Sets ew.tenant inside a savepoint, which the rollback undoes in PostgreSQL.
            assert Contract.objects.count() == 1
            raise RuntimeError
        assert _fetch("SELECT reference FROM suppliers_contract") == [("NV-1",)]
    assert _fetch("SELECT reference FROM suppliers_contract") == []


def test_a_scope_names_affiliates_only(northvale):
    with scope(affiliate=[northvale, northvale.pk]):
        assert rls.wanted() == f"{northvale.pk},{northvale.pk}"
    with scope(affiliate="1; SET ROLE postgres"), pytest.raises(TypeError):
        rls.wanted()


def test_staff_pages_bypass_with_a_log_line_and_affiliate_pages_do_not(
    client, contracts, staff, northvale_officer, caplog
):
    caplog.set_level(logging.INFO, logger="ew.tenancy")
    client.force_login(northvale_officer)
    assert client.get("/a/northvale/contracts/").status_code == 200
    assert not [r for r in caplog.records if r.name == "ew.tenancy"]
    client.force_login(staff)
    assert client.get("/staff/disclosures/").status_code == 200
    [record] = [r for r in caplog.records if r.name == "ew.tenancy"]
    assert "row-level security bypassed: request GET" in record.getMessage()
    assert "asked by" in record.getMessage() and ".py:" in record.getMessage()


def test_a_cross_tenant_task_logs_its_bypass_with_its_name(contracts, caplog, settings):
    from suppliers.tasks import send_disclosure_reminders

    caplog.set_level(logging.INFO, logger="ew.tenancy")
    send_disclosure_reminders.apply()
    [message] = [r.getMessage() for r in caplog.records if r.name == "ew.tenancy"]
    assert message.startswith(
        "row-level security bypassed: task suppliers.tasks.send_disclosure_reminders, "
        "asked by suppliers/services.py:"
    )
