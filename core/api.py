"""Generic API helpers for every app's endpoints."""

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views import defaults
from django_filters import rest_framework as filters
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema, extend_schema_view
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import DomainError


def exception_handler(exc, context):
    """A broken business rule is the caller's error: 400 with the rule's message. A 404 says
    only DRF's generic "Not found.": Django's message ("No FindingReply matches the given
    query.") would name the model behind the route."""
    if isinstance(exc, DomainError):
        body = {exc.field: [exc.message]} if exc.field else {"detail": exc.message}
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    return drf_exception_handler(exc, context)


def page_not_found(request, exception):
    """Django's 404 for a URL no route matches (`handler404`): under `/api/` the JSON body of
    the API's own 404s, so that `/api/v1/cases/3.4e-136/` (no detail route, no format suffix)
    answers as the schema says; elsewhere the page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(exceptions.NotFound.default_detail)}, status=404)
    return defaults.page_not_found(request, exception)


class StrictBooleanField(forms.NullBooleanField):
    """`true` or `false` (or nothing); anything else is the caller's error, not "no filter"."""

    widget = forms.TextInput
    TRUE, FALSE = {"true", "1"}, {"false", "0"}

    def to_python(self, value):
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise ValidationError(
            _("“%(value)s” is neither true nor false."), code="invalid", params={"value": value}
        )

    def validate(self, value):
        return None


class StrictBooleanFilter(filters.BooleanFilter):
    """A boolean filter that answers 400 to `?overdue=AAA` instead of ignoring it."""

    field_class = StrictBooleanField

    def __init__(self, *args, **kwargs):
        # django-filter's BooleanWidget turns every unknown value into "no filter".
        kwargs["widget"] = forms.TextInput
        super().__init__(*args, **kwargs)


class ReleasesRowsMixin:
    """For a list viewset (before the viewset's class among the bases): once a page is
    serialised, the view lets its rows go. DRF's request and view point at each other (a
    reference cycle freed only by the garbage collector), and the view keeps the page (its
    paginator's `page`, the serializer held by the response's data), so every model instance
    of the page, with its related rows and values, waited for the collector: a few thousand
    objects a request, the collector's work, and, with the young generation collected every
    50,000 new objects (config/gc_tuning.py), a pause of tens of milliseconds every dozen
    requests. Released, they are freed as soon as the response is built."""

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        paginator = getattr(self, "_paginator", None)
        if paginator is not None and hasattr(paginator, "page"):
            paginator.page = None
        data = response.data
        results = data.get("results") if isinstance(data, dict) else data
        serializer = getattr(results, "serializer", None)  # DRF's ReturnList keeps it
        if serializer is not None:
            results.serializer = None
            # A list serializer and its child point at each other; both hold the rows, and
            # the list serializer the page's representation too (`_data`).
            for held in (serializer, getattr(serializer, "child", None)):
                if held is not None:
                    held.instance, held._args = None, ()
                    held.__dict__.pop("_data", None)
        # The view keeps the response (`self.response`), and the response itself, in the
        # context it was rendered with: once the body is written, both let it go, and with
        # it the page's representation, freed as soon as the server has sent it.
        response.add_post_render_callback(self._release_response)
        return response

    def _release_response(self, response):
        self.response = None
        context = getattr(response, "renderer_context", None)
        if context is not None:
            context.pop("response", None)


# --- The schema: what every operation answers when it refuses -------------------------------

VALIDATION_ERROR_SCHEMA = {
    "type": "object",
    "description": (
        "The request was refused: each field's messages under its name, `non_field_errors` "
        "for the request as a whole, or `detail` for a broken rule or a body that is not JSON."
    ),
    "properties": {
        "detail": {"type": "string"},
        "non_field_errors": {"type": "array", "items": {"type": "string"}},
    },
    # A field's messages; for a list or a nested object, the messages of each item or field.
    "additionalProperties": {
        "anyOf": [
            {"type": "array", "items": {}},
            {"type": "object", "additionalProperties": {}},
        ]
    },
}
ERROR_SCHEMA = {
    "type": "object",
    "description": "Why the request was refused.",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
    "additionalProperties": False,
}

# status: (component, description, headers)
ERROR_RESPONSES = {
    "400": ("ValidationError", _("Invalid request: the reasons are in the body."), {}),
    "401": (
        "Error",
        _("Not authenticated, or the token is unknown, expired or refused."),
        {
            "WWW-Authenticate": {
                "schema": {"type": "string"},
                "description": _("How to authenticate: `Token`."),
            }
        },
    ),
    "403": (
        "Error",
        _(
            "Authenticated but not allowed: the role, two-factor authentication, a read-only "
            "token or a missing CSRF token."
        ),
        {},
    ),
    "404": (
        "Error",
        _("Not found, or not visible to the caller: `Not found.` (or why, for an affiliate)."),
        {},
    ),
    "415": ("Error", _("The body is not JSON."), {}),
    "429": (
        "Error",
        _("Too many requests: try again later."),
        {
            "Retry-After": {
                "schema": {"type": "integer"},
                "description": _("Seconds to wait before the next request."),
            }
        },
    ),
}


