from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AffiliatesConfig(AppConfig):
    name = "affiliates"
    verbose_name = _("Affiliates and accounts")

    def ready(self):
        from core import exports

        from . import signals, tokens  # noqa: F401 - connect the security log and token receivers
        from .tenancy import replay_context

        # Background exports replay their list's request with this tenancy (core.exports).
        exports.replay_context = replay_context
