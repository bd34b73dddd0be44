"""Every stored aggregate is declared once (core.aggregates), so `verify_aggregates` checks it;
the declarations' own behaviour is tested per app (tests/monitoring/test_report_aggregates.py,
tests/remediation/test_case_aggregates.py, tests/suppliers/test_factory_stored_counts.py)."""

from collections import defaultdict

import pytest
from django.apps import apps

from core.aggregates import StoredAggregates, declared


def test_every_stored_field_of_every_model_is_declared_once():
    fields = defaultdict(list)
    for aggregates in declared():
        fields[apps.get_model(aggregates.model)].extend(aggregates.fields)
    stored = {
        model: getattr(model, "STORED_AGGREGATES", ())
        for model in apps.get_models()
        if getattr(model, "STORED_AGGREGATES", ())
    }
    assert set(stored) == set(fields)
    for model, names in stored.items():
        assert sorted(fields[model]) == sorted(names), model
    labels = [aggregates.label for aggregates in declared()]
    assert len(labels) == len(set(labels)) >= 4


def test_a_function_name_is_an_sql_identifier():
    with pytest.raises(ValueError):
        StoredAggregates("x", "suppliers.Factory", "f(); DROP TABLE x; --", dict)
