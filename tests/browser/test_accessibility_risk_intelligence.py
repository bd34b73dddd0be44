"""Issue 14: axe finds no serious or critical violation on the new pages of risk intelligence
(the staff reference data, the migrant cohorts and the finding's child-labour and trafficking
fieldsets, employer pays and its payment confirmation, the factory page that links the
forced-labour dossier), in English and in French."""

from decimal import Decimal

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from monitoring.models import MonitoringReport
from tests.browser.steps import sign_in, violations, without_second_factor
from tests.browser.test_accessibility import _migrant_cohort
from tests.factories import (
    FindingFactory,
    MonitoringReportFactory,
    PartnerMemberFactory,
    StaffFactory,
    in_supply_chain,
    member,
    published_finding,
)

SERIOUS = {"serious", "critical"}


def _reference_paths() -> list[str]:
    from suppliers.reference_tables import TABLES, seed_reference_data

    seed_reference_data()  # rows in every list (the live server's database starts empty)
    paths = ["/staff/reference/"]
    for slug, table in TABLES.items():
        if table.pages:
            paths += [f"/staff/reference/{slug}/", f"/staff/reference/{slug}/new/"]
        paths.append(f"/staff/reference/{slug}/import/")
    return paths


def _employer_pays_case(finding, staff):
    """A case on the finding, owing its cohort's fees, with two payments."""
    from datetime import timedelta

    from remediation import compensation, services

    case = services.case_open(
        factory=finding.report.factory,
        title="Recruitment fees to be repaid",
        summary="Migrant workers paid recruitment fees; they must be repaid.",
        severity="critical",
        staff_lead=staff,
        findings=[finding],
        by=staff,
    )
    with scopes_disabled():
        cohort = finding.cohorts.get()
    owed = compensation.compensation_from_cohort(case=case, cohort=cohort, by=staff)
    today = timezone.localdate()
    for days_ago, amount in ((40, Decimal("100")), (5, Decimal("150"))):
        compensation.payment_record(
            compensation=owed,
            by=staff,
            paid_on=today - timedelta(days=days_ago),
            amount=amount,
            workers_paid=5,
        )
    return case


@pytest.mark.parametrize("language", ["en", "fr"])
def test_risk_intelligence_pages_have_no_serious_wcag_violation(
    live_server, page, northvale, language
):
    staff = StaffFactory(language=language)
    partner = PartnerMemberFactory(language=language)
    officer = member(northvale, email="officer@northvale.example", language=language)
    finding = published_finding(
        child_labour=["hazardous"],
        trafficking_acts=["recruitment"],
        trafficking_means=["fraud"],
        trafficking_purposes=["forced_labour"],
    )
    _migrant_cohort(finding.report)
    with scopes_disabled():
        in_supply_chain(northvale, finding.report.factory)
    case = _employer_pays_case(finding, staff)
    draft = FindingFactory(
        report=MonitoringReportFactory(
            partner=partner.partner_membership.partner, status=MonitoringReport.Status.DRAFT
        ),
        child_labour=["under_minimum_age"],
        trafficking_acts=["recruitment"],
    )
    cohort = _migrant_cohort(draft.report)
    report = draft.report

    staff_paths = [
        *_reference_paths(),
        f"/staff/reports/{finding.report_id}/",  # the cohort with its fees
        f"/staff/cases/{case.pk}/",  # employer pays: progress, chart, payments, forms
    ]
    partner_paths = [
        f"/partner/reports/{report.pk}/cohorts/new/",
        f"/partner/reports/{report.pk}/cohorts/{cohort.pk}/",
        f"/partner/reports/{report.pk}/findings/new/",
        f"/partner/reports/{report.pk}/findings/{draft.pk}/",
    ]
    officer_paths = [f"/a/northvale/factories/{finding.report.factory_id}/"]

    found = []
    with without_second_factor(staff, partner, officer):
        for user, paths in (
            (staff, staff_paths),
            (partner, partner_paths),
            (officer, officer_paths),
        ):
            sign_in(page, live_server.url, user.email)
            for path in paths:
                found += violations(page, live_server.url + path, impacts=SERIOUS, page_itself=True)
            assert page.locator("html").get_attribute("lang") == language
            if user is staff:
                found += _payment_confirmation(page, live_server.url, case)
    assert page.locator("a[href$='/dossier.pdf']").count() == 1  # the page links the dossier
    assert found == []


def _payment_confirmation(page, base_url, case) -> list[str]:
    """Check a payment from the case page and run axe on the confirmation it leads to."""
    from axe_playwright_python.sync_playwright import Axe

    from tests.browser.steps import DUPLICATE_IDS, WCAG

    page.goto(f"{base_url}/staff/cases/{case.pk}/")
    form = page.locator("form[action$='/payments/']")
    form.locator("xpath=ancestor::details[1]/summary").click()
    form.locator("input[name=amount]").fill("50")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("input[name=confirm][value=yes]", state="attached")
    results = Axe().run(page, options=WCAG)
    return [
        f"payment confirmation: {v['id']} ({v['impact']}) {v['help']}"
        for v in results.response["violations"]
        if v["impact"] in SERIOUS
    ] + [f"payment confirmation: duplicate id {id_}" for id_ in page.evaluate(DUPLICATE_IDS)]
