"""Lists whose cost does not grow with the data (core/pagination.py): counts that stop at a
limit, deep pages read from the nearer end, the API's capped count, no session write on a
plain page view; every list page of the platform pages that way."""

from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver
from django.views import generic
from django.views.generic.list import MultipleObjectMixin
from django_scopes import scopes_disabled

from core.pagination import CappedPaginationMixin, CappedPaginator
from core.views import ListView
from suppliers.models import Supplier
from tests.factories import ContractFactory, SupplierFactory

pytestmark = pytest.mark.django_db


def _ids(page):
    return [row.pk for row in page.object_list]


def test_every_page_holds_the_rows_of_djangos_paginator(settings):
    """Pages of the second half are read backwards from the end: the same rows, same order."""
    SupplierFactory.create_batch(23)
    suppliers = Supplier.objects.order_by("name", "pk")
    ours, django = CappedPaginator(suppliers, 5), Paginator(suppliers, 5)
    assert ours.count == 23 and ours.num_pages == 5 and not ours.count_capped
    for number in range(1, 6):
        assert _ids(ours.page(number)) == _ids(django.page(number))
    assert _ids(ours.page(-1)) == _ids(django.page(5))
    assert _ids(ours.page(-2)) == _ids(django.page(4))


def test_count_stops_at_the_limit_and_the_last_page_is_read_from_the_end(settings):
    settings.EW_LIST_COUNT_LIMIT = 10
    SupplierFactory.create_batch(23)
    suppliers = Supplier.objects.order_by("name", "pk")
    everything = list(suppliers.values_list("pk", flat=True))
    paginator = CappedPaginator(suppliers, 5)
    with CaptureQueriesContext(connection) as queries:
        assert paginator.count == 11 and paginator.count_capped
    assert "LIMIT 11" in queries.captured_queries[0]["sql"]
    assert paginator.last_page_number == -1
    last = paginator.page(-1)
    assert _ids(last) == everything[-5:]
    assert last.has_previous() and not last.has_next() and last.from_end == 1
    assert last.previous_page_number() == -2
    assert _ids(paginator.page(-5)) == everything[:3]
    beyond = paginator.page(4)  # page numbers go on past the limit
    assert _ids(beyond) == everything[15:20] and beyond.has_next()
    assert not paginator.page(5).has_next()


def test_contract_list_says_more_than_the_limit_and_links_the_last_page(
    client, settings, northvale, northvale_officer
):
    settings.EW_LIST_COUNT_LIMIT = 10
    contractor = SupplierFactory(name="Northern Resellers Ltd")
    with scopes_disabled():
        contracts = ContractFactory.create_batch(30, affiliate=northvale, contractor=contractor)
    client.force_login(northvale_officer)
    first = client.get("/a/northvale/contracts/").content.decode()
    assert "More than 10 contracts" in first
    assert "Page 1 of more than 1" in first
    assert 'href="?page=-1">Last page' in first
    last = client.get("/a/northvale/contracts/?page=-1").content.decode()
    references = sorted(c.reference for c in contracts)
    assert references[-1] in last and references[5] in last and references[4] not in last
    assert 'href="?page=-2" rel="prev"' in last
    assert 'rel="next"' not in last
    # Django's `page=last` is that page too, not the page the count limit ends on (page 1).
    word = client.get("/a/northvale/contracts/?page=last").content.decode()
    assert references[-1] in word and references[4] not in word
    assert 'href="?page=-2" rel="prev"' in word
    settings.EW_LIST_COUNT_LIMIT = 100  # counted: `page=last` is the numbered last page
    word = client.get("/a/northvale/contracts/?page=last").content.decode()
    assert "Page 2 of 2" in word and references[-1] in word
    assert client.get("/a/northvale/contracts/?page=first").status_code == 404


def test_api_count_is_capped_and_next_reads_beyond_the_limit(
    client, settings, northvale, northvale_officer
):
    settings.EW_LIST_COUNT_LIMIT = 10
    contractor = SupplierFactory()
    with scopes_disabled():
        ContractFactory.create_batch(55, affiliate=northvale, contractor=contractor)
    client.force_login(northvale_officer)
    body = client.get("/api/v1/contracts/").json()
    assert (body["count"], body["count_capped"], len(body["results"])) == (10, True, 50)
    assert body["next"].endswith("page=2")
    second = client.get(body["next"]).json()
    assert len(second["results"]) == 5 and second["next"] is None
    settings.EW_LIST_COUNT_LIMIT = 100
    body = client.get("/api/v1/contracts/").json()
    assert (body["count"], body["count_capped"]) == (55, False)


def test_a_second_affiliate_page_view_writes_no_session(client, northvale, northvale_officer):
    client.force_login(northvale_officer)
    client.get("/a/northvale/contracts/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/a/northvale/contracts/").status_code == 200
    session = [q["sql"] for q in queries.captured_queries if "django_session" in q["sql"]]
    assert len(session) == 1 and session[0].startswith("SELECT")


def _view_classes(patterns=None):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            yield from _view_classes(entry.url_patterns)
        elif isinstance(entry, URLPattern):
            view_class = getattr(entry.callback, "view_class", None)
            if view_class is not None:
                yield view_class


def _platform_packages() -> set[str]:
    """The top-level packages of the platform's own apps (not Django's nor a library's)."""
    base = Path(django_settings.BASE_DIR).resolve()
    return {
        config.name.split(".")[0]
        for config in apps.get_app_configs()
        if Path(config.path).resolve().is_relative_to(base)
        and ".venv" not in Path(config.path).resolve().relative_to(base).parts
    }


def _without_capped_pages(view_classes) -> list[str]:
    """The list views (Django's `MultipleObjectMixin`) that do not page through core's
    `CappedPaginationMixin`, or whose bases shadow its paginator or its `page=last`."""
    missing = []
    for view in view_classes:
        if not issubclass(view, MultipleObjectMixin):
            continue
        capped = (
            issubclass(view, CappedPaginationMixin)
            and issubclass(view.paginator_class, CappedPaginator)
            and view.paginate_queryset is not MultipleObjectMixin.paginate_queryset
        )
        if not capped:
            missing.append(f"{view.__module__}.{view.__qualname__}")
    return sorted(set(missing))


def test_every_list_page_of_the_platform_pages_through_the_capped_paginator():
    """A new list cannot forget it: base it on `core.views.ListView` (or put
    `core.pagination.CappedPaginationMixin` first among the bases of another list view)."""
    packages = _platform_packages()
    assert {"core", "suppliers", "monitoring", "reports"} <= packages
    platform = [view for view in _view_classes() if view.__module__.split(".")[0] in packages]
    lists = [view for view in platform if issubclass(view, MultipleObjectMixin)]
    assert len(lists) >= 40
    assert _without_capped_pages(platform) == [], "base these on core.views.ListView"


def test_the_check_names_a_list_that_forgets_the_capped_paginator():
    class Forgetful(generic.ListView):
        pass

    class Shadowed(MultipleObjectMixin, CappedPaginationMixin, generic.View):
        pass

    class Mixed(CappedPaginationMixin, generic.TemplateView, MultipleObjectMixin):
        pass

    names = _without_capped_pages([Forgetful, Shadowed, Mixed, ListView, generic.TemplateView])
    assert [name.rsplit(".", 1)[1] for name in names] == ["Forgetful", "Shadowed"]
