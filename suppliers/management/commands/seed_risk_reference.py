from core.audit import AuditedCommand
from suppliers.reference_tables import seed_reference_data


class Command(AuditedCommand):
    help = (
        "Load the documented risk reference set of suppliers/reference_data/ (ILO "
        "ratifications, pathfinder countries, corridors, products, exchange rates, country "
        "risk levels). Idempotent: a second run changes nothing."
    )

    def handle(self, *args, **options):
        seed_reference_data(stdout=self.stdout)
