"""The guidance library's rules: staff write resources and their versions, publish and
unpublish them and keep the topic vocabulary; members bookmark; everyone searches what
`Resource.objects.visible_to(reader)` lets them read.

Versions: a new wording in a language gets the next number in that language; earlier ones
stay, so two can be compared (`learning.services.library_diff`). A version is a text written
on the page (Markdown), a file (PDF, DOCX or XLSX, checked by content by
`core.uploads.clean_document` before anything is written) or a link.

Search (`library_search`) is PostgreSQL full-text search. Each version's weighted search
vector (title A, summary B, text C) is kept by a database trigger rather than by this module:
every writer (these services, the admin, bulk loads, tests' factories) then leaves a correct
vector, and a generated column cannot choose its configuration per row (the cast of a
language to `regconfig` is not immutable). The configuration follows the version's language
(`SEARCH_CONFIGS`: English and French stemming, accents ignored by `unaccent`), and the query
is read with `websearch_to_tsquery` in that same configuration, one branch per language so the
GIN index serves each.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import URLValidator
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Case, Count, Exists, F, OuterRef, Prefetch, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Concat, JSONObject
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.uploads import CleanFile

from ..models import (
    Bookmark,
    ProcurementStage,
    Resource,
    ResourceKind,
    ResourceLanguage,
    ResourceVersion,
    Topic,
)

# A version's language → its text search configuration (created in migration 0002_library,
# with `unaccent` before each stemmer); any other language uses SEARCH_FALLBACK.
SEARCH_CONFIGS = {
    "en": "ew_english",
    "fr": "ew_french",
    "de": "ew_german",
    "es": "ew_spanish",
    "nl": "ew_dutch",
    "sv": "ew_swedish",
}
SEARCH_FALLBACK = "ew_simple"
# ts_headline's marks: characters of Unicode's private use area, which no resource text uses;
# the snippet is escaped whole, then only these become <mark> and </mark>.
MARK_START = "\ue000"
MARK_STOP = "\ue001"
HEADLINE_OPTIONS = {"max_words": 35, "min_words": 12, "max_fragments": 2}


def require_staff(user) -> None:
    if not (user is not None and user.is_authenticated and user.is_ew_staff):
        raise DomainError(_("Only Electronics Watch staff can do this."))


# --- Writing resources ----------------------------------------------------------------------


@dataclass(frozen=True)
class VersionText:
    """What a version says: its words and what it is (a text, a file or a link)."""

    language: str
    title: str
    format: str
    summary: str = ""
    body: str = ""
    file: CleanFile | None = None
    link: str = ""
    change_note: str = ""


def _check_version(text: VersionText) -> None:
    if text.language not in ResourceLanguage.values:
        raise DomainError(_("Choose the language of this version."), field="language")
    if not text.title.strip():
        raise DomainError(_("Give this version a title."), field="title")
    if text.format == ResourceVersion.Format.TEXT:
        if not text.body.strip():
            raise DomainError(_("Write the text of the resource."), field="body")
    elif text.format == ResourceVersion.Format.FILE:
        if text.file is None:
            raise DomainError(_("Choose the PDF, DOCX or XLSX file to upload."), field="file")
    elif text.format == ResourceVersion.Format.LINK:
        try:
            URLValidator(schemes=["http", "https"])(text.link)
        except ValidationError:
            raise DomainError(
                _("Give the full address of the link, starting with https://."), field="link"
            ) from None
    else:
        raise DomainError(_("Choose whether this is a text, a file or a link."), field="format")


def _check_facets(*, kind: str, stages: Iterable[str]) -> None:
    if kind not in ResourceKind.values:
        raise DomainError(_("Choose the kind of resource."), field="kind")
    unknown = set(stages) - set(ProcurementStage.values)
    if unknown:
        raise DomainError(
            _("Choose stages of the procurement cycle from the list."), field="stages"
        )


def _write_version(resource: Resource, text: VersionText, number: int, by) -> ResourceVersion:
    version = ResourceVersion(
        resource=resource,
        language=text.language,
        number=number,
        title=text.title.strip(),
        summary=text.summary.strip(),
        format=text.format,
        change_note=text.change_note.strip(),
        created_by=by,
    )
    if text.format == ResourceVersion.Format.TEXT:
        version.body = text.body.strip()
    elif text.format == ResourceVersion.Format.LINK:
        version.link = text.link
    else:
        version.file_name = text.file.original_name
        version.file_type = text.file.content_type
        # A random name under library/ (PrivateUploadTo); the uploader's name is kept apart.
        version.file.save(
            f"document.{text.file.extension}", ContentFile(text.file.content), save=False
        )
    version.save()
    return version


def resource_create(
    *,
    kind: str,
    text: VersionText,
    by,
    topics: Iterable[Topic] = (),
    stages: Iterable[str] = (),
    countries: Iterable[str] = (),
) -> Resource:
    """A draft resource with its first version; staff publish it when it is ready."""
    require_staff(by)
    stages = list(stages)
    _check_facets(kind=kind, stages=stages)
    _check_version(text)
    with transaction.atomic():
        resource = Resource.objects.create(
            kind=kind, stages=stages, countries=list(countries), created_by=by
        )
        resource.topics.set(topics)
        _write_version(resource, text, 1, by)
    return resource


def resource_update(
    *,
    resource: Resource,
    by,
    kind: str,
    topics: Iterable[Topic],
    stages: Iterable[str],
    countries: Iterable[str],
) -> Resource:
    """Change a resource's facets; its words change only through a new version."""
    require_staff(by)
    stages = list(stages)
    _check_facets(kind=kind, stages=stages)
    with transaction.atomic():
        resource.kind = kind
        resource.stages = stages
        resource.countries = list(countries)
        resource.save()
        resource.topics.set(topics)
    return resource


