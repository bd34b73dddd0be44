"""Factory matching: the same production site, disclosed by many contractors, is one row.

Names and addresses are normalised into keys (lower case, no accents or punctuation, no legal
suffixes, no repeated words); PostgreSQL's pg_trgm then compares keys within a country.

`match_sites` resolves a whole upload at once: an OS ID match wins, then an exact match on the
keys, then the most similar site of the same country. A close enough one is linked; a doubtful
one gives a new factory plus a `FactoryMatchReview` for Electronics Watch staff to decide.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal

from django.db import DatabaseError, connection, transaction

from .models import Factory, FactoryFunction, FactoryMatchReview, Sector

logger = logging.getLogger(__name__)

# Legal forms that say nothing about which site it is ("Ltd Ltd" happens in real uploads).
LEGAL_SUFFIXES = {
    "ltd",
    "limited",
    "co",
    "company",
    "inc",
    "incorporated",
    "corp",
    "corporation",
    "llc",
    "plc",
    "gmbh",
    "ag",
    "sa",
    "sas",
    "sarl",
    "srl",
    "spa",
    "bv",
    "nv",
    "kk",
    "pte",
    "pvt",
    "private",
    "sdn",
    "bhd",
    "tbk",
    "pt",
    "jsc",
    "jsc.",
    "cv",
    "sro",
    "as",
    "oy",
    "ab",
}
_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)
# Letters that Unicode does not decompose into a base letter and an accent.
_LETTERS = str.maketrans(
    {"đ": "d", "ø": "o", "ł": "l", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i", "þ": "th"}
)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold().translate(_LETTERS))
    if not decomposed.isascii():  # most names are: no accent to take off, character by character
        decomposed = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_WORD.sub(" ", decomposed.casefold()).strip()


def _dedupe(words):
    seen, kept = set(), []
    for word in words:
        if word not in seen:
            seen.add(word)
            kept.append(word)
    return kept


def normalise_name(name: str) -> str:
    # Dots join abbreviations ("s.r.o.", "Co.") rather than separate words.
    words = [w for w in _fold((name or "").replace(".", "")).split() if w not in LEGAL_SUFFIXES]
    return " ".join(_dedupe(words))[:255]


def normalise_address(address: str) -> str:
    return " ".join(_fold(address).split())[:500]


def normalise_label(text: str) -> str:
    """Brands and product models: case and spacing aside, written the same is the same.

    Punctuation is kept: "Marlin S24+" and "Marlin S24" are different models.
    """
    return " ".join(unicodedata.normalize("NFKC", text or "").casefold().split())


# --- Bulk matching -----------------------------------------------------------------------

# Weighted score of a candidate: the name says more than the address, which contractors write
# in many ways (and sometimes as a placeholder shared by several sites).
NAME_WEIGHT = 0.6
ADDRESS_WEIGHT = 0.4
AUTO_LINK = 0.75
REVIEW = 0.45
# pg_trgm's `%` threshold on names: only sites with names this similar are candidates. An
# automatic link needs a name similarity of at least (0.75 - 0.4) / 0.6 = 0.58 anyway, so this
# only keeps out reviews of sites whose names differ more (two firms sharing an industrial
# park's address). pg_trgm's default of 0.3 finds twice the candidates, mostly noise for staff,
# and makes the search 2.6 times slower (benchmarks/disclosure_import.py).
NAME_SIMILARITY_THRESHOLD = 0.5
CHUNK_SIZE = 1000
# Trigram searches are CPU work inside PostgreSQL: with more than one chunk to search, run the
# chunks on this many connections at once (one core each).
SEARCH_CONNECTIONS = 2
# Serialises matching between concurrent imports so that two of them cannot both create the
# same new site (an arbitrary constant, used with pg_advisory_xact_lock).
MATCHING_LOCK_ID = 7_240_311


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


@dataclass(slots=True)
class _Group:
    """Inputs that are the same site as far as the call is concerned: resolved together."""

    site: SiteInput
    country: str
    name_key: str
    address_key: str
    os_id: str
    factory_id: int | None = None
    candidate_id: int | None = None
    score: float = 0.0


def match_sites(sites: list[SiteInput]) -> list[int]:
    """The factory id of each site, in order; unknown sites become new factories."""
    return match_sites_with_counts(sites).factory_ids


def match_sites_with_counts(
    sites: list[SiteInput], *, progress: Callable[[int], None] | None = None
) -> SiteMatches:
    """`match_sites`, also saying how many factories and staff reviews it created.

    A handful of queries per thousand distinct sites, whatever the number of inputs: OS IDs,
    then exact keys, then trigram similarity within the country, then one insert of the rest.
    `progress`, if given, is told how many of the sites are resolved so far.
    """
    groups, group_of = _group_inputs(sites)
    if not groups:
        return SiteMatches(factory_ids=[], factories_created=0, reviews_created=0)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [MATCHING_LOCK_ID])
        _match_os_ids(groups)
        for chunk in _chunks([g for g in groups if g.factory_id is None]):
            _match_exact(chunk)
        _search_similar(list(_chunks([g for g in groups if g.factory_id is None and g.name_key])))
        created, reviews = _create_unmatched(groups)
    if progress is not None:
        progress(len(sites))
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
            groups.append(_Group(site, country, key[1], key[2], os_id))
            if os_id:
                by_os_id[os_id] = index
            by_key.setdefault(key, index)
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
        wanted[os_id].factory_id = merged_into_id or pk


def _match_exact(chunk: list[_Group]) -> None:
    """Same country and the same normalised name and address: the same site, no doubt."""
    wanted: dict[tuple[str, str, str], list[_Group]] = {}
    for g in chunk:
        wanted.setdefault((g.country, g.name_key, g.address_key), []).append(g)
    rows = (
        Factory.objects.active()
        .filter(country__in={g.country for g in chunk}, name_key__in={g.name_key for g in chunk})
        .order_by("pk")
        .values_list("pk", "country", "name_key", "address_key", "os_id")
    )
    for pk, country, name_key, address_key, os_id in rows:
        for g in wanted.get((country, name_key, address_key), ()):
            if g.factory_id is None and _os_ids_compatible(g.os_id, os_id):
                g.factory_id = pk


def _os_ids_compatible(ours: str, theirs: str) -> bool:
    """Two different OS IDs are two different sites, however alike their names."""
    return not ours or not theirs or ours == theirs


# One query per chunk. The lateral subquery makes PostgreSQL probe the trigram index
# (`factory_name_trgm`, through `%`) for each site; a plain join lets it compare every pair of
# sites of a country instead, which grows with the registry (measured with 4,500 factories:
# 2.6 s against 1.3 s per 1,000 sites). ORDER BY ... LIMIT 1 keeps the best candidate per site.
_SIMILAR_SQL = """
SELECT v.idx, best.id, best.score
FROM unnest(%(idx)s::integer[], %(country)s::text[], %(name_key)s::text[],
            %(address_key)s::text[], %(os_id)s::text[])
     AS v(idx, country, name_key, address_key, os_id)
