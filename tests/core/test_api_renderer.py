"""The API's renderer (core.renderers.OrjsonRenderer): orjson's speed, DRF's content."""

import datetime
import decimal
import json
import uuid

from django.utils.translation import gettext_lazy, override
from rest_framework.renderers import JSONRenderer

from core.renderers import OrjsonRenderer, RawJSON, to_json


def _values():
    return {
        "text": "Fábrica «Nord» \u2028 line \u2029 end",
        "lazy": gettext_lazy("Not found."),
        "amount": decimal.Decimal("1234.50"),
        "uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "when": datetime.datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=datetime.UTC),
        "naive": datetime.datetime(2026, 1, 2, 3, 4, 5),
        "day": datetime.date(2026, 1, 2),
        "time": datetime.time(3, 4, 5),
        "span": datetime.timedelta(hours=1, seconds=3),
        "tuple": (1, 2.5, None, True),
        "set": {3},
        "int_keys": {1: "a", 2: "b"},
        "nested": [{"a": [1, {"b": "c"}]}],
        "big": 10**30,
    }


def test_the_body_is_what_drf_writes():
    with override("fr"):
        ours = OrjsonRenderer().render(_values())
        drf = JSONRenderer().render(_values())
    assert json.loads(ours) == json.loads(drf)
    assert b"\\u2028" in ours and b"\\u2029" in ours  # escaped as DRF does
    assert json.loads(ours)["when"] == "2026-01-02T03:04:05.678901Z"


def test_the_fast_path_gives_drfs_bytes_for_plain_values():
    values = {k: v for k, v in _values().items() if k != "big"}  # beyond 64 bits: DRF's path
    assert OrjsonRenderer().render(values) == JSONRenderer().render(values)


def test_indent_and_none_as_drf():
    renderer = OrjsonRenderer()
    assert renderer.render(None) == b""
    indented = renderer.render({"a": [1]}, "application/json; indent=2")
    assert indented == JSONRenderer().render({"a": [1]}, "application/json; indent=2")


def test_raw_json_is_copied_in_either_path():
    raw = RawJSON(to_json([{"a": decimal.Decimal("1.5")}]))
    assert OrjsonRenderer().render({"results": raw}) == b'{"results":[{"a":1.5}]}'
    indented = OrjsonRenderer().render({"results": raw}, "application/json; indent=2")
    assert json.loads(indented) == {"results": [{"a": 1.5}]}
