from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemediationConfig(AppConfig):
    name = "remediation"
    verbose_name = _("Remediation")

    def ready(self):
        from suppliers import factory_counts

        from .querysets import open_cases_at_factory

        factory_counts.register("open_cases", open_cases_at_factory)
