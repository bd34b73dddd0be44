"""Serializer helpers for API lists that repeat one shape by the hundred.

- `FieldsBuiltOnce`: a read-only serializer's fields built once per process.
- `PlainColumns`: a serializer whose rows show columns read directly (and plain `values()`
  rows), with DRF's output byte for byte.
"""

from collections.abc import Mapping
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models.manager import BaseManager
from django.utils import timezone
from django.utils.functional import cached_property
from rest_framework import ISO_8601, serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject
from rest_framework.settings import api_settings

from core.encryption import EncryptedTextField


class FieldsBuiltOnce:
    """For a read-only serializer (put it first among the bases): its fields are built and
    bound once per process instead of once per request. DRF builds a serializer's fields on
    every instance (a deep copy of the declared fields, a ModelSerializer's introspection of
    its model, the binding), some 10% of an API page of 50 rows with nested shapes.

    The fields are bound to a template instance without context, so a field must not read
    `context` (the request) to represent a value: true of the model, choice, date, number,
    list, primary-key and slug fields; not of hyperlinked or file fields, which must not be
    used in such a serializer. `SerializerMethodField`s run on the template instance.
    """

    @property
    def fields(self):
        cls = type(self)
        fields = cls.__dict__.get("_fields_built_once")
        if fields is None:
            template = cls(context={})
            fields = serializers.Serializer.fields.func(template)
            cls._fields_built_once = fields
        return fields


# Kinds of field in a `PlainColumns` plan.
_COLUMN, _ATTRIBUTE, _METHOD, _ONE, _MANY, _SLUG = range(6)


def _iso_datetime(field):
    """`DateTimeField.to_representation` (ISO 8601) for an aware value, in the field's zone."""
    zone, slow = field.timezone, field.to_representation

    def represent(value):
        if value.tzinfo is None or zone is None:
            return slow(value)
        try:
            text = value.astimezone(zone).isoformat()
        except OverflowError:
            return slow(value)
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return represent


# Columns whose values are text (str) in Python; not a CharField subclass that makes objects.
_TEXT_COLUMNS = (models.CharField, models.TextField, models.EmailField, EncryptedTextField)


def _representer(field, column):
    """What gives a column's (not null) value as `field.to_representation` does: None where
    that is the value itself (text of a text column, a choice among text choices), the
    value's own ISO format for dates and date-times, else the field's method."""
    kind = type(field)
    text = type(column) in _TEXT_COLUMNS
    if kind in (serializers.CharField, serializers.EmailField) and text:
        return None  # str(value) of a str
    if (
        isinstance(field, serializers.ChoiceField)
        and kind.to_representation is serializers.ChoiceField.to_representation
        and text
        and all(type(key) is str for key in field.choices)
    ):
        return None  # the choice of its own string, or the value itself
    output = getattr(field, "format", None)
    if kind is serializers.DateField and type(column) is models.DateField:
        output = output if hasattr(field, "format") else api_settings.DATE_FORMAT
        if isinstance(output, str) and output.lower() == ISO_8601:
            return date.isoformat
    if kind is serializers.DateTimeField and isinstance(column, models.DateTimeField):
        output = output if hasattr(field, "format") else api_settings.DATETIME_FORMAT
        if isinstance(output, str) and output.lower() == ISO_8601:
            return _iso_datetime(field)
    return field.to_representation


