"""Factory matching: the same production site, disclosed by many contractors, is one row.

One upload is resolved in one set-based pass (README "Factory matching"):

1. Every site is normalised once. Names lose legal forms however written ("Co., Ltd",
   "CO.,LTD", "S.A de C.V", "Sdn. Bhd.", "(Pvt) Ltd", "Ltd Ltd"), punctuation, stray symbols
   ("□", "?", replacement characters), accents and non-Latin scripts (transliterated) and
   repeated words. Addresses keep their street numbers and postcodes as separate facts and
   lose floor, building and unit words, administrative words ("city", "province") and country
   names, so that "Gazipur Bangladesh" and "Gazipur" compare equal.
2. Sites written the same (country, name key, address key) or with the same OS ID are one
   group. An OS ID known to the registry wins; then an exact match of the keys.
3. The groups of the upload are compared with each other (blocking: pairs that share a name
   word, an address word or a 500 m square of the same country) and each group with its
   closest factories of the registry: those sharing a rare blocking key of the name
   (`FactoryMatchKey`, `BLOCK_KEY_MAX_FACTORIES`), or for a name of common words those
   holding both of its two rarest words, the closest few by pg_trgm similarity, two queries
   per thousand sites; pg_trgm's index only for names of words common even for that.
   Every pair gets a score from name, address and distance, and a verdict:
   certain, uncertain or different (`compare`).
4. Groups certain of each other are clustered, a pair at a time and only when every pair
   across the two clusters is certain too (complete linkage: A≈B and B≈C does not make A≈C).
   A cluster takes the factory one of its groups is certain of, or becomes one new factory.
5. Uncertain pairs, within the upload or with the registry, become `FactoryMatchReview`s for
   Electronics Watch staff, unless that pair was reviewed before (in either order): a pair
   decided "different", or whose merge was undone, never comes back.

Codes kept in `FactoryMatchReview.matched_facts` (the review queue shows them):

- ``name``: the names are alike (name similarity at least NAME_FACT).
- ``address``: the addresses are alike (address similarity at least ADDRESS_FACT).
- ``street_number``: both addresses give a street number and share one.
- ``postcode``: both give a postcode and it is the same.
- ``nearby``: both have coordinates, different but at most NEARBY_METRES apart.
- ``same_coordinates``: both have exactly the same coordinates (a geocoder often gives a
  whole town one point: this alone never decides anything). Never together with ``nearby``.
- ``os_id``: the same Open Supply Hub ID.

Transliteration uses `anyascii` (ISC licence, maintained, no dependencies, every script):
`unicodedata` alone cannot turn "深圳" or "Đông" into letters that compare with the way the
same site is written in Latin letters; `Unidecode` would do it too but is GPL.
"""

from __future__ import annotations

import functools
import itertools
import logging
import math
import queue
import re
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal

from anyascii import anyascii
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Q

from core.bulk import insert_rows

from .models import (
    Factory,
    FactoryFunction,
    FactoryMatchKey,
    FactoryMatchKeyCount,
    FactoryMatchReview,
    Sector,
)

logger = logging.getLogger(__name__)

# --- Thresholds and weights: every number the matcher decides with ---------------------
#
# Measured on the labelled evaluation set (tests/fixtures/matching/, README "Factory
# matching"): no wrong automatic merge and every true pair merged or queued.

# The score of a pair: the name says more than the address, which contractors write in many
# ways (and sometimes as a placeholder shared by several sites).
NAME_WEIGHT = 0.55
ADDRESS_WEIGHT = 0.45
# Facts that add to the score: a shared street number or postcode, coordinates close by.
STREET_NUMBER_BONUS = 0.10
POSTCODE_BONUS = 0.05
NEARBY_BONUS = 0.10
# Two different street numbers on the same road are two different sites.
STREET_NUMBER_CONFLICT_PENALTY = 0.25
# Coordinates this far apart count against (geocoders err, but rarely by a whole town).
FAR_METRES = 10_000
FAR_PENALTY = 0.10
NEARBY_METRES = 300
# Certain: linked (or merged) without asking anyone. Needs the score, names that agree, and
# nothing that says two sites (a different street number, a different number in the name
# such as "Unit 3" / "Unit 4" or "MXP1" / "MXP8").
AUTO_LINK = 0.80
AUTO_LINK_MIN_NAME = 0.60
# Uncertain: a review for staff. Either the score, or the place alone: the same address (or
# the same street number) and coordinates close by, whatever the names (one factory under
# two trading names is common; a wrong guess costs staff one keystroke).
REVIEW = 0.55
SAME_PLACE_ADDRESS = 0.75
# Facts shown to reviewers.
NAME_FACT = 0.80
ADDRESS_FACT = 0.75
# An address or a point shared by this many different names in one upload is a placeholder
# ("Savar Dhaka 1340", a town's centroid): it says nothing about which site it is.
PLACEHOLDER_NAMES = 3
# At most this many reviews proposed per site and upload, the most likely first.
MAX_REVIEWS_PER_SITE = 3

