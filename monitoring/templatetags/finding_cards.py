"""The cards of an affiliate's findings list, written in Python: 25 cards through
monitoring/includes/published_finding.html cost more than the page's query. Each card is the
include's markup, each value shown as the include shows it (localised, escaped unless safe),
each label translated once per page."""

from django import template
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import linebreaksbr
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext as _

from core.rows import row_url, text

from .monitoring_tags import (
    calendar_date,
    choice_label,
    country_name,
    indicator_labels,
    labels_of,
    reported_count,
)

register = template.Library()


def _labels() -> dict:
    names = (
        "Urgent (fast-track)",
        "Factory",
        "Monitoring period",
        "Workers affected",
        "ILO forced-labour indicators",
        "Youngest age observed",
        "Child labour",
        "Trafficking",
        "Act:",
        "means:",
        "purpose:",
        "Published",
        "Companies' answers",
    )
    # `{% translate "…" %}` writes its literal's translation unescaped (a literal is safe).
    labels = {name: str(_(name)) for name in names}
    labels["answers"] = labels["Companies' answers"]
    return labels


def _joined(values) -> str:
    """`values|join:", "` (escaped)."""
    return conditional_escape(", ").join(conditional_escape(v) for v in values)


def _card(finding, show_factory, affiliate_slug, t) -> str:
    pk = text(finding.pk)
    heading = text(finding.standard.label)
    if finding.sub_standard:
        heading += f": {text(finding.sub_standard.label)}"
    urgent = (
        f'<span class="badge overdue">{t["Urgent (fast-track)"]}</span>'
        if finding.fast_track
        else ""
    )
    facts = []
    if show_factory:
        factory = finding.report.factory
        url = text(
            row_url(
                "reports:factory_detail", finding.report.factory_id, affiliate_slug=affiliate_slug
            )
        )
        facts.append(
            f'<dt>{t["Factory"]}</dt><dd><a href="{url}">{text(factory.name)}</a> '
            f"({text(country_name(factory.country))})</dd>"
        )
    report = finding.report
    facts.append(
        f"<dt>{t['Monitoring period']}</dt><dd>"
        f"{text(calendar_date(_local(report.period_start), 'YEAR_MONTH_FORMAT'))} – "
        f"{text(calendar_date(_local(report.period_end), 'YEAR_MONTH_FORMAT'))}</dd>"
    )
    facts.append(
        f"<dt>{t['Workers affected']}</dt><dd>{text(reported_count(finding.workers_affected))}</dd>"
    )
    if finding.ilo_indicators:
        facts.append(
            f"<dt>{t['ILO forced-labour indicators']}</dt>"
            f"<dd>{_joined(indicator_labels(finding.ilo_indicators))}</dd>"
        )
    if finding.youngest_age_observed:
        facts.append(
            f"<dt>{t['Youngest age observed']}</dt><dd>{text(finding.youngest_age_observed)}</dd>"
        )
    if finding.child_labour:
        facts.append(
            f"<dt>{t['Child labour']}</dt>"
            f"<dd>{_joined(labels_of(finding.child_labour, 'child_labour'))}</dd>"
        )
    if finding.trafficking_acts or finding.trafficking_purposes:
        acts = _joined(labels_of(finding.trafficking_acts, "acts")) or "—"
        means = _joined(labels_of(finding.trafficking_means, "means")) or "—"
        purposes = _joined(labels_of(finding.trafficking_purposes, "purposes")) or "—"
        facts.append(
            f"<dt>{t['Trafficking']}</dt><dd>{t['Act:']} {acts}; {t['means:']} {means}; "
            f"{t['purpose:']} {purposes}</dd>"
        )
    facts.append(
        f"<dt>{t['Published']}</dt>"
        f"<dd>{text(calendar_date(_local(finding.published_at), 'DATE_FORMAT'))}</dd>"
    )
    answers = ""
    replies = getattr(finding, "published_replies", None)
    if finding.published_at and replies:
        items = []
        for reply in replies:
            if reply.answered_at:
                answer = linebreaksbr(reply.answer, autoescape=True)
            else:
                due = text(date_filter(reply.right_of_reply.due_date, "DATE_FORMAT"))
                answer = _("No answer by the deadline (%(date)s).") % {"date": due}
            items.append(f"<dt>{text(reply.right_of_reply.company.name)}</dt><dd>{answer}</dd>")
        answers = (
            f'<div class="company-answers"><h4>{t["answers"]}</h4>'
            f'<dl class="facts">{"".join(items)}</dl></div>'
        )
    severity = text(finding.severity)
    return (
        f'<article class="finding card" aria-labelledby="finding-{pk}">'
        f'<h3 id="finding-{pk}">{heading}</h3>'
        f'<p><span class="badge severity-{severity}">'
        f"{text(choice_label(finding, 'severity'))}</span> "
        f'{urgent} <span class="badge">{text(choice_label(finding, "status"))}</span></p>'
        f"<p>{linebreaksbr(finding.published_text, autoescape=True)}</p>"
        f'<dl class="facts">{"".join(facts)}</dl>{answers}</article>'
    )


def _local(value):
    """A value as a template passes it to a filter that expects local time."""
    return template_localtime(value) if value is not None else value


@register.simple_tag
def finding_cards(findings, show_factory=False, affiliate_slug="") -> str:
    """The cards of `{% for finding in findings %}{% include "monitoring/includes/
    published_finding.html" with show_factory=… %}{% endfor %}`."""
    labels = _labels()
    return mark_safe(  # noqa: S308 (every value escaped)
        "\n".join(_card(finding, show_factory, affiliate_slug, labels) for finding in findings)
    )
