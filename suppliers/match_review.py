"""What the review queue shows about a pair of factories, so that a reviewer sees why the
matcher thinks they may be one site: both records side by side with the differing words
marked, the distance between them and both on a small plan, the facts that matched, and how
many affiliates' disclosure lines point at each (counts only)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.db.models import Count, Q
from django.utils import formats
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_lazy
from django_scopes import scopes_disabled

from core.charts import AXIS, FONT_FAMILY, INK, MUTED

from .models import DisclosureLine, Factory, FactoryMatchReview

# The codes `suppliers.matching` writes in `FactoryMatchReview.matched_facts`, in words.
FACTS = {
    "name": gettext_lazy("The names are alike."),
    "address": gettext_lazy("The addresses are alike."),
    "street_number": gettext_lazy("The street numbers are the same."),
    "postcode": gettext_lazy("The postcodes are the same."),
    "nearby": gettext_lazy("The coordinates are a few hundred metres apart or less."),
    "same_coordinates": gettext_lazy(
        "The coordinates are exactly the same (geocoders give one point to a whole town:"
        " this alone proves little)."
    ),
    "os_id": gettext_lazy("The Open Supply Hub ID is the same."),
}


def pending_reviews():
    """The queue, in the order a reviewer works through it: most similar first."""
    return FactoryMatchReview.objects.filter(decision=FactoryMatchReview.Decision.PENDING).order_by(
        "-score", "pk"
    )


def pending_after(review: FactoryMatchReview) -> FactoryMatchReview | None:
    """The pair after `review` in the queue (from the start again past the end): "skip"."""
    others = pending_reviews().exclude(pk=review.pk)
    later = others.filter(Q(score__lt=review.score) | Q(score=review.score, pk__gt=review.pk))
    return later.first() or others.first()


def queue_position(review: FactoryMatchReview) -> int:
    """Where `review` stands in the queue, from 1."""
    return (
        pending_reviews()
        .filter(Q(score__gt=review.score) | Q(score=review.score, pk__lt=review.pk))
        .count()
        + 1
    )


def facts_in_words(review: FactoryMatchReview) -> list[str]:
    """Each fact once. The page states the name and address similarities in percent when
    the review has them, so "the names are alike" would only repeat it; identical
    coordinates are not also "a few hundred metres apart" (reviews queued before the
    matcher kept the two apart may hold both)."""
    codes = list(dict.fromkeys(review.matched_facts or []))
    if review.name_similarity is not None:
        codes = [c for c in codes if c != "name"]
    if review.address_similarity is not None:
        codes = [c for c in codes if c != "address"]
    if "same_coordinates" in codes:
        codes = [c for c in codes if c != "nearby"]
    return [str(FACTS.get(code, code)) for code in codes]


def disclosure_counts(*factories: Factory) -> dict[int, dict[str, int]]:
    """How many affiliates, and how many of their disclosure lines, point at each factory:
    counts only, never which affiliates. One query across every tenant (a staff page)."""
    counts = {factory.pk: {"affiliates": 0, "lines": 0} for factory in factories}
    with scopes_disabled():
        rows = (
            DisclosureLine.objects.filter(factory__in=[f.pk for f in factories])
            .values("factory_id")
            .annotate(affiliates=Count("affiliate_id", distinct=True), lines=Count("pk"))
            .order_by()
        )
        for row in rows:
            counts[row["factory_id"]] = {"affiliates": row["affiliates"], "lines": row["lines"]}
    return counts


# --- Side by side, word by word ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Segment:
    text: str
    differs: bool


@dataclass(frozen=True, slots=True)
class FieldComparison:
    label: str
    left: list[Segment]
    right: list[Segment]

    @property
    def differs(self) -> bool:
        return any(s.differs for s in self.left) or any(s.differs for s in self.right)


def _word_key(word: str) -> str:
    # Case and punctuation aside: "CO.," and "Co" are the same word to a reviewer.
    return re.sub(r"[^\w]", "", word.casefold())


def _segments(words: list[str], keys: list[str], marked: list[bool]) -> list[Segment]:
    """Runs of words marked alike, joined; a word that is only punctuation is never marked."""
    segments: list[Segment] = []
    for word, key, mark in zip(words, keys, marked, strict=True):
        differs = mark and bool(key)
        if segments and segments[-1].differs == differs:
            segments[-1] = Segment(f"{segments[-1].text} {word}", differs)
        else:
            segments.append(Segment(word, differs))
    return segments


def word_diff(left: str, right: str) -> tuple[list[Segment], list[Segment]]:
    """Both texts cut into runs of words, each run marked when the other text lacks it."""
    left_words, right_words = (left or "").split(), (right or "").split()
    left_keys = [_word_key(w) for w in left_words]
    right_keys = [_word_key(w) for w in right_words]
    left_marked, right_marked = [True] * len(left_words), [True] * len(right_words)
    matcher = SequenceMatcher(None, left_keys, right_keys, autojunk=False)
    for block in matcher.get_matching_blocks():
        left_marked[block.a : block.a + block.size] = [False] * block.size
        right_marked[block.b : block.b + block.size] = [False] * block.size
    return (
        _segments(left_words, left_keys, left_marked),
        _segments(right_words, right_keys, right_marked),
    )


def _coordinates(factory: Factory) -> str:
    if factory.latitude is None or factory.longitude is None:
        return ""
    return f"{factory.latitude}, {factory.longitude}"


# (label, how to read the field as text) for the side-by-side table.
COMPARED = (
    (gettext_lazy("Name"), lambda f: f.name),
    (gettext_lazy("Address"), lambda f: f.address),
    (gettext_lazy("Country"), lambda f: str(f.country.name)),
    (gettext_lazy("Region"), lambda f: f.region),
    (gettext_lazy("Open Supply Hub ID"), lambda f: f.os_id),
    (gettext_lazy("Coordinates"), _coordinates),
    (gettext_lazy("Sector"), lambda f: str(f.get_sector_display())),
    (gettext_lazy("Function"), lambda f: str(f.get_function_display())),
    (gettext_lazy("Other names"), lambda f: "; ".join(f.aliases)),
)


def side_by_side(left: Factory, right: Factory) -> list[FieldComparison]:
    rows = []
    for label, read in COMPARED:
        left_segments, right_segments = word_diff(read(left), read(right))
        rows.append(FieldComparison(str(label), left_segments, right_segments))
    return rows


# --- Distance and plan -------------------------------------------------------------------

EARTH_RADIUS_M = 6_371_008.8  # mean radius


def distance_m(a: Factory, b: Factory) -> int | None:
    """Great-circle distance between the two sites' coordinates (haversine), in metres."""
    if None in (a.latitude, a.longitude, b.latitude, b.longitude):
        return None
    lat1, lon1, lat2, lon2 = map(
        math.radians, (float(a.latitude), float(a.longitude), float(b.latitude), float(b.longitude))
    )
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return round(2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h))))


