"""Form helpers that know no domain."""

from functools import lru_cache

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.forms.widgets import ChoiceWidget
from django.utils import translation
from django.utils.choices import BaseChoiceIterator
from django.utils.functional import Promise, lazy
from django.utils.html import escape, format_html
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.widgets import LazySelect

from .rows import text


def country_choices(blank_label):
    """Choices for a country field, named in the language of each request: a callable, so the
    list is built when a form is shown, not once in the language of the first request."""

    def choices():
        return _CountryChoices(blank_label)

    return choices


class _CountryChoices(BaseChoiceIterator):
    """The blank choice, then every country (django-countries' pairs, in the active language):
    pairs already, so that a field reading its choices (to check a value, to show them)
    does not normalise some 250 pairs each time, as it does a list (`normalize_choices`)."""

    def __init__(self, blank_label):
        self.blank_label = blank_label

    def __iter__(self):
        yield ("", self.blank_label)
        yield from countries


def _interpolate(text, **values) -> str:
    return str(text) % {name: v() if callable(v) else v for name, v in values.items()}


# A help text built when a form class is defined must still be translated when it is shown:
# `gettext_lazy(...) % values` translates once, in the language active at that moment.
# Values may be callables, evaluated at display time too (a localised file size).
interpolate_lazy = lazy(_interpolate, str)


# --- Selects of many options -----------------------------------------------------------------


class QuickSelectMixin:
    """A select that writes its options in Python: the markup of Django's own templates
    (`django/forms/widgets/select.html`, `select_option.html`, `attrs.html`), byte for byte,
    without rendering one template per option. A country filter offers about 250 options:
    through the templates they cost tens of milliseconds a page.

    The options of a plain select (Django's `Select` and `SelectMultiple`, their options
    built by Django's `optgroups`) are kept once written, per process: keyed by the choices
    themselves (values, labels as shown in the active language, whether a label is safe),
    the values selected and the language, so a kept markup is always the one the choices
    would give now (a list of countries is written once per language and selection). A
    subclass that builds its options otherwise has them written each time, the same way.
    Only for widgets that keep Django's select templates (`template_name`,
    `option_template_name` unchanged)."""

    def render(self, name, value, attrs=None, renderer=None):
        key = self._options_key(value)
        if key is None:
            return self._render_context(name, value, attrs)
        final_attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            final_attrs["multiple"] = True
        return mark_safe(  # noqa: S308 (every name, value and label escaped)
            f'<select name="{escape(name)}"{_attrs(final_attrs)}>{_kept_options(*key)}\n</select>'
        )

    def _options_key(self, value) -> tuple | None:
        """What the options depend on, or None when they are not Django's plain ones or a
        choice cannot be a key (unhashable)."""
        cls = type(self)
        if (
            self.option_inherits_attrs
            or cls.optgroups is not ChoiceWidget.optgroups
            or cls.create_option is not ChoiceWidget.create_option
            or cls.get_context not in (forms.Select.get_context, ChoiceWidget.get_context)
            or self.checked_attribute != {"selected": True}
        ):
            return None
        choices = []
        for choice_value, label in self.choices:
            if isinstance(label, list | tuple):  # a group: its name, then its options
                group = tuple((value, *_label_key(sub)) for value, sub in label)
                choices.append((choice_value, True, group))
            else:
                choices.append((choice_value, False, _label_key(label)))
        key = (
            translation.get_language(),
            self.allow_multiple_selected,
            tuple(self.format_value(value)),
            tuple(choices),
        )
        try:
            hash(key)
        except TypeError:
            return None
        return key

    def _render_context(self, name, value, attrs):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{text(group_name)}">')
            for option in group_choices:
                parts.append(
                    f'\n  <option value="{escape(option["value"])}"{_attrs(option["attrs"])}>'
                    f"{text(option['label'])}</option>\n"
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")  # the renderer strips the template's last newline
        return mark_safe("".join(parts))  # noqa: S308 (every name, value and label escaped)


def _label_key(label) -> tuple:
    """(safe, label): lazy text as the active language shows it; whether it is safe text
    (not escaped); anything else (a number, localised when shown) as it is."""
    if isinstance(label, Promise):
        label = str(label)
    if isinstance(label, SafeData):
        return True, str(label)
    return False, label


@lru_cache(maxsize=256)
def _kept_options(language, multiple: bool, selected: tuple, choices: tuple) -> str:
    """The options of Django's `ChoiceWidget.optgroups` and the select template, for a key of
    `QuickSelectMixin._options_key` (the language is there for the labels it localises)."""
    parts = []
    has_selected = False
    for choice_value, grouped, payload in choices:
        if choice_value is None:
            choice_value = ""
        tagged = grouped and choice_value  # Django writes no <optgroup> for a group unnamed
        if tagged:
            parts.append(f'\n  <optgroup label="{text(choice_value)}">')
        for value, safe, label in payload if grouped else ((choice_value, *payload),):
            chosen = (not has_selected or multiple) and str(value) in selected
            has_selected |= chosen
            shown = label if safe else text(label)
            parts.append(
                f'\n  <option value="{escape(value)}"{" selected" if chosen else ""}>'
                f"{shown}</option>\n"
            )
        if tagged:
            parts.append("\n  </optgroup>")
    return "".join(parts)


def _attrs(attrs: dict) -> str:
    """`django/forms/widgets/attrs.html`: False leaves the attribute out, True writes its name
    alone, anything else name="value" (as `stringformat:'s'`, escaped)."""
    return "".join(
        f" {text(name)}" if value is True else f' {text(name)}="{_stringformat(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _stringformat(value) -> str:
    """`{{ value|stringformat:'s' }}`: the filter keeps safe text safe (not escaped)."""
    return value if isinstance(value, SafeData) else escape(str(value))


class QuickSelect(QuickSelectMixin, forms.Select):
    """`forms.Select` with its options written in Python (QuickSelectMixin)."""


class QuickCountrySelect(QuickSelectMixin, LazySelect):
    """django-countries' select (a country field's own widget) written in Python."""


class QuickInputMixin:
    """An `<input>` written in Python: the markup of Django's `input.html` and `attrs.html`
    (which `text.html`, `checkbox.html` and the other plain inputs include), byte for byte,
    without rendering three templates per field; for the filters of every list. Only for
    widgets whose template is one of those (`template_name` unchanged)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        shown = widget["value"]
        shown = "" if shown is None else f' value="{_stringformat(shown)}"'
        return mark_safe(  # noqa: S308 (type, name, value and attributes escaped)
            f'<input type="{text(widget["type"])}" name="{text(widget["name"])}"{shown}'
            f"{_attrs(widget['attrs'])}>"
        )


class QuickTextInput(QuickInputMixin, forms.TextInput):
    """`forms.TextInput` written in Python (QuickInputMixin)."""


class QuickCheckbox(QuickInputMixin, forms.CheckboxInput):
    """`forms.CheckboxInput` written in Python (QuickInputMixin)."""


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
