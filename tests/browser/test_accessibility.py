"""axe-core (WCAG 2.1 A and AA rules) finds no violation on the pages of each role."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django_scopes import scopes_disabled

from affiliates.models import Membership
from tests.browser.steps import WCAG, sign_in, violations, without_second_factor
from tests.factories import (
    CaseUpdateFactory,
    ComplianceReportFactory,
    ContractFactory,
    DisclosureFactory,
    DisclosureLineFactory,
    EngagementFactory,
    FindingFactory,
    InvitationFactory,
    MonitoringReportFactory,
    PartnerMemberFactory,
    RemediationActionFactory,
    StaffFactory,
    in_supply_chain,
    joined_case,
    member,
    published_finding,
)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_affiliate_pages_have_no_wcag_violation(live_server, page, northvale, language):
    admin = member(
        northvale, Membership.Role.ADMIN, email="admin@northvale.example", language=language
    )
    with scopes_disabled():
        InvitationFactory(affiliate=northvale, invited_by=admin)
    page.goto(live_server.url + "/accounts/login/")
    found = violations(page, live_server.url + "/accounts/login/")
    sign_in(page, live_server.url, admin.email)
    finding = published_finding(child_labour=["hazardous"], trafficking_acts=["recruitment"])
    _migrant_cohort(finding.report)
    in_supply_chain(northvale, finding.report.factory)
    invited, joined = _remediation_cases(finding, northvale)
    ready, queued = _compliance_reports(northvale, finding.report.factory, admin)
    for path in (
        "/a/northvale/",
        "/a/northvale/findings/",
        f"/a/northvale/factories/{finding.report.factory_id}/",
        "/a/northvale/members/",
        "/account/",
        "/account/tokens/",
        "/accounts/password/change/",
        "/accounts/2fa/",
        "/a/northvale/nothing/",
        "/a/northvale/cases/",
        f"/a/northvale/cases/{invited.pk}/",  # not joined: the summary and the join button
        f"/a/northvale/cases/{joined.pk}/",  # joined: plan, timeline, engagement, letter
        "/a/northvale/reports/",  # the request form, the key figures and both charts
        f"/a/northvale/reports/{ready.pk}/",  # download, checksum, versions
        f"/a/northvale/reports/{queued.pk}/",  # progress, polled by htmx
    ):
        found += violations(page, live_server.url + path)
    assert found == []


def test_staff_and_partner_pages_have_no_wcag_violation(live_server, page, db):
    from allauth.mfa.models import Authenticator

    staff = StaffFactory()
    partner = PartnerMemberFactory()
    # Signing in with a second factor is tested elsewhere; here the pages themselves count.
    Authenticator.objects.filter(user__in=[staff, partner]).delete()
    report = FindingFactory(
        report=MonitoringReportFactory(partner=partner.partner_membership.partner),
        child_labour=["under_minimum_age"],
    ).report
    cohort = _migrant_cohort(report)
    staff_pages = ["/staff/", "/staff/affiliates/", "/staff/reports/"]
    staff_pages.append(f"/staff/reports/{report.pk}/")
    partner_pages = ["/partner/", "/partner/reports/new/", f"/partner/reports/{report.pk}/"]
    partner_pages.append(f"/partner/reports/{report.pk}/cohorts/{cohort.pk}/")
    case = _case_with_everything(report.findings.get(), staff)
    staff_pages += [
        "/staff/cases/",
        f"/staff/cases/new/?finding={report.findings.get().pk}",
        f"/staff/cases/{case.pk}/",
        f"/staff/cases/{case.pk}/edit/",
        f"/staff/cases/{case.pk}/actions/new/",
    ]
    partner_pages += ["/partner/cases/", f"/partner/cases/{case.pk}/"]
    found = []
    with _relaxed_mfa():
        staff_pages.append("/staff/grievances/")
        partner_pages += ["/partner/grievances/", "/partner/grievances/new/"]
        for user, paths in ((staff, staff_pages), (partner, partner_pages)):
            page.context.clear_cookies()
            sign_in(page, live_server.url, user.email)
            for path in paths:
                found += violations(page, live_server.url + path)
    assert found == []


@pytest.mark.parametrize("language", ["en", "fr"])
def test_risk_pages_have_no_serious_wcag_violation(live_server, page, northvale, language):
    """The staff and affiliate risk pages with every view filled: heat map, corridors with
    fees, child labour, sectors, trend, grievances and country risk."""
    from suppliers.models import CountryRiskIndicator, MigrationCorridor, PathfinderCountry

    staff = StaffFactory(language=language)
    officer = member(northvale, email="officer@northvale.example", language=language)
    with scopes_disabled():
        for severity, indicators in (("critical", ["documents", "debt"]), ("medium", ["wages"])):
            finding = published_finding(
                ilo_indicators=indicators, severity=severity, child_labour=["hazardous"]
            )
            in_supply_chain(northvale, finding.report.factory)
            _migrant_cohort(finding.report)
        MigrationCorridor.objects.create(
            origin="MM", destination="TH", priority=True, source="Alliance 8.7", year=2025
        )
        CountryRiskIndicator.objects.create(
            country=finding.report.factory.country,
            indicator="forced_labour",
            value="high",
            level="high",
            source="Walk Free, GSI",
            year=2023,
        )
        PathfinderCountry.objects.create(
            country=finding.report.factory.country, source="Alliance 8.7", year=2024
        )
    found = []
    with without_second_factor(staff, officer):
        for user, path in ((staff, "/staff/risk/"), (officer, "/a/northvale/risk/")):
            sign_in(page, live_server.url, user.email)
            found += violations(
                page, live_server.url + path, impacts={"serious", "critical"}, page_itself=True
            )
            assert page.locator("html").get_attribute("lang") == language
            assert page.locator("svg.chart g.chart-cell").count() > 0  # the heat map is drawn
    assert found == []


def _migrant_cohort(report):
    """Workers from Myanmar at the report's factory in Thailand, who paid fees in euros."""
    from datetime import date

    from monitoring.models import CohortFee, MigrantCohort

    with scopes_disabled():
        cohort = MigrantCohort.objects.create(
            report=report,
            origin_country="MM",
            destination_country="TH",
            workers_women=12,
            workers_men=8,
        )
        cohort.findings.set(report.findings.all())
        CohortFee.objects.create(
            cohort=cohort,
            step=CohortFee.Step.ORIGIN_RECRUITMENT,
            cost_item="recruitment_fee",
            amount=450,
            currency="EUR",
            paid_on=date(2026, 1, 10),
            amount_eur=450,
        )
    return cohort


