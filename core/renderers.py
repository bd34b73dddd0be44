"""The API's JSON: DRF's content, encoded by orjson (REST_FRAMEWORK's DEFAULT_RENDERER_CLASSES).

A module of its own: DRF imports the renderer while it loads its views, so this module must
not import them (core/api.py does, through drf-spectacular).
"""

import json

import orjson
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.encoders import JSONEncoder


class RawJSON:
    """JSON already serialised (`to_json`, kept so in the read-model cache), put in a response's
    data as it is: the renderer copies its bytes into the body instead of encoding the values
    again (nor unpickling them from the cache first)."""

    __slots__ = ("raw",)

    def __init__(self, raw: bytes):
        self.raw = raw


_ENCODER = JSONEncoder()
# Dates and times go to DRF's encoder ("Z" for UTC, as before); keys that are not strings are
# written as strings, as the json module does.
_ORJSON_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS


def _orjson_default(value):
    if isinstance(value, RawJSON):
        return orjson.Fragment(value.raw)
    return _ENCODER.default(value)  # lazy translations, Decimal, UUID, dates, querysets…


class _FallbackEncoder(JSONEncoder):
    def default(self, value):
        if isinstance(value, RawJSON):
            return json.loads(value.raw)
        return super().default(value)


def to_json(data) -> bytes:
    """`data` as the API's renderer writes it (`OrjsonRenderer`), compact."""
    return OrjsonRenderer().render(data)


class OrjsonRenderer(JSONRenderer):
    """DRF's `JSONRenderer` (every API response: REST_FRAMEWORK's DEFAULT_RENDERER_CLASSES)
    with the encoding done by orjson, some ten times faster on large bodies (the risk tables:
    700 KB).

    The content is the same as DRF's: what orjson does not encode itself goes to DRF's own
    encoder (lazy translation strings, Decimal as a number, UUID, dates and times with "Z"
    for UTC, querysets, generators), U+2028 and U+2029 are escaped as DRF does, and a request
    for indented JSON (`Accept: application/json; indent=4`), or anything orjson refuses (an
    integer beyond 64 bits), is rendered by DRF itself. One difference: a float that JSON
    cannot hold (NaN, infinity) is written null, where DRF's strict mode answered 500.

    Ours rather than drf-orjson-renderer's (PyPI, maintained): that package's fallback writes
    a Decimal as a string and an object it does not know as null, dates with "+00:00", and
    ignores `indent`: the content of our answers would change.
    """

    encoder_class = _FallbackEncoder  # DRF's path: DRF's encoder, which also reads RawJSON

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        indent = self.get_indent(accepted_media_type, renderer_context or {})
        if indent is None and self.compact and not self.ensure_ascii:
            try:
                body = orjson.dumps(data, default=_orjson_default, option=_ORJSON_OPTIONS)
            except orjson.JSONEncodeError:
                pass
            else:
                if b"\xe2\x80\xa8" in body or b"\xe2\x80\xa9" in body:
                    body = body.replace(b"\xe2\x80\xa8", b"\\u2028")
                    body = body.replace(b"\xe2\x80\xa9", b"\\u2029")
                return body
        return super().render(data, accepted_media_type, renderer_context)
