"""Issue 16, item 1: the confirmation pages pass axe in English and French, on a wide screen
and on a phone. (Publishing through the confirmation is driven end to end in
test_monitoring_report.py; merging in test_match_review.py.)"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django_scopes import scopes_disabled

from affiliates.models import Membership
from monitoring.models import MonitoringReport
from tests.browser.steps import WCAG, sign_in, without_second_factor
from tests.factories import MonitoringReportFactory, StaffFactory, member

WIDE = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 780}


def current_page_violations(page, *, impacts=None) -> list[str]:
    """What axe finds on the page as it is now (a confirmation answers a POST, so it cannot
    be opened by its address like `steps.violations` does)."""
    results = Axe().run(page, options=WCAG)
    return [
        f"{page.url}: {v['id']} ({v['impact']}) {v['help']}"
        for v in results.response["violations"]
        if impacts is None or v["impact"] in impacts
    ]


def _overflows(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


@pytest.mark.parametrize("language", ["en", "fr"])
def test_confirmation_pages_pass_axe_wide_and_on_a_phone(live_server, page, northvale, language):
    admin = member(
        northvale, Membership.Role.ADMIN, email="admin@northvale.example", language=language
    )
    officer = member(northvale, Membership.Role.OFFICER, email="officer@northvale.example")
    staff = StaffFactory(language=language)
    report = MonitoringReportFactory(status=MonitoringReport.Status.IN_TRIAGE)
    with scopes_disabled():
        officer_membership = Membership.objects.get(user=officer)
    pages = [
        (admin, f"/a/northvale/members/{officer_membership.pk}/remove/"),
        (staff, f"/staff/reports/{report.pk}/validate/"),
    ]
    found = []
    with without_second_factor(admin, staff):
        for user, path in pages:
            sign_in(page, live_server.url, user.email)
            for size in (WIDE, PHONE):
                page.set_viewport_size(size)
                page.goto(live_server.url + path)
                assert page.locator("html").get_attribute("lang") == language
                assert page.locator("form.confirm-form button.primary").is_visible()
                found += current_page_violations(page, impacts={"serious", "critical"})
                assert not _overflows(page), (path, size)
    assert found == []
    with scopes_disabled():
        assert Membership.objects.filter(pk=officer_membership.pk).exists()
    report.refresh_from_db()
    assert report.status == MonitoringReport.Status.IN_TRIAGE
