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