# Within one upload, pairs are compared only if they share a block key (a name word, an
# address word, a 500 m square). A key shared by more groups than this says too little
# ("garment", "shenzhen") to be worth the pairs it would make.
BLOCK_MAX = 40
GRID_DEGREES = 0.005
# Registry candidates fetched per site: the best by name trigram similarity.
CANDIDATES_PER_SITE = 3
# pg_trgm similarity of names: only factories with names this similar are candidates.
# pg_trgm's default of 0.3 finds twice the candidates, mostly noise, and makes the search
# 2.6 times slower (benchmarks/disclosure_import.py).
NAME_SIMILARITY_THRESHOLD = 0.5
# Blocking against the registry: a site is compared with the factories sharing a blocking key
# of its name (`FactoryMatchKey`: a word, two words joined, half of a long word) held by at
# most this many factories. A key held by more ("electronics", "technology", "shenzhen") says
# too little to be worth the comparisons; at 100,000 factories the core of a Chinese name
# ("hongda") is held by up to ~200. The work per site is bounded by this, whatever the size
# of the registry. A site whose words are all that common is searched by trigrams instead.
BLOCK_KEY_MAX_FACTORIES = 300
# Of the factories sharing rare keys with a site, at most this many (those sharing the rarest
# keys, and the most of them) are compared by name similarity: a bound on the work for a name
# of many rare words, which cuts nothing in practice. A lower cut loses misspelt names
# (measured at 100,000 factories, cut at 20: one known site in ten written with a typo, whose
# factory shares one half of the misspelt word with hundreds of others; keys shared cannot
# tell those apart, similarity can).
BLOCK_CANDIDATES_PER_SITE = 1000
# A site whose words are all common (or misspelt common words) is compared with the factories
# holding both of its two rarest words, if each is held by at most this many factories;
# otherwise it is searched by trigrams, through the whole country's names.
FALLBACK_WORD_FACTORIES = 6000
CHUNK_SIZE = 1000
# Registry searches are CPU work inside PostgreSQL: with more than one chunk to search, run
# the chunks on this many connections at once (one core each).
SEARCH_CONNECTIONS = 2
# Serialises matching between concurrent imports so that two of them cannot both create the
# same new site (an arbitrary constant, used with pg_advisory_xact_lock).
MATCHING_LOCK_ID = 7_240_311
# Steps followed along `merged_into` (merges keep chains one step long; this guards a cycle).
MAX_MERGE_CHAIN = 10


# --- Normalisation -----------------------------------------------------------------------


# Names whose keys `normalise_name` remembers: an upload of 200,000 rows has fewer sites.
NAME_KEY_CACHE = 50_000


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Legal forms that say nothing about which site it is ("Ltd Ltd" happens in real uploads).
LEGAL_FORMS = _words(
    """ltd limited co company inc incorporated corp corporation llc llp plc gmbh gesmbh mbh ag
    kg sa sas sarl srl spa bv nv kk pte pty pvt private sdn bhd tbk pt jsc pjsc cv sro as oy
    ab lda ltda sl slu sac snc sc sp zoo ooo zao oao tnhh cty sti jointstock"""
)
# Multi-word legal forms, after folding: "S.A. de C.V.", "S. de R.L. de C.V.", "sp. z o.o.",
# "joint stock company".
_LEGAL_PHRASES = re.compile(
    r"\b(?:(?:sa|s|sapi) )?de (?:rl )?(?:de )?cv\b|\bsp z o ?o\b|\bjoint stock\b"
)
# Words that describe any factory: ignored when comparing names (not in the stored key).
GENERIC_NAME_WORDS = _words(
    """factory fty industrial industry industries manufacturing manufactory manufacturer mfg
    group international intl enterprise enterprises trading city the and of branch"""
)
# Address words that say nothing about the place, and spellings of the same word.
ADDRESS_NOISE = _words(
    """no nr number floor fl flr f ground level storey building bldg blk block unit room rm
    suite ste flat plot lot lots the of and at in near opp city province prov district dist
    county country town township state region sheng shi pr prc p r zip po box pc"""
)
ADDRESS_SYNONYMS = {
    "rd": "road",
    "st": "street",
    "str": "street",
    "ave": "avenue",
    "av": "avenue",
    "avda": "avenue",
    "hwy": "highway",
    "ind": "industrial",
    "industry": "industrial",
    "industial": "industrial",
    "lndustrial": "industrial",
    "indl": "industrial",
    "dev": "development",
    "develop": "development",
    "developm": "development",
    "eco": "economic",
    "economy": "economic",
    "zone2": "zone",
    "km": "km",
    "vill": "village",
    "vil": "village",
    "jl": "jalan",
    "ji": "jalan",
    "jln": "jalan",
}
_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)
# Abbreviations with dots ("s.r.o.", "S.A", "U.P") lose them; other dots separate words.
_ABBREVIATION_DOT = re.compile(r"(?<=\b[^\W\d_])\.(?=[^\W\d_]\b)")
# "31.4", "14/2", "133-134": one number, kept together.
_NUMBER_JOINER = re.compile(r"(?<=\d)[./\-](?=\d)")
# Indian PIN codes written "600 096".
_SPLIT_PIN = re.compile(r"(?<![\d,])(\d{3}) (\d{3})(?![\d,])")
# Floors ("3F", "2/F") and ordinals ("4th", "2nd") are not street numbers.
_FLOOR = re.compile(r"\b\d+ ?/? ?f\b")
_NUMBERISH = re.compile(r"^(?:\d[\d_]*[a-z]?|[a-z]\d+)$")
_ORDINAL = re.compile(r"^\d+(?:st|nd|rd|th)$")
_POSTCODE = re.compile(r"^\d{5,6}$")


def _transliterate(text: str) -> str:
    if text.isascii():
        return text
    # Scripts without spaces between words (Chinese) get one after each character.
    return "".join(
        anyascii(c) + " " if ord(c) >= 0x2E80 and not c.isspace() else anyascii(c) for c in text
    )


def _fold(text: str) -> str:
    """Lower case ASCII words: accents, other scripts, punctuation and stray symbols gone."""
    text = _transliterate(unicodedata.normalize("NFKC", text or "")).casefold()
    text = _ABBREVIATION_DOT.sub("", text)
    return " ".join(_NON_WORD.sub(" ", text).replace("_", " ").split())


def _dedupe(words: Iterable[str]) -> list[str]:
    seen, kept = set(), []
    for word in words:
        if word not in seen:
            seen.add(word)
            kept.append(word)
    return kept


@functools.lru_cache(maxsize=NAME_KEY_CACHE)
def normalise_name(name: str) -> str:
    """The name key: lower case words without legal forms, punctuation or repeats.

    Remembered for the last NAME_KEY_CACHE names: an upload's rows are checked (their line
    keys) and then matched, and each step wants the key of every site's name."""
    folded = _LEGAL_PHRASES.sub(" ", _fold(name))
    words = [w for w in folded.split() if w not in LEGAL_FORMS]
    return " ".join(_dedupe(words))[:255]


