"""Which affiliates use which library resources, counted per resource, affiliate and day.

A view or download by a member of an affiliate adds one to that day's row (one upsert); staff,
partners and people of no affiliate are not counted. A member of several affiliates counts for
the one they last worked in, as in the community (`community_identity`).
"""

from django.db import connection
from django.utils import timezone

from ..models import ResourceUse
from .community import community_identity

KINDS = {"view": "views", "download": "downloads"}


def resource_use_record(*, resource, user, active_slug: str | None, kind: str) -> bool:
    """Count one use; False when the user counts for no affiliate."""
    column = KINDS[kind]
    if user.is_ew_staff:
        return False
    identity = community_identity(user, active_slug=active_slug)
    if identity is None or identity.affiliate is None:
        return False
    table = ResourceUse._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (resource_id, affiliate_id, day, views, downloads)
            VALUES (%s, %s, %s, %s, %s)
            ON CONFLICT (resource_id, affiliate_id, day)
            DO UPDATE SET {column} = {table}.{column} + 1
            """,  # noqa: S608 - table and column names are ours, values are parameters
            [
                resource.pk,
                identity.affiliate.pk,
                timezone.localdate(),
                int(column == "views"),
                int(column == "downloads"),
            ],
        )
    return True
