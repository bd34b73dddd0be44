from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrievancesConfig(AppConfig):
    name = "grievances"
    verbose_name = _("Grievances")

    def ready(self):
        from core import panels

        from .panels import partner_dashboard_panel

        panels.register("partner_dashboard", partner_dashboard_panel)