@functools.cache
def _country_names() -> re.Pattern:
    """Every country's English names, longest first, as whole words of a folded address."""
    from django_countries import countries

    names = {_fold(str(name)) for _code, name in countries}
    names |= {"viet nam", "p r china", "pr china", "usa", "uk", "korea", "taiwan", "burma"}
    ordered = sorted((n for n in names if n), key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(n) for n in ordered) + r")\b")


def normalise_address(address: str) -> str:
    """The address key: canonical words, street numbers and postcodes, no noise.

    Numbers stay joined ("14/2" is "14_2", "KM 31.4" is "km 31_4"); floors and ordinals are
    not street numbers; country names, legal forms and floor, building and administrative
    words go (`ADDRESS_NOISE`).
    """
    text = _transliterate(unicodedata.normalize("NFKC", address or "")).casefold()
    text = _SPLIT_PIN.sub(r"\1\2", text)
    text = _NUMBER_JOINER.sub("_", text)
    text = _ABBREVIATION_DOT.sub("", text)
    text = _FLOOR.sub(" ", _NON_WORD.sub(" ", text))
    text = _country_names().sub(" ", text)
    words = []
    for word in text.split():
        word = ADDRESS_SYNONYMS.get(word, word)
        if word in ADDRESS_NOISE or word in LEGAL_FORMS or _ORDINAL.match(word):
            continue
        words.append(word)
    return " ".join(_dedupe(words))[:500]


def normalise_label(text: str) -> str:
    """Brands and product models: case and spacing aside, written the same is the same.

    Punctuation is kept: "Marlin S24+" and "Marlin S24" are different models.
    """
    return " ".join(unicodedata.normalize("NFKC", text or "").casefold().split())


# --- Comparing two sites -----------------------------------------------------------------


class _Features:
    """What a site is compared on, derived from its keys and coordinates.

    The trigram sets are made when first compared: most sites of a large upload share no
    block with another and are never compared, and the sets are most of the memory.
    """

    __slots__ = (
        "_grams",
        "address_key",
        "address_words",
        "country",
        "latitude",
        "longitude",
        "name_key",
        "name_numbers",
        "numbers",
        "os_id",
        "postcodes",
    )

    def __init__(self, country, name_key, address_key, os_id="", latitude=None, longitude=None):
        self.country, self.name_key, self.address_key = country, name_key, address_key
        self.os_id = os_id or ""
        self.latitude = None if latitude is None else float(latitude)
        self.longitude = None if longitude is None else float(longitude)
        self.name_numbers = frozenset(_number(w) for w in name_key.split() if _NUMBERISH.match(w))
        words, numbers, postcodes = [], set(), set()
        for word in address_key.split():
            if _POSTCODE.match(word):
                postcodes.add(word)
            elif _NUMBERISH.match(word):
                numbers.add(_number(word))
            else:
                words.append(word)
        self.address_words = tuple(words)
        self.numbers, self.postcodes = frozenset(numbers), frozenset(postcodes)
        self._grams = None

    def grams(self) -> tuple[frozenset, frozenset, frozenset]:
        """Trigrams of the name (spaces taken out: "Zhong Shan" is "Zhongshan"), of the name
        without generic words, and of the address words."""
        if self._grams is None:
            name_words = self.name_key.split()
            name = _grams("".join(name_words))
            core_words = [w for w in name_words if w not in GENERIC_NAME_WORDS]
            core = _grams("".join(core_words)) if core_words else name
            address = (
                frozenset().union(*(_grams(w) for w in self.address_words))
                if self.address_words
                else frozenset()
            )
            self._grams = (name, core, address)
        return self._grams


_intern = sys.intern


def _number(word: str) -> str:
    return "_".join(part.lstrip("0") or "0" for part in word.split("_"))


def _grams(text: str) -> frozenset:
    padded = f"  {text} "
    return frozenset(_intern(padded[i : i + 3]) for i in range(len(padded) - 2))


