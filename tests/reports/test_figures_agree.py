"""The compliance report's page and its PDF say the same figures, on the demo data: the key
figures of the reports page, the overdue actions the PDF counts and lists, and how many other
affiliates buy from each factory (the factory page and the PDF's factory table)."""

import io
import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from pypdf import PdfReader

from affiliates.models import Affiliate, User
from affiliates.reader import Reader
from reports.compliance import compliance_report_request, last_calendar_year, report_context
from reports.models import ComplianceReport
from reports.tasks import render_compliance_report

pytestmark = pytest.mark.django_db


def _pdf_text(report: ComplianceReport) -> str:
    with report.file.open("rb") as file:
        reader = PdfReader(io.BytesIO(file.read()))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def _rendered(affiliate, **fields) -> ComplianceReport:
    with scope(affiliate=affiliate):
        report = compliance_report_request(affiliate=affiliate, by=None, **fields)
    render_compliance_report.apply(args=[report.pk])
    with scopes_disabled():
        report = ComplianceReport.objects.select_related("affiliate").get(pk=report.pk)
    assert report.status == ComplianceReport.Status.READY, report.failure_reason
    return report


def _page_key_figures(html: str) -> list[tuple[str, str]]:
    """The rows of the page's key-figures table as the officer sees them."""
    table = html.split('id="charts-heading"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r'<th scope="row">(.*?)</th><td>(.*?)</td>', table)
    return [(label.replace("&#x27;", "'"), value) for label, value in rows]


def test_the_demo_reports_page_and_its_pdf_give_the_same_figures(demo_data, client):
    northvale = Affiliate.objects.get(slug="northvale")
    client.force_login(User.objects.get(email="officer@northvale.example"))

    page = client.get(reverse("reports:report_list", kwargs={"affiliate_slug": "northvale"}))
    figures = _page_key_figures(page.content.decode())
    text = _pdf_text(_rendered(northvale))  # the last calendar year, like the page

    assert len(figures) == 10
    assert any(value != "0" for _label, value in figures)
    for label, value in figures:
        assert f"{label} {value} " in text


def test_the_demo_pdf_counts_the_overdue_actions_it_lists(demo_data, client):
    northvale = Affiliate.objects.get(slug="northvale")
    today = timezone.localdate()
    this_year = {"period_start": date(today.year, 1, 1), "period_end": date(today.year, 12, 31)}
    with scope(affiliate=northvale):
        context = report_context(
            Reader.for_affiliate(northvale), this_year["period_start"], this_year["period_end"]
        )
    label, overdue, _change = context["key_figures"][8]

    text = _pdf_text(_rendered(northvale, **this_year))

    assert overdue == len(context["overdue_actions"]) > 0
    assert f"{label} {overdue} " in text
    for action in context["overdue_actions"]:
        assert action.description in text


def test_the_demo_factory_page_and_the_pdf_count_the_same_other_affiliates(demo_data, client):
    northvale = Affiliate.objects.get(slug="northvale")
    client.force_login(User.objects.get(email="officer@northvale.example"))
    with scope(affiliate=northvale):
        context = report_context(Reader.for_affiliate(northvale), *last_calendar_year())
    shared = [factory for factory in context["factories"] if factory.affiliate_count == 2]
    text = _pdf_text(_rendered(northvale))

    assert shared
    for factory in shared:
        page = client.get(
            reverse(
                "reports:factory_detail",
                kwargs={"affiliate_slug": "northvale", "pk": factory.pk},
            )
        )
        assert "1 other affiliate buys from this site." in page.content.decode()
        models = ", ".join(factory.bought_models)
        assert f"{models} 1 " in text or text.endswith(f"{models} 1")
    assert "Affiliates sharing it" not in text


def test_the_reports_page_computes_its_figures_without_building_the_report(
    demo_data, client, monkeypatch
):
    from reports import compliance

    client.force_login(User.objects.get(email="officer@northvale.example"))

    def whole_report(*args, **kwargs):
        raise AssertionError("the list page built the whole report")

    monkeypatch.setattr(compliance, "report_context", whole_report)
    page = client.get(reverse("reports:report_list", kwargs={"affiliate_slug": "northvale"}))

    assert page.status_code == 200
    assert len(_page_key_figures(page.content.decode())) == 10


def test_a_long_list_shows_its_first_rows_and_the_annex_holds_them_all(
    demo_data, client, monkeypatch
):
    from openpyxl import load_workbook

    from reports import compliance

    northvale = Affiliate.objects.get(slug="northvale")
    monkeypatch.setattr(compliance, "ROWS_IN_REPORT", 1)
    monkeypatch.setattr(compliance, "FINDINGS_IN_REPORT", 1)
    today = timezone.localdate()
    period = {"period_start": date(today.year - 1, 1, 1), "period_end": date(today.year, 12, 31)}
    with scope(affiliate=northvale):
        totals = compliance.figures(
            Reader.for_affiliate(northvale), period["period_start"], period["period_end"]
        )
    assert totals.factories > 1 and totals.findings > 1

    report = _rendered(northvale, **period)
    text = _pdf_text(report)

    for total in (totals.factories, totals.findings):
        assert f"The first 1 of {total}: the annex of this report lists them all." in text
    with report.annex.open("rb") as file:
        workbook = load_workbook(io.BytesIO(file.read()), read_only=True)
    sheets = {sheet.title: list(sheet.values) for sheet in workbook.worksheets}
    assert len(sheets["Factories"]) == totals.factories + 1  # and the header
    assert len(sheets["Findings"]) == totals.findings + 1
    assert len(sheets["Contracts"]) == totals.contracts + 1
    assert len(sheets["Overdue actions"]) == totals.overdue_actions + 1

    client.force_login(User.objects.get(email="officer@northvale.example"))
    url = reverse("reports:report_annex", kwargs={"affiliate_slug": "northvale", "pk": report.pk})
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
