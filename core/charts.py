"""Charts drawn on the server as inline SVG, for pages, PDFs (WeasyPrint) and e-mails alike.

Why SVG from Python: no JavaScript, nothing fetched from elsewhere, and the same markup works
in a browser under our strict CSP and in a PDF. So no `style=` attribute anywhere (the CSP has
no 'unsafe-inline' for styles): colours and fonts are SVG presentation attributes.

Every chart is an image with an accessible name (`<title>`) and description (`<desc>`); each
bar also carries its full label and value in a `<title>` (a tooltip), and shows its value as
text. A chart never replaces the table of the same numbers next to it: screen readers read the
table. Labels are user-typed text: everything goes through `format_html`, nothing is trusted.

The output depends only on the input and the active language, byte for byte.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal

from django.utils import formats
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

Number = int | float | Decimal

BAR_COLOUR = "#0b5394"  # 7.8:1 on white
INK = "#1a1a1a"  # 17:1 on white
MUTED = "#4a4a4a"  # 8.9:1 on white
AXIS = "#6b7785"  # 4.6:1 on white
# Distinct hues, each at least 4.5:1 on white; segments are also parted by white gaps.
PALETTE = ("#0b5394", "#b35806", "#1b7837", "#6a3d9a", "#7a1212", "#5b6b7c")

FONT_FAMILY = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"
FONT_SIZE = 13
CHAR_WIDTH = 7.5  # a generous average advance of a 13px sans-serif character
ROW_HEIGHT = 26
BAR_HEIGHT = 18
PAD = 8
VALUE_SPACE = 72  # room right of the longest bar for its value
LEGEND_SWATCH = 12

_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def bar_chart(
    rows: Sequence[tuple[str, Number]],
    *,
    title: str,
    unit_label: str = "",
    max_bars: int = 20,
    width: int = 640,
    chart_id: str = "",
) -> SafeString:
    """A horizontal bar chart of (label, value) rows, drawn in the order given.

    Only the first `max_bars` rows are drawn; a note says how many more were left out. With no
    rows the chart says so instead of drawing bars. `unit_label` names what the values count
    ("Findings"); it is shown under the bars and read out in the description. `chart_id`
    prefixes the ids that `aria-labelledby` points at; by default it is derived from the
    content, so that several charts on one page do not clash.
    """
    chart_id = chart_id or _derived_id("bar", title, rows)
    shown = list(rows[:max_bars])
    hidden = len(rows) - len(shown)
    if not shown:
        return _empty_chart(chart_id=chart_id, title=title, width=width)

    layout = _Layout(width=width, labels=[label for label, _ in shown])
    largest = max((_as_float(value) for _, value in shown), default=0.0)
    scale = layout.bar_space / largest if largest > 0 else 0.0

    parts = []
    for index, (label, value) in enumerate(shown):
        y = PAD + index * ROW_HEIGHT
        bar_width = _bar_width(_as_float(value), scale)
        parts.append(
            format_html(
                '<g class="chart-bar"><title>{}</title>'
                '<text x="{}" y="{}" text-anchor="end" fill="{}">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>'
                '<text class="chart-value" x="{}" y="{}" fill="{}">{}</text></g>',
                _pair(label, _format_number(value)),
                layout.label_right,
                _baseline(y),
                INK,
                _truncate(label, layout.label_chars),
                layout.bar_left,
                y,
                _coord(bar_width),
                BAR_HEIGHT,
                BAR_COLOUR,
                _coord(layout.bar_left + bar_width + 6),
                _baseline(y),
                INK,
                _format_number(value),
            )
        )
    height = PAD + len(shown) * ROW_HEIGHT
    parts.append(_axis(layout, top=PAD, bottom=height - (ROW_HEIGHT - BAR_HEIGHT)))
    height, footer = _footer(layout, height, unit_label=unit_label, hidden=hidden)
    parts.extend(footer)

    description = " ".join(
        filter(
            None,
            [
                ngettext(
                    "Horizontal bar chart with %(count)d bar.",
                    "Horizontal bar chart with %(count)d bars.",
                    len(shown),
                )
                % {"count": len(shown)},
                _unit_sentence(unit_label),
                _largest_sentence(shown),
                _hidden_sentence(hidden),
            ],
        )
    )
    return _svg(chart_id, title, description, width, height, parts)


def stacked_bar_chart(
    rows: Sequence[tuple[str, Mapping[str, Number]]],
    *,
    segments: Sequence[tuple[str, str]],
    title: str,
    unit_label: str = "",
    colours: Sequence[str] = PALETTE,
    max_bars: int = 20,
    width: int = 640,
    chart_id: str = "",
) -> SafeString:
    """A horizontal bar per row, split into segments, with a legend above the bars.

    `rows` are (label, {segment key: value}); `segments` are the (key, label) pairs in the
    order they are stacked and listed in the legend; a key missing from a row counts as zero.
    Each bar ends with its total. `colours` are used in turn, one per segment.
    """
    chart_id = chart_id or _derived_id("stacked", title, rows, segments)
    shown = list(rows[:max_bars])
    hidden = len(rows) - len(shown)
    if not shown or not segments:
        return _empty_chart(chart_id=chart_id, title=title, width=width)

    layout = _Layout(width=width, labels=[label for label, _ in shown])
    totals = [sum(_as_float(values.get(key, 0)) for key, _ in segments) for _, values in shown]
    largest = max(totals, default=0.0)
    scale = layout.bar_space / largest if largest > 0 else 0.0

    legend, legend_height = _legend(segments, colours, width)
    parts = [legend]
    top = PAD + legend_height
    for index, ((label, values), total) in enumerate(zip(shown, totals, strict=True)):
        y = top + index * ROW_HEIGHT
        pieces = []
        x = float(layout.bar_left)
        breakdown = []
        for (key, segment_label), colour in zip(
            segments, _cycle(colours, len(segments)), strict=True
        ):
            value = values.get(key, 0)
            breakdown.append(_pair(segment_label, _format_number(value)))
            piece = _bar_width(_as_float(value), scale)
            if piece <= 0:
                continue
            pieces.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="#ffffff" '
                    'stroke-width="1"><title>{}</title></rect>',
                    _coord(x),
                    y,
                    _coord(piece),
                    BAR_HEIGHT,
                    colour,
                    _pair(segment_label, _format_number(value)),
                )
            )
            x += piece
        parts.append(
            format_html(
                '<g class="chart-bar"><title>{} ({})</title>'
                '<text x="{}" y="{}" text-anchor="end" fill="{}">{}</text>{}'
                '<text class="chart-value" x="{}" y="{}" fill="{}">{}</text></g>',
                _pair(label, _format_number(_tidy(total))),
                ", ".join(breakdown),
                layout.label_right,
                _baseline(y),
                INK,
                _truncate(label, layout.label_chars),
                mark_safe("".join(pieces)),  # noqa: S308 (built with format_html above)
                _coord(x + 6),
                _baseline(y),
                INK,
                _format_number(_tidy(total)),
            )
        )
    height = top + len(shown) * ROW_HEIGHT
    parts.append(_axis(layout, top=top, bottom=height - (ROW_HEIGHT - BAR_HEIGHT)))
    height, footer = _footer(layout, height, unit_label=unit_label, hidden=hidden)
    parts.extend(footer)

    description = " ".join(
        filter(
            None,
            [
                ngettext(
                    "Stacked horizontal bar chart with %(count)d bar.",
                    "Stacked horizontal bar chart with %(count)d bars.",
                    len(shown),
                )
                % {"count": len(shown)},
                gettext("Segments: %(segments)s.")
                % {"segments": ", ".join(str(label) for _, label in segments)},
                _unit_sentence(unit_label),
                _largest_sentence(
                    [(label, _tidy(total)) for (label, _), total in zip(shown, totals, strict=True)]
                ),
                _hidden_sentence(hidden),
            ],
        )
    )
    return _svg(chart_id, title, description, width, height, parts)


class _Layout:
    """Where the labels end and the bars start: labels get up to 40% of the width."""

    def __init__(self, *, width: int, labels: Sequence[str]):
        longest = max((len(_clean(label)) for label in labels), default=0)
        self.label_chars = max(8, min(longest, int(width * 0.4 / CHAR_WIDTH)))
        self.label_right = 2 * PAD + round(self.label_chars * CHAR_WIDTH)
        self.bar_left = self.label_right + 8
        self.bar_space = max(width - self.bar_left - VALUE_SPACE, 10)
        self.width = width


def _svg(chart_id, title, description, width, height, parts) -> SafeString:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        'aria-labelledby="{id}-title {id}-desc" font-family="{font}" font-size="{size}">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>',
        width=width,
        height=height,
        id=chart_id,
        font=FONT_FAMILY,
        size=FONT_SIZE,
        title=_clean(title),
        desc=description,
        body=mark_safe("".join(parts)),  # noqa: S308 (every part built with format_html)
    )


def _empty_chart(*, chart_id: str, title: str, width: int) -> SafeString:
    message = gettext("No data to show.")
    return _svg(
        chart_id,
        title,
        message,
        width,
        ROW_HEIGHT + 2 * PAD,
        [
            format_html(
                '<text x="{}" y="{}" fill="{}">{}</text>', PAD, _baseline(PAD), MUTED, message
            )
        ],
    )


def _axis(layout: _Layout, *, top: int, bottom: int) -> SafeString:
    return format_html(
        '<line x1="{x}" y1="{top}" x2="{x}" y2="{bottom}" stroke="{colour}" stroke-width="1"/>',
        x=layout.bar_left,
        top=top - 2,
        bottom=bottom + 2,
        colour=AXIS,
    )


def _footer(layout: _Layout, height: int, *, unit_label: str, hidden: int):
    parts = []
    if unit_label:
        parts.append(
            format_html(
                '<text class="chart-unit" x="{}" y="{}" fill="{}">{}</text>',
                layout.bar_left,
                _baseline(height),
                MUTED,
                _clean(unit_label),
            )
        )
        height += ROW_HEIGHT
    if hidden:
        parts.append(
            format_html(
                '<text class="chart-note" x="{}" y="{}" fill="{}">{}</text>',
                PAD,
                _baseline(height),
                MUTED,
                _hidden_sentence(hidden),
            )
        )
        height += ROW_HEIGHT
    return height + PAD, parts


def _legend(segments, colours, width) -> tuple[SafeString, int]:
    """Swatches and labels in a row, wrapping onto a new line when the width runs out."""
    items = []
    x, line = PAD, 0
    for (_, label), colour in zip(segments, _cycle(colours, len(segments)), strict=True):
        text = _clean(label)
        item_width = LEGEND_SWATCH + 6 + round(len(text) * CHAR_WIDTH) + 16
        if x > PAD and x + item_width > width - PAD:
            x, line = PAD, line + 1
        y = PAD + line * ROW_HEIGHT
        items.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>'
                '<text x="{}" y="{}" fill="{}">{}</text>',
                x,
                y + (BAR_HEIGHT - LEGEND_SWATCH) // 2,
                LEGEND_SWATCH,
                LEGEND_SWATCH,
                colour,
                x + LEGEND_SWATCH + 6,
                _baseline(y),
                INK,
                text,
            )
        )
        x += item_width
    legend = format_html(
        '<g class="chart-legend">{}</g>',
        mark_safe("".join(items)),  # noqa: S308 (built with format_html above)
    )
    return legend, (line + 1) * ROW_HEIGHT


def _unit_sentence(unit_label: str) -> str:
    if not unit_label:
        return ""
    return gettext("Values: %(unit)s.") % {"unit": _clean(unit_label)}


def _largest_sentence(rows) -> str:
    label, value = max(rows, key=lambda row: _as_float(row[1]))
    return gettext("Largest: %(label)s, %(value)s.") % {
        "label": _clean(label),
        "value": _format_number(value),
    }


def _hidden_sentence(hidden: int) -> str:
    if not hidden:
        return ""
    return ngettext("%(count)d more row not shown.", "%(count)d more rows not shown.", hidden) % {
        "count": hidden
    }


def _pair(label: str, value: str) -> str:
    return gettext("%(label)s: %(value)s") % {"label": _clean(label), "value": value}


def _clean(text) -> str:
    """Text as XML accepts it: control characters (never meaningful in a label) become spaces."""
    return _CONTROL_CHARACTERS.sub(" ", str(text)).strip()


def _truncate(label: str, limit: int) -> str:
    text = _clean(label)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _as_float(value) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0.0
    return number if number > 0 else 0.0


def _tidy(total: float) -> Number:
    return int(total) if float(total).is_integer() else total


def _bar_width(value: float, scale: float) -> float:
    """Proportional, but a non-zero value always shows at least a sliver."""
    if value <= 0 or scale <= 0:
        return 0.0
    return max(value * scale, 1.0)


def _format_number(value) -> str:
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, int):
        return formats.number_format(value, force_grouping=True)
    if value is None:
        return "0"
    number = float(value)
    decimals = 0 if number.is_integer() else 1
    return formats.number_format(round(number, decimals), decimals, force_grouping=True)


def _coord(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _baseline(top: float) -> str:
    """Text baseline that centres a 13px line on a bar starting at `top`."""
    return _coord(top + BAR_HEIGHT / 2 + FONT_SIZE * 0.35)


def _cycle(colours: Sequence[str], count: int) -> list[str]:
    return [colours[index % len(colours)] for index in range(count)]


def _derived_id(kind: str, title, rows, segments=()) -> str:
    """An id from the content (lazy strings and numbers as text, never an object's address)."""
    content = json.dumps(
        [kind, str(title), [[str(label), str(value)] for label, value in rows], segments],
        default=str,
        sort_keys=True,
    )
    return "chart-" + hashlib.sha256(content.encode()).hexdigest()[:10]


# Light to dark blue: the darker the cell, the more findings. White text on the three darkest.
HEAT_COLOURS = ("#f1f5fa", "#c6dbef", "#6baed6", "#2171b5", "#08306b")


def heat_map(
    rows: Sequence[tuple[str, Sequence[Number]]],
    *,
    columns: Sequence[str],
    title: str,
    unit_label: str = "",
    max_rows: int = 30,
    chart_id: str = "",
) -> SafeString:
    """A grid of rows × columns whose cells are shaded by value, with the value written in
    each cell and a legend of the shades. Columns are numbered (1, 2, …) above the grid and
    named in the legend below it, so long column names need no rotated text."""
    chart_id = chart_id or _derived_id("heat", title, [(label, list(v)) for label, v in rows])
    shown = list(rows[:max_rows])
    hidden = len(rows) - len(shown)
    if not shown or not columns:
        return _empty_chart(chart_id=chart_id, title=title, width=640)
    cell = 40
    label_chars = max(8, min(max(len(_clean(label)) for label, _ in shown), 28))
    left = 2 * PAD + round(label_chars * CHAR_WIDTH)
    width = max(left + cell * len(columns) + PAD, 480)
    largest = max((_as_float(v) for _, values in shown for v in values), default=0.0)
    parts = []
    for index in range(len(columns)):
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="middle" fill="{}">{}</text>',
                _coord(left + index * cell + cell / 2),
                _baseline(PAD),
                INK,
                index + 1,
            )
        )
    top = PAD + ROW_HEIGHT
    for row_index, (label, values) in enumerate(shown):
        y = top + row_index * cell
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" fill="{}">{}</text>',
                left - PAD,
                _coord(y + cell / 2 + FONT_SIZE * 0.35),
                INK,
                _truncate(label, label_chars),
            )
        )
        for index, (column, value) in enumerate(zip(columns, values, strict=True)):
            shade = _heat_shade(_as_float(value), largest)
            parts.append(
                format_html(
                    '<g class="chart-cell"><title>{}</title>'
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="#ffffff"/>'
                    '<text x="{}" y="{}" text-anchor="middle" fill="{}">{}</text></g>',
                    _pair(f"{_clean(label)}, {_clean(column)}", _format_number(value)),
                    left + index * cell,
                    y,
                    cell,
                    cell,
                    HEAT_COLOURS[shade],
                    _coord(left + index * cell + cell / 2),
                    _coord(y + cell / 2 + FONT_SIZE * 0.35),
                    "#ffffff" if shade >= 3 else INK,  # 4.5:1 or more on every shade
                    _format_number(value),
                )
            )
    height = top + len(shown) * cell + PAD
    key = [(str(i + 1), f"{i + 1}. {_clean(name)}") for i, name in enumerate(columns)]
    for key_index, (_, text) in enumerate(key):
        parts.append(
            format_html(
                '<text class="chart-key" x="{}" y="{}" fill="{}">{}</text>',
                PAD,
                _baseline(height + key_index * (ROW_HEIGHT - 6)),
                MUTED,
                text,
            )
        )
    height += len(key) * (ROW_HEIGHT - 6) + PAD
    scale = [
        (str(shade), gettext("Shade %(n)d of %(of)d") % {"n": shade + 1, "of": len(HEAT_COLOURS)})
        for shade in range(len(HEAT_COLOURS))
    ]
    legend, legend_height = _legend(
        [(key, gettext("none") if key == "0" else label) for key, label in scale[:1]]
        + [
            (key, gettext("more") if key == str(len(HEAT_COLOURS) - 1) else "")
            for key, _ in scale[1:]
        ],
        HEAT_COLOURS,
        width,
    )
    parts.append(format_html('<g transform="translate(0 {})">{}</g>', height, legend))
    height += legend_height + PAD
    height, footer = _footer(
        _Layout(width=width, labels=[]), height, unit_label=unit_label, hidden=hidden
    )
    parts.extend(footer)
    description = " ".join(
        filter(
            None,
            [
                gettext(
                    "Heat map of %(rows)d rows and %(columns)d columns: the darker the cell, "
                    "the higher its value."
                )
                % {"rows": len(shown), "columns": len(columns)},
                _unit_sentence(unit_label),
                _hidden_sentence(hidden),
            ],
        )
    )
    return _svg(chart_id, title, description, width, height, parts)


def _heat_shade(value: float, largest: float) -> int:
    """0 for nothing, then 1–4 by quarter of the largest value."""
    if value <= 0 or largest <= 0:
        return 0
    return min(len(HEAT_COLOURS) - 1, 1 + int((value / largest) * (len(HEAT_COLOURS) - 1) - 1e-9))
