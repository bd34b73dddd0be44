import hashlib
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.utils import translation

from affiliates.models import Membership

from .factories import AffiliateFactory, PartnerMemberFactory, StaffFactory, member


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(items):
    """The tests marked `long` first. pytest-django then orders the tests by kind (plain
    database tests, those that empty every table, those without a database), keeping this
    order within each kind: the long ones start early on whichever pytest-xdist worker takes
    them, instead of keeping one worker busy after the other has finished. Mark whole modules,
    so that a module's tests (and its module-scoped fixtures) stay together."""
    items.sort(key=lambda item: item.get_closest_marker("long") is None)
    return (yield)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, django_db_blocker):
    """The test database is created and migrated by the owner of the tables, as in production
    (`migrate` runs as DATABASE_OWNER_URL); the tests then connect as the application's role,
    which row-level security binds (core/rls.py).

    It is created as a copy of a template database that the migrations built once (a minute
    or more of `migrate` saved per run and per xdist worker); `migrate` then still runs on the
    copy, and finds nothing left to apply."""
    connection = connections["default"]
    connection.settings_dict.update(settings.DATABASE_OWNER)
    with django_db_blocker.unblock():
        connection.settings_dict["TEST"]["TEMPLATE"] = _migrated_template(connection)


# What the migrated schema depends on: a change to any of them builds a new template.
SCHEMA_INPUTS = (
    "uv.lock",
    "config/settings.py",
    "core/rls.py",
    "core/management/commands/migrate.py",
)
TEMPLATE_PREFIX = "test_ewatch_template_"
TEMPLATE_LOCK = 7_318_018  # pg_advisory_lock key: one process builds it, the others wait


def _migrated_template(connection) -> str:
    """The name of a database holding exactly what `migrate` makes of the migrations as they
    are now, built the first time it is wanted (and the outdated ones dropped)."""
    root = Path(settings.BASE_DIR)
    digest = hashlib.sha256()
    for path in sorted(root.glob("*/migrations/*.py")) + [root / name for name in SCHEMA_INPUTS]:
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    name = TEMPLATE_PREFIX + digest.hexdigest()[:20]
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [TEMPLATE_LOCK])
        try:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                _build_template(connection, name)
                cursor.execute(
                    "SELECT datname FROM pg_database WHERE datname LIKE %s AND datname <> %s",
                    [TEMPLATE_PREFIX + "%", name],
                )
                for (outdated,) in cursor.fetchall():
                    cursor.execute(f'DROP DATABASE IF EXISTS "{outdated}"')
        finally:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [TEMPLATE_LOCK])
    return name


def _build_template(connection, name: str) -> None:
    """Migrate a new database under a provisional name, then give it its name: a run stopped
    halfway leaves no template that looks finished."""
    test = connection.settings_dict["TEST"]
    database, test_name = connection.settings_dict["NAME"], test.get("NAME")
    test["NAME"] = name + "_building"
    try:
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    finally:
        connection.close()
        test["NAME"] = test_name
        connection.settings_dict["NAME"] = settings.DATABASES["default"]["NAME"] = database
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'ALTER DATABASE "{name}_building" RENAME TO "{name}"')


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    connection = connections["default"]
    owner, application = settings.DATABASE_OWNER, settings.DATABASE_APPLICATION
    separate = owner["USER"] != application["USER"]
    with django_db_blocker.unblock():
        if separate:
            # Tests that use the real transaction empty the tables afterwards (TRUNCATE),
            # which the application itself may not do; a test that fills tables with many
            # rows in its transaction gathers their statistics (ANALYZE, the MAINTAIN
            # privilege), as the owner does after a network is generated.
            # Also on tables made later (tests/platform/test_migrations.py migrates back and
            # forth).
            role = connection.ops.quote_name(application["USER"])
            with connection.cursor() as cursor:
                for statement in (
                    "GRANT TRUNCATE, MAINTAIN ON ALL TABLES IN SCHEMA public TO {}",
                    "ALTER DEFAULT PRIVILEGES IN SCHEMA public "
                    "GRANT TRUNCATE, MAINTAIN ON TABLES TO {}",
                ):
                    cursor.execute(statement.format(role))
        connection.close()
        connection.settings_dict.update(application)
    yield
    with django_db_blocker.unblock():
        connection.close()
        connection.settings_dict.update(owner)


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    """The demo data (`seed_demo`), loaded once for the tests of a module, which take `db`
    as well: each test runs in a savepoint of the transaction that holds the demo, so what it
    changes is undone before the next test, and the demo itself after the module's last."""
    from django.core.management import call_command
    from django.db import transaction

    demo = transaction.atomic()
    with django_db_blocker.unblock():
        demo.__enter__()
        try:
            call_command("seed_demo", verbosity=0)
        except BaseException:
            demo.__exit__(*sys.exc_info())
            raise
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        demo.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _english_by_default():
    """A request leaves its language active in the thread; each test starts in English."""
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _clean_cache():
    """Rate-limit counters and the like live in the test Redis: start every test afresh."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Uploaded files go to a fresh folder per test, never into the project's .local/media."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def northvale(db):
    return AffiliateFactory(slug="northvale", name="City of Northvale", country="GB")


@pytest.fixture
def southport(db):
    return AffiliateFactory(slug="southport", name="Southport University", country="IE")


@pytest.fixture
def northvale_admin(northvale):
    return member(northvale, Membership.Role.ADMIN, email="admin@northvale.example")


@pytest.fixture
def northvale_officer(northvale):
    return member(northvale, Membership.Role.OFFICER, email="officer@northvale.example")


@pytest.fixture
def southport_officer(southport):
    return member(southport, Membership.Role.OFFICER, email="officer@southport.example")


@pytest.fixture
def staff(db):
    return StaffFactory(email="staff@ewatch.example")


@pytest.fixture
def partner_member(db):
    return PartnerMemberFactory(email="partner@monitor.example")
