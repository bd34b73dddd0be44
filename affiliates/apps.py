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
        # A login writes the user's row; no cached read model shows users (core/readmodel.py).
        from core import readmodel

        from .models import User

        readmodel.not_an_input(User)
