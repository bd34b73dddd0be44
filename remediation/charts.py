"""The share of compensation reimbursed over time, as a step chart: drawn like the charts of
`core.charts` (inline SVG, no style attribute, a title and a description, each point's value
in a tooltip), and always next to the table of the same numbers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils import formats
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext

from core.charts import (
    AXIS,
    BAR_COLOUR,
    INK,
    MUTED,
    PAD,
    _coord,
    _empty_chart,
    _format_number,
    _pair,
    _svg,
)

LEFT = 48  # room for the "100 %" labels
BOTTOM = 28  # room for the month labels
PLOT_HEIGHT = 160


def share_step_chart(
    series: list[tuple[date, Decimal]], *, title: str, chart_id: str, width: int = 640
) -> SafeString:
    """Per cent reimbursed at the end of each month (0–100), as steps from month to month."""
    if not series:
        return _empty_chart(chart_id=chart_id, title=title, width=width)
    plot_width = width - LEFT - 2 * PAD
    step = plot_width / len(series)
    top = PAD

    def y(share) -> float:
        return top + PLOT_HEIGHT * (1 - min(float(share), 100.0) / 100)

    parts = []
    for tick in (0, 50, 100):
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1"/>'
                '<text x="{}" y="{}" text-anchor="end" fill="{}">{}</text>',
                LEFT,
                _coord(y(tick)),
                LEFT + plot_width,
                _coord(y(tick)),
                AXIS,
                LEFT - 6,
                _coord(y(tick) + 4),
                MUTED,
                f"{tick} %",
            )
        )
    points = [f"M{LEFT},{_coord(y(0))}"]
    for index, (_month, share) in enumerate(series):
        x0, x1 = LEFT + index * step, LEFT + (index + 1) * step
        points.append(f"L{_coord(x0)},{_coord(y(share))}")
        points.append(f"L{_coord(x1)},{_coord(y(share))}")
    parts.append(
        format_html(
            '<path d="{}" fill="none" stroke="{}" stroke-width="2"/>', " ".join(points), BAR_COLOUR
        )
    )
    label_every = max(1, len(series) // 6)
    for index, (month, share) in enumerate(series):
        x = LEFT + (index + 0.5) * step
        label = formats.date_format(month, "YEAR_MONTH_FORMAT")
        parts.append(
            format_html(
                '<g class="chart-point"><title>{}</title>'
                '<circle cx="{}" cy="{}" r="3" fill="{}"/></g>',
                _pair(label, f"{_format_number(share)} %"),
                _coord(x),
                _coord(y(share)),
                BAR_COLOUR,
            )
        )
        if index % label_every == 0:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" text-anchor="middle" fill="{}">{}</text>',
                    _coord(x),
                    _coord(top + PLOT_HEIGHT + BOTTOM - 8),
                    INK,
                    formats.date_format(month, "m/Y"),
                )
            )
    last_month, last_share = series[-1]
    description = " ".join(
        [
            ngettext(
                "Step chart of the share reimbursed at the end of %(count)d month.",
                "Step chart of the share reimbursed at the end of each of %(count)d months.",
                len(series),
            )
            % {"count": len(series)},
            gettext("%(month)s: %(share)s %% reimbursed.")
            % {
                "month": formats.date_format(last_month, "YEAR_MONTH_FORMAT"),
                "share": _format_number(last_share),
            },
        ]
    )
    height = top + PLOT_HEIGHT + BOTTOM + PAD
    return _svg(chart_id, title, description, width, height, parts)
