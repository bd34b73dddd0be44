"""The case tables' rows written in Python (remediation/templatetags/case_rows.py) show what
the template's loop wrote, for staff, partners and affiliates (joined or not), in English and
French; the partner's list keeps its query budget."""

import re
from pathlib import Path

import pytest
from django.template import engines
from django.utils import translation

from remediation.models import CaseStatus
from tests.factories import FactoryFactory, RemediationCaseFactory

pytestmark = pytest.mark.django_db

# remediation/includes/case_table.html before its rows were written by `case_rows`.
OLD_TABLE = (Path(__file__).parent / "case_table_before.html").read_text()


def _normalised(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", html)).strip()


def _cases():
    plain = RemediationCaseFactory(
        title="Wages <unpaid> & “late”", factory=FactoryFactory(name="Ateliers d'Été & Co")
    )
    urgent = RemediationCaseFactory(status=CaseStatus.IN_PROGRESS)
    urgent.fast_track = True
    cases = [plain, urgent]
    for n, case in enumerate(cases):
        case.action_count, case.overdue_count, case.joined = 1200 + n, n * 1500, bool(n)
    return cases


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("case_url", ["staff", "partner", "affiliate"])
def test_the_case_rows_are_the_templates(language, case_url):
    django = engines["django"]
    context = {"case_url": case_url, "affiliate": {"slug": "northvale"}}
    for cases in (_cases(), []):
        with translation.override(language):
            before = django.from_string(OLD_TABLE).render({**context, "cases": cases})
            after = django.get_template("remediation/includes/case_table.html").render(
                {**context, "cases": cases}
            )
        assert _normalised(after) == _normalised(before)
        assert "&lt;unpaid&gt;" in after or not cases