def version_add(*, resource: Resource, text: VersionText, by) -> ResourceVersion:
    """A new wording in a language: the next number in that language (1 for a language the
    resource did not have yet). Earlier versions stay."""
    require_staff(by)
    _check_version(text)
    with transaction.atomic():
        Resource.objects.select_for_update().filter(pk=resource.pk).first()
        latest = (
            resource.versions.filter(language=text.language).aggregate(n=models.Max("number"))["n"]
            or 0
        )
        if latest and not text.change_note.strip():
            raise DomainError(
                _("Say what changed since version %(number)s.") % {"number": latest},
                field="change_note",
            )
        try:
            with transaction.atomic():
                version = _write_version(resource, text, latest + 1, by)
        except IntegrityError:
            raise DomainError(
                _("Someone added a version at the same moment; please try again.")
            ) from None
        Resource.objects.filter(pk=resource.pk).update(updated_at=timezone.now())
    return version


def resource_publish(*, resource: Resource, by) -> Resource:
    require_staff(by)
    with transaction.atomic():
        resource = Resource.objects.select_for_update().get(pk=resource.pk)
        if resource.is_published:
            raise DomainError(_("This resource is already published."))
        if not resource.versions.exists():
            raise DomainError(_("Add a version before publishing the resource."))
        resource.status = Resource.Status.PUBLISHED
        resource.published_at = timezone.now()
        resource.save(update_fields=["status", "published_at", "updated_at"])
    return resource


def resource_unpublish(*, resource: Resource, by) -> Resource:
    """Back to draft: members no longer find, open or download it; bookmarks stay."""
    require_staff(by)
    with transaction.atomic():
        resource = Resource.objects.select_for_update().get(pk=resource.pk)
        if not resource.is_published:
            raise DomainError(_("This resource is not published."))
        resource.status = Resource.Status.DRAFT
        resource.save(update_fields=["status", "updated_at"])
    return resource


def topic_save(*, by, name_en: str, name_fr: str, slug: str, topic: Topic | None = None) -> Topic:
    """Add a term to the vocabulary, or rename one (its identifier stays)."""
    require_staff(by)
    if not name_en.strip() or not name_fr.strip():
        raise DomainError(_("Name the topic in English and in French."), field="name_en")
    if topic is None:
        slug = slugify(slug or name_en)[:80]
        if not slug:
            raise DomainError(_("Give the topic an identifier (letters and digits)."), field="slug")
        if Topic.objects.filter(slug=slug).exists():
            raise DomainError(_("A topic with this identifier exists already."), field="slug")
        topic = Topic(slug=slug)
    topic.name_en = name_en.strip()
    topic.name_fr = name_fr.strip()
    topic.save()
    return topic