def format_distance(metres: int | None) -> str:
    if metres is None:
        return ""
    if metres < 1000:
        return gettext("%(metres)s m") % {"metres": formats.number_format(metres)}
    kilometres = round(metres / 1000, 1 if metres < 100_000 else 0)
    decimals = 1 if metres < 100_000 else 0
    return gettext("%(km)s km") % {
        "km": formats.number_format(kilometres, decimals, force_grouping=True)
    }


COMPASS = (
    gettext_lazy("north"),
    gettext_lazy("north-east"),
    gettext_lazy("east"),
    gettext_lazy("south-east"),
    gettext_lazy("south"),
    gettext_lazy("south-west"),
    gettext_lazy("west"),
    gettext_lazy("north-west"),
)
PLAN_WIDTH, PLAN_HEIGHT, PLAN_PAD = 360, 220, 44
MIN_PLAN_SPAN_M = 200  # two points on one spot still get a readable scale
NEW_COLOUR, KNOWN_COLOUR = "#b35806", "#0b5394"  # each 4.5:1 or more on white


def _nice_length(limit_m: float) -> int:
    """The longest 1, 2 or 5 × 10ⁿ metres not above `limit_m`: the scale bar's length."""
    power = 10 ** math.floor(math.log10(max(limit_m, 1)))
    for step in (5, 2, 1):
        if step * power <= limit_m:
            return step * power
    return power