def _compliance_reports(affiliate, factory, by):
    """Last calendar year drawn on the reports page (a contract that ran then, a finding
    published then, so both charts have bars), a ready report of that year and its second
    version, still queued (no worker runs here)."""
    from datetime import UTC, date, datetime

    from monitoring.models import Finding, MonitoringReport, Severity
    from reports.compliance import last_calendar_year
    from reports.tasks import render_compliance_report

    start, end = last_calendar_year()
    with scopes_disabled():
        contract = ContractFactory(
            affiliate=affiliate, start_date=start, end_date=date(end.year + 2, 12, 31)
        )
        disclosure = DisclosureFactory(contract=contract, status="accepted")
        DisclosureLineFactory(disclosure=disclosure, factory=factory)
    finding = published_finding(
        factory, severity=Severity.CRITICAL, ilo_indicators=["debt", "documents"]
    )
    then = datetime(start.year, 6, 1, 12, tzinfo=UTC)
    Finding.objects.filter(pk=finding.pk).update(published_at=then)
    MonitoringReport.objects.filter(pk=finding.report_id).update(published_at=then)
    ready = ComplianceReportFactory(
        affiliate=affiliate, period_start=start, period_end=end, requested_by=by
    )
    render_compliance_report.apply(args=[ready.pk])  # the real task, in this process
    with scopes_disabled():
        ready.refresh_from_db()
    assert ready.status == ready.Status.READY, ready.failure_reason
    queued = ComplianceReportFactory(
        affiliate=affiliate, period_start=start, period_end=end, version=2, requested_by=by
    )
    return ready, queued


def _remediation_cases(finding, affiliate):
    """Two cases at the finding's factory: one the affiliate is invited to, one it joined."""
    from remediation import services

    staff = StaffFactory(totp=False)
    factory = finding.report.factory
    invited = services.case_open(
        factory=factory,
        title="Passports held by the employer",
        summary="Passports of migrant workers are kept by the employer.",
        severity="high",
        staff_lead=staff,
        findings=[finding],
        by=staff,
    )
    joined = joined_case(affiliate, _case_with_everything(finding, staff))
    EngagementFactory(case=joined, affiliate=affiliate)
    return invited, joined


def _case_with_everything(finding, staff):
    """A case whose page shows each part: actions in every state (one overdue), the
    timeline, compensation and an escalation still waiting for its outcome."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from remediation import plan, services
    from remediation.models import Audience

    case = services.case_open(
        factory=finding.report.factory,
        title="Recruitment fees to be repaid",
        summary="Migrant workers paid recruitment fees; they must be repaid.",
        severity="critical",
        fast_track=True,
        staff_lead=staff,
        lead_partner=finding.report.partner,
        findings=[finding],
        by=staff,
    )
    RemediationActionFactory(case=case)
    RemediationActionFactory(case=case, due_date=timezone.localdate() - timedelta(days=3))
    claimed = RemediationActionFactory(case=case)
    plan.action_claim_done(action=claimed, by=staff, evidence="Signed receipts.")
    verified = RemediationActionFactory(case=case)
    plan.action_claim_done(action=verified, by=staff, evidence="Bank transfer records.")
    plan.action_verify(action=verified, by=staff, verified_by="workers", note="Confirmed.")
    for audience in Audience.values:
        CaseUpdateFactory(case=case, audience=audience, author=staff)
    plan.compensation_save(
        case=case,
        by=staff,
        description="Recruitment fees",
        currency="THB",
        amount_owed=Decimal("720000"),
        amount_paid=Decimal("180000"),
        workers_covered=40,
    )
    plan.escalation_add(
        case=case, by=staff, body="rba", escalated_on=timezone.localdate() - timedelta(days=9)
    )
    return case


def _relaxed_mfa():
    from django.test import override_settings

    return override_settings(EW_MFA_REQUIRED=False)


@pytest.mark.parametrize("language", ["en", "th"])
def test_public_grievance_pages_have_no_wcag_violation(live_server, page, db, language):
    found = []
    for path in ("/grievances/new/", "/grievances/follow-up/"):
        found += violations(page, f"{live_server.url}{path}?lang={language}")
    # The confirmation with its receipt code, after a submission.
    page.goto(f"{live_server.url}/grievances/new/?lang={language}")
    page.locator("#id_workplace").fill("Rojana Industrial Park")
    page.locator("#id_description").fill("Wages withheld for two months.")
    page.locator("button.big-button").click()
    page.wait_for_selector("#receipt-code")
    results = Axe().run(page, options=WCAG)
    found += [f"confirmation: {v['id']} {v['help']}" for v in results.response["violations"]]
    assert found == []
