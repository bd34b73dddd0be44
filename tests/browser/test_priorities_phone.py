"""Where to act first on a phone (375 px): the ranked factories read without scrolling
sideways, the page's or the table's, each row a block with the column names as labels, and
it stays a table for screen readers (its rows, column headers and cells), at every width."""

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from affiliates.models import Membership
from tests.browser.steps import sign_in, violations
from tests.factories import FactoryFactory, in_supply_chain, member, published_finding

PHONE = {"width": 375, "height": 812}
WIDE = {"width": 1280, "height": 900}
PAGE_WIDTH = "document.documentElement.scrollWidth"
SCROLLS = "box => box.scrollWidth > box.clientWidth"


def _ranked(northvale):
    """Long names and long reasons: what widened the page."""
    for n, severity in enumerate(("critical", "high", "medium")):
        factory = FactoryFactory(
            name=f"Ayutthaya Precision Parts Manufacturing Company Limited {n}", country="TH"
        )
        published_finding(
            factory, severity=severity, ilo_indicators=["documents", "debt", "overtime"]
        )
        with scopes_disabled():
            in_supply_chain(northvale, factory)


def _table_semantics(page) -> dict:
    caption = page.locator("main table caption").text_content().strip()
    table = page.get_by_role("table", name=caption)  # named by its caption, in any language
    expect(table).to_have_count(1)
    return {
        "columns": table.get_by_role("columnheader").all_text_contents(),
        "rows": table.get_by_role("row").count(),
        "cells": table.get_by_role("cell").count(),
    }


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_priorities_fit_a_phone_and_stay_a_table(live_server, page, northvale, language):
    officer = member(
        northvale, Membership.Role.OFFICER, email="officer@northvale.example", language=language
    )
    _ranked(northvale)
    sign_in(page, live_server.url, officer.email)
    url = live_server.url + "/a/northvale/priorities/"

    page.set_viewport_size(WIDE)
    page.goto(url)
    wide = _table_semantics(page)
    assert len(wide["columns"]) == 4 and wide["rows"] == 4 and wide["cells"] == 12

    page.set_viewport_size(PHONE)
    found = violations(page, url, impacts={"serious", "critical"})
    assert page.evaluate(PAGE_WIDTH) <= PHONE["width"]
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
    box = page.locator("main .table-scroll").first
    assert not box.evaluate(SCROLLS), "the table scrolls sideways in its box"
    assert _table_semantics(page) == wide
    # Each factory is a block: its cells stacked, each labelled with its column's name.
    first_row = page.locator("tbody tr").first
    cells = first_row.locator("td")
    tops = [cells.nth(i).bounding_box()["y"] for i in range(cells.count())]
    assert tops == sorted(tops) and len(set(tops)) == len(tops)
    labels = cells.evaluate_all(
        "cells => cells.map(c => getComputedStyle(c, '::before').content.split(' / ')[0])"
    )
    assert labels == [f'"{name}"' for name in wide["columns"]]
    assert found == []
