"""The matcher measured on real public facility lists and pairs labelled by hand.

Shared by `test_matching_evaluation.py` (targets) and `benchmarks/matching_evaluation.py`
(figures and time). The lists (tests/fixtures/facility-lists/) are imported in `LISTS` order,
each as one upload, so that duplicates count both within a list and against the registry
the earlier lists filled. The labels are tests/fixtures/matching/labelled-pairs.csv: each
pair of rows that is one site ("same"), and hard pairs that are not ("different").
"""

from __future__ import annotations

import csv
import itertools
import time
from dataclasses import dataclass, field
from decimal import Decimal

from django_scopes import scopes_disabled

from suppliers.country_names import country_code
from suppliers.matching import SiteInput, match_sites_with_counts
from suppliers.models import Factory, FactoryMatchReview
from tests import FIXTURES

LISTS = [
    "winter-2019-compliance-list.csv",
    "fall-2018-compliance-list.csv",
    "summer-2019-affiliate-list.csv",
    "summer-2019-compliance-list.csv",
    "spring-2019-compliance-list.csv",
    "summer-2018-affiliate-list.csv",
    "winter-2018-apparel-list.csv",
]
LABELS = FIXTURES / "matching" / "labelled-pairs.csv"

Row = tuple[str, int]  # file name, row number as a spreadsheet shows it (header = 1)


@dataclass
class Evaluation:
    rows: int = 0
    seconds: float = 0.0
    factories: int = 0
    reviews: int = 0
    true_pairs: int = 0
    merged_true: int = 0
    queued_true: int = 0
    merged_different: list[str] = field(default_factory=list)
    queued_different: int = 0
    missed: list[str] = field(default_factory=list)
    unlabelled_merges: list[str] = field(default_factory=list)

    @property
    def merge_precision(self) -> float:
        merged = self.merged_true + len(self.merged_different) + len(self.unlabelled_merges)
        return self.merged_true / merged if merged else 1.0

    @property
    def merge_recall(self) -> float:
        return self.merged_true / self.true_pairs

    @property
    def caught_recall(self) -> float:
        return (self.merged_true + self.queued_true) / self.true_pairs

    @property
    def queue_precision(self) -> float:
        queued = self.queued_true + self.queued_different
        return self.queued_true / queued if queued else 1.0

    def report(self) -> str:
        lines = [
            f"rows imported: {self.rows} in {len(LISTS)} uploads, {self.seconds:.2f} s "
            f"({1000 * self.seconds / self.rows:.2f} s per 1,000 rows)",
            f"factories created: {self.factories}, reviews created: {self.reviews}",
            f"true pairs: {self.true_pairs}; merged automatically: {self.merged_true}, "
            f"queued for review: {self.queued_true}",
            f"automatic merges: precision {self.merge_precision:.1%}, "
            f"recall {self.merge_recall:.1%}",
            f"merges + review queue: recall {self.caught_recall:.1%}; "
            f"labelled 'different' pairs queued: {self.queued_different} "
            f"(queue precision on labelled pairs {self.queue_precision:.1%})",
        ]
        lines += [f"WRONG MERGE: {pair}" for pair in self.merged_different]
        lines += [f"MERGE NOT IN THE LABELS: {pair}" for pair in self.unlabelled_merges]
        lines += [f"missed: {pair}" for pair in self.missed]
        return "\n".join(lines)


def read_list(name: str) -> list[tuple[Row, SiteInput]]:
    with (FIXTURES / "facility-lists" / name).open(newline="", encoding="utf-8") as source:
        table = list(csv.DictReader(source))
    return [
        (
            (name, number),
            SiteInput(
                name=row["name"],
                address=row["address"],
                country=country_code(row["country"]),
                latitude=Decimal(row["lat"]).quantize(Decimal("0.000001")),
                longitude=Decimal(row["lng"]).quantize(Decimal("0.000001")),
            ),
        )
        for number, row in enumerate(table, start=2)
    ]


def read_labels() -> list[tuple[Row, Row, str, str]]:
    with LABELS.open(newline="", encoding="utf-8") as source:
        return [
            (
                (row["file_a"], int(row["row_a"])),
                (row["file_b"], int(row["row_b"])),
                row["label"],
                row["reason"],
            )
            for row in csv.DictReader(source)
        ]


def evaluate() -> Evaluation:
    """Import every list through the matcher and score the result against the labels."""
    result = Evaluation()
    factory_of: dict[Row, int] = {}
    started = time.perf_counter()
    with scopes_disabled():
        for name in LISTS:
            sites = read_list(name)
            matches = match_sites_with_counts([site for _row, site in sites])
            factory_of.update(zip((row for row, _site in sites), matches.factory_ids, strict=True))
            result.rows += len(sites)
            result.factories += matches.factories_created
            result.reviews += matches.reviews_created
        result.seconds = time.perf_counter() - started
        merged_into = dict(
            Factory.objects.filter(merged_into__isnull=False).values_list("pk", "merged_into")
        )
        queued = {
            frozenset(pair)
            for pair in FactoryMatchReview.objects.filter(
                decision=FactoryMatchReview.Decision.PENDING
            ).values_list("factory_id", "candidate_id")
        }
    for row, pk in factory_of.items():
        while pk in merged_into:
            pk = merged_into[pk]
        factory_of[row] = pk
    labelled = set()
    for a, b, label, reason in read_labels():
        labelled.add(frozenset((a, b)))
        fa, fb = factory_of[a], factory_of[b]
        merged, in_queue = fa == fb, frozenset((fa, fb)) in queued
        text = f"{a[0]}:{a[1]} / {b[0]}:{b[1]} ({reason})"
        if label == "same":
            result.true_pairs += 1
            result.merged_true += merged
            result.queued_true += in_queue and not merged
            if not merged and not in_queue:
                result.missed.append(text)
        elif merged:
            result.merged_different.append(text)
        elif in_queue:
            result.queued_different += 1
    rows_of: dict[int, list[Row]] = {}
    for row, pk in factory_of.items():
        rows_of.setdefault(pk, []).append(row)
    for rows in rows_of.values():
        for a, b in itertools.combinations(sorted(rows), 2):
            if frozenset((a, b)) not in labelled:
                result.unlabelled_merges.append(f"{a[0]}:{a[1]} / {b[0]}:{b[1]}")
    return result