def plan_svg(new: Factory, known: Factory) -> SafeString:
    """Both sites on a plan drawn on the server (no map tiles, nothing fetched: CSP): a local
    flat projection around their midpoint, north up, with a scale bar. Empty without both
    sites' coordinates."""
    metres = distance_m(new, known)
    if metres is None:
        return mark_safe("")
    lat0 = math.radians((float(new.latitude) + float(known.latitude)) / 2)
    lon0 = (float(new.longitude) + float(known.longitude)) / 2
    per_degree_lat = math.pi * EARTH_RADIUS_M / 180

    def project(f: Factory) -> tuple[float, float]:
        east = (float(f.longitude) - lon0) * per_degree_lat * math.cos(lat0)
        north = (float(f.latitude) - math.degrees(lat0)) * per_degree_lat
        return east, north

    (x1, y1), (x2, y2) = project(new), project(known)
    inner_w, inner_h = PLAN_WIDTH - 2 * PLAN_PAD, PLAN_HEIGHT - 2 * PLAN_PAD
    metres_per_px = max(abs(x2 - x1) / inner_w, abs(y2 - y1) / inner_h, MIN_PLAN_SPAN_M / inner_w)

    def to_px(east: float, north: float) -> tuple[float, float]:
        return (PLAN_WIDTH / 2 + east / metres_per_px, PLAN_HEIGHT / 2 - north / metres_per_px)

    (px1, py1), (px2, py2) = to_px(x1, y1), to_px(x2, y2)
    bearing = math.degrees(math.atan2(x2 - x1, y2 - y1)) % 360
    direction = COMPASS[round(bearing / 45) % 8]
    scale_m = _nice_length(inner_w / 3 * metres_per_px)
    scale_px = scale_m / metres_per_px
    if metres == 0:
        description = gettext("Both sites are on the same point.")
    else:
        description = gettext("Record B lies %(distance)s %(direction)s of record A.") % {
            "distance": format_distance(metres),
            "direction": direction,
        }
    parts = [
        format_html(
            '<rect x="0.5" y="0.5" width="{}" height="{}" fill="#ffffff" stroke="{}"/>',
            PLAN_WIDTH - 1,
            PLAN_HEIGHT - 1,
            AXIS,
        ),
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-dasharray="4 3"/>',
            _c(px1),
            _c(py1),
            _c(px2),
            _c(py2),
            MUTED,
        ),
        # A: a circle; B: a square. Shape and letter tell them apart, not the colour alone.
        format_html(
            '<g class="plan-site"><title>{}</title><circle cx="{}" cy="{}" r="7" fill="{}"/>'
            '<text x="{}" y="{}" fill="{}" font-weight="bold" text-anchor="end">A</text></g>',
            gettext("Record A (newer)"),
            _c(px1),
            _c(py1),
            NEW_COLOUR,
            _c(px1 - 10),
            _c(py1 - 8),
            INK,
        ),
        format_html(
            '<g class="plan-site"><title>{}</title>'
            '<rect x="{}" y="{}" width="12" height="12" fill="{}"/>'
            '<text x="{}" y="{}" fill="{}" font-weight="bold">B</text></g>',
            gettext("Record B (older)"),
            _c(px2 - 6),
            _c(py2 - 6),
            KNOWN_COLOUR,
            _c(px2 + 10),
            _c(py2 - 8),
            INK,
        ),
        # North arrow, top right.
        format_html(
            '<g class="plan-north"><line x1="{x}" y1="30" x2="{x}" y2="12" stroke="{ink}"/>'
            '<path d="M {l} 17 L {x} 10 L {r} 17 Z" fill="{ink}"/>'
            '<text x="{x}" y="44" fill="{ink}" text-anchor="middle">{n}</text></g>',
            x=PLAN_WIDTH - 20,
            l=PLAN_WIDTH - 24,
            r=PLAN_WIDTH - 16,
            ink=INK,
            n=gettext("N"),
        ),
        # Scale bar, bottom left.
        format_html(
            '<g class="plan-scale"><path d="M 12 {top} L 12 {bottom} L {end} {bottom} L {end} '
            '{top}" fill="none" stroke="{ink}" stroke-width="2"/>'
            '<text x="12" y="{label}" fill="{ink}">{text}</text></g>',
            top=PLAN_HEIGHT - 18,
            bottom=PLAN_HEIGHT - 12,
            end=_c(12 + scale_px),
            label=PLAN_HEIGHT - 24,
            ink=INK,
            text=format_distance(scale_m),
        ),
    ]
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="plan" role="img" width="{w}" '
        'height="{h}" viewBox="0 0 {w} {h}" aria-labelledby="plan-title plan-desc" '
        'font-family="{font}" font-size="13"><title id="plan-title">{title}</title>'
        '<desc id="plan-desc">{desc}</desc>{body}</svg>',
        w=PLAN_WIDTH,
        h=PLAN_HEIGHT,
        font=FONT_FAMILY,
        title=gettext("Plan of the two sites"),
        desc=description,
        body=mark_safe("".join(parts)),  # noqa: S308 (every part built with format_html)
    )


def _percent(similarity: float | None) -> int | None:
    return None if similarity is None else round(similarity * 100)


def _c(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


@dataclass(frozen=True, slots=True)
class PairView:
    """Everything the page shows about one pair."""

    review: FactoryMatchReview
    rows: list[FieldComparison]
    facts: list[str]
    distance: str
    plan: SafeString
    counts: dict[int, dict[str, int]]

    @property
    def name_percent(self) -> int | None:
        return _percent(self.review.name_similarity)

    @property
    def address_percent(self) -> int | None:
        return _percent(self.review.address_similarity)

    @property
    def score_percent(self) -> int | None:
        return _percent(self.review.score)

    @property
    def new_counts(self):
        return self.counts[self.review.factory_id]

    @property
    def known_counts(self):
        return self.counts[self.review.candidate_id]


def pair_view(review: FactoryMatchReview) -> PairView:
    new, known = review.factory, review.candidate
    metres = distance_m(new, known)
    if metres is None:
        metres = review.distance_m
    return PairView(
        review=review,
        rows=side_by_side(new, known),
        facts=facts_in_words(review),
        distance=format_distance(metres),
        plan=plan_svg(new, known),
        counts=disclosure_counts(new, known),
    )
