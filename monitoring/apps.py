from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = _("Monitoring")

    def ready(self):
        from suppliers import factory_counts

        from . import receivers  # noqa: F401 - follows factory merges of the registry
        from .querysets import open_findings_at_factory

        # Staff read every open one: the count stored on the factory (migration 0016).
        factory_counts.register(
            "open_findings", open_findings_at_factory, stored="open_finding_count"
        )
