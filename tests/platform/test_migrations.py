"""The models that left affiliates (contracts and checklists to suppliers, compliance reports to
reports, the outbox to core) keep every row, both ways: a database with the demo data goes back
to the migrations before the moves and forward again, as `manage.py migrate` would take it."""

from io import StringIO

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django_scopes import scopes_disabled

from affiliates.models import User
from core.models import OutboxEmail
from reports.models import ComplianceReport
from suppliers.models import ChecklistItem, Contract
from tests.factories import ComplianceReportFactory, EngagementFactory, code_standard

pytestmark = pytest.mark.long

# The latest migration of each app before the moves (None: the app had none). Named here
# rather than found as leaves, so that migrations added later stay out of "before".
BEFORE_THE_MOVES = [
    ("affiliates", "0006_compliance_report"),
    ("suppliers", "0003_recompute_name_keys"),
    ("remediation", "0001_initial"),
    ("core", "0001_initial"),
    ("reports", None),
]

# Each moved model: (app before, table before), (app after, table after).
MOVES = {
    "contract": (("affiliates", "affiliates_contract"), ("suppliers", "suppliers_contract")),
    "checklistitem": (
        ("affiliates", "affiliates_checklistitem"),
        ("suppliers", "suppliers_checklistitem"),
    ),
    "compliancereport": (
        ("affiliates", "affiliates_compliancereport"),
        ("reports", "reports_compliancereport"),
    ),
    "outboxemail": (("affiliates", "affiliates_outboxemail"), ("core", "core_outboxemail")),
}
BEFORE, AFTER = 0, 1

# Rows of tables that stay where they are but point at a moved one.
POINTERS = {
    "suppliers_disclosure": "contract_id",
    "remediation_engagement": "contract_id",
}


