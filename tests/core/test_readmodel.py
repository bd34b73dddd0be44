"""The read models' generation (core/readmodel.py): renewed by every committed write of a
domain table, by whatever path, and by nothing else; a cached result is never served across
it, nor inside a transaction that wrote."""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from core import readmodel, rls
from suppliers.models import Factory
from tests.factories import AffiliateFactory, UserFactory


def _triggered_tables() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = %s",
            [readmodel.TRIGGER],
        )
        return {row[0] for row in cursor.fetchall()}


def test_every_domain_table_renews_the_generation(db):
    tables = readmodel.input_tables()
    assert {"monitoring_finding", "suppliers_supply_chain", "remediation_remediationaction"} <= set(
        tables
    )
    assert "affiliates_user" not in tables  # a login writes it; no read model shows users
    history = {
        model._meta.db_table
        for model in apps.get_models()
        if any(field.name == "pgh_obj" for field in model._meta.get_fields())
    }
    assert history and not history & set(tables), "history events are not inputs"
    assert _triggered_tables() >= set(tables)


def test_outside_a_transaction_the_token_is_read_and_results_are_kept(db):
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    # pytest-django's test transaction has written nothing yet: the token is usable.
    assert readmodel.generation() is not None
    assert readmodel.cached("test", ("a",), compute) == 1
    assert readmodel.cached("test", ("a",), compute) == 1
    assert readmodel.cached("test", ("b",), compute) == 2  # other parts, another entry


def test_a_transaction_that_wrote_neither_reads_nor_fills_the_cache(db):
    readmodel.cached("test", ("a",), lambda: "before")
    with scopes_disabled():
        Factory.objects.create(name="Shenzhen Example Works", country="CN")
    assert readmodel.generation() is None
    assert readmodel.cached("test", ("a",), lambda: "after") == "after"


@pytest.mark.django_db(transaction=True)
def test_committed_writes_renew_it_by_any_path_and_nothing_else_does():
    def token():
        with transaction.atomic():  # a fresh transaction that has written nothing
            return readmodel.generation()

    with scopes_disabled():
        affiliate = AffiliateFactory()
        first = token()
        assert first is not None

        factory = Factory.objects.create(name="Dongguan Example Plant", country="CN")
        second = token()
        assert second != first  # a model's save

        Factory.objects.filter(pk=factory.pk).update(name="Dongguan Example Plant 2")
        third = token()
        assert third != second  # a queryset update()

        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM suppliers_factory WHERE id = %s", [factory.pk])
        fourth = token()
        assert fourth != third  # raw SQL

        with transaction.atomic():
            Factory.objects.create(name="Rolled back", country="CN")
            transaction.set_rollback(True)
        assert token() == fourth  # nothing committed

        user = UserFactory()
        fifth = token()
        User = type(user)
        User.objects.filter(pk=user.pk).update(last_login=timezone.now())
        assert token() == fifth  # a login: not an input

        value = readmodel.cached("test", (affiliate.pk,), lambda: "old")
        assert readmodel.cached("test", (affiliate.pk,), lambda: "stale") == value == "old"
        affiliate.name = "Renamed"
        affiliate.save()
        assert readmodel.cached("test", (affiliate.pk,), lambda: "new") == "new"


def _token_reads(queries) -> int:
    return sum("core_readmodel_generation" in query["sql"] for query in queries.captured_queries)


def test_one_generation_reads_the_token_once_for_every_entry_of_its_block(db):
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as apart:
        readmodel.cached("test", ("a",), lambda: "a")
        readmodel.cached("test", ("b",), lambda: "b")
    assert _token_reads(apart) == 2

    @readmodel.one_generation()
    def page():
        nested = readmodel.cached("test", ("n",), lambda: readmodel.cached("test", ("m",), str))
        with readmodel.one_generation():  # nested: the outer block's token
            return readmodel.cached("test", ("a",), lambda: "x"), nested

    for _twice in range(2):
        with CaptureQueriesContext(connection) as together:
            assert page() == ("a", "")
        assert _token_reads(together) == 1
    with CaptureQueriesContext(connection) as after:
        readmodel.cached("test", ("a",), lambda: "a")
    assert _token_reads(after) == 1  # the block is over: read again


@pytest.mark.django_db(transaction=True)
def test_migrate_starts_each_release_with_a_new_generation():
    """A deploy runs `migrate`: what the previous release's code kept is not served after it."""
    with rls.as_owner("default") as owner:  # the row exists whatever ran before
        readmodel.renew_generation(owner)
    before = readmodel.generation()
    readmodel.cached("release-test", (), lambda: "kept by the old release")
    assert readmodel.cached("release-test", (), lambda: "new") == "kept by the old release"
    call_command("migrate", verbosity=0)
    assert readmodel.generation() not in (None, before)
    assert readmodel.cached("release-test", (), lambda: "new") == "new"
