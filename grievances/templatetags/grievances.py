from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

register = template.Library()


def _deadline(days):
    # Stripped: the file's final newline would show as a space before a closing bracket,
    # "(3 days overdue )".
    context = {"days": days, "late": -days if days is not None and days < 0 else 0}
    return mark_safe(render_to_string("grievances/includes/deadline.html", context).strip())  # noqa: S308 (a rendered template)


@register.simple_tag
def ack_days(grievance, today):
    """“3 days left”, “due today” or “2 days overdue” for the acknowledgement."""
    return _deadline(grievance.ack_days_left(today))


@register.simple_tag
def feedback_days(grievance, today):
    return _deadline(grievance.feedback_days_left(today))
