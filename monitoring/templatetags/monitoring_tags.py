from django import template
from django.conf import settings
from django.utils.translation import gettext as _

register = template.Library()


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
