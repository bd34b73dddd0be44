from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """What reads across every other app: compliance reports, dashboards, risk views."""

    name = "reports"
    verbose_name = _("Reports and dashboards")