class PlainColumns:
    """DRF's `Serializer.to_representation` for the shapes a list repeats by the hundred (a
    page of staff cases carries some 300 actions): the same fields, each giving its own
    representation, but a field that shows a column of the row reads the attribute directly
    instead of through DRF's generic lookup (its callable and mapping checks, per field and
    per row: most of the list's time), and date-times take the time zone once, not from the
    active zone again for each value. The output is DRF's, byte for byte.

    The fields are built once per process (per class and time zone: `_plan`), not for each
    response: DRF builds a model serializer's fields from its model anew for each instance of
    the serializer, some 400 fields for a page of staff cases. What depends on the response
    is never kept in them: a method field's method is called on the serializer of the
    response, and a nested serializer's rows are shown by a serializer of its class made for
    the response (`_nested`), with the response's context.

    A row may also be a plain dict read with `values()` (`remediation.selectors.case_page_rows`:
    the actions, timeline entries and participants of a page of cases, no model instance
    built): a field then reads the row's key of its `source`, a related field the key of what
    it shows (`author__email` for a `SlugRelatedField(slug_field="email")` on `author`,
    `owner_supplier_id` for a primary key), and a method field is given the row.

    And a model instance may carry what it shows of a related row as plain columns, annotated
    `<relation>_<field>` (`factory_name`, `staff_lead_email`: `remediation.api`), instead of
    the related instance joined to it: a slug field then shows the annotation, a nested
    serializer of that relation the row made of the foreign key (its id) and the annotations
    (its other fields), or None when the key is null."""

    _plans: dict = {}  # (class, time zone) -> (plan, plan for plain rows or None)

    @cached_property
    def _plans_of_class(self) -> tuple:
        zone = timezone.get_current_timezone() if settings.USE_TZ else None
        key = (type(self), zone)
        plans = PlainColumns._plans.get(key)
        if plans is None:
            # From a serializer of no response: the fields kept keep no request.
            plans = PlainColumns._plans[key] = type(self)()._make_plans(zone)
        return plans

    @property
    def _plan(self) -> list:
        return self._plans_of_class[0]

    def _make_plans(self, zone) -> tuple:
        columns = {
            field.attname: field
            for field in self.Meta.model._meta.concrete_fields
            if not field.is_relation
        }
        keys = {  # the foreign keys: relation -> its column
            field.name: field.attname
            for field in self.Meta.model._meta.concrete_fields
            if field.many_to_one or field.one_to_one
        }
        plan, rows, readable = [], [], True  # readable: whether a plain row can be shown
        for field in self.fields.values():
            if field.write_only:
                continue
            if isinstance(field, serializers.DateTimeField) and not hasattr(field, "timezone"):
                field.timezone = zone  # what DRF's `default_timezone()` answers, asked once
            name, source = field.field_name, field.source
            if isinstance(field, serializers.SerializerMethodField):
                plan.append((name, _METHOD, field.method_name, field))
                rows.append((name, _METHOD, field.method_name, None))
            elif isinstance(field, serializers.ListSerializer):
                plan.append((name, _MANY, type(field.child), field))
                readable = False
            elif isinstance(field, serializers.BaseSerializer):
                plan.append((name, _ONE, (type(field), self._joined(field, keys)), field))
                readable = False
            elif isinstance(field, serializers.RelatedField | serializers.ManyRelatedField):
                if isinstance(field, serializers.SlugRelatedField) and source in keys:
                    plan.append((name, _SLUG, f"{source}_{field.slug_field}", field))
                else:
                    plan.append((name, _ATTRIBUTE, None, field))
                if isinstance(field, serializers.SlugRelatedField):
                    rows.append((name, _COLUMN, f"{source}__{field.slug_field}", None))
                elif isinstance(field, serializers.PrimaryKeyRelatedField):
                    rows.append((name, _COLUMN, f"{source}_id", None))
                else:
                    readable = False
            elif source in columns:
                represent = _representer(field, columns[source])
                plan.append((name, _COLUMN, source, represent))
                rows.append((name, _COLUMN, source, represent))
            else:
                plan.append((name, _ATTRIBUTE, source, field))
                rows.append((name, _COLUMN, source, field.to_representation))
                readable = readable and "." not in source
        return plan, rows if readable else None

    @staticmethod
    def _joined(field, keys: dict):
        """How the nested serializer `field` shows a relation read as plain columns: (the
        foreign key, the annotation that tells whether they were read, the row's keys and
        attributes), or None."""
        source = field.source
        if source not in keys or not isinstance(field, PlainColumns):
            return None
        pk = field.Meta.model._meta.pk.attname
        attributes = [
            (child.source, keys[source] if child.source == pk else f"{source}_{child.source}")
            for child in field.fields.values()
        ]
        shown = [attribute for key, attribute in attributes if key != pk]
        if not shown or any("." in key for key, _ in attributes):
            return None
        return keys[source], shown[0], attributes

    def _nested(self, name: str, serializer_class):
        """The serializer of `serializer_class` showing the field `name` in this response."""
        nested = self.__dict__.setdefault("_nested_serializers", {})
        if name not in nested:
            nested[name] = serializer_class(context=self.context)
        return nested[name]

    def _represent_row(self, instance: dict) -> dict:
        rows = self._plans_of_class[1]
        if rows is None:
            raise TypeError(f"{type(self).__name__} cannot show a plain row")
        row = {}
        for name, kind, key, represent in rows:
            if kind == _METHOD:
                row[name] = getattr(self, key)(instance)
                continue
            value = instance[key]
            row[name] = value if value is None or represent is None else represent(value)
        return row

    def to_representation(self, instance):
        if type(instance) is dict:
            return self._represent_row(instance)
        if isinstance(instance, Mapping):
            return super().to_representation(instance)
        row = {}
        for name, kind, source, field in self._plan:
            if kind == _COLUMN:  # `field`: how to show the value (None: as it is)
                value = getattr(instance, source)
                row[name] = value if value is None or field is None else field(value)
                continue
            if kind == _METHOD:
                row[name] = getattr(self, source)(instance)
                continue
            held = instance.__dict__
            if kind == _SLUG:  # read as an annotation, or else through the relation
                if source in held:
                    row[name] = held[source]
                    continue
            elif kind == _ONE and source[1] is not None and source[1][1] in held:
                key, _, attributes = source[1]
                row[name] = (
                    None
                    if held[key] is None
                    else self._nested(name, source[0])._represent_row(
                        {child: held[attribute] for child, attribute in attributes}
                    )
                )
                continue
            try:
                value = field.get_attribute(instance)
            except SkipField:
                continue
            if isinstance(value, PKOnlyObject):
                row[name] = None if value.pk is None else field.to_representation(value)
            elif value is None:
                row[name] = None
            elif kind == _MANY:  # as DRF's `ListSerializer.to_representation`
                nested = self._nested(name, source)
                items = value.all() if isinstance(value, BaseManager) else value
                row[name] = [nested.to_representation(item) for item in items]
            elif kind == _ONE:
                row[name] = self._nested(name, source[0]).to_representation(value)
            else:
                row[name] = field.to_representation(value)
        return row
