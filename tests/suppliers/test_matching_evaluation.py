"""Targets of issue 15 on the labelled evaluation set (tests/suppliers/matching_evaluation.py):
no wrong automatic merge, and at least 95% of the true pairs merged or queued for review."""

from tests.suppliers.matching_evaluation import evaluate


def test_real_lists_are_matched_without_wrong_merges_and_with_few_misses(db):
    result = evaluate()

    assert result.true_pairs >= 10, result.report()
    assert not result.merged_different, result.report()
    assert not result.unlabelled_merges, result.report()
    assert result.caught_recall >= 0.95, result.report()