def _dice(a: frozenset, b: frozenset) -> float:
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def distance_metres(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance (haversine) on a sphere of the Earth's mean radius."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(min(1.0, math.sqrt(h)))


CERTAIN, UNCERTAIN, DIFFERENT = "certain", "uncertain", "different"


@dataclass(frozen=True, slots=True)
class Comparison:
    verdict: str
    score: float
    name_similarity: float
    address_similarity: float
    distance_m: int | None
    facts: tuple[str, ...]


def compare(
    a: _Features, b: _Features, *, placeholder_address=False, placeholder_point=False
) -> Comparison:
    """How likely two sites are one: the score, the facts behind it and the verdict.

    `placeholder_address` / `placeholder_point`: the address or the coordinates they share
    are shared by many other sites too, and count for nothing.
    """
    facts: list[str] = []
    if a.os_id and b.os_id:
        if a.os_id == b.os_id:
            return Comparison(CERTAIN, 1.0, 1.0, 1.0, None, ("os_id",))
        return Comparison(DIFFERENT, 0.0, 0.0, 0.0, None, ())  # two OS IDs: two sites
    a_name, a_core, a_address = a.grams()
    b_name, b_core, b_address = b.grams()
    name = max(_dice(a_name, b_name), _dice(a_core, b_core))
    address = 0.0 if placeholder_address else _dice(a_address, b_address)
    score = NAME_WEIGHT * name + ADDRESS_WEIGHT * address
    if name >= NAME_FACT:
        facts.append("name")
    if address >= ADDRESS_FACT:
        facts.append("address")
    number_conflict = False
    same_number = False
    if a.numbers and b.numbers and not placeholder_address:
        if a.numbers & b.numbers:
            same_number = True
            facts.append("street_number")
            score += STREET_NUMBER_BONUS
        else:
            number_conflict = True
            score -= STREET_NUMBER_CONFLICT_PENALTY
    if a.postcodes & b.postcodes and not placeholder_address:
        facts.append("postcode")
        score += POSTCODE_BONUS
    distance = None
    nearby = False
    if None not in (a.latitude, a.longitude, b.latitude, b.longitude):
        metres = distance_metres(a.latitude, a.longitude, b.latitude, b.longitude)
        distance = round(metres)
        if metres <= NEARBY_METRES and not placeholder_point:
            nearby = True
            score += NEARBY_BONUS
        # One fact or the other: a single point given to both is not evidence of two
        # records close by (it is often a geocoded town), and says so.
        if metres < 1:
            facts.append("same_coordinates")
        elif nearby:
            facts.append("nearby")
        elif metres > FAR_METRES:
            score -= FAR_PENALTY
    score = max(0.0, min(1.0, score))
    # Numbers in names tell units apart ("Unit 3" / "Unit 4", "MXP1" / "MXP8"); a number in
    # one name only ("Square Fashions" / "Square Fashions Unit 2") leaves the doubt.
    name_numbers_differ = a.name_numbers != b.name_numbers
    if (
        score >= AUTO_LINK
        and name >= AUTO_LINK_MIN_NAME
        and not number_conflict
        and not name_numbers_differ
    ):
        verdict = CERTAIN
    elif (
        score >= REVIEW
        or (address >= SAME_PLACE_ADDRESS and (nearby or same_number))
        or (same_number and nearby)
    ):
        verdict = UNCERTAIN
    else:
        verdict = DIFFERENT
    return Comparison(
        verdict, round(score, 3), round(name, 3), round(address, 3), distance, tuple(facts)
    )


# --- Bulk matching -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SiteInput:
    """A production site as someone wrote it: what the matcher compares and creates from."""

    name: str
    address: str
    country: str
    region: str = ""
    os_id: str = ""
    sector: str | None = None
    function: str | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None


@dataclass(frozen=True, slots=True)
class SiteMatches:
    factory_ids: list[int]
    factories_created: int
    reviews_created: int


@dataclass(slots=True, eq=False)
class _Group:
    """Inputs that are the same site as far as the call is concerned: resolved together."""

    index: int
    site: SiteInput
    features: _Features
    rows: int = 1
    # The factory the group itself is (OS ID or exact keys): never overridden.
    own_factory_id: int | None = None
    # Registry factories close enough to compare, and how each compares.
    candidates: list[tuple[int, Comparison]] = field(default_factory=list)
    factory_id: int | None = None

    @property
    def country(self):
        return self.features.country

    @property
    def name_key(self):
        return self.features.name_key

    @property
    def address_key(self):
        return self.features.address_key

    @property
    def os_id(self):
        return self.features.os_id


Progress = Callable[[int], object] | None


def match_sites(sites: list[SiteInput]) -> list[int]:
    """The factory id of each site, in order; unknown sites become new factories."""
    return match_sites_with_counts(sites).factory_ids


def match_sites_with_counts(sites: list[SiteInput], *, progress: Progress = None) -> SiteMatches:
    """`match_sites`, also saying how many factories and staff reviews it created.

    `progress`, if given, is called with the number of sites resolved so far: after the OS
    IDs and exact keys, after each chunk of the registry search, after the clustering and
    at the end. A handful of queries per thousand distinct sites, whatever the number of
    inputs: OS IDs, exact keys, the trigram search, earlier reviews, then the inserts.
    """
    report = progress or (lambda done: None)
    groups, group_of = _group_inputs(sites)
    if not groups:
        report(0)
        return SiteMatches(factory_ids=[], factories_created=0, reviews_created=0)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [MATCHING_LOCK_ID])
        _match_os_ids(groups)
        for chunk in _chunks([g for g in groups if g.own_factory_id is None]):
            _match_exact(chunk)
        done = sum(g.rows for g in groups if g.own_factory_id is not None)
        report(done)
        searched = [g for g in groups if g.own_factory_id is None and g.name_key]
        # The upload's own pairs need nothing the registry search finds (it only adds
        # candidates): they are compared in Python meanwhile, while PostgreSQL searches.
        with ThreadPoolExecutor(max_workers=1) as pool:
            within = pool.submit(_pairs_within, groups)
            _search_similar(list(_chunks(searched)), done, report)
            pairs = within.result()
        reviewed = _reviewed_pairs(groups)
        clusters = _cluster(groups, pairs)
        created = _resolve(clusters)
        reviews = _create_reviews(groups, pairs, reviewed)
    report(len(sites))
    return SiteMatches(
        factory_ids=[groups[index].factory_id for index in group_of],
        factories_created=created,
        reviews_created=reviews,
    )


def _group_inputs(sites: list[SiteInput]) -> tuple[list[_Group], list[int]]:
    """One group per distinct site: same OS ID, or same country, name key and address key."""
    groups: list[_Group] = []
    by_os_id: dict[str, int] = {}
    by_key: dict[tuple[str, str, str], int] = {}
    # Inputs with an OS ID first, so that a later input without one joins the identified site.
    order = sorted(range(len(sites)), key=lambda i: not sites[i].os_id)
    group_of = [0] * len(sites)
    key_cache: dict[tuple[str, str], tuple[str, str]] = {}
    for i in order:
        site = sites[i]
        os_id = (site.os_id or "").strip().upper()
        country = (site.country or "").strip().upper()
        cached = key_cache.get((site.name, site.address))
        if cached is None:
            cached = (normalise_name(site.name), normalise_address(site.address))
            key_cache[site.name, site.address] = cached
        key = (country, *cached)
        index = by_os_id.get(os_id) if os_id else by_key.get(key)
        if index is None:
            index = len(groups)
            features = _Features(country, *cached, os_id, site.latitude, site.longitude)
            groups.append(_Group(index, site, features))
            if os_id:
                by_os_id[os_id] = index
            by_key.setdefault(key, index)
        else:
            groups[index].rows += 1
        group_of[i] = index
    return groups, group_of


def _chunks(groups: list[_Group]):
    for start in range(0, len(groups), CHUNK_SIZE):
        yield groups[start : start + CHUNK_SIZE]


def _match_os_ids(groups: list[_Group]) -> None:
    """An OS ID identifies a site: it wins over any name (a merged site stands for its target)."""
    wanted = {g.os_id: g for g in groups if g.os_id}
    if not wanted:
        return
    found = Factory.objects.filter(os_id__in=list(wanted)).values_list(
        "os_id", "pk", "merged_into_id"
    )
    for os_id, pk, merged_into_id in found:
        wanted[os_id].own_factory_id = merged_into_id or pk


