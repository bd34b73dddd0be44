"""The matcher on the labelled evaluation set: precision, recall and time per 1,000 rows.

    .venv/bin/python -m config.devservers exec -- .venv/bin/python benchmarks/matching_evaluation.py

Imports the real public facility lists of tests/fixtures/facility-lists/ one after the other
(as successive uploads) into the `ewatch` database inside a transaction that is rolled back,
and compares the outcome with the hand-labelled pairs of tests/fixtures/matching/. The test
tests/suppliers/test_matching_evaluation.py holds the same figures to their targets.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.db import transaction  # noqa: E402

from tests.suppliers.matching_evaluation import evaluate  # noqa: E402


class _RollBack(Exception):
    pass


def main() -> int:
    try:
        with transaction.atomic():
            result = evaluate()
            raise _RollBack
    except _RollBack:
        pass
    print(result.report())
    met = not result.merged_different and result.caught_recall >= 0.95
    print("targets (no wrong merge, >= 95% merged or queued):", "met" if met else "MISSED")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
