"""Every list exports (core.exports): the declaration on every list view, the background
path with its progress page, private download and expiry."""

import csv
import io
import re
from datetime import timedelta

import openpyxl
import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django.views.generic.list import MultipleObjectMixin
from django_scopes import scope, scopes_disabled

from affiliates.models import Membership
from core import exports
from core.exports import ExportMixin
from core.models import ExportJob
from core.tasks import clean_exports, run_export
from tests.factories import CompanyContactFactory, ContractFactory, ExportJobFactory, member

pytestmark = pytest.mark.django_db

# Pages that list things but are not lists of rows to take away, each with its reason.
NOT_EXPORTED = {
    "learning.views.assessment.AssessmentOverviewView": "one affiliate's own assessments, "
    "each with its PDF report",
    "suppliers.views.match_reviews.MatchReviewQueueView": "one pair under review at a time; "
    "the waiting list is MatchReviewListView",
    "suppliers.views.reference.ReferenceListView": "its own CSV, the reference table's import "
    "format (suppliers.reference_tables), so that an export can be edited and imported again",
    "engagement.views.performance.StaffComparisonView": "its own ?format=csv|xlsx with one "
    "column per indicator (engagement.services.performance_display)",
    "engagement.views.performance.StaffMethodListView": "the method's versions as texts, "
    "beside the form that publishes the next one",
    "affiliates.views_sso.StaffSingleSignOnListView": "a few affiliates' sign-in providers, "
    "configured one at a time: settings, not rows to take away",
}
# List-like pages that are not ListViews.
LIST_LIKE_TEMPLATE_VIEWS = {
    "grievances.views.PartnerListView",
    "grievances.views.StaffQueueView",
    "suppliers.views.match_reviews.MatchReviewQueueView",
    "engagement.views.performance.StaffMethodListView",
}


def _views(patterns=None):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            yield from _views(entry.url_patterns)
        elif isinstance(entry, URLPattern):
            view_class = getattr(entry.callback, "view_class", None)
            if view_class is not None:
                yield view_class


def _name(view_class) -> str:
    return f"{view_class.__module__}.{view_class.__qualname__}"


def test_every_list_view_declares_its_export():
    lists = {
        _name(view): view
        for view in _views()
        if issubclass(view, MultipleObjectMixin) or _name(view) in LIST_LIKE_TEMPLATE_VIEWS
    }
    assert len(lists) >= 40
    missing = []
    for name, view in sorted(lists.items()):
        if name in NOT_EXPORTED:
            continue
        if not issubclass(view, ExportMixin):
            missing.append(name)
            continue
        declares = view.export_columns or view.get_export_columns is not (
            ExportMixin.get_export_columns
        )
        if not declares:
            missing.append(name)
    assert missing == [], "add ExportMixin and export_columns to these list views"


def _contracts(affiliate, count):
    with scopes_disabled():
        for number in range(count):
            ContractFactory(affiliate=affiliate, reference=f"NV-{number:03}", title="Laptops")
        ContractFactory(affiliate=affiliate, reference="NV-VAN", title="=Vans")


def _job(affiliate=None) -> ExportJob:
    with scopes_disabled():
        return ExportJob.objects.filter(affiliate=affiliate).get()


def test_a_long_list_is_exported_in_the_background_with_progress_and_a_private_download(
    client, settings, northvale, southport, northvale_officer, django_capture_on_commit_callbacks
):
    settings.EW_EXPORT_BACKGROUND_ROWS = 3
    _contracts(northvale, 5)
    client.force_login(northvale_officer)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.get("/a/northvale/contracts/?q=lap&format=xlsx&page=2")
    assert len(queued) == 1
    job = _job(northvale)
    page_url = f"/a/northvale/exports/{job.pk}/"
    assert response.status_code == 302 and response["Location"] == page_url
    assert (job.requested_by, job.query, job.format, job.status, job.rows_total) == (
        northvale_officer,
        "q=lap",
        "xlsx",
        ExportJob.Status.QUEUED,
        5,
    )
    assert job.expires_at > timezone.now() + timedelta(hours=47)

    page = client.get(page_url).content.decode()
    assert re.search(r'<progress id="export-bar" max="5" value="0"', page)
    assert f'hx-get="{page_url}"' in page
    assert '<noscript><meta http-equiv="refresh"' in page  # without JavaScript: reloads
    partial = client.get(page_url, headers={"HX-Request": "true"}).content.decode()
    assert partial.startswith('\n<section id="export-progress"') or "<progress" in partial
    assert "<html" not in partial

    run_export.apply(args=[str(job.pk)])  # the real task, in this process
    job = _job(northvale)
    assert job.status == ExportJob.Status.DONE and job.rows_done == 5
    assert job.file.name.startswith("exports/")
    page = client.get(page_url).content.decode()
    assert "hx-trigger" not in page and '<meta http-equiv="refresh"' not in page
    download = client.get(f"{page_url}download/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith('attachment; filename="contracts-northvale-')
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][0] == "Reference"
    assert sorted(row[0] for row in rows[1:]) == [f"NV-{n:03}" for n in range(5)]  # q=lap

    # A redelivered task writes nothing twice.
    run_export.apply(args=[str(job.pk)])
    assert _job(northvale).file.name == job.file.name

    # Only its requester downloads it: a colleague, another tenant, the non-tenant URL: 404.
    colleague = member(northvale, Membership.Role.ADMIN)
    outsider = member(southport, Membership.Role.ADMIN)
    for user, url in (
        (colleague, page_url),
        (colleague, f"{page_url}download/"),
        (outsider, f"{page_url}download/"),
        (outsider, f"/a/southport/exports/{job.pk}/download/"),
        (northvale_officer, f"/exports/{job.pk}/download/"),
    ):
        client.force_login(user)
        assert client.get(url).status_code == 404, (user, url)

    # Expired: the periodic task deletes the row and its file.
    storage, name = job.file.storage, job.file.name
    with scopes_disabled():
        ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now())
    assert clean_exports.apply().get() == 1
    assert not storage.exists(name)
    with scopes_disabled():
        assert not ExportJob.objects.exists()