# --- Bookmarks ------------------------------------------------------------------------------


def bookmark_toggle(*, user, resource: Resource) -> bool:
    """Bookmark the resource, or remove the bookmark; True when it is now bookmarked. The
    caller has checked that the user may read the resource."""
    with transaction.atomic():
        deleted, _rows = Bookmark.objects.filter(user=user, resource=resource).delete()
        if deleted:
            return False
        Bookmark.objects.get_or_create(user=user, resource=resource)
    return True


# --- Reading --------------------------------------------------------------------------------


def versions_for_display(*, with_body: bool = False):
    """What list pages need of each version to show a title in the reader's language (the
    API also shows the text)."""
    deferred = ["search_vector"] if with_body else ["body", "search_vector"]
    return ResourceVersion.objects.defer(*deferred).order_by("-number")


def with_display(resources, *, with_body: bool = False):
    """Prefetch what the list and the API show, in a fixed number of queries."""
    return resources.prefetch_related(
        Prefetch("versions", queryset=versions_for_display(with_body=with_body)),
        Prefetch("topics", queryset=Topic.objects.order_by("name_en")),
    )


def with_row_display(resources, *, language: str):
    """What a page of the list shows of each resource, read by its main query instead of
    prefetched (`learning.views.rows.set_resource_rows`): `shown_version`, the fields of its
    `current_version(language)` as a JSON object (its latest version in `language`, else in
    English, else its latest in any language), and `topic_name_list`, its topics' names in
    the interface language (`Topic.name`), by English name."""
    rank = Case(
        When(language=language, then=Value(0)),
        When(language="en", then=Value(1)),
        default=Value(2),
    )
    shown = (
        ResourceVersion.objects.filter(resource=OuterRef("pk"))
        .order_by(rank, "-number", "pk")
        .values(
            json=JSONObject(
                id="pk",
                language="language",
                number="number",
                title="title",
                summary="summary",
                format="format",
            )
        )[:1]
    )
    name = "name_fr" if language.startswith("fr") else "name_en"
    return resources.annotate(
        shown_version=Subquery(shown, output_field=models.JSONField()),
        topic_name_list=ArraySubquery(
            Topic.objects.filter(resources=OuterRef("pk")).order_by("name_en").values(name)
        ),
    )


def latest_versions():
    """Versions no later version in their language replaces: what search reads."""
    newer = ResourceVersion.objects.filter(
        resource=OuterRef("resource"), language=OuterRef("language"), number__gt=OuterRef("number")
    )
    return ResourceVersion.objects.filter(~Exists(newer))


@dataclass(frozen=True)
class Filters:
    query: str = ""
    kind: str = ""
    topic: str = ""
    stage: str = ""
    country: str = ""
    language: str = ""
    status: str = ""


def _by_language(make):
    """One (condition, expression) per search configuration, the fallback last."""
    branches = [(Q(language=code), make(config)) for code, config in SEARCH_CONFIGS.items()]
    branches.append((~Q(language__in=list(SEARCH_CONFIGS)), make(SEARCH_FALLBACK)))
    return branches


def _query(text: str, config: str) -> SearchQuery:
    return SearchQuery(text, config=config, search_type="websearch")


def matching_versions(query: str):
    """Latest versions matching `query` read in their own language, with their `rank`."""
    match = Q()
    for condition, search in _by_language(lambda config: _query(query, config)):
        match |= condition & Q(search_vector=search)
    rank = Case(
        *[
            When(condition, then=expression)
            for condition, expression in _by_language(
                lambda config: SearchRank(F("search_vector"), _query(query, config))
            )
        ],
        output_field=models.FloatField(),
    )
    return latest_versions().filter(match).annotate(rank=rank)


