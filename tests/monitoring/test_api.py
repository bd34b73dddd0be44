"""`/api/v1/monitoring-reports/` and `/api/v1/findings/`: who reads what (DESIGN.md §4)."""

from decimal import Decimal

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from affiliates.models import Membership
from monitoring.models import (
    CodeStandard,
    CodeSubStandard,
    CohortFee,
    EvidenceFile,
    Finding,
    MigrantCohort,
    MonitoringReport,
    ReportEvent,
)
from tests.factories import (
    FactoryFactory,
    FindingFactory,
    MonitoringPartnerFactory,
    MonitoringReportFactory,
    PartnerMemberFactory,
    StaffFactory,
    UserFactory,
    in_supply_chain,
    member,
    published_finding,
)

pytestmark = pytest.mark.django_db

FINDINGS = "/api/v1/findings/"
REPORTS = "/api/v1/monitoring-reports/"

AFFILIATE_FINDING_KEYS = {
    "id",
    "report",
    "factory",
    "standard",
    "sub_standard",
    "ilo_indicators",
    "severity",
    "fast_track",
    "status",
    "youngest_age_observed",
    "child_labour",
    "trafficking_acts",
    "trafficking_means",
    "trafficking_purposes",
    "workers_affected",
    "workers_affected_withheld",
    "published_text",
    "published_at",
}
AFFILIATE_REPORT_KEYS = {
    "id",
    "reference",
    "factory",
    "period_start",
    "period_end",
    "published_summary",
    "published_at",
}
SECRETS = (
    "Mrs Somchai told us",
    "Interview 14, payslip photo",
    "Dormitory manager Khun Lek",
    "passport-scan-somchai.jpg",
    "Photo of the locked passport cabinet",
    "Call the informant back",
    "Secret Hill Workers Network",
)


def _chained(affiliate, factory_=None, **fields) -> Finding:
    """A published finding at a factory in the affiliate's supply chain."""
    finding = published_finding(factory_, **fields)
    in_supply_chain(affiliate, finding.report.factory)
    return finding


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def _with_secrets(finding: Finding, partner_name="Secret Hill Workers Network") -> Finding:
    """Give a finding and its report every confidential part an affiliate must never see."""
    report = finding.report
    report.summary = "Dormitory manager Khun Lek keeps the passports."
    if partner_name:
        report.partner.name = partner_name
        report.partner.save()
    report.save()
    finding.confidential_text = "Mrs Somchai told us the agent holds her passport."
    finding.evidence_summary = "Interview 14, payslip photo."
    finding.save()
    EvidenceFile.objects.create(
        report=report,
        finding=finding,
        file="monitoring/evidence/a1b2c3.jpg",
        original_name="passport-scan-somchai.jpg",
        description="Photo of the locked passport cabinet",
        content_type="image/jpeg",
        size=2048,
        sha256="ab" * 32,
        uploaded_by=report.created_by,
    )
    ReportEvent.objects.create(
        report=report,
        kind=ReportEvent.Kind.COMMENT,
        actor=StaffFactory(),
        text="Call the informant back on Friday.",
    )
    return finding


# --- Affiliates -------------------------------------------------------------------------------


def test_affiliate_reads_published_findings_at_factories_in_its_supply_chain(
    client, northvale, northvale_officer
):
    finding = _chained(northvale)
    client.force_login(northvale_officer)

    assert _ids(client.get(FINDINGS)) == [finding.pk]
    body = client.get(f"{FINDINGS}{finding.pk}/").json()
    assert set(body) == AFFILIATE_FINDING_KEYS
    assert body["published_text"] == "Identity documents of migrant workers were retained."
    assert body["factory"] == {
        "id": finding.report.factory.pk,
        "name": finding.report.factory.name,
        "country": "TH",
    }
    assert _ids(client.get(REPORTS)) == [finding.report.pk]
    report = client.get(f"{REPORTS}{finding.report.pk}/").json()
    assert set(report) == AFFILIATE_REPORT_KEYS
    assert report["published_summary"] == "Monitoring found retention of identity documents."


