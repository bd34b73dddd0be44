"""core.bulk.insert_rows: many rows in one INSERT, ids back in order, other fields defaulted."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.bulk import insert_rows
from suppliers.models import Factory

pytestmark = pytest.mark.django_db


def test_rows_come_back_in_order_with_their_values_and_the_defaults():
    rows = [
        {
            "name": f"Site {n}",
            "address": f"{n} Road",
            "country": "TH",
            "name_key": f"site {n}",
            "address_key": f"{n} road",
            "latitude": Decimal("13.5") if n == 2 else None,
        }
        for n in range(1, 4)
    ]
    with CaptureQueriesContext(connection) as queries:
        ids = insert_rows(Factory, rows)
    assert len(queries) == 2  # the ids, then one INSERT for every row
    assert ids == sorted(ids) and len(set(ids)) == 3
    made = Factory.objects.in_bulk(ids)
    assert [made[pk].name for pk in ids] == ["Site 1", "Site 2", "Site 3"]
    second = made[ids[1]]
    assert second.latitude == Decimal("13.5") and made[ids[0]].latitude is None
    # Fields the rows leave out take the model's defaults, as save() would give them.
    assert second.aliases == [] and second.sector == "ict" and second.os_id == ""
    assert second.merged_into_id is None and second.created_at is not None


def test_no_rows_no_query():
    with CaptureQueriesContext(connection) as queries:
        assert insert_rows(Factory, []) == []
    assert len(queries) == 0


def test_array_fields_cannot_vary_between_rows_and_unknown_fields_are_refused():
    with CaptureQueriesContext(connection) as queries:
        with pytest.raises(ValueError, match="aliases"):
            insert_rows(Factory, [{"name": "A", "aliases": ["B"]}])
        with pytest.raises(ValueError, match="has no field nmae"):
            insert_rows(Factory, [{"nmae": "A"}])
    assert len(queries) == 0  # refused before anything is drawn or written
