from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Building blocks that know no domain; imports no other app of the platform."""

    name = "core"
    verbose_name = _("Platform building blocks")

    def ready(self):
        from . import checks  # noqa: F401  (registers them)
