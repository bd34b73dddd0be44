"""The rows of staff's triage queue (monitoring/staff/queue.html), written in Python: 50 rows
through the template engine cost more than the page's query. Each value is shown as
`{{ value }}` shows it (localised, escaped unless safe), each label translated once per page
and written as `{% translate %}` writes it (unescaped: a literal is safe)."""

from html import escape

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from core.rows import row_url, text

from .monitoring_tags import choice_label, days_label, days_since

register = template.Library()


def _escaped(value) -> str:
    """`text(value)` for a plain string without its generic checks (a name, an email)."""
    return escape(value) if type(value) is str else text(value)


@register.simple_tag
def triage_rows(reports, severity_labels) -> str:
    """The queue's rows (its `{% empty %}` row included); `severity_labels` maps a report's
    `top_severity` rank to its label."""
    fast_track = f'<span class="badge overdue">{_("Fast-track")}</span> '
    # What repeats from row to row, written once per page in the active language.
    severities = {rank: text(label) for rank, label in severity_labels.items()}
    numbers, ages, statuses = {}, {}, {}
    rows = []
    for report in reports:
        url = text(row_url("monitoring:staff_report", report.pk))
        factory = report.factory
        severity = severities.get(report.top_severity) or "—"
        count = report.finding_count
        if count not in numbers:
            numbers[count] = text(count)
        days = days_since(report.submitted_at)
        if days not in ages:
            ages[days] = text(days_label(days))
        if report.status not in statuses:
            statuses[report.status] = text(choice_label(report, "status"))
        assignee = report.assigned_to.email if report.assigned_to_id else ""
        rows.append(
            f"""
        <tr>
          <td><a href="{url}">{_escaped(report.reference)}</a></td>
          <td>{_escaped(factory.name)} ({_escaped(factory.country.code)})</td>
          <td>{_escaped(report.partner.name)}</td>
          <td>{fast_track if report.fast_track else ""}{severity}</td>
          <td>{numbers[count]}</td>
          <td>{ages[days]}</td>
          <td>{statuses[report.status]}</td>
          <td>{_escaped(assignee) or "—"}</td>
        </tr>
      """
        )
    if not rows:
        empty = _("Nothing waiting. Well done.")
        return mark_safe(f'\n        <tr><td colspan="8">{empty}</td></tr>\n      ')  # noqa: S308
    return mark_safe("".join(rows))  # noqa: S308 (every value escaped)
