from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Building blocks that know no domain; imports no other app of the platform."""

    name = "core"
    verbose_name = _("Platform building blocks")

    def ready(self):
        from django.views.generic.list import MultipleObjectMixin

        from . import checks  # noqa: F401  (registers them)
        from .pagination import CappedPaginator, paginate_queryset

        # Every list page counts up to a limit and reads deep pages from the nearer end;
        # `?page=last` opens the last page even when the count stopped at the limit.
        MultipleObjectMixin.paginator_class = CappedPaginator
        MultipleObjectMixin.paginate_queryset = paginate_queryset
