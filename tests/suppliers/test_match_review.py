"""The review queue explains itself: both records side by side, the differing words marked,
the distance and a plan, the facts that matched, counts of the affiliates' lines; decisions
are kept and a pair decided different never comes back."""

import re
from datetime import UTC, datetime
from decimal import Decimal

from django_scopes import scopes_disabled

from suppliers.match_review import plan_svg, word_diff
from suppliers.matching import SiteInput, match_sites, normalise_name
from suppliers.models import FactoryMatchReview, FactoryMerge
from tests.factories import (
    ContractFactory,
    DisclosureFactory,
    DisclosureLineFactory,
    FactoryFactory,
    StaffFactory,
)


def _pair(**review_fields):
    new = FactoryFactory(
        name="Shenzhen Bright-Star Electronics Co., Ltd.",
        address="No. 12 Fuyuan Road, Fuyong Town, Bao'an District, Shenzhen 518103",
        country="CN",
        latitude=Decimal("22.676000"),
        longitude=Decimal("113.812000"),
    )
    known = FactoryFactory(
        name="Shenzhen Bright Star Electronics Company Limited",
        address="12 Fuyuan Road, Fuyong, Bao'an District, Shenzhen 518103",
        country="CN",
        latitude=Decimal("22.678000"),
        longitude=Decimal("113.813500"),
        os_id="CN2019123ABC4DEF",
        aliases=["Bright Star Fuyong Plant"],
    )
    fields = {
        "score": 0.62,
        "name_similarity": 0.71,
        "address_similarity": 0.83,
        "distance_m": 300,  # the page measures from the coordinates themselves
        "matched_facts": ["street_number", "postcode", "nearby"],
        **review_fields,
    }
    return FactoryMatchReview.objects.create(factory=new, candidate=known, **fields)


def _lines(affiliate, factory, count):
    disclosure = DisclosureFactory(contract=ContractFactory(affiliate=affiliate))
    DisclosureLineFactory.create_batch(count, disclosure=disclosure, factory=factory)


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_words_found_in_one_record_only_are_marked_case_and_punctuation_aside():
    left, right = word_diff(
        "Bright-Star Electronics CO., LTD", "Bright-Star electronics Co Limited"
    )
    assert [(s.text, s.differs) for s in left] == [
        ("Bright-Star Electronics CO.,", False),
        ("LTD", True),
    ]
    assert [(s.text, s.differs) for s in right] == [
        ("Bright-Star electronics Co", False),
        ("Limited", True),
    ]


def test_the_queue_shows_one_pair_side_by_side_with_why_and_where(client, northvale, southport):
    review = _pair()
    _lines(northvale, review.factory, 2)
    _lines(southport, review.candidate, 3)
    _lines(northvale, review.candidate, 1)
    FactoryMatchReview.objects.create(
        factory=FactoryFactory(), candidate=FactoryFactory(), score=0.5
    )
    client.force_login(StaffFactory())

    body = client.get("/staff/factory-matches/").content.decode()

    text = _text(body)
    assert "2 pairs waiting · this is pair 1 of 2" in text
    # Side by side, the words of one record only marked, with words for screen readers.
    assert '<mark><span class="visually-hidden">[differs: </span>No.<span' in body
    assert "[differs: Company Limited ]" in text
    assert "12 Fuyuan Road, Fuyong [differs: Town, ]" in text
    assert "CN2019123ABC4DEF" in body and "Bright Star Fuyong Plant" in body
    # Why: the similarities as percentages and the matched facts in words.
    assert "The names are 71% alike." in text
    assert "The addresses are 83% alike." in text
    assert "The postcodes are the same." in text
    assert "The coordinates are a few hundred metres apart or less." in text
    # Where: the distance from the coordinates, and both points on a plan with a scale.
    assert "Distance between the coordinates: 270 m." in text
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="plan" role="img"' in body
    assert "Record B lies 270 m north-east of record A." in body
    # Neutral labels: both records may come from one list.
    assert "Record A (newer)" in text and "Record B (older)" in text
    assert "newly disclosed" not in text and "known factory" not in text
    # Counts only: how many affiliates and lines, never which affiliates.
    assert "1 affiliate, 2 lines" in text
    assert "2 affiliates, 4 lines" in text
    assert northvale.name not in body and southport.name not in body
    # Buttons that work without JavaScript, shortcuts declared and shown.
    assert f'action="/staff/factory-matches/{review.pk}/"' in body
    assert 'aria-keyshortcuts="s"' in body and 'aria-keyshortcuts="d"' in body
    assert 'aria-keyshortcuts="k"' in body
    assert "Keyboard shortcuts: S same site, D different sites, K skip" in text
    assert "/static/js/match_review.js" in body


def test_the_plan_draws_a_scale_bar_and_needs_both_coordinates(db):
    review = _pair()
    plan = plan_svg(review.factory, review.candidate)
    assert '<g class="plan-scale">' in plan
    assert ">100 m</text>" in plan
    review.candidate.latitude = None
    assert plan_svg(review.factory, review.candidate) == ""


