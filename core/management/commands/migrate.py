"""Django's `migrate`, run as the owner of the tables, then row-level security put in place.

The application connects as a role that owns no table (DATABASE_URL); this command connects
as DATABASE_OWNER_URL instead, creates the application's role if it is missing and the owner
may create roles, migrates (with the cross-tenant views dropped, then made again), enables the
`ew_tenant` policy on every tenant table, puts the read models' generation trigger on every
domain table (core/readmodel.py) and grants the application's role what it needs
(core/rls.py).
"""

from django.core.management.commands import migrate

from core import readmodel, rls
from core.audit import AuditedCommand


class Command(AuditedCommand, migrate.Command):
    help = migrate.Command.help + " As the owner of the tables; then row-level security."

    def handle(self, *args, **options):
        from django.conf import settings

        alias = options["database"]
        role = settings.DATABASE_APPLICATION["USER"]
        password = settings.DATABASE_APPLICATION["PASSWORD"]
        with rls.as_owner(alias) as connection:
            separate = connection.settings_dict["USER"] != role
            if separate:
                created = rls.ensure_application_role(connection, role, password)
                if created == "missing" and options["verbosity"]:
                    self.stderr.write(
                        f"The application's role {role!r} does not exist and the owner may "
                        "not create it: create it (LOGIN, no superuser, no BYPASSRLS)."
                    )
            rls.drop_views(connection)
            super().handle(*args, **options)
            if _fully_migrated(connection):
                # The views' SQL comes from today's models: only on today's schema.
                rls.create_views(connection)
            elif options["verbosity"]:
                self.stdout.write("Cross-tenant views left out: not every migration is applied.")
            tables = rls.sync_policies(connection)
            readmodel.sync_triggers(connection)
            readmodel.renew_generation(connection)
            if separate:
                rls.grant_application_role(connection, role)
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"Row-level security: {len(tables)} tenant tables"
                + (f", application role {role!r}." if separate else " (one role: not binding).")
            )


def _fully_migrated(connection) -> bool:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return not executor.migration_plan(executor.loader.graph.leaf_nodes())
