"""The rows of the case tables (remediation/includes/case_table.html: staff's, an affiliate's
and the lead partner's lists), written in Python: 50 rows through the template engine cost
more than the page's query. Each value is shown as `{{ value }}` shows it (localised, escaped
unless safe), each label translated once per page and written as `{% translate %}` writes
it (unescaped: a literal is safe)."""

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from core.rows import row_url, text
from monitoring.templatetags.monitoring_tags import choice_label

register = template.Library()

_URL_NAMES = {"staff": "remediation:staff_case", "partner": "remediation:partner_case"}


@register.simple_tag
def case_rows(cases, case_url: str, affiliate_slug: str = "") -> str:
    """The table's rows (its `{% empty %}` row included) for `case_url` "staff", "partner"
    or "affiliate" (with the affiliate's slug)."""
    if case_url in _URL_NAMES:
        url_name, kwargs = _URL_NAMES[case_url], {}
    else:
        url_name, kwargs = "remediation:affiliate_case", {"affiliate_slug": affiliate_slug}
    affiliate = case_url == "affiliate"
    fast_track = f' <span class="badge overdue">{_("Fast-track")}</span>'
    hidden = (
        '<td><span aria-hidden="true">—</span><span class="visually-hidden">'
        f"{_('Shown once your affiliate has joined')}</span></td>"
    )
    joined, not_joined = _("Joined"), _("Not joined")
    rows = []
    for case in cases:
        url = text(row_url(url_name, case.pk, **kwargs))
        if affiliate and not case.joined:
            counts = hidden + hidden
        else:
            overdue = (
                f'<span class="badge overdue">{text(case.overdue_count)}</span>'
                if case.overdue_count
                else "0"
            )
            counts = f"<td>{text(case.action_count)}</td>\n          <td>{overdue}</td>"
        participation = f"<td>{joined if case.joined else not_joined}</td>" if affiliate else ""
        rows.append(
            f"""
      <tr>
        <td><a href="{url}">{text(case.reference)}</a> {text(case.title)}</td>
        <td>{text(case.factory.name)} ({text(case.factory.country.code)})</td>
        <td>{text(choice_label(case, "severity"))}{fast_track if case.fast_track else ""}</td>
        <td>{text(choice_label(case, "status"))}</td>
          {counts}
        {participation}
      </tr>
    """
        )
    if not rows:
        return mark_safe(f'\n      <tr><td colspan="7">{_("No case.")}</td></tr>\n    ')  # noqa: S308
    return mark_safe("".join(rows))  # noqa: S308 (every value escaped)