def _match_exact(chunk: list[_Group]) -> None:
    """Same country and the same normalised name and address: the same site, no doubt.

    A record merged into another still carries the keys it was written with: a row written
    the same stands for the record it was merged into (re-importing a list must not bring a
    merged duplicate back). Active records win over merged ones with the same keys.
    """
    wanted: dict[tuple[str, str, str], list[_Group]] = {}
    for g in chunk:
        wanted.setdefault((g.country, g.name_key, g.address_key), []).append(g)
    rows = list(
        Factory.objects.filter(
            country__in={g.country for g in chunk}, name_key__in={g.name_key for g in chunk}
        )
        .order_by(F("merged_into_id").asc(nulls_first=True), "pk")
        .values_list("pk", "country", "name_key", "address_key", "os_id", "merged_into_id")
    )
    survivors = _survivors({merged_into for *_row, merged_into in rows if merged_into})
    for pk, country, name_key, address_key, os_id, merged_into in rows:
        if merged_into:
            pk, os_id = survivors[merged_into]
        for g in wanted.get((country, name_key, address_key), ()):
            if g.own_factory_id is None and _os_ids_compatible(g.os_id, os_id):
                g.own_factory_id = pk


def _survivors(pks: set[int]) -> dict[int, tuple[int, str]]:
    """The record each of `pks` stands for now (itself, or the end of its `merged_into`
    chain) and that record's OS ID. A merge moves earlier merges onto its target, so a chain
    is one step long and this one query; a longer one costs a query a step."""
    resolved: dict[int, tuple[int, str]] = {}
    current = {pk: pk for pk in pks}  # each original's place along its chain
    for _step in range(MAX_MERGE_CHAIN):
        if not current:
            break
        rows = {
            pk: (merged_into, os_id)
            for pk, merged_into, os_id in Factory.objects.filter(
                pk__in=set(current.values())
            ).values_list("pk", "merged_into_id", "os_id")
        }
        following = {}
        for original, at in current.items():
            merged_into, os_id = rows[at]
            if merged_into:
                following[original] = merged_into
            else:
                resolved[original] = (at, os_id)
        current = following
    for original, at in current.items():  # a chain longer than any merge makes: stop there
        resolved[original] = (at, "")
    return resolved


def _os_ids_compatible(ours: str, theirs: str) -> bool:
    """Two different OS IDs are two different sites, however alike their names."""
    return not ours or not theirs or ours == theirs


# Blocking, one chunk of sites at a time. First the keys each site probes
# (`suppliers_match_keys`, migration 0021) and how many factories hold each (one row of
# `FactoryMatchKeyCount` per key, migration 0022); then the factories holding the keys Python
# chose, ranked by the keys they share (each weighs one over the factories holding it, so a
# rare key weighs most), the best BLOCK_CANDIDATES_PER_SITE of them compared by name
# similarity: pg_trgm's similarity costs more than the rest of the query, so it is computed
# for a few factories per site, never for every holder of a key.
_PROBE_SQL = """
WITH probe AS (
    SELECT DISTINCT v.idx, k.key
    FROM unnest(%(idx)s::integer[], %(country)s::text[], %(name_key)s::text[])
         AS v(idx, country, name_key),
         suppliers_match_keys(v.country, v.name_key, true) AS k(key)
)
SELECT p.idx, p.key, coalesce(c.factories, 0)
FROM probe p
LEFT JOIN {counts} c ON c.key = p.key
"""

_BLOCKED_SQL = """
WITH site AS (
    SELECT * FROM unnest(%(idx)s::integer[], %(name_key)s::text[], %(os_id)s::text[],
                         %(need)s::integer[])
         AS v(idx, name_key, os_id, need)
),
hit AS (
    SELECT p.idx, m.factory_id, sum(p.weight) AS weight, bit_or(p.word) AS words
    FROM unnest(%(probe_idx)s::integer[], %(probe_key)s::text[], %(probe_weight)s::float8[],
                %(probe_word)s::integer[])
         AS p(idx, key, weight, word)
    JOIN {keys} m ON m.key = p.key
    GROUP BY p.idx, m.factory_id
),
best_hit AS (
    SELECT idx, factory_id FROM (
        SELECT h.idx, h.factory_id,
               row_number() OVER (PARTITION BY h.idx ORDER BY h.weight DESC, h.factory_id)
                   AS rank
        FROM hit h
        JOIN site s ON s.idx = h.idx
        WHERE h.words & s.need = s.need
    ) AS ranked_hit
    WHERE rank <= %(per_site)s
),
scored AS (
    SELECT s.idx, f.id, f.merged_into_id, f.name_key, f.address_key, f.os_id, f.latitude,
           f.longitude, similarity(f.name_key, s.name_key) AS closeness
    FROM best_hit h
    JOIN site s ON s.idx = h.idx
    JOIN {table} f ON f.id = h.factory_id
    WHERE s.os_id = '' OR f.os_id = '' OR f.os_id = s.os_id
),
ranked AS (
    SELECT *, row_number() OVER (PARTITION BY idx ORDER BY closeness DESC, id) AS rank
    FROM scored
    WHERE closeness >= %(threshold)s
)
SELECT idx, id, merged_into_id, name_key, address_key, os_id, latitude, longitude
FROM ranked
WHERE rank <= %(limit)s
"""


def _halves(country: str, word: str) -> list[str]:
    """The half-word keys a word probes (as `suppliers_match_keys` makes them)."""
    sizes = [size for size in (len(word) - 1, len(word), len(word) + 1) if size >= 6]
    return [
        f"{country}:{side}{size}:{word[: size // 2] if side == '<' else word[-(size // 2) :]}"
        for size in sizes
        for side in "<>"
    ]


