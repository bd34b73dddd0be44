"""Demo data of industry engagement, area by area; the company contacts come first (the other
parts sign their answers, updates and comments as them).

Each part is `engagement.demo.<part>` with `seed(**context)`, idempotent, returning names for
the parts after it. A part whose module is not there yet is skipped.
"""

from importlib import import_module
from importlib.util import find_spec

PARTS = ["contacts", "replies", "performance", "referrals", "dialogue"]


def seed(**context) -> dict:
    added: dict = {}
    for part in PARTS:
        name = f"{__name__}.{part}"
        if find_spec(name) is None:
            continue
        added.update(import_module(name).seed(**{**context, **added}) or {})
    return added
