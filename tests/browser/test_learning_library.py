"""The guidance library in a browser: an officer reading in French finds a contract clause by
searching with or without accents and opens it; axe finds no WCAG violation on the library's
pages, in English and in French."""

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from affiliates.models import Membership
from learning.models import ResourceKind
from tests.browser.steps import sign_in, violations
from tests.factories import (
    ResourceVersionFactory,
    StaffFactory,
    TopicFactory,
    library_resource,
    member,
)

CLAUSE_FR = "Conditions contractuelles d'Electronics Watch : remédiation des manquements"


def _clause():
    topic = TopicFactory(slug="remediation", name_en="Remediation", name_fr="Remédiation")
    clause = library_resource(
        kind=ResourceKind.CONTRACT_CLAUSE,
        topics=[topic],
        stages=["contract_management"],
        title="Electronics Watch Contract Conditions: remediation of breaches",
        summary="What the contractor must do when monitoring finds a breach.",
        body="Where a breach is found, the Contractor shall agree a remediation plan.",
    )
    ResourceVersionFactory(
        resource=clause,
        number=2,
        title="Electronics Watch Contract Conditions: remediation of breaches",
        body="Where a breach is found, the Contractor shall agree a time-bound remediation "
        "plan and compensate workers.",
        change_note="Time-bound plan and compensation.",
    )
    ResourceVersionFactory(
        resource=clause,
        language="fr",
        title=CLAUSE_FR,
        summary="Ce que le titulaire doit faire lorsque le monitoring constate un manquement.",
        body="En cas de **défaillance** constatée, le Titulaire convient d'un plan de remédiation.",
    )
    library_resource(title="Supply-chain mapping", body="Ask for the production sites.")
    return clause


@pytest.mark.parametrize("query", ["défaillance", "defaillance"])
def test_officer_finds_a_clause_by_searching_in_french(live_server, page, northvale, query):
    officer = member(northvale, Membership.Role.OFFICER, language="fr")
    clause = _clause()
    sign_in(page, live_server.url, officer.email)
    page.goto(live_server.url + "/learn/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.locator("#id_q").fill(query)
    page.locator("#id_q").press("Enter")
    results = page.locator("ol.results > li")
    expect(results).to_have_count(1)
    expect(results.first.locator("mark").first).to_have_text("défaillance")
    results.first.get_by_role("link", name=CLAUSE_FR).click()
    expect(page).to_have_url(f"{live_server.url}/learn/resources/{clause.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(CLAUSE_FR)
    expect(page.locator("section.resource-body strong")).to_have_text("défaillance")


@pytest.mark.parametrize("language", ["en", "fr"])
def test_library_pages_have_no_wcag_violation(live_server, page, northvale, language):
    officer = member(northvale, Membership.Role.OFFICER, language=language)
    clause = _clause()
    first, second = clause.versions.filter(language="en").order_by("number")
    base = live_server.url
    sign_in(page, base, officer.email)
    found = []
    for url in (
        "/learn/",
        "/learn/?q=remediation&kind=contract_clause",
        f"/learn/resources/{clause.pk}/",
        f"/learn/resources/{clause.pk}/compare/",
        f"/learn/resources/{clause.pk}/compare/?from={first.pk}&to={second.pk}",
        "/learn/bookmarks/",
    ):
        found += violations(page, base + url)
    staff = StaffFactory(email="editor@ewatch.example", language=language, totp=False)
    with override_settings(EW_MFA_REQUIRED=False):
        sign_in(page, base, staff.email)
        for url in (
            "/learn/new/",
            f"/learn/resources/{clause.pk}/",
            f"/learn/resources/{clause.pk}/edit/",
            f"/learn/resources/{clause.pk}/versions/new/",
            "/learn/topics/",
        ):
            found += violations(page, base + url)
    assert found == []
