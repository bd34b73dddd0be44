from importlib import import_module

from django.conf import settings
from django.core.management.base import CommandError
from django.db import transaction
from django_scopes import scopes_disabled

from affiliates.demo_accounts import DEMO_LOGINS, DEMO_PASSWORD
from core.audit import AuditedCommand

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
            help="also generate this many affiliates with their data, in bulk",
        )

    def handle(self, *args, scale, **options):
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
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write(f"Demo logins (password {DEMO_PASSWORD}):")
        for email, role in DEMO_LOGINS:
            self.stdout.write(f"  {email:<32} {role}")
