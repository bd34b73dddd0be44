from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngagementConfig(AppConfig):
    """Industry engagement: company contacts and their portal (/company/), the company
    performance tracker, referrals to the Responsible Business Alliance, multi-stakeholder
    dialogue, trade unions and worker representatives.

    The right of reply lives with the findings it answers (`monitoring`), and a company's
    progress on its actions with the plan (`remediation`): this app is where companies and
    staff reach them."""

    name = "engagement"
    verbose_name = _("Industry engagement")

    def ready(self):
        from . import receivers, signals  # noqa: F401  (connects the receivers)

        # Sections on the pages of the apps below (cases, grievances, companies).
        from .panels import register_all

        register_all()