class ErrorResponsesAutoSchema(AutoSchema):
    """Documents, once for every operation, the refusals `exception_handler` and DRF really
    answer, with their bodies as the `ValidationError` and `Error` components. A view that
    already describes one of these statuses keeps its description and gets the body.

    - 400: operations that take a body or query parameters (`page` aside: a page out of range
      is a 404), and those whose view declares a 400 (broken business rules);
    - 401: operations anonymous callers may not use (DRF answers 401 when the first
      authentication class names a scheme, here `Token`);
    - 403 and 404: every operation (roles, MFA, token scope, CSRF; rows the reader may not
      see, an affiliate it is not a member of, a page out of range);
    - 415: operations that take a body;
    - 429: views with throttles.

    405 is not listed: each operation's method is allowed by definition; the methods that
    are not allowed are the ones missing from the path.
    """

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation["responses"]
        for code in self._refusals(operation):
            component_name, description, headers = ERROR_RESPONSES[code]
            component = self._error_component(component_name)
            response = responses.setdefault(code, {"description": description})
            response.setdefault("content", {"application/json": {"schema": component.ref}})
            if headers:
                response.setdefault("headers", {}).update(headers)
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        """DRF's ModelSerializer drops `allow_blank` from read-only fields, and a read-only
        relation does not say it may be null: the model says both. Without this the schema
        would promise an enum value, a URI or an e-mail address where the answer holds "",
        and an object or a string where it holds null."""
        model_fields = _model_fields(field) if direction == "response" and field.read_only else []
        if _may_be_blank(model_fields) and isinstance(field, serializers.ChoiceField):
            field.allow_blank = True
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if any(getattr(f, "null", False) for f in model_fields) and schema is not None:
            if "$ref" in schema:
                schema = {"allOf": [schema], "nullable": True}
            elif "oneOf" not in schema:
                schema["nullable"] = True
        return schema

    def _insert_field_validators(self, field, schema):
        super()._insert_field_validators(field, schema)
        blank = field.read_only and _may_be_blank(_model_fields(field))
        if blank and schema.get("format") in ("uri", "email"):
            del schema["format"]
            schema["description"] = " ".join(
                filter(None, [schema.get("description"), str(_("Empty when unknown."))])
            )

    def _refusals(self, operation) -> list[str]:
        takes_body = "requestBody" in operation
        queries = [
            p for p in operation.get("parameters", []) if p["in"] == "query" and p["name"] != "page"
        ]
        security = operation.get("security", [])
        codes = ["403", "404"]
        if takes_body or queries or "400" in operation["responses"]:
            codes.append("400")
        if security and {} not in security:
            codes.append("401")
        if takes_body:
            codes.append("415")
        if self.view.get_throttles():
            codes.append("429")
        return codes

    def _error_component(self, name: str) -> ResolvedComponent:
        schema = VALIDATION_ERROR_SCHEMA if name == "ValidationError" else ERROR_SCHEMA
        component = ResolvedComponent(
            name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema
        )
        self.registry.register_on_missing(component)
        return component


def _model_fields(field) -> list:
    """The model fields a serializer field's `source` walks through (`report.assigned_to`:
    the finding's report, then the report's assignee); empty when it is not a model path."""
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None or not field.source or field.source == "*":
        return []
    found = []
    for name in field.source.split("."):
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return []
        found.append(model_field)
        model = model_field.related_model
        if model is None:
            break
    return found if len(found) == len(field.source.split(".")) else []


def _may_be_blank(model_fields: list) -> bool:
    """A text field the model lets be blank (a relation's `blank` means it may be null)."""
    return bool(model_fields) and not model_fields[-1].is_relation and model_fields[-1].blank


def audience_schema(component_name: str, shapes: list[type]):
    """Document a read-only viewset whose shape depends on the reader (`get_serializer_class`)
    as one `oneOf` of every reader's shape, widest first; `close_audience_branches` makes
    each answer match exactly one of them."""
    shape = PolymorphicProxySerializer(
        component_name=component_name, serializers=shapes, resource_type_field_name=None
    )
    return extend_schema_view(
        list=extend_schema(responses=shape), retrieve=extend_schema(responses=shape)
    )


def close_audience_branches(result, generator, request, public):
    """drf-spectacular postprocessing hook: a `oneOf` of reader shapes (`*ByAudience`) is only
    useful if a response matches exactly one branch. The staff shape holds every field of the
    partner's, which holds every field of the affiliate's: with every field required and no
    other field allowed, each answer matches the shape of its reader and no other."""
    schemas = result.get("components", {}).get("schemas", {})
    for schema in schemas.values():
        for branch in schema.get("oneOf", []):
            ref = branch.get("$ref", "")
            target = (
                schemas.get(ref.rsplit("/", 1)[-1]) if ref.startswith("#/components/") else None
            )
            if target is not None and target.get("type") == "object":
                target["additionalProperties"] = False
    return result
