from django import template
from django.template.loader import render_to_string

register = template.Library()


def _deadline(days):
    return render_to_string(
        "grievances/includes/deadline.html",
        {"days": days, "late": -days if days is not None and days < 0 else 0},
    ).strip()


@register.simple_tag
def ack_days(grievance, today):
    """“3 days left”, “due today” or “2 days overdue” for the acknowledgement."""
    return _deadline(grievance.ack_days_left(today))


@register.simple_tag
def feedback_days(grievance, today):
    return _deadline(grievance.feedback_days_left(today))
