"""Form helpers that know no domain."""

from django_countries import countries


def country_choices(blank_label):
    """Choices for a country field, named in the language of each request: a callable, so the
    list is built when a form is shown, not once in the language of the first request."""

    def choices():
        return [("", blank_label), *countries]

    return choices