def test_skip_leads_to_the_next_pair_and_deciding_moves_on(client, db):
    first = _pair(score=0.7)
    second = FactoryMatchReview.objects.create(
        factory=FactoryFactory(), candidate=FactoryFactory(), score=0.6
    )
    client.force_login(StaffFactory())

    body = client.get(f"/staff/factory-matches/{first.pk}/").content.decode()
    assert f'href="/staff/factory-matches/{second.pk}/" aria-keyshortcuts="k"' in body
    response = client.post(f"/staff/factory-matches/{first.pk}/", {"decision": "different"})

    assert response.url == f"/staff/factory-matches/{second.pk}/"
    first.refresh_from_db()
    assert first.decision == "different"


def test_a_decision_without_a_choice_changes_nothing(client, db):
    review = _pair()
    client.force_login(StaffFactory())
    response = client.post(
        f"/staff/factory-matches/{review.pk}/", {"decision": "maybe"}, follow=True
    )
    assert "Choose “same site” or “different sites”." in response.content.decode()
    review.refresh_from_db()
    assert review.decision == "pending"


def test_decisions_are_listed_with_who_and_when(client, db):
    staff = StaffFactory(full_name="Rosa Reviewer")
    review = _pair()
    client.force_login(staff)
    client.post(f"/staff/factory-matches/{review.pk}/", {"decision": "different"})

    text = _text(client.get("/staff/factory-matches/decided/").content.decode())

    assert "Shenzhen Bright-Star Electronics Co., Ltd." in text
    assert "Different sites Rosa Reviewer" in text
    assert "Nothing to review." in _text(client.get("/staff/factory-matches/").content.decode())


def test_the_pick_list_links_to_each_pair(client, db):
    review = _pair()
    client.force_login(StaffFactory())
    body = client.get("/staff/factory-matches/waiting/").content.decode()
    assert f'href="/staff/factory-matches/{review.pk}/"' in body


def test_a_pair_decided_different_is_never_queued_again(client, db):
    review = _pair()
    # Names that differ after normalisation too (the pair above only differs in legal form
    # and punctuation, which the matcher takes for one site whatever staff decided).
    with scopes_disabled():
        candidate = review.candidate
        candidate.name = "Shenzhen Bright Star Precision Electronics Company Limited"
        candidate.name_key = normalise_name(candidate.name)
        candidate.save()
    client.force_login(StaffFactory())
    client.post(f"/staff/factory-matches/{review.pk}/", {"decision": "different"})

    sites = [
        SiteInput(
            name=f.name,
            address=f.address,
            country=f.country.code,
            latitude=f.latitude,
            longitude=f.longitude,
        )
        for f in (review.factory, review.candidate)
    ]
    first, second = match_sites(sites)
    first_again, second_again = match_sites(list(reversed(sites)))

    pair = {review.factory_id, review.candidate_id}
    assert first != second and {first, second} <= pair
    assert {first_again, second_again} == {first, second}
    assert not FactoryMatchReview.objects.filter(decision="pending").exists()
    with scopes_disabled():
        assert FactoryMatchReview.objects.get(pk=review.pk).decision == "different"


def test_why_says_each_thing_once_and_counts_in_proper_plurals(client, northvale):
    review = _pair(
        name_similarity=0.68,
        matched_facts=["name", "address", "postcode", "same_coordinates", "nearby"],
    )
    _lines(northvale, review.factory, 1)
    client.force_login(StaffFactory())

    text = _text(client.get(f"/staff/factory-matches/{review.pk}/").content.decode())

    why = text.split("Why they may be one site", 1)[1].split("Where they are", 1)[0]
    assert "The names are 68% alike." in why and "The addresses are 83% alike." in why
    assert "The names are alike." not in why and "The addresses are alike." not in why
    # Identical coordinates are said to prove little, and not also counted as "nearby".
    assert "exactly the same" in why
    assert "a few hundred metres apart" not in why
    assert "1 affiliate, 1 line " in text
    assert "0 affiliates, 0 lines" in text


def test_without_similarities_the_facts_say_the_names_are_alike(client, db):
    review = _pair(name_similarity=None, address_similarity=None, matched_facts=["name"])
    client.force_login(StaffFactory())
    text = _text(client.get(f"/staff/factory-matches/{review.pk}/").content.decode())
    assert "The names are alike." in text
    assert "% alike" not in text


def test_no_double_full_stop_after_a_name_or_a_date(client, db):
    # Times end the dates ("4 March 2026, 16:30"), never a full stop after them.
    staff = StaffFactory(full_name="Rosa Reviewer")
    review = _pair()
    with scopes_disabled():
        review.candidate.name = "Dongguan Ever-Bright Co., Ltd."
        review.candidate.save()
    client.force_login(staff)
    client.post(f"/staff/factory-matches/{review.pk}/", {"decision": "same", "confirmed": "1"})
    merge = FactoryMerge.objects.get()
    FactoryMerge.objects.filter(pk=merge.pk).update(
        merged_at=datetime(2026, 3, 4, 15, 30, tzinfo=UTC)
    )
    FactoryMatchReview.objects.filter(pk=review.pk).update(
        decided_at=datetime(2026, 3, 4, 15, 30, tzinfo=UTC)
    )

    pages = [
        f"/staff/factory-matches/{review.pk}/",
        f"/staff/factories/{review.factory_id}/",
        f"/staff/factory-merges/{merge.pk}/undo/",
    ]
    texts = [_text(client.get(url).content.decode()) for url in pages]
    assert "16:30" in texts[0] and "16:30" in texts[2]
    assert "Dongguan Ever-Bright Co., Ltd." in texts[1]
    for text in texts:
        assert ".." not in text.replace("...", ""), text