def test_affiliate_never_receives_an_unpublished_finding(client, northvale, northvale_officer):
    site = FactoryFactory()
    in_supply_chain(northvale, site)
    published = published_finding(site)
    left_out = FindingFactory(report=published.report, published_at=None)
    unpublished = [
        FindingFactory(report=MonitoringReportFactory(factory=site, status=status))
        for status in (
            MonitoringReport.Status.DRAFT,
            MonitoringReport.Status.SUBMITTED,
            MonitoringReport.Status.VALIDATED,
        )
    ]
    # A finding stamped as published on a report that is not: still not published.
    validated_report = MonitoringReportFactory(
        factory=site, status=MonitoringReport.Status.VALIDATED
    )
    stamped = FindingFactory(report=validated_report, published_at=timezone.now())
    client.force_login(northvale_officer)

    assert _ids(client.get(FINDINGS)) == [published.pk]
    for finding in [left_out, *unpublished, stamped]:
        assert client.get(f"{FINDINGS}{finding.pk}/").status_code == 404
    assert _ids(client.get(REPORTS)) == [published.report.pk]
    for finding in [*unpublished, stamped]:
        assert client.get(f"{REPORTS}{finding.report.pk}/").status_code == 404


def test_affiliate_never_receives_confidential_text_evidence_or_partner_identity(
    client, northvale, northvale_officer, staff
):
    finding = _with_secrets(_chained(northvale))
    urls = [
        FINDINGS,
        f"{FINDINGS}{finding.pk}/",
        REPORTS,
        f"{REPORTS}{finding.report.pk}/",
    ]

    client.force_login(staff)
    staff_bodies = "".join(client.get(url).content.decode() for url in urls)
    client.force_login(northvale_officer)
    responses = [client.get(url) for url in urls]

    assert all(secret in staff_bodies for secret in SECRETS)
    assert [r.status_code for r in responses] == [200, 200, 200, 200]
    affiliate_bodies = "".join(r.content.decode() for r in responses)
    assert [secret for secret in SECRETS if secret in affiliate_bodies] == []
    assert "ab" * 32 not in affiliate_bodies
    assert "evidence" not in affiliate_bodies
    assert "partner" not in affiliate_bodies


def test_affiliate_gets_404_for_findings_at_factories_outside_its_supply_chain(
    client, northvale, southport, northvale_officer, southport_officer
):
    own = _chained(northvale)
    nowhere = published_finding()
    southports = _chained(southport)
    client.force_login(northvale_officer)

    assert _ids(client.get(FINDINGS)) == [own.pk]
    assert _ids(client.get(REPORTS)) == [own.report.pk]
    for finding in (nowhere, southports):
        assert client.get(f"{FINDINGS}{finding.pk}/").status_code == 404
        assert client.get(f"{REPORTS}{finding.report.pk}/").status_code == 404
    client.force_login(southport_officer)
    assert _ids(client.get(FINDINGS)) == [southports.pk]
    assert client.get(f"{FINDINGS}{own.pk}/").status_code == 404


def test_only_an_accepted_disclosure_puts_a_factory_in_the_supply_chain(
    client, northvale, northvale_officer
):
    requested = published_finding()
    in_supply_chain(northvale, requested.report.factory, status="requested")
    submitted = published_finding()
    in_supply_chain(northvale, submitted.report.factory, status="submitted")
    accepted = published_finding()
    in_supply_chain(northvale, accepted.report.factory, status="accepted")
    client.force_login(northvale_officer)

    assert _ids(client.get(FINDINGS)) == [accepted.pk]
    assert client.get(f"{FINDINGS}{requested.pk}/").status_code == 404
    assert client.get(f"{REPORTS}{requested.report.pk}/").status_code == 404
    assert client.get(f"{FINDINGS}{submitted.pk}/").status_code == 404
    assert client.get(f"{FINDINGS}{accepted.pk}/").status_code == 200


def test_small_number_of_workers_affected_is_withheld_from_affiliates(
    client, settings, northvale, northvale_officer, staff
):
    settings.EW_MIN_REPORTED_COUNT = 5
    few = _chained(northvale, workers_affected=3)
    many = _chained(northvale, workers_affected=5)
    unknown = _chained(northvale, workers_affected=None)
    client.force_login(northvale_officer)

    rows = {row["id"]: row for row in client.get(FINDINGS).json()["results"]}
    assert (rows[few.pk]["workers_affected"], rows[few.pk]["workers_affected_withheld"]) == (
        None,
        True,
    )
    assert (rows[many.pk]["workers_affected"], rows[many.pk]["workers_affected_withheld"]) == (
        5,
        False,
    )
    assert rows[unknown.pk]["workers_affected"] is None
    assert rows[unknown.pk]["workers_affected_withheld"] is False
    client.force_login(staff)
    assert client.get(f"{FINDINGS}{few.pk}/").json()["workers_affected"] == 3


