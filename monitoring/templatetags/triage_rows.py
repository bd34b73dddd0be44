"""The rows of staff's triage queue (monitoring/staff/queue.html), written in Python: 50 rows
through the template engine cost more than the page's query. The rows are read as values
(`ROW_FIELDS`: 50 reports with their factory and partner as model instances cost more than
the query too). Each value is shown as `{{ value }}` shows it (localised, escaped unless
safe), each label translated once per page and written as `{% translate %}` writes it
(unescaped: a literal is safe)."""

from html import escape

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from core.rows import row_url, text

from ..models import MonitoringReport
from .monitoring_tags import days_label, days_since, field_labels

register = template.Library()

# What a row shows, read with `QuerySet.values()`.
ROW_FIELDS = (
    "pk",
    "factory__name",
    "factory__country",
    "partner__name",
    "fast_track",
    "top_severity",
    "finding_count",
    "submitted_at",
    "status",
    "assigned_to__email",
)


def _escaped(value) -> str:
    """`text(value)` for a plain string without its generic checks (a name, an email)."""
    return escape(value) if type(value) is str else text(value)


@register.simple_tag
def triage_rows(reports, severity_labels) -> str:
    """The queue's rows (its `{% empty %}` row included), `reports` read as values of
    `ROW_FIELDS`; `severity_labels` maps a report's `top_severity` rank to its label."""
    fast_track = f'<span class="badge overdue">{_("Fast-track")}</span> '
    # What repeats from row to row, written once per page in the active language.
    severities = {rank: text(label) for rank, label in severity_labels.items()}
    status_labels = field_labels(MonitoringReport, "status")
    numbers, ages, statuses = {}, {}, {}
    rows = []
    for report in reports:
        pk = report["pk"]
        url = text(row_url("monitoring:staff_report", pk))
        severity = severities.get(report["top_severity"]) or "—"
        count = report["finding_count"]
        if count not in numbers:
            numbers[count] = text(count)
        days = days_since(report["submitted_at"])
        if days not in ages:
            ages[days] = text(days_label(days))
        status = report["status"]
        if status not in statuses:
            statuses[status] = text(status_labels.get(status, status))
        fast = fast_track if report["fast_track"] else ""
        rows.append(
            f"""
        <tr>
          <td><a href="{url}">{_escaped(MonitoringReport.reference_of(pk))}</a></td>
          <td>{_escaped(report["factory__name"])} ({_escaped(report["factory__country"])})</td>
          <td>{_escaped(report["partner__name"])}</td>
          <td>{fast}{severity}</td>
          <td>{numbers[count]}</td>
          <td>{ages[days]}</td>
          <td>{statuses[status]}</td>
          <td>{_escaped(report["assigned_to__email"] or "") or "—"}</td>
        </tr>
      """
        )
    if not rows:
        empty = _("Nothing waiting. Well done.")
        return mark_safe(f'\n        <tr><td colspan="8">{empty}</td></tr>\n      ')  # noqa: S308
    return mark_safe("".join(rows))  # noqa: S308 (every value escaped)
