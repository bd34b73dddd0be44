"""Generic API helpers for every app's endpoints."""

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from rest_framework import exceptions, status
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