def test_affiliate_reads_classification_of_a_finding_but_not_its_cohorts(
    client, northvale, northvale_officer
):
    standard = CodeStandard.objects.current().get(number=2)
    finding = _chained(
        northvale,
        standard=standard,
        sub_standard=CodeSubStandard.objects.get(standard=standard, number="2.1"),
        ilo_indicators=["debt", "documents"],
        child_labour=["hazardous"],
        trafficking_acts=["recruitment"],
        trafficking_means=["deception"],
        trafficking_purposes=["forced_labour"],
        fast_track=True,
    )
    cohort = MigrantCohort.objects.create(
        report=finding.report, origin_country="NP", destination_country="MY", workers_men=9
    )
    cohort.findings.add(finding)
    client.force_login(northvale_officer)

    body = client.get(f"{FINDINGS}{finding.pk}/").json()
    assert body["standard"] == {"number": 2, "label": "Fair recruitment"}
    assert body["sub_standard"] == "No recruitment fees or related costs paid by workers"
    assert body["ilo_indicators"] == [
        {"code": "debt", "label": "Debt bondage"},
        {"code": "documents", "label": "Retention of identity documents"},
    ]
    assert body["child_labour"] == ["hazardous"]
    assert (body["trafficking_acts"], body["trafficking_means"], body["trafficking_purposes"]) == (
        ["recruitment"],
        ["deception"],
        ["forced_labour"],
    )
    assert "cohorts" not in body and "Nepal" not in str(body)
    assert body["fast_track"] is True


def test_user_in_several_affiliates_must_name_one(client, northvale, southport):
    northvales = _chained(northvale)
    southports = _chained(southport)
    user = member(northvale)
    with scopes_disabled():
        Membership.objects.create(user=user, affiliate=southport, role=Membership.Role.VIEWER)
    client.force_login(user)

    response = client.get(FINDINGS)
    assert response.status_code == 400
    assert "?affiliate=<slug>" in response.json()["affiliate"]
    assert _ids(client.get(f"{FINDINGS}?affiliate=southport")) == [southports.pk]
    assert _ids(client.get(f"{REPORTS}?affiliate=northvale")) == [northvales.report.pk]
    assert client.get(f"{FINDINGS}{northvales.pk}/?affiliate=southport").status_code == 404


def test_affiliate_cannot_filter_reports_by_monitoring_partner(
    client, northvale, northvale_officer, staff
):
    finding = _chained(northvale)
    other_partner = MonitoringPartnerFactory()
    client.force_login(northvale_officer)

    assert _ids(client.get(f"{REPORTS}?partner={other_partner.pk}")) == [finding.report.pk]
    client.force_login(staff)
    assert _ids(client.get(f"{REPORTS}?partner={other_partner.pk}")) == []
    assert _ids(client.get(f"{REPORTS}?partner={finding.report.partner_id}")) == [finding.report.pk]


# --- Monitoring partners ---------------------------------------------------------------------


def test_partner_reads_only_its_own_organisations_reports_and_findings(client):
    user = PartnerMemberFactory()
    own = FindingFactory(
        report=MonitoringReportFactory(
            partner=user.partner_membership.partner,
            status=MonitoringReport.Status.DRAFT,
            assigned_to=StaffFactory(email="triager@ewatch.example"),
        )
    )
    _with_secrets(own)
    others = _with_secrets(published_finding(), partner_name="Another Monitor")
    client.force_login(user)

    assert _ids(client.get(FINDINGS)) == [own.pk]
    assert _ids(client.get(REPORTS)) == [own.report.pk]
    assert client.get(f"{FINDINGS}{others.pk}/").status_code == 404
    assert client.get(f"{REPORTS}{others.report.pk}/").status_code == 404
    finding = client.get(f"{FINDINGS}{own.pk}/").json()
    assert finding["confidential_text"] == "Mrs Somchai told us the agent holds her passport."
    assert [f["original_name"] for f in finding["evidence_files"]] == ["passport-scan-somchai.jpg"]
    report = client.get(f"{REPORTS}{own.report.pk}/")
    assert report.json()["summary"] == "Dormitory manager Khun Lek keeps the passports."
    assert report.json()["status"] == "draft"
    assert "triager@ewatch.example" not in report.content.decode()
    assert "Call the informant back" not in report.content.decode()
    assert {"assigned_to", "events"}.isdisjoint(report.json())


# --- EW staff ---------------------------------------------------------------------------------


