from django import template

register = template.Library()


def _deadline(days):
    return {"days": days, "late": -days if days is not None and days < 0 else 0}


@register.inclusion_tag("grievances/includes/deadline.html")
def ack_days(grievance, today):
    """“3 days left”, “due today” or “2 days overdue” for the acknowledgement."""
    return _deadline(grievance.ack_days_left(today))


@register.inclusion_tag("grievances/includes/deadline.html")
def feedback_days(grievance, today):
    return _deadline(grievance.feedback_days_left(today))