def _blockable(g: _Group, held: dict[str, int]) -> bool:
    """Whether the site has a rare word to block on: a word (or two joined) held by a few
    factories, or by none while no half of it is common (a new name, not a misspelt common
    word such as "Shenzen", which only trigrams find among the many "Shenzhen")."""
    cap = BLOCK_KEY_MAX_FACTORIES
    words = [w for w in g.name_key.split() if w not in GENERIC_NAME_WORDS]
    keys = [f"{g.country}:{w}" for w in words if len(w) >= 3]
    keys += [f"{g.country}:{a}{b}" for a, b in itertools.pairwise(words)]
    if any(0 < held.get(key, 0) <= cap for key in keys):
        return True
    return any(
        len(w) >= 3
        and held.get(f"{g.country}:{w}", 0) == 0
        and all(held.get(half, 0) <= cap for half in _halves(g.country, w))
        for w in words
    )


def _match_blocked(chunk: list[_Group]) -> list[_Group]:
    """The registry factories sharing blocking keys with each site, compared in Python.

    A site with a rare word (`_blockable`) is compared with the factories holding any of its
    rare keys; one without, with those holding both of its two rarest words (`_rarest_words`).
    Returns the sites left, whose words are all too common even for that: they are searched
    by trigrams (`_match_similar`).
    """
    names = {
        "keys": connection.ops.quote_name(FactoryMatchKey._meta.db_table),
        "counts": connection.ops.quote_name(FactoryMatchKeyCount._meta.db_table),
    }
    idx = list(range(len(chunk)))
    with connection.cursor() as cursor:
        cursor.execute(
            _PROBE_SQL.format(**names),
            {
                "idx": idx,
                "country": [g.country for g in chunk],
                "name_key": [g.name_key for g in chunk],
            },
        )
        probes = cursor.fetchall()
    held: list[dict[str, int]] = [{} for _g in chunk]
    for i, key, factories in probes:
        held[i][key] = factories
    probe_idx, probe_key, probe_weight, probe_word = [], [], [], []
    need = [0] * len(chunk)
    left: list[_Group] = []
    for i, g in enumerate(chunk):
        if _blockable(g, held[i]):
            keys = [(key, 0) for key, n in held[i].items() if 0 < n <= BLOCK_KEY_MAX_FACTORIES]
        else:
            words = _rarest_words(g, held[i])
            if not words:
                left.append(g)
                continue
            # A bit per word: a factory must hold a key of each.
            keys = [(key, 1 << bit) for bit, word_keys in enumerate(words) for key in word_keys]
            need[i] = (1 << len(words)) - 1
        for key, bit in keys:
            probe_idx.append(i)
            probe_key.append(key)
            probe_weight.append(1 / held[i][key])
            probe_word.append(bit)
    if probe_idx:
        params = {
            "idx": idx,
            "name_key": [g.name_key for g in chunk],
            "os_id": [g.os_id for g in chunk],
            "need": need,
            "probe_idx": probe_idx,
            "probe_key": probe_key,
            "probe_weight": probe_weight,
            "probe_word": probe_word,
            "per_site": BLOCK_CANDIDATES_PER_SITE,
            "threshold": NAME_SIMILARITY_THRESHOLD,
            "limit": CANDIDATES_PER_SITE,
        }
        sql = _BLOCKED_SQL.format(table=connection.ops.quote_name(Factory._meta.db_table), **names)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            _compare_candidates(chunk, cursor.fetchall())
    return left


def _rarest_words(g: _Group, held: dict[str, int]) -> list[list[str]]:
    """For a site of common words only: the keys of its two rarest words (one when it has
    one), a word being its own key when some factory holds it, else the halves of it some
    factory holds (a misspelt word: the rarity of its rarest half counts, so that it comes
    before two words of one trade, "metal stamping", which say little together); none held by
    more than FALLBACK_WORD_FACTORIES in all. The same site written otherwise keeps both
    words, or one whole and half of the other."""
    words = []
    for w in dict.fromkeys(g.name_key.split()):
        if len(w) < 3 or w in GENERIC_NAME_WORDS:
            continue
        key = f"{g.country}:{w}"
        keys = [key] if held.get(key) else [h for h in _halves(g.country, w) if held.get(h)]
        factories = sum(held[k] for k in keys)
        if keys and factories <= FALLBACK_WORD_FACTORIES:
            words.append((min(held[k] for k in keys), factories, keys))
    words.sort()
    return [keys for _rarest, _factories, keys in words[:2]]


# The fallback for the rare sites whose words are all held by more than
# FALLBACK_WORD_FACTORIES (none in 1,000 generated sites at 100,000 factories; 3% of them
# before the two-rarest-words step, at 50-120 ms each on a loaded machine): one query per
# chunk. The lateral subquery makes PostgreSQL probe the trigram index (`factory_name_trgm`,
# through `%`) for each site; a plain join lets it compare every pair of sites of a country
# instead, which grows with the registry (measured with 4,500 factories: 2.6 s against 1.3 s
# per 1,000 sites). ORDER BY ... LIMIT keeps the closest few per site; Python then compares
# them on everything (`compare`). Common words make this slow at scale (112 s for a
# 50,000-row upload against 100,000 factories when every site went this way), hence the
# blocking first.
_SIMILAR_SQL = """
SELECT v.idx, best.id, best.merged_into_id, best.name_key, best.address_key, best.os_id,
       best.latitude, best.longitude
FROM unnest(%(idx)s::integer[], %(country)s::text[], %(name_key)s::text[],
            %(os_id)s::text[])
     AS v(idx, country, name_key, os_id)
CROSS JOIN LATERAL (
    SELECT f.id, f.merged_into_id, f.name_key, f.address_key, f.os_id, f.latitude,
           f.longitude
    FROM {table} f
    WHERE f.name_key %% v.name_key
      AND f.country = v.country
      AND (v.os_id = '' OR f.os_id = '' OR f.os_id = v.os_id)
    ORDER BY similarity(f.name_key, v.name_key) DESC, f.id
    LIMIT %(limit)s
) AS best
"""


