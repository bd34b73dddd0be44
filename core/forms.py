"""Form helpers that know no domain."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_countries import countries


def country_choices(blank_label):
    """Choices for a country field, named in the language of each request: a callable, so the
    list is built when a form is shown, not once in the language of the first request."""

    def choices():
        return [("", blank_label), *countries]

    return choices


def _interpolate(text, **values) -> str:
    return str(text) % {name: v() if callable(v) else v for name, v in values.items()}


# A help text built when a form class is defined must still be translated when it is shown:
# `gettext_lazy(...) % values` translates once, in the language active at that moment.
# Values may be callables, evaluated at display time too (a localised file size).
interpolate_lazy = lazy(_interpolate, str)


# --- Choices among thousands ---------------------------------------------------------------

SUGGESTIONS = 20  # how many names a suggestion endpoint answers
SEVERAL_SHOWN = 5  # how many candidates the "several match" message names


class SuggestInput(forms.TextInput):
    """A text box whose <datalist> static/js/app.js fills, as one types, from the JSON
    endpoint `suggest_url` (`{"results": [{"id": …, "name": …}]}`); without JavaScript it is a
    plain text box, searched when the form is sent."""

    def __init__(self, attrs=None, suggest_url=""):
        super().__init__(attrs)
        self.suggest_url = suggest_url

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        list_id = f"{widget_attrs.get('id') or name}-suggestions"
        widget_attrs.update({"list": list_id, "autocomplete": "off", "type": "search"})
        if self.suggest_url:
            widget_attrs["data-suggest-url"] = str(self.suggest_url)
        return context

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        list_id = f"{(attrs or {}).get('id') or self.attrs.get('id') or name}-suggestions"
        return format_html('{}<datalist id="{}"></datalist>', html, list_id)


class SearchableModelChoiceField(forms.ModelChoiceField):
    """A choice among thousands of rows (contractors, factories, suppliers), typed instead of
    picked from a select of thousands of options. It takes the row's id (links, the API, the
    suggestions) or its name (`search_field`): the exact name, or a part of it that only one
    row's name holds; when several do, the message names some of them."""

    widget = SuggestInput
    default_error_messages = {
        "none": _("No %(what)s is named “%(value)s”."),
        "several": _(
            "More than one %(what)s matches “%(value)s”: %(names)s… Type more of the name."
        ),
    }

    def __init__(self, queryset, *, what, search_field="name", **kwargs):
        kwargs.setdefault("empty_label", None)
        super().__init__(queryset, **kwargs)
        self.what = what
        self.search_field = search_field

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = " ".join(str(value).split())
        if text.isdigit():
            return super().to_python(text)
        field = self.search_field
        found = list(self.queryset.filter(**{f"{field}__iexact": text})[:2])
        if len(found) != 1:
            found = list(self.queryset.filter(**{f"{field}__icontains": text})[: SEVERAL_SHOWN + 1])
        if len(found) == 1:
            return found[0]
        params = {"what": self.what, "value": text}
        if not found:
            raise ValidationError(self.error_messages["none"], code="none", params=params)
        names = ", ".join(getattr(row, field) for row in found[:SEVERAL_SHOWN])
        raise ValidationError(
            self.error_messages["several"], code="several", params={**params, "names": names}
        )

    def prepare_value(self, value):
        """The name, not the id, in the text box."""
        if hasattr(value, "_meta"):
            return getattr(value, self.search_field)
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            row = self.queryset.filter(pk=value).first()
            return getattr(row, self.search_field) if row else value
        return value

    def has_changed(self, initial, data):
        return str(self.prepare_value(initial) or "") != str(self.prepare_value(data) or "")


def suggestions(queryset, text: str, *, field: str = "name") -> dict:
    """The body of a suggestion endpoint: up to SUGGESTIONS rows whose `field` holds `text`
    (names starting with it first), or none for less than two characters."""
    text = " ".join(text.split())
    if len(text) < 2:
        return {"results": []}
    rows = (
        queryset.filter(**{f"{field}__icontains": text})
        .annotate(starts=ExpressionWrapper(Q(**{f"{field}__istartswith": text}), BooleanField()))
        .order_by("-starts", field, "pk")
        .values("pk", field)[:SUGGESTIONS]
    )
    return {"results": [{"id": row["pk"], "name": row[field]} for row in rows]}
