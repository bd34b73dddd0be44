"""Pages of lists whose cost does not grow with the data.

Every list page (`core.views.ListView`, or `CappedPaginationMixin` for a view that is not a
`ListView` but uses Django's `MultipleObjectMixin`: tests/core/test_pagination.py fails when a
list of the platform forgets it) and every API list (`CappedPageNumberPagination`) pages
through `CappedPaginator`:

- the count stops at a limit (`EW_LIST_COUNT_LIMIT`, 10,000): `SELECT count(*) FROM (SELECT id
  … LIMIT 10001)`, and the page says "more than 10,000";
- deep pages read from the nearer end: a page in the second half of a list is the first rows
  of the list in reverse order (an index serves both directions), so the last page costs what
  the first does, not an OFFSET over the whole list;
- a list longer than the limit has no known last page number: its pages are numbered from the
  start (1, 2, …) and from the end (-1 is the last page, -2 the one before), and whether there
  is a next or previous page comes from reading one row more than the page shows;
- `?page=last` (Django's word) opens the last page: -1 when the count stopped at the limit,
  not the page the limit ends on (`CappedPaginationMixin.paginate_queryset`).
"""

from math import ceil

from django.conf import settings
from django.core.paginator import EmptyPage, InvalidPage, Page, PageNotAnInteger, Paginator
from django.db.models import QuerySet
from django.http import Http404
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from core import readmodel


def count_limit() -> int:
    return settings.EW_LIST_COUNT_LIMIT


class CappedPage(Page):
    """A page that may know its neighbours without knowing the total; its number is negative
    when counted from the end (-1: the last page)."""

    def __init__(self, object_list, number, paginator, *, more_before=None, more_after=None):
        super().__init__(object_list, number, paginator)
        self._more_before = more_before
        self._more_after = more_after

    def has_next(self):
        return super().has_next() if self._more_after is None else self._more_after

    def has_previous(self):
        return super().has_previous() if self._more_before is None else self._more_before

    @property
    def is_last(self) -> bool:
        return not self.has_next()

    @property
    def from_end(self) -> int | None:
        """1 on the last page of a list longer than the limit, 2 on the one before…"""
        return -self.number if self.number < 0 else None


