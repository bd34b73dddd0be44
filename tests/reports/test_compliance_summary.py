"""The compliance reports' summary at network scale: its figures read the same rows as
`visible_to`, it is cached exactly (core/readmodel.py) per tenant, the list page keeps a
fixed query budget, and an annex that does not exist is a plain 404."""

from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from affiliates.reader import Reader
from core import readmodel
from reports import compliance
from reports.models import ComplianceReport
from tests.factories import (
    ComplianceReportFactory,
    ContractFactory,
    DisclosureFactory,
    DisclosureLineFactory,
    FindingFactory,
    RemediationCaseFactory,
    joined_case,
    published_finding,
)


def _chain(affiliate, year: int):
    """A contract of `affiliate` over `year` with a site that has published findings (one
    with ILO indicators, one without, one published after the year), an unpublished one, a
    joined and a plain case; and a case elsewhere the affiliate was only invited to."""
    from monitoring.models import Finding
    from remediation.models import Participation

    with scopes_disabled():
        contract = ContractFactory(
            affiliate=affiliate, start_date=date(year, 1, 1), end_date=date(year, 12, 31)
        )
    first = published_finding(ilo_indicators=["debt", "documents"], severity="high")
    report, site = first.report, first.report.factory
    second = FindingFactory(
        report=report, published_at=timezone.now(), severity="low", ilo_indicators=[]
    )
    later = FindingFactory(report=report, published_at=timezone.now(), ilo_indicators=["debt"])
    FindingFactory(report=report)  # never published
    in_year = timezone.make_aware(timezone.datetime(year, 6, 1, 12))
    Finding.objects.filter(pk__in=[first.pk, second.pk]).update(published_at=in_year)
    Finding.objects.filter(pk=later.pk).update(published_at=in_year + timedelta(days=365))
    with scopes_disabled():
        disclosure = DisclosureFactory(contract=contract, status="accepted")
        DisclosureLineFactory(disclosure=disclosure, factory=site)
    joined_case(affiliate, RemediationCaseFactory(factory=site, opened_on=date(year, 3, 1)))
    RemediationCaseFactory(factory=site, opened_on=date(year, 4, 1))
    invited = RemediationCaseFactory(opened_on=date(year, 5, 1))
    Participation.objects.create(case=invited, affiliate=affiliate)
    return contract


@pytest.mark.django_db
def test_the_figures_count_what_visible_to_lets_the_affiliate_read(northvale, southport):
    from monitoring.models import Finding
    from remediation.models import RemediationCase

    year = timezone.localdate().year - 1
    _chain(northvale, year)
    _chain(southport, year)
    start, end = date(year, 1, 1), date(year, 12, 31)
    reader = Reader.for_affiliate(northvale)
    with scope(affiliate=northvale):
        contracts = compliance._contracts(northvale, start, end)
        sites = compliance._factory_ids(northvale, contracts)
        assert set(compliance._findings(reader, sites, end)) == set(
            Finding.objects.visible_to(reader).filter(
                report__factory_id__in=sites, published_at__date__lte=end
            )
        )
        assert set(compliance._cases(reader, sites, end)) == set(
            RemediationCase.objects.visible_to(reader).filter(
                factory_id__in=sites, opened_on__lte=end
            )
        )
        result = compliance.summary(reader, start, end)
    totals = result["figures"]
    assert (totals.findings, totals.cases, totals.cases_joined, totals.factories) == (2, 2, 1, 1)
    assert sum(sum(counts) for _label, counts in result["category_rows"]) == 2
    assert sorted(count for _label, count in result["indicator_rows"]) == [1, 1]


@pytest.mark.django_db(transaction=True)
def test_the_cached_page_equals_the_uncached_one_and_tenants_never_share(
    client, northvale, southport, northvale_officer, southport_officer, settings
):
    cache.clear()
    year = timezone.localdate().year - 1
    _chain(northvale, year)
    _chain(northvale, year)
    _chain(southport, year)

    def page(user, slug):
        client.force_login(user)
        response = client.get(reverse("reports:report_list", kwargs={"affiliate_slug": slug}))
        assert response.status_code == 200
        keys = ("key_figures", "category_rows", "indicator_rows", "findings_chart")
        return {key: response.context[key] for key in keys}

    settings.EW_READMODEL_CACHE = False
    uncached = page(northvale_officer, "northvale")
    uncached_south = page(southport_officer, "southport")
    settings.EW_READMODEL_CACHE = True
    with transaction.atomic():
        token = readmodel.generation()
    assert page(northvale_officer, "northvale") == uncached  # filled
    assert page(northvale_officer, "northvale") == uncached  # read back
    assert page(southport_officer, "southport") == uncached_south != uncached
    with transaction.atomic():
        assert readmodel.generation() == token  # viewing the page writes no input table


