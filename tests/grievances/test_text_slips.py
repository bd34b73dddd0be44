"""Text slips found by the QA of issue 16: a name ending in a full stop followed by another,
a space before a closing bracket, the same name twice in the grievance history."""

import pytest
from django_scopes import scopes_disabled

from monitoring.models import MonitoringReport
from tests.core.test_export_columns import _page_text
from tests.factories import (
    FactoryFactory,
    FindingFactory,
    MonitoringReportFactory,
    PartnerMemberFactory,
    StaffFactory,
)
from tests.grievances.conftest import submit

pytestmark = pytest.mark.django_db


def test_the_submit_confirmation_never_doubles_the_full_stop_of_a_company_name(client):
    partner = PartnerMemberFactory()
    with scopes_disabled():
        draft = MonitoringReportFactory(
            partner=partner.partner_membership.partner,
            status=MonitoringReport.Status.DRAFT,
            factory=FactoryFactory(name="Brno Server Assembly s.r.o."),
        )
        FindingFactory(report=draft)
    client.force_login(partner)
    text = _page_text(client.get(f"/partner/reports/{draft.pk}/submit/"))
    assert "Brno Server Assembly s.r.o." in text
    assert "s.r.o.." not in text


def test_the_grievance_page_has_no_stray_space_and_names_the_assignee_once(client, staff):
    colleague = StaffFactory(full_name="Erin Walsh")
    with scopes_disabled():
        grievance, _ = submit()
    client.force_login(colleague)
    client.post(f"/staff/grievances/{grievance.pk}/assign/", {"assignee": colleague.pk})
    client.force_login(staff)
    client.post(f"/staff/grievances/{grievance.pk}/assign/", {"assignee": colleague.pk})
    text = _page_text(client.get(f"/staff/grievances/{grievance.pk}/"))
    assert " )" not in text
    assert "day left)" in text or "days left)" in text
    assert f"Assigned — {colleague} (to themselves)" in text
    assert f"Assigned — {staff} (to {colleague})" in text
    assert f"({colleague})" not in text
