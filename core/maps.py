"""A map of points drawn on the server as inline SVG, over a self-hosted world map.

The base layer is `static/maps/world-110m.svg` (Natural Earth country outlines, see its
SOURCE.md), in an equirectangular projection: longitude and latitude map linearly to x and y,
so a point needs no projection library. No tile server, nothing fetched from elsewhere, no
JavaScript: the same rules as `core.charts` (presentation attributes only, every text through
`format_html`, an accessible name and description, a `<title>` on each point).

A point's class is told by its shape and by the legend's text as well as by its colour, and a
map never replaces the table of the same points next to it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from .charts import FONT_FAMILY, FONT_SIZE, INK, PAD, _baseline, _clean, _coord, _derived_id

BASE_LAYER = "maps/world-110m.svg"
SCALE = 2  # px per degree, as the base layer was drawn
TOP_LATITUDE, BOTTOM_LATITUDE = 84, -60
MAP_WIDTH = 360 * SCALE
MAP_HEIGHT = (TOP_LATITUDE - BOTTOM_LATITUDE) * SCALE
SEA = "#f3f7fb"
MARKER_SIZE = 5
LEGEND_ROW = 24
SHAPES = ("triangle", "diamond", "square", "circle", "ring")


@dataclass(frozen=True)
class MarkerClass:
    """One kind of point: its key, its label in the legend, its colour and its shape (one of
    SHAPES; "ring" is an unfilled circle)."""

    key: str
    label: str
    colour: str
    shape: str


@dataclass(frozen=True)
class MapPoint:
    label: str
    latitude: float
    longitude: float
    kind: str  # a MarkerClass key
    detail: str = ""  # said after the label in the point's <title>


def project(latitude: float, longitude: float) -> tuple[float, float]:
    """(x, y) on the base layer; latitudes beyond its edges are drawn on the edge."""
    latitude = min(max(float(latitude), BOTTOM_LATITUDE), TOP_LATITUDE)
    longitude = min(max(float(longitude), -180.0), 180.0)
    return (longitude + 180) * SCALE, (TOP_LATITUDE - latitude) * SCALE


def point_map(
    points: Sequence[MapPoint],
    *,
    classes: Sequence[MarkerClass],
    title: str,
    not_drawn: int = 0,
    listed: Mapping[str, int] | None = None,
    chart_id: str = "",
) -> SafeString:
    """The world map with one marker per point, drawn in the order of `classes` reversed (the
    first class, the most important, on top), and a legend of every class with its count.
    `not_drawn` counts the points left out (no coordinates): the description says so.
    `listed` counts each class's rows of the table beside the map, those not drawn included:
    the legend then gives that count, and how many are drawn when fewer are."""
    chart_id = chart_id or _derived_id(
        "map", title, [(p.label, f"{p.latitude},{p.longitude},{p.kind}") for p in points]
    )
    order = {marker.key: index for index, marker in enumerate(classes)}
    by_key = {marker.key: marker for marker in classes}
    counts = Counter(point.kind for point in points)
    parts = [
        format_html(
            '<rect x="0" y="0" width="{}" height="{}" fill="{}"/>'
            '<image href="{}" x="0" y="0" width="{}" height="{}"/>',
            MAP_WIDTH,
            MAP_HEIGHT,
            SEA,
            static(BASE_LAYER),
            MAP_WIDTH,
            MAP_HEIGHT,
        )
    ]
    drawn = sorted(
        (point for point in points if point.kind in by_key),
        key=lambda point: -order[point.kind],
    )
    for point in drawn:
        marker = by_key[point.kind]
        x, y = project(point.latitude, point.longitude)
        text = _clean(point.label)
        if point.detail:
            text = gettext("%(label)s: %(value)s") % {"label": text, "value": _clean(point.detail)}
        parts.append(
            format_html(
                '<g class="map-point"><title>{}</title>{}</g>',
                text,
                _marker(marker, x, y),
            )
        )
    legend, legend_height = _legend(classes, counts, listed)
    parts.append(format_html('<g transform="translate(0 {})">{}</g>', MAP_HEIGHT, legend))
    height = MAP_HEIGHT + legend_height

    sentences = [
        ngettext("World map with %(count)d point.", "World map with %(count)d points.", len(drawn))
        % {"count": len(drawn)},
        "; ".join(
            gettext("%(label)s: %(value)s") % {"label": _clean(m.label), "value": counts[m.key]}
            for m in classes
        )
        + ".",
    ]
    if not_drawn:
        sentences.append(
            ngettext(
                "%(count)d more without coordinates, not drawn.",
                "%(count)d more without coordinates, not drawn.",
                not_drawn,
            )
            % {"count": not_drawn}
        )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart map" role="img" '
        'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        'aria-labelledby="{id}-title {id}-desc" font-family="{font}" font-size="{size}">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>',
        width=MAP_WIDTH,
        height=height,
        id=chart_id,
        font=FONT_FAMILY,
        size=FONT_SIZE,
        title=_clean(title),
        desc=" ".join(sentences),
        body=mark_safe("".join(parts)),  # noqa: S308 (every part built with format_html)
    )


def _marker(marker: MarkerClass, x: float, y: float, size: float = MARKER_SIZE) -> SafeString:
    """The marker's shape centred on (x, y), with a white outline that parts it from the land
    and from its neighbours."""
    s = size
    fill, stroke, width = marker.colour, "#ffffff", "1.5"
    if marker.shape == "ring":
        return format_html(
            '<circle cx="{}" cy="{}" r="{}" fill="#ffffff" stroke="{}" stroke-width="2.5"/>',
            _coord(x),
            _coord(y),
            _coord(s * 0.8),
            marker.colour,
        )
    if marker.shape == "circle":
        return format_html(
            '<circle cx="{}" cy="{}" r="{}" fill="{}" stroke="{}" stroke-width="{}"/>',
            _coord(x),
            _coord(y),
            _coord(s * 0.9),
            fill,
            stroke,
            width,
        )
    if marker.shape == "square":
        corners = [(x - s * 0.8, y - s * 0.8), (x + s * 0.8, y - s * 0.8)]
        corners += [(x + s * 0.8, y + s * 0.8), (x - s * 0.8, y + s * 0.8)]
    elif marker.shape == "diamond":
        corners = [(x, y - s * 1.1), (x + s * 1.1, y), (x, y + s * 1.1), (x - s * 1.1, y)]
    elif marker.shape == "triangle":
        corners = [(x, y - s * 1.2), (x + s * 1.1, y + s * 0.8), (x - s * 1.1, y + s * 0.8)]
    else:
        raise ValueError(f"Unknown marker shape: {marker.shape}")
    return format_html(
        '<polygon points="{}" fill="{}" stroke="{}" stroke-width="{}"/>',
        " ".join(f"{_coord(px)},{_coord(py)}" for px, py in corners),
        fill,
        stroke,
        width,
    )


def _legend(
    classes: Sequence[MarkerClass], counts: Counter, listed: Mapping[str, int] | None
) -> tuple[SafeString, int]:
    """Each class's shape, label and count, in rows that wrap at the map's width."""
    items = []
    x, line = PAD, 0
    for marker in classes:
        drawn = counts[marker.key]
        total = max(drawn, listed.get(marker.key, 0)) if listed is not None else drawn
        values = {"label": _clean(marker.label), "count": total, "drawn": drawn}
        if total == drawn:
            text = gettext("%(label)s (%(count)d)") % values
        else:
            text = gettext("%(label)s (%(count)d, %(drawn)d drawn)") % values
        item_width = 2 * MARKER_SIZE + 8 + round(len(text) * 7.5) + 18
        if x > PAD and x + item_width > MAP_WIDTH - PAD:
            x, line = PAD, line + 1
        y = PAD + line * LEGEND_ROW
        items.append(
            format_html(
                '{}<text x="{}" y="{}" fill="{}">{}</text>',
                _marker(marker, x + MARKER_SIZE + 2, y + 9),
                x + 2 * MARKER_SIZE + 8,
                _baseline(y),
                INK,
                text,
            )
        )
        x += item_width
    legend = format_html(
        '<g class="map-legend">{}</g>',
        mark_safe("".join(items)),  # noqa: S308 (built with format_html above)
    )
    return legend, (line + 1) * LEGEND_ROW + PAD
