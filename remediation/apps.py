from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemediationConfig(AppConfig):
    name = "remediation"
    verbose_name = _("Remediation")

    def ready(self):
        from suppliers import factory_counts

        from .querysets import open_cases_at_factory

        # Staff read every open one: the count stored on the factory (migration 0014); so does
        # an affiliate at the sites of its supply chain (`RemediationCaseQuerySet.visible_to`).
        factory_counts.register(
            "open_cases",
            open_cases_at_factory,
            stored="active_case_count",
            whole_in_supply_chain=True,
        )
