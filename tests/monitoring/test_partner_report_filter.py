"""The partner's list of its organisation's reports filters by status, as staff's queue
does: the statuses the reports hold, counted by the dashboard's own query (no query more);
a bad value is explained and the list shown unfiltered."""

import re

import pytest

from tests.factories import MonitoringReportFactory

pytestmark = pytest.mark.django_db

URL = "/partner/"


@pytest.fixture
def reports(partner_member):
    partner = partner_member.partner_membership.partner
    published = MonitoringReportFactory(partner=partner, status="published")
    drafts = MonitoringReportFactory.create_batch(2, partner=partner, status="draft")
    MonitoringReportFactory(status="rejected")  # another partner's
    return published, drafts


def _options(page: str) -> list[str]:
    select = re.search(r'<select name="status"[^>]*>(.*?)</select>', page, re.S)
    assert select, "no status filter"
    return [label.strip() for label in re.findall(r"<option[^>]*>([^<]*)</option>", select[1])]


def _listed(response) -> list[int]:
    return sorted(report.pk for report in response.context["reports"])


def test_the_partner_filters_its_reports_by_status(client, partner_member, reports):
    published, drafts = reports
    client.force_login(partner_member)
    page = client.get(URL).content.decode()
    assert '<label for="id_status">Status</label>' in page
    assert 'role="search" aria-label="Filter reports"' in page
    assert _options(page) == ["Any", "Draft (2)", "Published (1)"]
    assert _listed(client.get(URL, {"status": "published"})) == [published.pk]
    assert _listed(client.get(URL, {"status": "draft"})) == sorted(r.pk for r in drafts)
    assert _listed(client.get(URL)) == sorted([published.pk, *(r.pk for r in drafts)])
    # The chart above the list keeps counting every report.
    assert client.get(URL, {"status": "draft"}).context["reports_by_state"][-1][1] == 1


@pytest.mark.parametrize("value", ["nonsense", "rejected"])  # rejected: another partner's
def test_a_bad_status_is_explained_and_the_list_unfiltered(client, partner_member, reports, value):
    client.force_login(partner_member)
    response = client.get(URL, {"status": value})
    page = response.content.decode()
    assert response.status_code == 200
    assert f"Select a valid choice. {value} is not one of the available choices." in page
    assert len(response.context["reports"]) == 3


def test_the_filter_speaks_french(client, partner_member, reports):
    partner_member.language = "fr"
    partner_member.save(update_fields=["language"])
    client.force_login(partner_member)
    page = client.get(URL, {"status": "nonsense"}).content.decode()
    assert '<label for="id_status">Statut</label>' in page
    assert 'aria-label="Filtrer les rapports"' in page
    assert "Sélectionnez un choix valide" in page


def test_the_export_follows_the_filter(client, partner_member, reports):
    published, _drafts = reports
    client.force_login(partner_member)
    response = client.get(URL, {"status": "published", "format": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert text.count(published.reference) == 1
    assert len(text.strip().splitlines()) == 2  # the header and one report


@pytest.mark.parametrize("rows", [2, 12])
def test_the_filter_costs_no_query(
    client, partner_member, django_assert_num_queries, rows, settings
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    partner = partner_member.partner_membership.partner
    MonitoringReportFactory.create_batch(rows, partner=partner, status="published")
    MonitoringReportFactory.create_batch(rows, partner=partner, status="submitted")
    client.force_login(partner_member)
    client.get(URL)
    with CaptureQueriesContext(connection) as plain:
        client.get(URL)
    with django_assert_num_queries(len(plain)):
        assert client.get(URL, {"status": "published"}).status_code == 200
    assert len(plain) <= 25  # the budget of tests/monitoring/test_pages.py