def library_search(*, reader, filters: Filters, resources=None):
    """The resources the reader may read that match the query and every facet given: by rank
    (a match in a title weighs more than one in a summary, more than one in the text) when
    there is a query, else newest first. Facet values that are not in their list are ignored
    (the form says so). `resources`: `Resource.objects.visible_to(reader)` when the caller
    has it already (deciding it may take a query)."""
    if resources is None:
        resources = Resource.objects.visible_to(reader)
    if filters.kind in ResourceKind.values:
        resources = resources.filter(kind=filters.kind)
    if filters.topic:
        resources = resources.filter(topics__slug=filters.topic)
    if filters.stage in ProcurementStage.values:
        resources = resources.filter(stages__contains=[filters.stage])
    if len(filters.country) == 2 and filters.country.isalpha():
        resources = resources.filter(countries__regex=rf"(^|,){filters.country.upper()}(,|$)")
    if filters.language in ResourceLanguage.values:
        resources = resources.filter(
            Exists(
                ResourceVersion.objects.filter(resource=OuterRef("pk"), language=filters.language)
            )
        )
    if filters.status in Resource.Status.values and reader.is_staff:
        resources = resources.filter(status=filters.status)
    query = filters.query.strip()
    if not query:
        return resources.order_by(F("published_at").desc(nulls_last=True), "-created_at", "-pk")
    best = matching_versions(query).filter(resource=OuterRef("pk")).order_by("-rank").values("rank")
    return (
        resources.annotate(rank=Subquery(best[:1], output_field=models.FloatField()))
        .filter(rank__isnull=False)
        .order_by("-rank", "-pk")
    )


FACETS = ("kind", "stage", "country", "topic", "language")

# Per facet, the (facet, value, resources holding it) rows of the resources in `r`; a value
# a resource holds twice counts once. `total` is how many resources there are.
_FACET_SQL = """
WITH r (id, kind, stages, countries) AS MATERIALIZED ({resources})
SELECT 'total', '', count(*), NULL, NULL FROM r
UNION ALL SELECT 'kind', r.kind, count(*), NULL, NULL FROM r GROUP BY r.kind
UNION ALL SELECT 'stage', s.v, count(DISTINCT r.id), NULL, NULL
    FROM r CROSS JOIN unnest(r.stages) AS s(v) GROUP BY s.v
UNION ALL SELECT 'country', c.v, count(DISTINCT r.id), NULL, NULL
    FROM r CROSS JOIN unnest(string_to_array(r.countries, ',')) AS c(v) WHERE c.v <> ''
    GROUP BY c.v
UNION ALL SELECT 'topic', t.slug, count(DISTINCT r.id), t.name_en, t.name_fr
    FROM r JOIN {held} h ON h.resource_id = r.id JOIN {topics} t ON t.id = h.topic_id
    GROUP BY t.slug, t.name_en, t.name_fr
UNION ALL SELECT 'language', v.language, count(DISTINCT r.id), NULL, NULL
    FROM r JOIN {versions} v ON v.resource_id = r.id GROUP BY v.language
"""


@dataclass
class FacetCounts:
    """`counts`: per facet, how many resources hold each value; `total`: how many resources;
    `topics`: the topics they hold, by English name (unsaved `Topic`s: slug and names)."""

    counts: dict[str, Counter]
    total: int
    topics: list[Topic]


def facet_counts(resources, limit: int) -> FacetCounts | None:
    """How many of `resources` hold each kind, stage, country, topic and language (of a
    version), how many they are, and their topics' names, counted by the database in one
    query that returns a row per value (not one per resource, with its arrays, to count
    here). None when there are more than `limit` resources: as `core.filters.list_counts`,
    at most `limit` + 1 are read."""
    counts: dict[str, Counter] = {facet: Counter() for facet in FACETS}
    if resources.query.is_empty():  # `none()`: no SQL to read
        return FacetCounts(counts, 0, [])
    quote = connection.ops.quote_name
    rows = resources.order_by().values_list("pk", "kind", "stages", "countries")[: limit + 1]
    inner, params = rows.query.sql_with_params()
    sql = _FACET_SQL.format(
        resources=inner,
        held=quote(Resource.topics.through._meta.db_table),
        topics=quote(Topic._meta.db_table),
        versions=quote(ResourceVersion._meta.db_table),
    )
    total, topics = 0, []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)  # table names from the models; values are parameters
        for facet, value, count, name_en, name_fr in cursor.fetchall():
            if facet == "total":
                total = count
            else:
                counts[facet][value] = count
            if facet == "topic":
                topics.append(Topic(slug=value, name_en=name_en, name_fr=name_fr))
    if total > limit:
        return None
    return FacetCounts(counts, total, sorted(topics, key=lambda topic: topic.name_en))


