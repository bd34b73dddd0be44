"""Form helpers that know no domain."""

from django.utils.functional import lazy
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