CROSS JOIN LATERAL (
    SELECT f.id,
           %(name_weight)s * similarity(f.name_key, v.name_key)
           + %(address_weight)s * similarity(f.address_key, v.address_key) AS score
    FROM {table} f
    WHERE f.name_key %% v.name_key
      AND f.country = v.country
      AND f.merged_into_id IS NULL
      AND (v.os_id = '' OR f.os_id = '' OR f.os_id = v.os_id)
    ORDER BY score DESC, f.id
    LIMIT 1
) AS best
"""


def _search_similar(chunks: list[list[_Group]]) -> None:
    """Trigram search for the sites still unknown, on two connections when there are many.

    The extra connections see committed factories only. That is enough for an import, whose
    transaction has written no factory when it matches (and holds the matching lock); a caller
    that creates factories and then matches more than CHUNK_SIZE sites in one transaction
    would see its own new factories found by OS ID and exact keys, not by similarity.
    """
    if not chunks:
        return
    _flush_pending_trigrams()
    if len(chunks) == 1 or SEARCH_CONNECTIONS < 2:
        _set_name_threshold()
        for chunk in chunks:
            _match_similar(chunk)
        return
    # Query counters and loggers set on this thread's connection watch the others too.
    wrappers = list(connection.execute_wrappers)

    def search(own_chunks: list[list[_Group]]) -> None:
        try:
            connection.execute_wrappers.extend(wrappers)
            with transaction.atomic():
                _set_name_threshold()
                for chunk in own_chunks:
                    _match_similar(chunk)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=SEARCH_CONNECTIONS) as pool:
        searches = [
            pool.submit(search, chunks[start::SEARCH_CONNECTIONS])
            for start in range(SEARCH_CONNECTIONS)
        ]
        for done in searches:
            done.result()


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
    """Best trigram candidate per site in one query; links or flags it by score."""
    sql = _SIMILAR_SQL.format(table=connection.ops.quote_name(Factory._meta.db_table))
    params = {
        "name_weight": NAME_WEIGHT,
        "address_weight": ADDRESS_WEIGHT,
        "idx": list(range(len(chunk))),
        "country": [g.country for g in chunk],
        "name_key": [g.name_key for g in chunk],
        "address_key": [g.address_key for g in chunk],
        "os_id": [g.os_id for g in chunk],
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    for idx, pk, score in rows:
        g = chunk[idx]
        if score >= AUTO_LINK:
            g.factory_id = pk
        elif score >= REVIEW:
            g.candidate_id, g.score = pk, float(score)


def _create_unmatched(groups: list[_Group]) -> tuple[int, int]:
    """New factories for the sites nobody knew, and a review for each uncertain one."""
    unmatched = [g for g in groups if g.factory_id is None]
    if not unmatched:
        return 0, 0
    factories = [
        Factory(
            name=g.site.name.strip(),
            address=g.site.address.strip(),
            country=g.country,
            region=(g.site.region or "").strip(),
            os_id=g.os_id,
            sector=g.site.sector or Sector.ICT,
            function=g.site.function or FactoryFunction.FINAL_ASSEMBLY,
            latitude=g.site.latitude,
            longitude=g.site.longitude,
            name_key=g.name_key,
            address_key=g.address_key,
        )
        for g in unmatched
    ]
    Factory.objects.bulk_create(factories, batch_size=CHUNK_SIZE)
    for g, factory in zip(unmatched, factories, strict=True):
        g.factory_id = factory.pk
    reviews = [
        FactoryMatchReview(factory_id=g.factory_id, candidate_id=g.candidate_id, score=g.score)
        for g in unmatched
        if g.candidate_id is not None
    ]
    FactoryMatchReview.objects.bulk_create(reviews, batch_size=CHUNK_SIZE)
    return len(factories), len(reviews)
