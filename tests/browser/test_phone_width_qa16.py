"""Issue 16 QA: pages whose wide tables widened a 360 px phone's page. The tables scroll in
their own box (staff's single sign-on providers; the migrant cohort form's agencies and fees,
whose fieldsets would otherwise grow to the table's width), and the page stays 360 px wide."""

import pytest
from django_scopes import scopes_disabled

from affiliates.models import SingleSignOn
from affiliates.sso import sso_save
from monitoring.models import MonitoringReport
from tests.browser.steps import sign_in, violations, without_second_factor
from tests.factories import MonitoringReportFactory, PartnerMemberFactory, StaffFactory

PHONE = {"width": 360, "height": 740}
SERIOUS = {"serious", "critical"}


def _page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.parametrize("language", ["en", "fr"])
def test_wide_tables_scroll_in_their_box_on_a_phone(live_server, page, northvale, language):
    staff = StaffFactory(language=language)
    partner = PartnerMemberFactory(language=language)
    sso_save(
        affiliate=northvale,
        protocol=SingleSignOn.Protocol.OIDC,
        domains=["northvale.example", "procurement.northvale-region.example"],
        server_url="https://idp.northvale.example",
        client_id="ewatch",
        client_secret="secret",
    )
    with scopes_disabled():
        report = MonitoringReportFactory(
            partner=partner.partner_membership.partner, status=MonitoringReport.Status.DRAFT
        )
    page.set_viewport_size(PHONE)
    found, too_wide = [], {}
    with without_second_factor(staff, partner):
        for user, path, boxes in (
            (staff, "/staff/sso/", 1),
            (partner, f"/partner/reports/{report.pk}/cohorts/new/", 2),
        ):
            sign_in(page, live_server.url, user.email)
            found += violations(page, live_server.url + path, impacts=SERIOUS, page_itself=True)
            if _page_width(page) > PHONE["width"]:
                too_wide[path] = _page_width(page)
            assert page.locator(".table-scroll[role=region][tabindex='0'] > table").count() == boxes
    assert too_wide == {}
    assert found == []