def _report_list_queries(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("reports:report_list", kwargs={"affiliate_slug": "northvale"})
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_the_report_list_keeps_a_fixed_query_budget(
    client, northvale, northvale_officer, django_assert_max_num_queries
):
    year = timezone.localdate().year - 1
    _chain(northvale, year)
    ComplianceReportFactory.create_batch(2, affiliate=northvale)
    client.force_login(northvale_officer)
    _report_list_queries(client)  # the first request after the login saves the session
    with django_assert_max_num_queries(26):
        few = _report_list_queries(client)
    for _ in range(3):
        _chain(northvale, year)
    for year_ in range(2000, 2030):  # 30 rows (2025 is the one above): a second page
        ComplianceReportFactory(
            affiliate=northvale, period_start=date(year_, 1, 1), period_end=date(year_, 12, 31)
        )
    with django_assert_max_num_queries(26):
        many = _report_list_queries(client)
    assert many == few
    second = client.get(
        reverse("reports:report_list", kwargs={"affiliate_slug": "northvale"}), {"page": 2}
    )
    assert second.status_code == 200 and len(second.context["reports"]) == 5


@pytest.mark.django_db
def test_the_annex_of_a_report_without_one_is_a_404_and_changes_nothing(
    client, northvale, northvale_officer
):
    ready = ComplianceReportFactory(affiliate=northvale, status=ComplianceReport.Status.READY)
    queued = ComplianceReportFactory(affiliate=northvale)
    assert not ready.annex and not queued.annex
    client.force_login(northvale_officer)
    with scopes_disabled():
        before = list(ComplianceReport.objects.values().order_by("pk"))
    for report in (ready, queued):
        url = reverse(
            "reports:report_annex", kwargs={"affiliate_slug": "northvale", "pk": report.pk}
        )
        response = client.get(url)
        assert response.status_code == 404
        assert "spreadsheetml" not in response.get("Content-Type", "")
    with scopes_disabled():
        assert list(ComplianceReport.objects.values().order_by("pk")) == before


@pytest.mark.django_db
def test_the_contract_is_typed_with_suggestions_of_the_affiliates_own_contracts(
    client, northvale, southport, northvale_officer, django_assert_max_num_queries
):
    with scopes_disabled():
        ours = ContractFactory(affiliate=northvale, reference="NV-ICT-2025-01")
        ContractFactory(affiliate=southport, reference="NV-ICT-2025-02")  # not ours
    client.force_login(northvale_officer)
    page = client.get(reverse("reports:report_list", kwargs={"affiliate_slug": "northvale"}))
    form = page.content.decode().split('name="contract"')[1].split("</datalist>")[0]
    assert "<option" not in form and "NV-ICT" not in form
    url = reverse("suppliers:contract_suggestions", kwargs={"affiliate_slug": "northvale"})
    assert url in page.content.decode()
    with django_assert_max_num_queries(7):
        found = client.get(url, {"q": "nv-ict"}).json()
    assert found == {"results": [{"id": ours.pk, "name": "NV-ICT-2025-01"}]}
    assert client.get(url, {"q": "n"}).json() == {"results": []}
    # The form takes the reference typed, or the id the suggestion put there.
    from reports.forms import ComplianceReportForm
    from suppliers.models import Contract

    with scope(affiliate=northvale):
        for typed in ("NV-ICT-2025-01", str(ours.pk)):
            form = ComplianceReportForm(
                {"contract": typed, "language": "en"}, contracts=Contract.objects.all()
            )
            assert form.is_valid(), form.errors
            assert form.cleaned_data["contract"] == ours
        refused = ComplianceReportForm(
            {"contract": "NV-ICT-2025-02", "language": "en"}, contracts=Contract.objects.all()
        )
        assert not refused.is_valid()
        assert "No contract is named “NV-ICT-2025-02”." in refused.errors["contract"]
