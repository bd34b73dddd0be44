"""Candidate blocking (issue 18): the factories' blocking keys stay exactly what their names
make, whatever writes the factory, and a site is compared with the factories sharing a rare
key; names of common words only are still found, by trigrams."""

from django.db import connection

from suppliers import matching, services
from suppliers.matching import SiteInput, match_sites, match_sites_with_counts
from suppliers.models import Factory, FactoryMatchKey, FactoryMatchKeyCount, FactoryMerge
from tests.factories import FactoryFactory, StaffFactory

CORES = ["Lixin", "Taimei", "Fengyu", "Jiakang", "Weisheng", "Meili"]


def _keys(country, name_key, probe=False) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT suppliers_match_keys(%s, %s, %s)", [country, name_key, probe])
        return {row[0] for row in cursor.fetchall()}


def _stored() -> set[tuple[str, int]]:
    return set(FactoryMatchKey.objects.values_list("key", "factory_id"))


def _recomputed() -> set[tuple[str, int]]:
    """What the names make now: the definition the trigger keeps the table to."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT k, f.id FROM suppliers_factory f, suppliers_match_keys(f.country, f.name_key) k"
        )
        return set(cursor.fetchall())


def _assert_exact() -> None:
    """The key table and the counts of each key are what the names make now."""
    stored = _stored()
    assert stored == _recomputed()
    counts: dict[str, int] = {}
    for key, _factory in stored:
        counts[key] = counts.get(key, 0) + 1
    assert dict(FactoryMatchKeyCount.objects.values_list("key", "factories")) == counts


def test_a_name_makes_word_joined_and_half_word_keys_of_its_country(db):
    assert _keys("CN", "shenzhen hongda manufacturing") == {
        "CN:shenzhen",
        "CN:hongda",
        "CN:shenzhenhongda",
        "CN:<8:shen",
        "CN:>8:zhen",
        "CN:<6:hon",
        "CN:>6:gda",
    }
    assert _keys("CN", "trading group") == set()  # generic words make no key
    # "Bai Na" meets "Baina"; a typo leaves half of the word; another country meets nothing.
    assert _keys("CN", "bai na shoes") & _keys("CN", "baina shoes", probe=True)
    assert _keys("CN", "hongda") & _keys("CN", "hogda", probe=True) == {"CN:>6:gda"}
    assert "CN:<6:hon" in _keys("CN", "hongda") & _keys("CN", "honngda", probe=True)
    assert not _keys("VN", "hongda") & _keys("CN", "hongda", probe=True)


def test_the_keys_follow_every_write_of_a_factory(db):
    staff = StaffFactory()
    made = FactoryFactory(name="Hongda Precision Plastic Mould Co., Ltd.", country="CN")
    matched = match_sites(  # the matcher's own bulk insert
        [SiteInput(name="Xinfeng Battery Ltd", address="No. 8 Harbour Road", country="VN")]
    )
    _assert_exact()
    assert {factory for _key, factory in _stored()} == {made.pk, *matched}

    made.name, made.name_key, made.country = "Kangli Magnetics", "kangli magnetics", "TH"
    made.save()  # an edit (the admin sets the keys so)
    Factory.objects.filter(pk=matched[0]).update(name_key="xinfeng new energy")
    _assert_exact()
    assert ("TH:kangli", made.pk) in _stored()
    assert not any(key.startswith("CN:") for key, _factory in _stored())

    twin = FactoryFactory(name="Kangli Magnetic", country="TH")
    services.factory_merge(source=twin, target=made, by=staff)
    _assert_exact()  # a merged record keeps its keys: it is searched too
    services.factory_unmerge(merge=FactoryMerge.objects.get(), by=staff)
    _assert_exact()

    Factory.objects.filter(pk=twin.pk).delete()
    _assert_exact()
    assert twin.pk not in {factory for _key, factory in _stored()}


def test_a_typo_in_the_rare_word_is_found_among_many_names_of_common_words(db, monkeypatch):
    for core in CORES[:6]:
        FactoryFactory(name=f"Shenzhen {core} Precision Electronics Co., Ltd.", country="CN")
    known = FactoryFactory(
        name="Shenzhen Hongda Precision Electronics Co., Ltd.",
        address="No. 12 Riverside Road, Longhua, Shenzhen",
        country="CN",
    )
    # Every word but "hongda" is held by more factories than a key may be.
    monkeypatch.setattr(matching, "BLOCK_KEY_MAX_FACTORIES", 3)
    searched_by_trigrams = []
    monkeypatch.setattr(matching, "_match_similar", searched_by_trigrams.append)
    result = match_sites_with_counts(
        [
            SiteInput(
                name="Shenzhen Hogda Precision Electronic Co Ltd",
                address="No.12 Riverside Rd, Longhua, Shenzhen",
                country="CN",
            )
        ]
    )
    assert result.factory_ids == [known.pk]
    assert searched_by_trigrams == []


def test_a_name_of_common_words_only_is_found_by_its_two_rarest_words(db, monkeypatch):
    for core in CORES[:5]:
        FactoryFactory(name=f"Shenzhen {core} Precision Electronics Co., Ltd.", country="CN")
    FactoryFactory(name="Shenzhen Precision Plastics Co., Ltd.", country="CN")
    known = FactoryFactory(
        name="Shenzhen Precision Electronics Co., Ltd.",
        address="No. 5 Industrial Road, Longhua, Shenzhen",
        country="CN",
    )
    site = SiteInput(
        name="Shenzen Precision Electronics Limited",
        address="No.5 Industrial Rd, Longhua, Shenzhen",
        country="CN",
    )
    monkeypatch.setattr(matching, "BLOCK_KEY_MAX_FACTORIES", 3)
    searched_by_trigrams = []
    monkeypatch.setattr(matching, "_match_similar", searched_by_trigrams.append)
    assert matching._rarest_words(
        _group(site), {"CN:precision": 7, "CN:electronics": 6, "CN:<8:shen": 7}
    ) == [["CN:electronics"], ["CN:<8:shen"]]
    assert match_sites_with_counts([site]).factory_ids == [known.pk]
    assert searched_by_trigrams == []


def test_a_name_of_words_too_common_even_for_that_is_searched_by_trigrams(db, monkeypatch):
    for core in CORES[:5]:
        FactoryFactory(name=f"Shenzhen {core} Precision Electronics Co., Ltd.", country="CN")
    known = FactoryFactory(
        name="Shenzhen Precision Electronics Co., Ltd.",
        address="No. 5 Industrial Road, Longhua, Shenzhen",
        country="CN",
    )
    monkeypatch.setattr(matching, "BLOCK_KEY_MAX_FACTORIES", 3)
    monkeypatch.setattr(matching, "FALLBACK_WORD_FACTORIES", 5)
    searched = []
    trigrams = matching._match_similar
    monkeypatch.setattr(
        matching, "_match_similar", lambda chunk: (searched.extend(chunk), trigrams(chunk))
    )
    result = match_sites_with_counts(
        [
            SiteInput(
                name="Shenzen Precision Electronics Limited",
                address="No.5 Industrial Rd, Longhua, Shenzhen",
                country="CN",
            )
        ]
    )
    assert result.factory_ids == [known.pk]
    assert [g.name_key for g in searched] == ["shenzen precision electronics"]


def _group(site: SiteInput) -> matching._Group:
    groups, _order = matching._group_inputs([site])
    return groups[0]


def test_matching_one_new_site_takes_a_handful_of_queries(db, django_assert_max_num_queries):
    FactoryFactory.create_batch(20, country="CN")
    with django_assert_max_num_queries(10):
        match_sites([SiteInput(name="Zhangbei Camera Module Co., Ltd.", address="", country="CN")])