def test_a_staff_export_has_no_affiliate_and_its_page_is_outside_any(
    client, settings, staff, northvale, django_capture_on_commit_callbacks
):
    settings.EW_EXPORT_BACKGROUND_ROWS = 0
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.get("/staff/affiliates/?format=csv")
    job = _job(None)
    assert response["Location"] == f"/exports/{job.pk}/"
    run_export.apply(args=[str(job.pk)])
    download = client.get(f"/exports/{job.pk}/download/")
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig"))))
    assert "City of Northvale" in {cell for row in rows for cell in row}


def test_a_job_whose_requester_lost_access_fails_without_a_file(
    client, settings, northvale, northvale_officer, django_capture_on_commit_callbacks
):
    settings.EW_EXPORT_BACKGROUND_ROWS = 0
    _contracts(northvale, 1)
    client.force_login(northvale_officer)
    with django_capture_on_commit_callbacks(execute=False):
        client.get("/a/northvale/contracts/?format=csv")
    job = _job(northvale)
    with scopes_disabled():
        Membership.objects.filter(user=northvale_officer).delete()
    run_export.apply(args=[str(job.pk)])
    job = _job(northvale)
    assert job.status == ExportJob.Status.FAILED and not job.file


def test_cells_are_plain_values():
    aware = timezone.make_aware(timezone.datetime(2026, 3, 1, 9, 30, 15, 123))
    assert exports.plain(aware).isoformat() == "2026-03-01T09:30:15"
    assert exports.plain(None) == ""
    assert exports.plain(["a", "b"]) == "a, b"
    assert exports.plain(True) == "yes"


def test_the_job_factory_row_is_its_tenants(northvale):
    job = ExportJobFactory(affiliate=northvale)
    with scope(affiliate=northvale):
        assert ExportJob.objects.filter(pk=job.pk).exists()


STAFF_PAGES_ELSEWHERE = ("/learn/topics/", "/community/moderation/")


def _list_urls(prefix):
    from tests.platform.urlwalk import walk

    for route in walk():
        view = getattr(route.callback, "view_class", None)
        if (
            view is None
            or not issubclass(view, ExportMixin)
            or not route.template.startswith(prefix)
        ):
            continue
        if set(route.args) - {"affiliate_slug"}:
            continue
        if route.template.startswith(STAFF_PAGES_ELSEWHERE) and prefix != route.template:
            continue
        yield route.url(affiliate_slug="northvale")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_list_exports_for_its_audience(
    client, fmt, staff, northvale, northvale_admin, partner_member
):
    """Each list without arguments, exported by someone who may read it: a file with the
    declared header (a wrong column path fails here)."""
    with scopes_disabled():
        ContractFactory(affiliate=northvale, reference="NV-1")
    failures = []
    for user, prefix in (
        (staff, "/staff/"),
        *((staff, page) for page in STAFF_PAGES_ELSEWHERE),
        (northvale_admin, "/a/"),
        (partner_member, "/partner/"),
        (northvale_admin, "/learn/"),
        (northvale_admin, "/community/"),
    ):
        client.force_login(user)
        for url in _list_urls(prefix):
            response = client.get(f"{url}?format={fmt}")
            if response.status_code != 200 or "attachment" not in response.get(
                "Content-Disposition", ""
            ):
                failures.append(f"{url} -> {response.status_code}")
                continue
            body = b"".join(response.streaming_content) if response.streaming else response.content
            if fmt == "xlsx":
                openpyxl.load_workbook(io.BytesIO(body))
            else:
                assert body.decode("utf-8-sig").count("\n") >= 1
    assert failures == []


def test_every_list_page_shows_its_export_buttons_once_with_its_filters(
    client, staff, northvale, northvale_admin, partner_member
):
    """Lists with the filter panel show the buttons under it (includes/list_actions.html),
    the others include them directly: once either way, each link with the page's query
    string (not its page number)."""
    failures = []
    for user, prefix in (
        (staff, "/staff/"),
        *((staff, page) for page in STAFF_PAGES_ELSEWHERE),
        (northvale_admin, "/a/"),
        (partner_member, "/partner/"),
        (northvale_admin, "/learn/"),
        (northvale_admin, "/community/"),
        (CompanyContactFactory(), "/company/"),
    ):
        client.force_login(user)
        for url in _list_urls(prefix):
            response = client.get(f"{url}?probe=1&page=1")
            if response.status_code != 200:
                failures.append(f"{url} -> {response.status_code}")
                continue
            page = response.content.decode()
            sets = page.count('class="export-buttons"')
            if sets != 1:
                failures.append(f"{url}: {sets} sets of buttons")
            for fmt in ("csv", "xlsx"):
                if f'href="{url}?probe=1&amp;format={fmt}"' not in page:
                    failures.append(f"{url}: no {fmt} link with the filters")
    assert failures == []


def test_a_list_whose_filter_form_is_named_filters_refuses_a_bad_filter(client, staff):
    """The staff triage queue keeps its form as `filters`: a bad status exports nothing."""
    client.force_login(staff)
    response = client.get("/staff/reports/?format=csv&status=bogus", follow=True)
    assert response.redirect_chain[0][0] == "/staff/reports/?status=bogus"
    assert "Nothing was exported: correct the filters first." in response.content.decode()
    assert not response.get("Content-Disposition")