def _fetch(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = [column.name for column in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


# Columns added by later migrations, absent before the moves: not part of the comparison.
LATER_COLUMNS = {
    "outboxemail": {"attachments"},  # core 0004
    "contract": {"ocds_award_id"},  # suppliers 0017
    "compliancereport": {"annex"},  # reports 0004
}


def _snapshot(side):
    """Every row of the moved tables on one side of the moves, what points at them, and the
    content types (with their permissions) of the moved models."""
    return {
        "rows": {
            model: [
                {k: v for k, v in row.items() if k not in LATER_COLUMNS.get(model, ())}
                for row in _fetch(f"SELECT * FROM {tables[side][1]} ORDER BY id")
            ]
            for model, tables in MOVES.items()
        },
        "pointers": {
            table: _fetch(f"SELECT id, {column} FROM {table} ORDER BY id")
            for table, column in POINTERS.items()
        },
        "content_types": _content_types("model = ANY(%s)", list(MOVES)),
        "permissions": _permissions("ct.model = ANY(%s)", list(MOVES)),
    }


def _content_types(where, value):
    return _fetch(
        f"SELECT id, app_label, model FROM django_content_type WHERE {where} ORDER BY id", [value]
    )


def _permissions(where, value):
    return _fetch(
        "SELECT p.id, p.codename, p.content_type_id FROM auth_permission p "
        f"JOIN django_content_type ct ON ct.id = p.content_type_id WHERE {where} ORDER BY p.id",
        [value],
    )


def _ids(rows):
    return [row["id"] for row in rows]


def _apps_of(content_types):
    assert len(content_types) == len(MOVES), content_types
    return {ct["model"]: ct["app_label"] for ct in content_types}


def _tables_pointing_at(table):
    """The tables whose foreign-key constraints reference `table`."""
    rows = _fetch(
        "SELECT conrelid::regclass::text AS source FROM pg_constraint "
        "WHERE contype = 'f' AND confrelid = %s::regclass ORDER BY 1",
        [table],
    )
    return [row["source"] for row in rows]


def _latest_applied():
    """For each app of BEFORE_THE_MOVES, its latest applied migration (None: none)."""
    applied = MigrationExecutor(connection).loader.applied_migrations
    return [
        (app, max((name for app_, name in applied if app_ == app), default=None))
        for app, _name in BEFORE_THE_MOVES
    ]


def _migrate_back():
    # One `manage.py migrate APP TARGET` per app, as an operator would roll back.
    for app, name in BEFORE_THE_MOVES:
        call_command("migrate", app, name or "zero", verbosity=0)


def _migrate_forward():
    output = StringIO()
    call_command("migrate", verbosity=1, stdout=output)
    return output.getvalue()


@pytest.mark.django_db(transaction=True)
def test_models_moved_out_of_affiliates_keep_every_row_back_and_forth():
    # Reads every affiliate's rows, as an operator's check would: row-level security's bypass.
    with scopes_disabled():
        _back_and_forth()


def _back_and_forth():
    # The test database was migrated from empty: migrating it again does nothing.
    assert "No migrations to apply." in _migrate_forward()
    code_standard(1)  # an earlier transactional test may have flushed the seeded reference data
    call_command("seed_demo", verbosity=0)
    with scopes_disabled():
        contract = Contract.objects.order_by("pk").first()
        ComplianceReportFactory(
            affiliate=contract.affiliate,
            contract=contract,
            file="compliance-reports/northvale.pdf",
            sha256="ab" * 32,
        )
        EngagementFactory(affiliate=contract.affiliate, contract=contract)
    view_contract = Permission.objects.get(
        content_type__app_label="suppliers", codename="view_contract"
    )
    after = _snapshot(AFTER)
    assert all(after["rows"].values()), "every moved table needs rows to follow"
    assert after["pointers"]["remediation_engagement"][-1]["contract_id"] == contract.pk
    assert _apps_of(after["content_types"]) == {
        model: tables[AFTER][0] for model, tables in MOVES.items()
    }
    assert len(after["permissions"]) == 4 * len(MOVES)
    try:
        _migrate_back()
        assert _latest_applied() == BEFORE_THE_MOVES
        before = _snapshot(BEFORE)
        assert before["rows"] == after["rows"]
        assert before["pointers"] == after["pointers"]
        originals = _content_types("id = ANY(%s)", _ids(after["content_types"]))
        assert _apps_of(originals) == dict.fromkeys(MOVES, "affiliates")
        assert _permissions("p.id = ANY(%s)", _ids(after["permissions"])) == after["permissions"]
        assert _tables_pointing_at("affiliates_contract") == [
            "affiliates_checklistitem",
            "affiliates_compliancereport",
            "remediation_engagement",
            "suppliers_disclosure",
        ]
        # Between the two `migrate` commands, post_migrate made a second content type per
        # model under its new app: whatever names it meanwhile follows the original.
        duplicate = ContentType.objects.get(app_label="suppliers", model="contract")
        readers = Group.objects.create(name="Contract readers")
        readers.permissions.add(
            Permission.objects.get(content_type=duplicate, codename="view_contract")
        )
        LogEntry.objects.create(
            user=User.objects.get(email="staff@ewatch.example"),
            content_type=duplicate,
            object_id=str(contract.pk),
            object_repr=str(contract),
            action_flag=CHANGE,
        )

        _migrate_forward()
        assert _snapshot(AFTER) == after
        assert list(readers.permissions.all()) == [view_contract]
        assert LogEntry.objects.get().content_type_id == view_contract.content_type_id
        assert _tables_pointing_at("suppliers_contract") == [
            "learning_screening",  # added after the moves: a screening links its contract
            "remediation_engagement",
            "reports_compliancereport",
            "suppliers_checklistitem",
            "suppliers_disclosure",
        ]
        joined = _fetch(
            "SELECT d.id FROM suppliers_disclosure d "
            "JOIN suppliers_contract c ON c.id = d.contract_id ORDER BY d.id"
        )
        assert _ids(joined) == _ids(after["pointers"]["suppliers_disclosure"])
        with scopes_disabled():
            assert sorted(Contract.objects.values_list("pk", flat=True)) == _ids(
                after["rows"]["contract"]
            )
            assert ChecklistItem.objects.count() == len(after["rows"]["checklistitem"])
            assert OutboxEmail.objects.count() == len(after["rows"]["outboxemail"])
            report = ComplianceReport.objects.select_related("contract").get()
            assert (report.contract.reference, report.file.name) == (
                contract.reference,
                "compliance-reports/northvale.pdf",
            )
    finally:
        call_command("migrate", verbosity=0)
