"""Demo data of capacity building, area by area; the library comes first (the others quote it)."""

from . import assessment, community, events, library, screening

PARTS = [library, events, community, assessment, screening]


def seed(**context):
    added = {}
    for part in PARTS:
        added.update(part.seed(**{**context, **added}) or {})
    return added