def test_staff_read_every_finding_with_its_publication_state(client, staff):
    published = _with_secrets(published_finding())
    draft = FindingFactory(
        report=MonitoringReportFactory(status=MonitoringReport.Status.VALIDATED, assigned_to=staff)
    )
    client.force_login(staff)

    rows = {row["id"]: row for row in client.get(FINDINGS).json()["results"]}
    assert set(rows) == {published.pk, draft.pk}
    assert rows[draft.pk]["published_at"] is None
    assert rows[draft.pk]["published_text"] == ""
    assert rows[draft.pk]["report_status"] == "validated"
    assert rows[draft.pk]["assigned_to"] == "staff@ewatch.example"
    assert rows[published.pk]["published_at"] is not None
    assert rows[published.pk]["published_text"] == (
        "Identity documents of migrant workers were retained."
    )
    assert rows[published.pk]["partner"]["name"] == "Secret Hill Workers Network"
    assert rows[published.pk]["evidence_files"][0]["sha256"] == "ab" * 32
    assert _ids(client.get(f"{FINDINGS}?published=false")) == [draft.pk]
    assert _ids(client.get(f"{FINDINGS}?published=true")) == [published.pk]
    report = client.get(f"{REPORTS}{published.report.pk}/").json()
    assert report["events"][0]["text"] == "Call the informant back on Friday."


def test_findings_filter_by_classification_site_and_urgency(client, staff):
    site = FactoryFactory(country="MY")
    target = FindingFactory(
        report=MonitoringReportFactory(factory=site),
        standard=CodeStandard.objects.current().get(number=2),
        ilo_indicators=["debt", "wages"],
        severity="critical",
        fast_track=True,
    )
    FindingFactory(ilo_indicators=["documents"], severity="low")
    client.force_login(staff)

    for query in (
        "severity=critical",
        "standard=2",
        "ilo_indicator=wages",
        "fast_track=true",
        "country=MY",
        f"factory={site.pk}",
        f"report={target.report_id}",
        "status=alleged&severity=critical",
    ):
        assert _ids(client.get(f"{FINDINGS}?{query}")) == [target.pk], query


# --- Everyone else ----------------------------------------------------------------------------


def test_user_without_any_role_gets_404(client, northvale):
    finding = _chained(northvale)
    client.force_login(UserFactory())

    for url in (FINDINGS, f"{FINDINGS}{finding.pk}/", REPORTS, f"{REPORTS}{finding.report.pk}/"):
        assert client.get(url).status_code == 404, url


def test_anonymous_visitors_are_refused(client, northvale):
    finding = _chained(northvale)

    for url in (FINDINGS, f"{FINDINGS}{finding.pk}/", REPORTS, f"{REPORTS}{finding.report.pk}/"):
        assert client.get(url).status_code in {401, 403}, url


# --- Query budgets ----------------------------------------------------------------------------


def _rows(affiliate, count: int) -> None:
    for _ in range(count):
        finding = _with_secrets(_chained(affiliate, workers_affected=3), partner_name="")
        cohort = MigrantCohort.objects.create(
            report=finding.report, origin_country="NP", destination_country="MY", workers_men=9
        )
        cohort.findings.add(finding)
        cohort.agencies.create(position=1, side="origin", name="Agency", country="NP")
        CohortFee.objects.create(
            cohort=cohort,
            step="transit",
            cost_item="travel",
            amount=Decimal("100"),
            currency="EUR",
            amount_eur=Decimal("100"),
            paid_on=finding.report.period_start,
        )
        FindingFactory(report=finding.report, published_at=timezone.now())


@pytest.mark.parametrize("url", [FINDINGS, REPORTS])
@pytest.mark.parametrize("audience", ["staff", "partner", "affiliate"])
def test_monitoring_lists_stay_within_budget(
    client, northvale, url, audience, django_assert_max_num_queries
):
    partner_user = PartnerMemberFactory()
    users = {
        "staff": StaffFactory(),
        "partner": partner_user,
        "affiliate": member(northvale),
    }
    client.force_login(users[audience])

    def grow(count):
        _rows(northvale, count)
        MonitoringReport.objects.update(partner=partner_user.partner_membership.partner)

    # Staff and partners also read the migrant cohorts: their agencies, fees (with agency and
    # rate) and findings, one query each, whatever the number of rows.
    budget = 8 if audience == "affiliate" else 12
    grow(2)
    with django_assert_max_num_queries(budget):
        assert len(_ids(client.get(url))) >= 2
    grow(15)
    with django_assert_max_num_queries(budget):
        assert len(_ids(client.get(url))) >= 17
