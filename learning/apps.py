from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    """Capacity building for public buyers: the guidance library, webinars and trainings, peer
    learning, the due-diligence self-assessment and risk screening before a tender."""

    name = "learning"
    verbose_name = _("Capacity building")
