"""The dashboards' charts: the numbers of their tables for hand-built data, the factory map's
isolation (an affiliate sees only its factories and only published findings' severity), and
a query count that does not grow with the rows."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from core.maps import MapPoint, MarkerClass, point_map, project
from engagement.quarters import quarter_label
from grievances.models import Channel, Grievance
from grievances.services import Intake, grievance_submit
from monitoring.models import Finding, MonitoringReport, Severity
from suppliers.models import Disclosure
from tests.factories import (
    DisclosureFactory,
    FactoryFactory,
    FindingFactory,
    MonitoringReportFactory,
    RemediationActionFactory,
    in_supply_chain,
    joined_case,
    published_finding,
)

pytestmark = pytest.mark.django_db


def dashboard(affiliate):
    return reverse("reports:dashboard", kwargs={"affiliate_slug": affiliate.slug})


def table_rows(table):
    return {row[0]: row[1:] for row in table.rows}


def supply_chain_with_findings(affiliate):
    """Plant A (with coordinates): an open high finding, a critical one remediated and
    verified, and a critical one not published; plant B (no coordinates): an open medium one.
    Plant C, outside the supply chain: a critical finding."""
    with scopes_disabled():
        plant_a = FactoryFactory(
            name="Plant A", latitude=Decimal("13.5"), longitude=Decimal("100.5")
        )
        plant_b = FactoryFactory(name="Plant B", country="MY")
        plant_c = FactoryFactory(name="Plant C", latitude=Decimal("22.5"), longitude=Decimal("114"))
        in_supply_chain(affiliate, plant_a)
        in_supply_chain(affiliate, plant_b)
        published_finding(plant_a, severity=Severity.HIGH, status=Finding.Status.SUBSTANTIATED)
        published_finding(
            plant_a, severity=Severity.CRITICAL, status=Finding.Status.REMEDIATED_VERIFIED
        )
        FindingFactory(report=MonitoringReportFactory(factory=plant_a), severity=Severity.CRITICAL)
        published_finding(plant_b, severity=Severity.MEDIUM)
        published_finding(plant_c, severity=Severity.CRITICAL)
    return plant_a, plant_b, plant_c


def test_affiliate_dashboard_charts_count_what_the_affiliate_reads(
    client, northvale, northvale_officer
):
    plant_a, _plant_b, _plant_c = supply_chain_with_findings(northvale)
    today = timezone.localdate()
    with scopes_disabled():
        case = joined_case(northvale, factory=plant_a)
        for days in (3, 10, 40, 45):
            RemediationActionFactory(case=case, due_date=today - timedelta(days=days))
        RemediationActionFactory(case=case, due_date=today + timedelta(days=5))
        RemediationActionFactory(case=case, due_date=today - timedelta(days=90), status="done")
        DisclosureFactory(
            contract__affiliate=northvale,
            status=Disclosure.Status.REQUESTED,
            due_date=today - timedelta(days=1),
        )
    client.force_login(northvale_officer)
    response = client.get(dashboard(northvale))
    assert response.status_code == 200
    context = response.context

    severity = table_rows(context["findings_by_severity"])
    this_quarter = quarter_label(today.replace(day=1, month=(today.month - 1) // 3 * 3 + 1))
    # Critical, high, medium, low, total: published ones only, closed ones too, C's not.
    assert severity[this_quarter] == [1, 1, 1, 0, 3]
    assert sum(row[-1] for row in severity.values()) == 3
    category = table_rows(context["findings_by_category"])
    assert list(category) == ["1. " + str(Finding.objects.first().standard.label)]
    assert sum(next(iter(category.values()))) == 3

    overdue = context["overdue_actions"].rows
    assert [row[1] for row in overdue] == [1, 1, 2]
    assert "45 days" in context["overdue_actions"].note

    disclosures = table_rows(context["disclosures_by_state"])
    # in_supply_chain made three accepted disclosures (joined_case one); one requested, overdue.
    assert disclosures[str(Disclosure.Status.ACCEPTED.label)] == [3]
    assert disclosures[str(Disclosure.Status.REQUESTED.label)] == [1]
    assert context["disclosures_by_state"].rows[-1][1] == 1

    factory_map = context["factory_map"]
    assert [(f.name, f.severity, f.drawn) for f in factory_map.factories] == [
        ("Plant A", Severity.HIGH, True),
        ("Plant B", Severity.MEDIUM, False),
    ]
    svg = str(factory_map.svg)
    assert svg.count('class="map-point"') == 1
    assert "Plant A: most severe open finding: High" in svg
    # The legend counts every factory of the table: B, medium, has no coordinates.
    assert "High (1)" in svg and "Medium (1, 0 drawn)" in svg and "Critical (0)" in svg
    assert "Plant C" not in response.content.decode()
    assert factory_map.not_drawn == 1


def test_an_affiliate_map_shows_only_its_factories(client, northvale, southport, southport_officer):
    supply_chain_with_findings(northvale)
    with scopes_disabled():
        own = FactoryFactory(name="Southport Plant", latitude=Decimal("50"), longitude=Decimal("4"))
        in_supply_chain(southport, own)
    client.force_login(southport_officer)
    response = client.get(dashboard(southport))
    factory_map = response.context["factory_map"]
    assert [(f.name, f.severity) for f in factory_map.factories] == [("Southport Plant", "")]
    body = response.content.decode()
    for name in ("Plant A", "Plant B", "Plant C"):
        assert name not in body
    assert table_rows(response.context["findings_by_severity"]) == {}


def waiting_report(days_ago):
    report = MonitoringReportFactory()
    MonitoringReport.objects.filter(pk=report.pk).update(
        submitted_at=timezone.now() - timedelta(days=days_ago)
    )
    return report


def waiting_grievance(days_ago):
    grievance, _code = grievance_submit(
        intake=Intake(language="en", description="Fees.", categories=["fees"], workplace="Plant X"),
        channel=Channel.WEB,
    )
    Grievance.objects.filter(pk=grievance.pk).update(
        received_on=timezone.localdate() - timedelta(days=days_ago)
    )
    return grievance


def test_staff_dashboard_says_what_waits_and_how_long(client, staff, northvale):
    for days in (1, 3, 12, 40):
        waiting_report(days)
    MonitoringReportFactory(status=MonitoringReport.Status.DRAFT, submitted_at=None)
    # Validated, waiting for publication: not to triage any more; both validated minutes ago.
    for minutes in (1, 5):
        validated = waiting_report(20)
        MonitoringReport.objects.filter(pk=validated.pk).update(
            status=MonitoringReport.Status.VALIDATED,
            decided_at=timezone.now() - timedelta(minutes=minutes),
        )
    waiting_grievance(2)
    waiting_grievance(60)
    closed = waiting_grievance(90)
    Grievance.objects.filter(pk=closed.pk).update(status="closed")
    supply_chain_with_findings(northvale)
    client.force_login(staff)
    response = client.get(reverse("reports:staff_dashboard"))
    assert response.status_code == 200
    context = response.context
    reports, to_publish, grievances = context["waiting"].rows
    # Less than 7 days, 7 to 30, more than 30, total, oldest (Plant A's submitted report too).
    assert reports[1:] == [3, 1, 1, 5, "40 days"]
    assert to_publish[1:] == [2, 0, 0, 2, "today"]
    assert grievances[1:] == [1, 0, 1, 2, "60 days"]
    body = response.content.decode()
    assert "5 monitoring reports to triage" in body
    assert "2 validated reports waiting for publication" in body
    assert "2 grievances waiting" in body
    # Staff read every factory, by every open finding of an accepted report; C's critical
    # finding is published, A's unpublished critical one is not yet validated.
    names = [(f.name, f.severity) for f in context["factory_map"].factories]
    assert names[:3] == [
        ("Plant C", Severity.CRITICAL),
        ("Plant A", Severity.HIGH),
        ("Plant B", Severity.MEDIUM),
    ]


def add_rows(affiliate, count):
    """`count` more factories in the supply chain, each with a published finding, an overdue
    action and a waiting report."""
    today = timezone.localdate()
    with scopes_disabled():
        for index in range(count):
            plant = FactoryFactory(latitude=Decimal(index), longitude=Decimal(index))
            in_supply_chain(affiliate, plant)
            published_finding(plant, severity=list(Severity)[index % 4])
            case = joined_case(affiliate, factory=plant)
            RemediationActionFactory(case=case, due_date=today - timedelta(days=index + 1))
            waiting_report(index)
            waiting_grievance(index)


def queries_of(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_dashboards_run_a_fixed_number_of_queries(
    client, staff, northvale, northvale_officer, django_assert_max_num_queries
):
    add_rows(northvale, 2)
    client.force_login(northvale_officer)
    small_affiliate = queries_of(client, dashboard(northvale))
    client.force_login(staff)
    small_staff = queries_of(client, reverse("reports:staff_dashboard"))
    add_rows(northvale, 12)
    client.force_login(northvale_officer)
    with django_assert_max_num_queries(small_affiliate):
        client.get(dashboard(northvale))
    client.force_login(staff)
    with django_assert_max_num_queries(small_staff):
        client.get(reverse("reports:staff_dashboard"))
    assert small_affiliate <= 45
    assert small_staff <= 40


def test_the_map_projects_linearly_and_marks_each_class_by_shape_and_text():
    assert project(0, 0) == (360, 168)
    assert project(84, -180) == (0, 0)
    assert project(-90, 180) == (720, 288)  # below the drawn edge: on the edge
    classes = [
        MarkerClass("bad", "Bad <b>", "#7a1212", "triangle"),
        MarkerClass("ok", "Fine", "#0b5394", "ring"),
    ]
    svg = str(
        point_map(
            [
                MapPoint("Site <script>", 10, 20, "bad", "worst"),
                MapPoint("Other", -10, -20, "ok"),
            ],
            classes=classes,
            title="Sites",
            not_drawn=2,
        )
    )
    assert "<script>" not in svg and "Site &lt;script&gt;: worst" in svg
    assert "Bad &lt;b&gt; (1)" in svg and "Fine (1)" in svg
    # Counting the table's rows, those not drawn too.
    counted = str(
        point_map(
            [MapPoint("Other", -10, -20, "ok")],
            classes=classes,
            title="Sites",
            not_drawn=2,
            listed={"bad": 2, "ok": 1},
        )
    )
    assert "Bad &lt;b&gt; (2, 0 drawn)" in counted and "Fine (1)" in counted
    assert svg.count("<polygon") == 2  # the point and its legend
    assert "2 more without coordinates, not drawn." in svg
    assert 'href="/static/maps/world-110m.svg"' in svg
    # the most important class is drawn last, on top
    assert svg.index("Other") < svg.index("Site &lt;script&gt;")


def test_partner_dashboard_charts_its_reports_by_state_and_its_open_grievances(
    client, partner_member
):
    partner = partner_member.partner_membership.partner
    MonitoringReportFactory(partner=partner)
    MonitoringReportFactory(partner=partner)
    MonitoringReportFactory(partner=partner, status=MonitoringReport.Status.NEEDS_INFORMATION)
    MonitoringReportFactory()  # another partner's
    for days in (2, 40):
        grievance = waiting_grievance(days)
        Grievance.objects.filter(pk=grievance.pk).update(partner=partner)
    waiting_grievance(5)  # not this partner's
    client.force_login(partner_member)
    response = client.get(reverse("monitoring:partner_dashboard"))
    assert response.status_code == 200
    states = dict(response.context["reports_by_state"])
    assert states[str(MonitoringReport.Status.SUBMITTED.label)] == 2
    assert states[str(MonitoringReport.Status.NEEDS_INFORMATION.label)] == 1
    assert sum(states.values()) == 3
    body = response.content.decode()
    assert "Open grievances, by how long they have waited" in body
    assert "The oldest has waited 40 days." in body
    assert "Less than 7 days: 1" in body and "More than 30 days: 1" in body
    # Dates in words, as on the other pages (the factory's period: 1 March to 30 April 2026).
    assert "1 March 2026 – 30 April 2026" in body and "01/03/2026" not in body


def test_company_home_leads_with_what_the_company_must_act_on(client):
    from tests.factories import (
        CompanyContactFactory,
        SupplierFactory,
        company_action,
        company_disclosure,
        shared_finding,
    )

    today = timezone.localdate()
    northern = SupplierFactory(name="Northern IT")
    company_action(northern, due_date=today - timedelta(days=4))
    company_action(northern, due_date=today + timedelta(days=10))
    company_action(northern, due_date=today + timedelta(days=90))
    company_action(SupplierFactory(), due_date=today - timedelta(days=4))  # another company's
    company_disclosure(northern, due_date=today - timedelta(days=1))
    shared_finding(northern)
    client.force_login(CompanyContactFactory(company=northern))
    response = client.get(reverse("engagement:company_home"))
    chart = response.context["home_sections"][0].context
    assert [count for _label, count in chart["rows"]] == [1, 1, 1, 1, 1, 0]
    assert "What your company must act on" in response.content.decode()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_remediation_section_kept_with_the_figures_is_the_templates(
    client, settings, northvale, northvale_officer, language
):
    """The affiliate dashboard's remediation section is rendered once with the figures it
    lists (reports.dashboards) and kept with them: it is the include's HTML, in either
    language, served from the cache as when computed."""
    from django.template.loader import render_to_string
    from django.utils import translation

    settings.EW_READMODEL_CACHE = True
    today = timezone.localdate()
    with scopes_disabled():
        plant = FactoryFactory(name="Plant R")
        case = joined_case(northvale, factory=plant)
        for days in (3, 40):
            RemediationActionFactory(case=case, due_date=today - timedelta(days=days))
    northvale_officer.language = language
    northvale_officer.save(update_fields=["language"])
    client.force_login(northvale_officer)
    bodies = []
    for _ in range(2):  # computed, then read from the cache
        response = client.get(dashboard(northvale))
        assert response.status_code == 200
        bodies.append(response)
    for response in bodies:
        context = response.context
        assert context["remediation"]["cases"]
        with translation.override(language):
            expected = render_to_string(
                "remediation/includes/affiliate_dashboard.html",
                {"r": context["remediation"], "affiliate": northvale},
            )
        assert str(context["remediation_html"]) == expected
        assert expected in response.content.decode()
        assert case.reference in expected
    if language == "fr":
        assert "Dossiers de remédiation" in expected


def test_the_dashboard_counts_the_affiliates_members_and_open_invitations_only(
    client, northvale, southport, northvale_officer
):
    from tests.factories import InvitationFactory, member

    with scopes_disabled():
        member(northvale)
        member(southport)
        InvitationFactory(affiliate=northvale)
        InvitationFactory(affiliate=northvale, revoked_at=timezone.now())
        InvitationFactory(affiliate=southport)
        members = northvale.memberships.count()
    client.force_login(northvale_officer)
    context = client.get(dashboard(northvale)).context
    assert context["member_count"] == members
    assert context["pending_invitations"] == 1


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_latest_findings_are_the_three_newest_cards_of_the_findings_include(
    client, northvale, northvale_officer, language
):
    """The dashboard's latest findings are written by `finding_cards` (monitoring/
    templatetags/finding_cards.py) with its figures: the include's markup, with the factory
    and its link, newest first, three of them."""
    import re

    from django.template import engines
    from django.utils import translation

    def normalised(html: str) -> str:
        return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", html)).strip()

    with scopes_disabled():
        plant = FactoryFactory(name="Plant L")
        in_supply_chain(northvale, plant)
        now = timezone.now()
        findings = []
        for days in (4, 1, 3, 2):
            finding = published_finding(plant)
            Finding.objects.filter(pk=finding.pk).update(published_at=now - timedelta(days=days))
            findings.append(finding)
    northvale_officer.language = language
    northvale_officer.save(update_fields=["language"])
    client.force_login(northvale_officer)

    response = client.get(dashboard(northvale))

    newest = [findings[1].pk, findings[3].pk, findings[2].pk]
    with scopes_disabled():
        rows = {f.pk: f for f in Finding.objects.filter(pk__in=newest).with_display_relations()}
    shown = [rows[pk] for pk in newest]
    include = engines["django"].from_string(
        '{% for finding in findings %}{% include "monitoring/includes/published_finding.html"'
        " with show_factory=True %}{% endfor %}"
    )
    with translation.override(language):
        expected = include.render({"findings": shown, "affiliate": northvale})
    section = re.search(
        r'<section aria-labelledby="latest-findings-heading">.*?</h2>(.*?)</section>',
        response.content.decode(),
        re.S,
    )
    assert normalised(section.group(1)) == normalised(expected)
    assert plant.name in expected
