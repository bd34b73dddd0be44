"""A list page reads the read-model generation once (`core.views.ListView`): its capped
count and its filters' choices are entries of one generation, read with one query."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from tests.factories import RemediationCaseFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_list_page_reads_the_generation_token_once(client, settings, staff):
    settings.EW_READMODEL_CACHE = True
    with scopes_disabled():
        RemediationCaseFactory.create_batch(2)
    client.force_login(staff)
    url = reverse("remediation:staff_cases")

    for _ in range(2):  # computed, then read from the cache
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, {"status": "open"})
        assert response.status_code == 200
        tokens = [q for q in captured.captured_queries if "core_readmodel_generation" in q["sql"]]
        assert len(tokens) == 1
