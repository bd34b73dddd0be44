from importlib import import_module

from django.conf import settings
from django.core.management.base import CommandError
from django.db import transaction
from django_scopes import scopes_disabled

from affiliates.demo_accounts import DEMO_LOGINS, DEMO_PASSWORD
from core.audit import AuditedCommand
from reports import network
from suppliers import demo as suppliers_demo

# Each app's `demo.seed(**context)` adds its objects and returns names for the apps after it.
# In dependency order: monitoring reports and grievances need the suppliers' factories.
DEMO_MODULES = [
    "affiliates.demo",
    "suppliers.demo",
    "monitoring.demo",
    "grievances.demo",
    "remediation.demo",
    "learning.demo",
    "engagement.demo",
]


class Command(AuditedCommand):
    help = "Load the demo data (idempotent: a second run adds no duplicates)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=int,
            default=0,
            help="also generate this many affiliates and a network's data for them, in bulk "
            "(300: 50,000 contracts, 100,000 factories, 498,000 findings…; see reports/network.py)",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=network.DEFAULT_SEED,
            help="random seed of the generated network (the same seed, the same data)",
        )
        parser.add_argument(
            "--affiliates-only",
            action="store_true",
            help="with --scale: the generated affiliates and their members, not their data",
        )
        parser.add_argument(
            "--no-logins",
            action="store_true",
            help="do not list the demo logins at the end (`make run` lists them once the "
            "platform answers)",
        )

    def handle(self, *args, scale, seed, affiliates_only, no_logins=False, **options):
        if settings.PRODUCTION:
            # It creates a staff account whose password is in the README.
            raise CommandError(
                "seed_demo loads demo accounts with a known password: not in production."
            )
        context: dict = {"scale": scale, "stdout": self.stdout}
        # Demo data of every affiliate at once: the explicit bypass of row-level security.
        with transaction.atomic(), scopes_disabled():
            for module_name in DEMO_MODULES:
                result = import_module(module_name).seed(**context)
                context.update(result or {})
            # Where the demo's factories are, those other apps' disclosures added included.
            suppliers_demo.place_factories()
        if scale > 0 and not affiliates_only:
            # Its own transaction, as the owner of the tables when it can (reports/network.py).
            network.seed(seed=seed, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        if no_logins:
            return
        self.stdout.write(f"Demo logins (password {DEMO_PASSWORD}):")
        for email, role in DEMO_LOGINS:
            self.stdout.write(f"  {email:<32} {role}")
