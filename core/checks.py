"""System checks of our own (`manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def application_role_owns_no_table(app_configs, **kwargs):
    """Row-level security binds only a role that does not own the tables (core/rls.py)."""
    owner = settings.DATABASE_OWNER["USER"]
    if owner and owner != settings.DATABASE_APPLICATION["USER"]:
        return []
    return [
        Warning(
            "The application connects to PostgreSQL as the owner of the tables, so row-level "
            "security does not bind it.",
            hint="Set DATABASE_OWNER_URL to the owner's login (for migrate) and DATABASE_URL "
            "to a role that owns no table.",
            id="ew.W001",
        )
    ]