def _search_similar(chunks: list[list[_Group]], done: int, report) -> None:
    """Registry candidates for the sites still unknown: by blocking keys, then by trigrams for
    the sites that cannot be blocked; on two connections when there are many chunks.

    The extra connections see committed factories only. That is enough for an import, whose
    transaction has written no factory when it matches (and holds the matching lock); a caller
    that creates factories and then matches more than CHUNK_SIZE sites in one transaction
    would see its own new factories found by OS ID and exact keys, not by similarity.
    """
    if not chunks:
        return
    unblocked: list[_Group] = []

    def blocked(chunk: list[_Group]) -> int:
        unblocked.extend(_match_blocked(chunk))
        return sum(g.rows for g in chunk)

    done = _each_chunk(chunks, blocked, done, report)
    if unblocked:
        _flush_pending_trigrams()
        _each_chunk(list(_chunks(unblocked)), _match_similar, done, lambda _done: None)


def _each_chunk(chunks, search: Callable[[list[_Group]], object], done: int, report) -> int:
    """`search` each chunk, on SEARCH_CONNECTIONS connections when there is more than one;
    `report` the rows done after each chunk (`search` answers how many, or None)."""
    if len(chunks) == 1 or SEARCH_CONNECTIONS < 2:
        for chunk in chunks:
            search(chunk)
            done += sum(g.rows for g in chunk)
            report(done)
        return done
    # Query counters and loggers set on this thread's connection watch the others too.
    wrappers = list(connection.execute_wrappers)
    finished: queue.Queue[int] = queue.Queue()

    def search_all(own_chunks: list[list[_Group]]) -> None:
        try:
            connection.execute_wrappers.extend(wrappers)
            with transaction.atomic():
                for chunk in own_chunks:
                    search(chunk)
                    finished.put(sum(g.rows for g in chunk))
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=SEARCH_CONNECTIONS) as pool:
        searches = [
            pool.submit(search_all, chunks[start::SEARCH_CONNECTIONS])
            for start in range(SEARCH_CONNECTIONS)
        ]
        # Progress is reported from this thread, whatever the callable touches.
        for _chunk in chunks:
            while True:
                try:
                    done += finished.get(timeout=0.2)
                    break
                except queue.Empty:
                    if any(s.done() and s.exception() for s in searches):
                        break
            report(done)
        for search_done in searches:
            search_done.result()
    return done


def _flush_pending_trigrams() -> None:
    """Move factories added since the last vacuum into the trigram index proper.

    Until then they sit in the GIN index's pending list, which every search reads in full:
    measured, 1 ms per search with an empty list and 8 ms after a 10,000-site import.
    That needs the index's owner, which the application is not: the function made by
    migration 0011 does it with the owner's rights. Should it fail, searches are merely slower.
    """
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT suppliers_flush_factory_trigrams()")
    except DatabaseError as error:
        logger.warning("trigram pending list not flushed: %s", error)


