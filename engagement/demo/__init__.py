"""Demo data of industry engagement, area by area; the company contacts come first (the other
parts sign their answers, updates and comments as them).

Each part is a module with `seed(**context)`, idempotent, returning names for the parts after it.
"""

from . import contacts, dialogue, performance, referrals, replies

PARTS = [contacts, replies, performance, referrals, dialogue]


def seed(**context) -> dict:
    added: dict = {}
    for part in PARTS:
        added.update(part.seed(**{**context, **added}) or {})
    return added