def highlight(text: str | None) -> SafeString:
    """A ts_headline result as HTML: everything escaped, then only our marks become <mark>;
    a stray or unbalanced mark is dropped or closed, so the tags always pair."""
    html, inside = [], False
    for part in re.split(f"([{MARK_START}{MARK_STOP}])", text or ""):
        if part == MARK_START:
            if not inside:
                html.append("<mark>")
            inside = True
        elif part == MARK_STOP:
            if inside:
                html.append("</mark>")
            inside = False
        else:
            html.append(escape(part))
    if inside:
        html.append("</mark>")
    return mark_safe("".join(html))  # noqa: S308 - every piece of text is escaped just above


def attach_snippets(resources: list[Resource], query: str) -> None:
    """Give each resource of a page of results `hit` (its best matching version) with
    `title_html` and `snippet_html`, highlighted and escaped; one query for the page. Without
    a query, `hit` is None."""
    query = query.strip()
    for resource in resources:
        resource.hit = None  # the template asks; a missing attribute costs it a dir()
    if not query or not resources:
        return

    def headline(expression, *, whole=False):
        options = {"start_sel": MARK_START, "stop_sel": MARK_STOP}
        if whole:
            options["highlight_all"] = True
        else:
            options.update(HEADLINE_OPTIONS)
        return Case(
            *[
                When(condition, then=value)
                for condition, value in _by_language(
                    lambda config: SearchHeadline(
                        expression, _query(query, config), config=config, **options
                    )
                )
            ],
            output_field=models.TextField(),
        )

    hits = (
        matching_versions(query)
        .filter(resource__in=[r.pk for r in resources])
        .annotate(
            title_headline=headline(F("title"), whole=True),
            text_headline=headline(
                Concat(F("summary"), Value("\n"), F("body"), output_field=models.TextField())
            ),
        )
        .only("pk", "resource_id", "language", "number", "title")
        .order_by("resource_id", "-rank")
    )
    best: dict[int, ResourceVersion] = {}
    for hit in hits:
        best.setdefault(hit.resource_id, hit)
    for resource in resources:
        hit = best.get(resource.pk)
        if hit is not None:
            hit.title_html = highlight(hit.title_headline)
            hit.snippet_html = highlight(hit.text_headline)
        resource.hit = hit


def recommended_resources(*, topics=(), stages=(), kinds=(), limit=5) -> list[Resource]:
    """Published resources for a risk, a stage or a need, for the events, self-assessment and
    screening pages: those sharing the most of the given topics (Topic objects, ids or
    slugs), stages and kinds first, then the newest. With nothing given, the newest."""
    topics = list(topics)
    topic_ids = [t.pk if isinstance(t, Topic) else t for t in topics if not isinstance(t, str)]
    topic_slugs = [t for t in topics if isinstance(t, str)]
    stages, kinds = list(stages), list(kinds)
    score = Value(0, output_field=models.IntegerField())
    if topics:
        shared = (
            Resource.topics.through.objects.filter(resource_id=OuterRef("pk"))
            .filter(Q(topic_id__in=topic_ids) | Q(topic__slug__in=topic_slugs))
            .order_by()
            .values("resource_id")
            .annotate(n=Count("pk"))
            .values("n")
        )
        score = score + Coalesce(Subquery(shared, output_field=models.IntegerField()), 0)
    if stages:
        score = score + Case(
            When(stages__overlap=stages, then=1), default=0, output_field=models.IntegerField()
        )
    if kinds:
        score = score + Case(
            When(kind__in=kinds, then=1), default=0, output_field=models.IntegerField()
        )
    resources = Resource.objects.published().annotate(score=score)
    if topics or stages or kinds:
        resources = resources.filter(score__gt=0)
    resources = resources.order_by("-score", F("published_at").desc(nulls_last=True), "-pk")
    return list(with_display(resources)[:limit])


def library_max_bytes() -> int:
    return settings.EW_LIBRARY_MAX_BYTES
