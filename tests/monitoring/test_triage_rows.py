"""Staff's triage queue rows written in Python from values (monitoring/templatetags/
triage_rows.py) show what the template's loop wrote from the reports, in English and French,
with and without an assignee, a severity or a submission date; the page keeps its query
budget."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.template import engines
from django.urls import reverse
from django.utils import timezone, translation

from monitoring.models import SEVERITY_RANK, MonitoringReport, Severity
from monitoring.templatetags.triage_rows import ROW_FIELDS
from tests.factories import (
    FactoryFactory,
    MonitoringPartnerFactory,
    MonitoringReportFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# monitoring/staff/queue.html's loop before its rows were written by `triage_rows`.
OLD_ROWS = (Path(__file__).parent / "triage_rows_before.html").read_text()


def _normalised(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", html)).strip()


def _reports():
    plain = MonitoringReportFactory(
        factory=FactoryFactory(name="Ateliers d'Été & <Co>"),
        partner=MonitoringPartnerFactory(name="Monitor “A” & <B>"),
        submitted_at=timezone.now() - timedelta(days=1, hours=2),
    )
    urgent = MonitoringReportFactory(
        status=MonitoringReport.Status.IN_TRIAGE,
        assigned_to=UserFactory(email="o'brien&co@example.org"),
        submitted_at=timezone.now() - timedelta(days=1234),
    )
    unsent = MonitoringReportFactory(status=MonitoringReport.Status.VALIDATED, submitted_at=None)
    reports = list(
        MonitoringReport.objects.filter(pk__in=[plain.pk, urgent.pk, unsent.pk])
        .select_related("factory", "partner", "assigned_to")
        .order_by("pk")
    )
    # Stored aggregates as the triggers would keep them, varied for the rows.
    values = [(False, 0, 0), (True, 4, 1234), (False, 2, 7)]
    for report, (fast_track, top_severity, finding_count) in zip(reports, values, strict=True):
        MonitoringReport.objects.filter(pk=report.pk).update(
            fast_track=fast_track, top_severity=top_severity, finding_count=finding_count
        )
        report.refresh_from_db()
        assert (report.fast_track, report.top_severity) == (fast_track, top_severity)
    rows = MonitoringReport.objects.filter(pk__in=[r.pk for r in reports]).order_by("pk")
    return reports, rows.values(*ROW_FIELDS)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_triage_rows_are_the_templates(language):
    django = engines["django"]
    new = django.from_string("{% load triage_rows %}{% triage_rows reports severity_labels %}")
    found, values = _reports()
    for reports, rows in ((found, values), ([], values.none())):
        with translation.override(language):
            labels = {rank: Severity(value).label for value, rank in SEVERITY_RANK.items()}
            before = django.from_string(OLD_ROWS).render(
                {"reports": reports, "severity_labels": labels}
            )
            after = new.render({"reports": rows, "severity_labels": labels})
        assert _normalised(after) == _normalised(before)
        assert "&lt;Co&gt;" in after or not reports
        assert after.count("<tr>") == len(reports) or not reports


def test_the_queue_shows_its_rows_within_its_query_budget(
    client, staff, django_assert_max_num_queries
):
    for _ in range(3):
        MonitoringReportFactory(assigned_to=staff)
    client.force_login(staff)
    client.get(reverse("monitoring:staff_reports"))
    with django_assert_max_num_queries(8):
        response = client.get(reverse("monitoring:staff_reports"))
    assert response.status_code == 200
    assert response.content.count(b'href="/staff/reports/') >= 3


def test_the_cached_counts_are_the_uncached_ones(client, settings, staff, monkeypatch):
    """The capped count and the status filter's counts come from the read-model cache (until
    the data change, per filter and, for "mine", per reader): the same page as without it."""
    from django.core.cache import cache

    from core import readmodel

    cache.clear()
    monkeypatch.setattr(readmodel, "generation", lambda: "test-generation")
    Status = MonitoringReport.Status
    for status in (Status.SUBMITTED, Status.SUBMITTED, Status.PUBLISHED):
        MonitoringReportFactory(status=status, assigned_to=staff)
    MonitoringReportFactory(status=Status.IN_TRIAGE)
    client.force_login(staff)

    def page(**params):
        response = client.get(reverse("monitoring:staff_reports"), params)
        status = response.context["filters"].fields["status"]
        rows = [row["pk"] for row in response.context["page_obj"].object_list]
        return response.context["paginator"].count, rows, [str(c[1]) for c in status.choices]

    params = [{}, {"status": "published"}, {"assignee": "me"}, {"assignee": "none"}]
    settings.EW_READMODEL_CACHE = False
    uncached = [page(**each) for each in params]
    assert [count for count, _rows, _choices in uncached] == [3, 1, 2, 1]
    settings.EW_READMODEL_CACHE = True
    for _ in range(2):  # filled, then read
        assert [page(**each) for each in params] == uncached
