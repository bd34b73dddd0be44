"""A staff member works through the review queue with the keyboard; the queue, the decided
list and the undo of a merge have no WCAG violation (axe)."""

import re
from decimal import Decimal

from suppliers.models import FactoryMatchReview, FactoryMerge
from tests.browser.steps import sign_in, violations, without_second_factor
from tests.browser.test_confirm import current_page_violations
from tests.factories import FactoryFactory, StaffFactory


def _review(name, score, **fields):
    new = FactoryFactory(
        name=f"{name} Co., Ltd.",
        address="88 Moo 4, Rojana Industrial Park, Uthai, Ayutthaya 13210",
        latitude=Decimal("14.361000"),
        longitude=Decimal("100.642000"),
    )
    known = FactoryFactory(
        name=f"{name} Company Limited",
        address="88 Moo 4 Rojana Industrial Park, Ayutthaya 13210",
        latitude=Decimal("14.362500"),
        longitude=Decimal("100.643000"),
    )
    return FactoryMatchReview.objects.create(
        factory=new,
        candidate=known,
        score=score,
        name_similarity=0.8,
        address_similarity=0.9,
        matched_facts=["street_number", "postcode", "nearby"],
        **fields,
    )


def test_staff_reviews_queued_pairs_with_the_keyboard(live_server, page, db):
    staff = StaffFactory()
    first = _review("Siam Circuit", 0.7)
    second = _review("Chao Phraya Cables", 0.6)
    queue = live_server.url + "/staff/factory-matches/"
    with without_second_factor(staff):
        sign_in(page, live_server.url, staff.email)
        found = violations(page, queue, page_itself=True)
        assert page.get_by_text("this is pair 1 of 2").is_visible()

        # Typing in a field is not a decision.
        page.get_by_label("Language").focus()
        page.keyboard.press("d")
        page.wait_for_timeout(300)
        assert page.url == queue

        page.locator("main h1").click()
        with page.expect_navigation():
            page.keyboard.press("d")
        assert page.url == f"{live_server.url}/staff/factory-matches/{second.pk}/"
        assert page.get_by_text("Kept apart").is_visible()
        found += violations(page, page.url)  # after a decision: the message, the next pair

        with page.expect_navigation():
            page.keyboard.press("s")
        # "Same site" asks first, showing both records side by side.
        assert page.get_by_role(
            "heading", name="Merge these two records into one site?"
        ).is_visible()
        assert page.get_by_text("Chao Phraya Cables").first.is_visible()
        assert not FactoryMerge.objects.exists()
        found += current_page_violations(page)
        page.get_by_role("button", name="Merge into one site").click()
        page.wait_for_load_state()
        assert page.get_by_text("Merged:").is_visible()
        assert page.get_by_role("button", name="Undo").is_visible()
        assert page.get_by_text("Nothing to review.").is_visible()

        found += violations(page, live_server.url + "/staff/factory-matches/decided/")
        merge = FactoryMerge.objects.get()
        found += violations(page, f"{live_server.url}/staff/factories/{merge.target_id}/")
        found += violations(page, f"{live_server.url}/staff/factory-merges/{merge.pk}/undo/")
        page.get_by_role("button", name="Undo this merge").click()
        page.wait_for_load_state()
        assert re.search(r"Merge undone", page.content())

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.decision, first.decided_by) == ("different", staff)
    # Deciding "same" merged the pair; undoing the merge recorded it as two sites.
    assert second.decision == "different"
    merge.refresh_from_db()
    assert (merge.source_id, merge.undone_by) == (second.factory_id, staff)
    assert found == []