class CappedPaginator(Paginator):
    """Django's paginator with a count that stops at `count_limit()` and cheap deep pages."""

    def __init__(self, object_list, per_page, orphans=0, allow_empty_first_page=True, **kwargs):
        super().__init__(object_list, per_page, orphans, allow_empty_first_page, **kwargs)
        self.count_limit = count_limit()

    @cached_property
    def count(self) -> int:
        """The number of rows, but at most `count_limit + 1` (`count_capped` then says so)."""
        return self.counted()

    def counted(self) -> int:
        """The capped count, from the database (`count` keeps it; a view may set `count` to
        this value cached as a read model, `cache_count`)."""
        rows = self.object_list
        if not isinstance(rows, QuerySet):
            return len(rows)
        if rows.query.combinator:
            return len(rows[: self.count_limit + 1])
        if rows._fields is None:  # model rows: count their keys, not their annotations
            rows = rows.values("pk")
        return rows.order_by()[: self.count_limit + 1].count()

    @property
    def count_capped(self) -> bool:
        return self.count > self.count_limit

    @property
    def last_page_number(self) -> int:
        """The number the "Last page" link opens."""
        return -1 if self.count_capped else self.num_pages

    def validate_number(self, number):
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from error
        if number == 0:
            raise EmptyPage(self.error_messages["min_page"])
        if self.count_capped:
            return number  # a page beyond the count exists if it has rows: page() tells
        if number < 0:
            number = self.num_pages + 1 + number
            if number < 1:
                raise EmptyPage(self.error_messages["no_results"])
        return super().validate_number(number)

    def page(self, number):
        number = self.validate_number(number)
        rows = self.object_list
        if self.count_capped:
            return self._capped_page(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        if number > 1 and bottom * 2 >= self.count and _reversible(rows):
            # The second half of the list: read it backwards from its end.
            return self._get_page(
                _backwards(rows, self.count - top, self.count - bottom), number, self
            )
        return self._get_page(rows[bottom:top], number, self)

    def _capped_page(self, number) -> CappedPage:
        rows, per_page = self.object_list, self.per_page
        if number < 0 and not _reversible(rows):
            raise EmptyPage(self.error_messages["no_results"])
        start = (abs(number) - 1) * per_page
        if number > 0:
            window = rows[start : start + per_page + 1]
            found = list(window)
            page = _evaluated(rows[start : start + per_page], found[:per_page])
            more_before, more_after = number > 1, len(found) > per_page
        else:
            window = rows.reverse()[start : start + per_page + 1]
            found = list(window)
            shown = found[:per_page][::-1]
            page = _evaluated(rows.reverse()[start : start + per_page], shown)
            more_before, more_after = len(found) > per_page, number < -1
        if not found and number != 1:
            raise EmptyPage(self.error_messages["no_results"])
        return CappedPage(page, number, self, more_before=more_before, more_after=more_after)

    def _get_page(self, *args, **kwargs):
        return CappedPage(*args, **kwargs)

    def cache_count(self, name: str, parts: tuple) -> None:
        """Take the count from the read-model cache (core/readmodel.py), exact until the data
        change: `parts` must name everything the rows depend on besides the data (the tenant,
        the filters)."""
        self.count = readmodel.cached(name, (*parts, self.count_limit), self.counted)

    @cached_property
    def num_pages(self) -> int:
        """Without `count_capped`, the number of pages; with it, the pages the limit holds."""
        if self.count == 0 and not self.allow_empty_first_page:
            return 0
        hits = max(1, min(self.count, self.count_limit) - self.orphans)
        return ceil(hits / self.per_page)


class CappedPaginationMixin:
    """Put before Django's `MultipleObjectMixin` (or `ListView`): its pages are
    `CappedPaginator`'s, and `page=last` is the last page the paginator knows
    (`last_page_number`): -1, read from the end, for a list longer than the count limit;
    Django's own would open the page the limit ends on, read with an OFFSET of 10,000 rows and
    not the last one."""

    paginator_class = CappedPaginator
    # The number of rows of the list when the view knows it already, exactly (its filters'
    # query read them all: `core.filters.rows_and_counts`): no count query then.
    known_count: int | None = None

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(
            queryset,
            page_size,
            orphans=self.get_paginate_orphans(),
            allow_empty_first_page=self.get_allow_empty(),
        )
        if self.known_count is not None:
            paginator.count = min(self.known_count, paginator.count_limit + 1)
        page = self.kwargs.get(self.page_kwarg) or self.request.GET.get(self.page_kwarg) or 1
        if page == "last":
            page = getattr(paginator, "last_page_number", None) or paginator.num_pages
        try:
            page_number = int(page)
        except (TypeError, ValueError):
            raise Http404(_("Page is not “last”, nor can it be converted to an int.")) from None
        try:
            page = paginator.page(page_number)
        except InvalidPage as error:
            raise Http404(
                _("Invalid page (%(page_number)s): %(message)s")
                % {"page_number": page_number, "message": str(error)}
            ) from error
        return (paginator, page, page.object_list, page.has_other_pages())


def _reversible(rows) -> bool:
    """Whether reading `rows` backwards gives the same rows in the opposite order."""
    if not isinstance(rows, QuerySet) or not rows.ordered:
        return False
    query = rows.query
    return not (query.combinator or query.distinct_fields or "?" in query.order_by)


def _backwards(rows: QuerySet, start: int, stop: int) -> QuerySet:
    """Rows `start` to `stop` counted from the end, in the list's own order."""
    window = rows.reverse()[start:stop]
    return _evaluated(window, list(window)[::-1])


def _evaluated(window: QuerySet, rows: list) -> QuerySet:
    """`window` holding `rows` already (prefetches done): templates and views use it like the
    slice of a queryset that Django's paginator gives, without a second query."""
    window._result_cache = rows
    window._prefetch_done = True
    return window


class CappedPageNumberPagination(PageNumberPagination):
    """The API's pages (`?page=`): `count` stops at the limit, `count_capped` says so; `next`
    and `previous` keep working beyond it; `page=last` (or -1, -2… counted from the end)."""

    django_paginator_class = CappedPaginator

    def paginate_queryset(self, queryset, request, view=None):
        # A view may keep its capped count in the read-model cache: `paginated_count_cache()`
        # gives the entry's name and parts (everything the rows depend on besides the data:
        # the reader, the query's filters), or None (`CappedPaginator.cache_count`).
        cache = getattr(view, "paginated_count_cache", None)
        self.count_cache = cache() if cache is not None else None
        return super().paginate_queryset(queryset, request, view)

    def get_page_number(self, request, paginator):
        # DRF's first look at the new paginator, before it counts: where the count is taken
        # from the cache.
        if getattr(self, "count_cache", None) is not None:
            paginator.cache_count(*self.count_cache)
        number = request.query_params.get(self.page_query_param) or 1
        if number in self.last_page_strings:
            return paginator.last_page_number
        return number

    def get_paginated_response(self, data):
        paginator = self.page.paginator
        return Response(
            {
                "count": min(paginator.count, paginator.count_limit),
                "count_capped": paginator.count_capped,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        limit = count_limit()
        response["properties"]["count"].update(
            {
                "description": (
                    f"How many results the filters select, counted up to {limit:,}: with "
                    f"`count_capped`, there are more than that. Follow `next` to read them all."
                ),
                "maximum": limit,
            }
        )
        response["properties"]["count_capped"] = {
            "type": "boolean",
            "description": f"True when there are more than {limit:,} results.",
            "example": False,
        }
        response["required"] = ["count", "count_capped", "results"]
        return response

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["description"] = (
                    "A page number: 1, 2… from the start; -1 is the last page, -2 the one "
                    "before it (cheap deep pages)."
                )
        return parameters
