"""The staff queue's filters say how many grievances each choice holds (QA of issue 16)."""

import re

import pytest

from grievances import services
from tests.factories import StaffFactory
from tests.grievances.conftest import submit

pytestmark = pytest.mark.django_db


def _options(page: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return [" ".join(text.split()) for text in re.findall(r"<option[^>]*>(.*?)</option>", select)]


def test_status_and_assignee_choices_carry_counts(client, staff):
    erin = StaffFactory(full_name="Erin Walsh")
    StaffFactory(full_name="Idle Colleague")
    first, _ = submit()
    submit()
    closed, _ = submit()
    services.grievance_assign(grievance=first, assignee=erin, by=staff)
    services.grievance_acknowledge(grievance=closed, by=staff)
    services.grievance_close(grievance=closed, feedback="Your passport was returned.", by=staff)
    client.force_login(staff)
    page = client.get("/staff/grievances/").content.decode()
    status = _options(page, "status")
    assert status[:2] == ["Open (2)", "All (3)"]
    assert "Closed with feedback (1)" in status and not any(
        option.endswith("(0)") for option in status
    )
    assert _options(page, "assignee") == ["Anyone", "Nobody (2)", "Erin Walsh (1)"]


def test_over_the_count_limit_the_choices_have_no_counts_rather_than_wrong_ones(
    client, staff, settings
):
    settings.EW_FILTER_COUNT_LIMIT = 2
    erin = StaffFactory(full_name="Erin Walsh")
    first, _ = submit()
    submit()
    submit()
    services.grievance_assign(grievance=first, assignee=erin, by=staff)
    client.force_login(staff)
    page = client.get("/staff/grievances/").content.decode()
    status = _options(page, "status")
    assert status[:2] == ["Open", "All"]
    assert not any("(" in option for option in status)
    assert "Closed with feedback" in status  # every status: which ones are held is not known
    assignees = _options(page, "assignee")
    assert assignees[:2] == ["Anyone", "Nobody"] and "Erin Walsh" in assignees


def test_the_queues_page_with_the_shared_pager(client, staff, settings, monkeypatch):
    """Pages of the staff queue and of a partner's list come from the shared pager: counts
    that stop at the limit, a last page read from the end; the filters stay in the links."""
    from grievances import views
    from tests.factories import MonitoringPartnerFactory, PartnerMemberFactory

    monkeypatch.setattr(views, "QUEUE_PAGE_SIZE", 2)
    settings.EW_LIST_COUNT_LIMIT = 3
    partner = MonitoringPartnerFactory()
    for _i in range(5):
        submit(partner=partner)
    client.force_login(staff)
    first = client.get("/staff/grievances/?status=all").content.decode()
    assert "Page 1 of more than 2" in first
    assert "page=-1" in first and "status=all" in first.split("page=-1")[0].rsplit('"', 1)[-1]
    last = client.get("/staff/grievances/?status=all&page=-1")
    assert last.status_code == 200
    assert "Last page" in last.content.decode()
    # Counted from the end: the last two of the five, in the queue's order.
    rows = last.context["page_obj"].paginator.object_list
    assert list(last.context["grievances"]) == list(rows)[3:]
    assert client.get("/staff/grievances/?page=nonsense").status_code == 200

    settings.EW_LIST_COUNT_LIMIT = 100
    client.force_login(PartnerMemberFactory(partner=partner))
    listed = client.get("/partner/grievances/?page=3")
    assert listed.status_code == 200
    assert "Page 3 of 3" in listed.content.decode()
    assert [g.pk for g in listed.context["grievances"]] == [
        min(g.pk for g in listed.context["page_obj"].paginator.object_list)
    ]
