from datetime import date, datetime
from functools import cache, lru_cache

from django import template
from django.conf import settings
from django.template import defaultfilters
from django.utils.encoding import force_str
from django.utils.formats import localize
from django.utils.hashable import make_hashable
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from core.rows import row_url

register = template.Library()


@register.filter
def choice_label(obj, field_name):
    """`obj.get_<field_name>_display()`, from the field's labels in the active language read
    once: Django's flattens the choices and hashes each lazy label, a translation look-up per
    choice, on every call, which cost a list page of 50 rows more than its query.
    `{{ case|choice_label:"status" }}` shows what `{{ case.get_status_display }}` does."""
    field = obj._meta.get_field(field_name)
    value = getattr(obj, field.attname)
    labels = _choice_labels(field, get_language())
    return force_str(labels.get(make_hashable(value), value), strings_only=True)


def field_labels(model, field_name) -> dict:
    """A choice field's labels by value, in the active language (`choice_label`'s, for rows
    read as values)."""
    return _choice_labels(model._meta.get_field(field_name), get_language())


@cache
def _choice_labels(field, language) -> dict:
    # `language` is the key: the labels are read in it (the active language).
    return {make_hashable(value): str(label) for value, label in field.flatchoices}


@register.filter
def pk_url(pk, url_name):
    """`{% url url_name pk=pk %}` for each row of a list: reversed once per URL name, URLconf,
    script prefix and language with a stand-in key, then each row's key put in its place
    (reversing costs some 40 µs a row). Only for URLs with an integer `pk`."""
    return row_url(url_name, pk)


@register.simple_tag(name="row_url")
def row_url_tag(url_name, pk, **kwargs):
    """`{% row_url "reports:factory_detail" factory_id affiliate_slug=affiliate.slug %}`: the
    `{% url %}` of a row whose integer `pk` varies and whose other arguments do not
    (core.rows.row_url)."""
    return row_url(url_name, pk, **kwargs)


@register.filter(expects_localtime=True)
def calendar_date(value, arg="DATE_FORMAT"):
    """`value|date:arg` for a format of the day alone (DATE_FORMAT, YEAR_MONTH_FORMAT), which
    depends on the local day, the format and the language only: formatted once for each of
    them, not on every row of a list (some 40 µs each)."""
    if value in (None, ""):
        return ""
    if isinstance(value, datetime):  # already in local time (expects_localtime)
        value = value.date()
    if not isinstance(value, date):
        return defaultfilters.date(value, arg)
    return _calendar_date(value, arg, get_language())


@lru_cache(maxsize=4096)
def _calendar_date(day, arg, language) -> str:
    return defaultfilters.date(day, arg)


@register.filter
def country_name(country):
    """`country.name` (django-countries) from a table per language: its own look-up translates
    the whole name on each call, some 100 µs a row."""
    if not country:
        return ""
    if getattr(country, "_escape", False):  # a field declared to escape its names
        return country.name
    return _country_name(country.countries, country.code, get_language())


@cache
def _country_name(countries, code, language) -> str:
    return str(countries.name(code))


@register.filter
def reported_count(value):
    """A worker count as affiliates may read it: small numbers are withheld (see settings)."""
    if value is None:
        return _("not recorded")
    if value < settings.EW_MIN_REPORTED_COUNT:
        return _("fewer than %(n)s") % {"n": settings.EW_MIN_REPORTED_COUNT}
    return str(value)


@register.filter
def indicator_labels(codes):
    from monitoring.models import ForcedLabourIndicator

    return [ForcedLabourIndicator(code).label for code in codes or []]


@register.filter
def method_labels(codes):
    from monitoring.models import MonitoringReport

    return [MonitoringReport.Method(code).label for code in codes or []]


@register.filter
def days_since(moment):
    from django.utils import timezone

    if moment is None:
        return ""
    return (timezone.now() - moment).days


@register.filter
def days_since_label(moment):
    """ "3 days" since `moment`: what `{% blocktranslate count counter=days %}{{ counter }}
    day{% plural %}…` says, without the tag's cost on each row of a list."""
    return days_label(days_since(moment))


def days_label(days) -> str:
    """ "3 days" for `days` (a number of days, or "" for none: "")."""
    if days == "":
        return ""
    return ngettext("%(counter)s day", "%(counter)s days", days) % {"counter": localize(days)}


@register.filter
def get_item(mapping, key):
    return mapping.get(key)


@register.filter
def labels_of(codes, kind):
    """Labels of a finding's child-labour categories or trafficking elements:
    `finding.child_labour|labels_of:"child_labour"` (or "acts", "means", "purposes")."""
    from monitoring import models

    enum = {
        "child_labour": models.ChildLabourCategory,
        "acts": models.TraffickingAct,
        "means": models.TraffickingMeans,
        "purposes": models.TraffickingPurpose,
    }[kind]
    return [enum(code).label for code in codes or []]