def _set_name_threshold() -> None:
    """`%` compares with this, for the rest of the transaction."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('pg_trgm.similarity_threshold', %s, true)",
            [str(NAME_SIMILARITY_THRESHOLD)],
        )


def _match_similar(chunk: list[_Group]) -> None:
    """The closest registry factories of each site by trigrams, in one query."""
    _set_name_threshold()
    sql = _SIMILAR_SQL.format(table=connection.ops.quote_name(Factory._meta.db_table))
    params = {
        "limit": CANDIDATES_PER_SITE,
        "idx": list(range(len(chunk))),
        "country": [g.country for g in chunk],
        "name_key": [g.name_key for g in chunk],
        "os_id": [g.os_id for g in chunk],
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        _compare_candidates(chunk, cursor.fetchall())


def _compare_candidates(chunk: list[_Group], rows: list[tuple]) -> None:
    """Each site compared with the registry factories found for it (`compare`)."""
    # A merged record found stands for the record it was merged into (with its OS ID).
    survivors = _survivors({row[2] for row in rows if row[2]})
    best: dict[tuple[int, int], Comparison] = {}
    for idx, pk, merged_into, name_key, address_key, os_id, latitude, longitude in rows:
        g = chunk[idx]
        if merged_into:
            pk, os_id = survivors[merged_into]
            if not _os_ids_compatible(g.os_id, os_id):
                continue
        theirs = _Features(g.country, name_key, address_key, os_id, latitude, longitude)
        result = compare(g.features, theirs)
        kept = best.get((idx, pk))
        if result.verdict != DIFFERENT and (kept is None or _rank(kept) < _rank(result)):
            best[idx, pk] = result
    for (idx, pk), result in best.items():
        chunk[idx].candidates.append((pk, result))


def _rank(result: Comparison) -> tuple[bool, float]:
    """Of two comparisons with one factory (itself and a record merged into it), the one
    that decides: certain first, then the higher score."""
    return result.verdict == CERTAIN, result.score


def _placeholders(groups: list[_Group]) -> tuple[set, set]:
    """Addresses and points given to PLACEHOLDER_NAMES or more different names."""
    names_at_address: dict[tuple, set] = defaultdict(set)
    names_at_point: dict[tuple, set] = defaultdict(set)
    for g in groups:
        f = g.features
        if f.address_key:
            names_at_address[f.country, f.address_key].add(f.name_key)
        if f.latitude is not None and f.longitude is not None:
            names_at_point[f.country, f.latitude, f.longitude].add(f.name_key)
    return (
        {key for key, names in names_at_address.items() if len(names) >= PLACEHOLDER_NAMES},
        {key for key, names in names_at_point.items() if len(names) >= PLACEHOLDER_NAMES},
    )


def _block_keys(f: _Features) -> set[tuple]:
    """The blocks a group is in: name words (and two neighbours joined, so that "Zhong Shan"
    meets "Zhongshan"), address words and its 500 m square, all within its country."""
    keys: set[tuple] = set()
    words = [w for w in f.name_key.split() if w not in GENERIC_NAME_WORDS]
    for word in words:
        if len(word) >= 3:
            keys.add(("n", f.country, word))
    for first, second in itertools.pairwise(words):
        keys.add(("n", f.country, first + second))
    for word in f.address_words:
        if len(word) >= 4:
            keys.add(("a", f.country, word))
    if f.latitude is not None and f.longitude is not None:
        keys.add(
            ("g", f.country, round(f.latitude / GRID_DEGREES), round(f.longitude / GRID_DEGREES))
        )
    return keys


def _pairs_within(groups: list[_Group]) -> dict[tuple[int, int], Comparison]:
    """Every pair of groups of the upload that share a block, compared; different ones left out."""
    blocks: dict[tuple, list[int]] = defaultdict(list)
    for g in groups:
        for key in _block_keys(g.features):
            blocks[key].append(g.index)
    # Two groups that each are a known factory already were compared when they were
    # linked; an upload of known sites (a corrected file again) compares nothing.
    known = {g.index for g in groups if g.own_factory_id is not None}
    seen: set[tuple[int, int]] = set()
    for members in blocks.values():
        if len(members) < 2 or len(members) > BLOCK_MAX:
            continue
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                if a in known and b in known:
                    continue
                seen.add((a, b) if a < b else (b, a))
    placeholder_addresses, placeholder_points = _placeholders(groups)
    pairs: dict[tuple[int, int], Comparison] = {}
    for a, b in seen:
        fa, fb = groups[a].features, groups[b].features
        result = compare(
            fa,
            fb,
            placeholder_address=fa.address_key == fb.address_key
            and (fa.country, fa.address_key) in placeholder_addresses,
            placeholder_point=(fa.country, fa.latitude, fa.longitude) in placeholder_points,
        )
        if result.verdict != DIFFERENT:
            pairs[a, b] = result
    return pairs


def _reviewed_pairs(groups: list[_Group]) -> set[frozenset]:
    """Pairs of known factories staff already saw (any decision, either order): one query."""
    known = {g.own_factory_id for g in groups if g.own_factory_id}
    known |= {pk for g in groups for pk, _result in g.candidates}
    if len(known) < 2:
        return set()
    ids = sorted(known)
    rows = FactoryMatchReview.objects.filter(
        Q(factory_id__in=ids) & Q(candidate_id__in=ids)
    ).values_list("factory_id", "candidate_id")
    return {frozenset(pair) for pair in rows}


def _cluster(groups: list[_Group], pairs: dict[tuple[int, int], Comparison]) -> list[list[int]]:
    """Groups certain of each other, joined by complete linkage, strongest pairs first.

    Two clusters join only if every pair across them is certain (a chain of likely pairs
    does not make its two ends one site), and never if each already is a different factory.
    """
    cluster_of = {g.index: [g.index] for g in groups}
    certain = sorted(
        ((result.score, a, b) for (a, b), result in pairs.items() if result.verdict == CERTAIN),
        reverse=True,
    )
    for _score, a, b in certain:
        ca, cb = cluster_of[a], cluster_of[b]
        if ca is cb:
            continue
        own = {groups[i].own_factory_id for i in ca + cb} - {None}
        if len(own) > 1:
            continue
        if not all(
            (pair := pairs.get((x, y) if x < y else (y, x))) and pair.verdict == CERTAIN
            for x in ca
            for y in cb
        ):
            continue
        ca.extend(cb)
        for i in cb:
            cluster_of[i] = ca
    unique = {id(c): c for c in cluster_of.values()}
    return [[groups[i] for i in members] for members in unique.values()]


def _resolve(clusters: list[list[_Group]]) -> int:
    """Each cluster's factory: its own, the registry's it is certain of, or a new one."""
    new: list[tuple[list[_Group], _Group]] = []
    for members in clusters:
        own = next((g.own_factory_id for g in members if g.own_factory_id), None)
        if own is None:
            certain = [
                (result.score, -pk, pk)
                for g in members
                for pk, result in g.candidates
                if result.verdict == CERTAIN
            ]
            own = max(certain)[2] if certain else None
        if own is None:
            # The site written by most lines speaks for the cluster.
            new.append((members, max(members, key=lambda g: (g.rows, -g.index))))
        for g in members:
            g.factory_id = g.own_factory_id or own
    if not new:
        return 0
    ids = insert_rows(Factory, [_new_factory(g) for _members, g in new])
    for (members, _g), pk in zip(new, ids, strict=True):
        for g in members:
            g.factory_id = pk
    return len(ids)


def _new_factory(g: _Group) -> dict:
    """The fields of the factory a new site becomes (`core.bulk.insert_rows`)."""
    site = g.site
    return {
        "name": site.name.strip(),
        "address": site.address.strip(),
        "country": g.country,
        "region": (site.region or "").strip(),
        "os_id": g.os_id,
        "sector": site.sector or Sector.ICT,
        "function": site.function or FactoryFunction.FINAL_ASSEMBLY,
        "latitude": site.latitude,
        "longitude": site.longitude,
        "name_key": g.name_key,
        "address_key": g.address_key,
    }


def _create_reviews(
    groups: list[_Group],
    pairs: dict[tuple[int, int], Comparison],
    reviewed: set[frozenset],
) -> int:
    """A review for each pair of resolved factories still in doubt, the most likely first.

    The newer factory is the one under review (`factory`), the other the possible match.
    """
    proposed: dict[frozenset, tuple[int, int, Comparison]] = {}

    def propose(first: int | None, second: int | None, result: Comparison) -> None:
        if not first or not second or first == second:
            return
        key = frozenset((first, second))
        if key in reviewed:
            return
        kept = proposed.get(key)
        if kept is None or kept[2].score < result.score:
            newer, older = (first, second) if first > second else (second, first)
            proposed[key] = (newer, older, result)

    for g in groups:
        for pk, result in g.candidates:
            propose(g.factory_id, pk, result)
    for (a, b), result in pairs.items():
        propose(groups[a].factory_id, groups[b].factory_id, result)
    per_factory: dict[int, int] = defaultdict(int)
    reviews = []
    for newer, older, result in sorted(proposed.values(), key=lambda p: -p[2].score):
        if per_factory[newer] >= MAX_REVIEWS_PER_SITE:
            continue
        per_factory[newer] += 1
        reviews.append(
            FactoryMatchReview(
                factory_id=newer,
                candidate_id=older,
                score=result.score,
                name_similarity=result.name_similarity,
                address_similarity=result.address_similarity,
                distance_m=result.distance_m,
                matched_facts=list(result.facts),
            )
        )
    FactoryMatchReview.objects.bulk_create(reviews, batch_size=CHUNK_SIZE)
    return len(reviews)
