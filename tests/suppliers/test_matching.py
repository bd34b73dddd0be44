from decimal import Decimal

from suppliers import matching, services
from suppliers.matching import SiteInput, match_sites, match_sites_with_counts
from suppliers.models import Factory, FactoryMatchReview, FactoryMerge
from tests.factories import FactoryFactory, StaffFactory

PRECISION = "Shenzhen Precision Electronics Co., Ltd."
PRECISION_ADDRESS = "No. 5 Industrial Road, Longhua, Shenzhen"


def _site(name=PRECISION, address=PRECISION_ADDRESS, country="CN", **fields):
    return SiteInput(name=name, address=address, country=country, **fields)


def test_legal_suffixes_and_punctuation_do_not_make_another_factory(db):
    known = FactoryFactory(name=PRECISION, address=PRECISION_ADDRESS, country="CN")
    ids = match_sites(
        [
            _site("Shenzhen Precision Electronics Co. Limited", "No 5, Industrial Road Longhua,"),
            _site("SHENZHEN PRECISION ELECTRONICS LTD LTD", "no. 5 industrial road, longhua"),
        ]
    )
    assert ids == [known.pk, known.pk]
    assert Factory.objects.count() == 1


def test_a_close_spelling_is_linked_without_review(db):
    known = FactoryFactory(name=PRECISION, address=PRECISION_ADDRESS, country="CN")
    result = match_sites_with_counts(
        [_site("Shenzen Precision Electronic Co. Ltd", "No.5 Industrial Rd, Longhua, Shenzhen")]
    )
    assert result.factory_ids == [known.pk]
    assert (result.factories_created, result.reviews_created) == (0, 0)


def test_a_moderately_similar_site_is_new_and_flagged_for_staff(db):
    known = FactoryFactory(name=PRECISION, address=PRECISION_ADDRESS, country="CN")
    result = match_sites_with_counts(
        [_site("Shenzhen Precision Plastics Co., Ltd.", "No. 9 Industrial Road, Longhua, Shenzhen")]
    )
    (new_id,) = result.factory_ids
    assert new_id != known.pk
    review = FactoryMatchReview.objects.get()
    assert (review.factory_id, review.candidate_id, review.decision) == (
        new_id,
        known.pk,
        "pending",
    )
    assert 0.45 <= review.score < 0.75
    assert (result.factories_created, result.reviews_created) == (1, 1)


def test_the_same_name_in_another_country_is_another_factory(db):
    known = FactoryFactory(name=PRECISION, address=PRECISION_ADDRESS, country="CN")
    (new_id,) = match_sites([_site(country="VN")])
    assert new_id != known.pk
    assert Factory.objects.get(pk=new_id).country.code == "VN"
    assert not FactoryMatchReview.objects.exists()


def test_sites_sharing_a_placeholder_address_stay_apart_when_names_differ(db):
    fashions = FactoryFactory(
        name="AKH Fashions Ltd Ltd", address="Savar Dhaka 1340 Bangladesh", country="BD"
    )
    shirts, angshuk = match_sites(
        [
            _site("AKH Shirts Ltd. Ltd", "Savar Dhaka 1340 Bangladesh", "BD"),
            _site("Angshuk Limited Ltd.", "Savar Dhaka 1340 Bangladesh", "BD"),
        ]
    )
    assert len({fashions.pk, shirts, angshuk}) == 3


def test_an_open_supply_hub_id_wins_over_the_name(db):
    known = FactoryFactory(name="Lotus Bay Longhua Campus", os_id="CN2019303BQ3FZP", country="CN")
    FactoryFactory(name=PRECISION, address=PRECISION_ADDRESS, country="CN")
    assert match_sites([_site(os_id="CN2019303BQ3FZP")]) == [known.pk]


def test_a_merged_factory_is_never_linked_its_os_id_and_keys_lead_to_the_one_kept(db):
    kept = FactoryFactory(name="Precision Longhua Campus", country="CN")
    FactoryFactory(
        name=PRECISION,
        address=PRECISION_ADDRESS,
        country="CN",
        os_id="CN2019303BQ3FZP",
        merged_into=kept,
    )
    assert match_sites([_site(os_id="CN2019303BQ3FZP")]) == [kept.pk]
    assert match_sites([_site()]) == [kept.pk]
    assert Factory.objects.count() == 2


JEANS_KNIT = {"address": "Plot 12-14, BSCIC Industrial Estate, Kashimpur, Gazipur", "country": "BD"}


def _jeans_knit_units():
    unit3 = FactoryFactory(name="Jeans Knit Private Ltd Unit 3", **JEANS_KNIT)
    unit4 = FactoryFactory(name="Jeans Knit Private Ltd Unit 4", **JEANS_KNIT)
    return unit3, unit4


def test_a_list_imported_again_after_a_merge_does_not_bring_the_merged_record_back(db):
    unit3, unit4 = _jeans_knit_units()
    services.factory_merge(source=unit4, target=unit3, by=StaffFactory())

    again = match_sites_with_counts(
        [
            SiteInput(name=unit3.name, **JEANS_KNIT),
            SiteInput(name=unit4.name, **JEANS_KNIT),
            # Written a little differently: found by similarity, still the record kept.
            SiteInput(name="Jeans Knitt Pvt. Ltd. Unit-4", **JEANS_KNIT),
        ]
    )

    assert again.factory_ids == [unit3.pk] * 3
    assert (again.factories_created, again.reviews_created) == (0, 0)
    assert Factory.objects.count() == 2
    assert not FactoryMatchReview.objects.filter(decision="pending").exists()


def test_after_an_unmerge_each_record_is_matched_to_itself_again(db):
    unit3, unit4 = _jeans_knit_units()
    staff = StaffFactory()
    services.factory_merge(source=unit4, target=unit3, by=staff)
    services.factory_unmerge(merge=FactoryMerge.objects.get(), by=staff)

    again = match_sites_with_counts(
        [SiteInput(name=unit4.name, **JEANS_KNIT), SiteInput(name=unit3.name, **JEANS_KNIT)]
    )

    assert again.factory_ids == [unit4.pk, unit3.pk]
    assert (again.factories_created, again.reviews_created) == (0, 0)
    assert not FactoryMatchReview.objects.filter(decision="pending").exists()


def test_a_merge_chain_leads_to_its_end_and_an_os_id_keeps_apart(db):
    first, second = _jeans_knit_units()
    last = FactoryFactory(name="Jeans Knit Composite", os_id="BD2020101AAAAAA", **JEANS_KNIT)
    # Written directly (a merge flattens chains): the matcher follows one to its end.
    Factory.objects.filter(pk=first.pk).update(merged_into=second)
    Factory.objects.filter(pk=second.pk).update(merged_into=last)

    assert match_sites([SiteInput(name=first.name, **JEANS_KNIT)]) == [last.pk]
    (other,) = match_sites([SiteInput(name=first.name, os_id="BD2021101BBBBBB", **JEANS_KNIT)])
    assert other not in {first.pk, second.pk, last.pk}


def test_identical_sites_in_one_call_become_one_new_factory(db):
    sites = [_site(), _site("Shenzhen Precision Electronics Limited"), _site(country="cn")]
    result = match_sites_with_counts(sites)
    assert len(set(result.factory_ids)) == 1
    assert result.factories_created == 1


def test_new_factories_keep_what_was_disclosed_and_their_match_keys(db):
    (pk,) = match_sites(
        [
            _site(
                region="Guangdong",
                os_id="CN2019303BQ3FZP",
                function="component",
                latitude=Decimal("22.657300"),
                longitude=Decimal("114.029500"),
            )
        ]
    )
    factory = Factory.objects.get(pk=pk)
    assert (factory.name, factory.address, factory.country.code) == (
        PRECISION,
        PRECISION_ADDRESS,
        "CN",
    )
    assert (factory.region, factory.os_id, factory.function, factory.sector) == (
        "Guangdong",
        "CN2019303BQ3FZP",
        "component",
        "ict",
    )
    assert factory.latitude == Decimal("22.657300")
    assert (factory.name_key, factory.address_key) == (
        "shenzhen precision electronics",
        "5 industrial road longhua shenzhen",
    )


def test_thousands_of_sites_are_matched_in_a_handful_of_queries(
    db, django_assert_max_num_queries, monkeypatch
):
    monkeypatch.setattr(matching, "SEARCH_CONNECTIONS", 1)  # every query on this connection
    FactoryFactory.create_batch(20, country="TH")
    sites = [
        _site(f"Ayutthaya Components Plant {n}", f"{n} Rojana Road, Ayutthaya", "TH")
        for n in range(2500)
    ]
    # Per thousand distinct sites: exact keys, similarity, insert; and a few fixed ones.
    with django_assert_max_num_queries(16):
        ids = match_sites(sites + sites)
    assert ids[:2500] == ids[2500:]
    assert len(set(ids)) == 2500


def test_searching_on_several_connections_finds_the_same_matches(transactional_db, monkeypatch):
    monkeypatch.setattr(matching, "CHUNK_SIZE", 2)  # three chunks, shared by two connections
    known = FactoryFactory(name=PRECISION, address=PRECISION_ADDRESS, country="CN")
    sites = [_site(f"Plant {n} Components", f"{n} Rojana Road, Ayutthaya", "TH") for n in range(4)]
    typo = _site("Shenzen Precision Electronic Co. Ltd", "No.5 Industrial Rd, Longhua, Shenzhen")
    result = match_sites_with_counts([*sites, typo])
    assert result.factory_ids[-1] == known.pk
    assert result.factories_created == 4


def test_abbreviations_with_or_without_dots_give_the_same_name_key():
    from suppliers.matching import normalise_name

    assert (
        normalise_name("Brno Server Assembly s.r.o.")
        == normalise_name("Brno Server Assembly sro")
        == "brno server assembly"
    )
    assert normalise_name("Ayutthaya Precision Electronics Co., Ltd.") == normalise_name(
        "AYUTTHAYA PRECISION ELECTRONICS CO LTD"
    )


def test_legal_forms_stray_symbols_and_other_scripts_are_normalised_away():
    from suppliers.matching import normalise_address, normalise_name

    assert normalise_name("Textiles Opico S.A de C.V") == normalise_name("Textiles Opico SA de CV")
    assert normalise_name("Gimmill Industrial (M) Sdn. Bhd.") == "gimmill industrial m"
    assert normalise_name("Capital Sports Corporation (PVT) Ltd") == "capital sports"
    assert normalise_name("NINGBO SEDUNO FASHION CO., LTD?") == "ningbo seduno fashion"
    assert normalise_name("Döhler GmbH") == "dohler"
    assert normalise_name("深圳") == "shen zhen"
    assert normalise_address("Sardaganj, Kashimpur, Gazipur Bangladesh") == normalise_address(
        "Sardaganj, Kashimpur, Gazipur"
    )
    assert normalise_address("FUJIAN PROVINCE□") == "fujian"
    # Street numbers stay whole and apart from floors; a PIN written in two parts is one.
    assert normalise_address("No. 14/2, 2/F Vedanthangal Road, Chennai 600 096") == (
        "14_2 vedanthangal road chennai 600096"
    )


def test_rows_of_one_upload_that_are_one_site_become_one_factory(db):
    result = match_sites_with_counts(
        [
            _site(
                "BAI NA SHOES INDUSTRY CO., LTD",
                "BAOYI INDUSTRIAL ZONE,OUBEI TOWN,YONGJIA,ZHEJIANG PROVINCE",
                latitude=Decimal("28.064319"),
                longitude=Decimal("120.622277"),
            ),
            _site(
                "BAI NA SHOES INDUSTRY CO.,LTD",
                "BAOYI INDUSTRIAL ZONE,OUBEI TOWN,YONGJIA,WENZHOU,ZHEJIANG PROVINCE",
                latitude=Decimal("28.040993"),
                longitude=Decimal("120.658812"),
            ),
        ]
    )
    assert len(set(result.factory_ids)) == 1
    assert (result.factories_created, result.reviews_created) == (1, 0)


def test_two_names_at_one_address_and_point_are_two_factories_and_a_review(db):
    gazipur = {"latitude": Decimal("23.970379"), "longitude": Decimal("90.294534")}
    result = match_sites_with_counts(
        [
            _site("Jinnat Knitwears Ltd.", "Sardaganj, Kashimpur, Gazipur", "BD", **gazipur),
            _site("Thanbee Print World Ltd.", "Sardagonj, Kashimpur, Gazipur", "BD", **gazipur),
        ]
    )
    jinnat, thanbee = result.factory_ids
    assert jinnat != thanbee
    review = FactoryMatchReview.objects.get()
    assert {review.factory_id, review.candidate_id} == {jinnat, thanbee}
    assert review.distance_m == 0
    assert review.address_similarity > 0.75
    assert {"address", "same_coordinates"} <= set(review.matched_facts)
    # One point given to both is not also evidence of two records close by.
    assert "nearby" not in review.matched_facts


def test_a_pair_decided_different_is_never_queued_again(db):
    known = FactoryFactory(name=PRECISION, address=PRECISION_ADDRESS, country="CN")
    plastics = "Shenzhen Precision Plastics Co., Ltd."
    nine = "No. 9 Industrial Road, Longhua, Shenzhen"
    result = match_sites_with_counts([_site(plastics, nine)])
    review = FactoryMatchReview.objects.get()
    review.decision = FactoryMatchReview.Decision.DIFFERENT
    review.save()

    again = match_sites_with_counts([_site(plastics, nine), _site(plastics + " (Longhua)", nine)])

    assert again.factory_ids == result.factory_ids * 2
    assert again.reviews_created == 0
    assert FactoryMatchReview.objects.filter(candidate=known).count() == 1


def test_two_open_supply_hub_ids_are_two_sites(db):
    known = FactoryFactory(
        name=PRECISION, address=PRECISION_ADDRESS, country="CN", os_id="CN2019303BQ3FZP"
    )
    (pk,) = match_sites([_site(os_id="CN2020101AAAAAA")])
    assert pk != known.pk
    assert not FactoryMatchReview.objects.exists()


def test_progress_is_reported_up_to_every_site(db):
    seen = []
    sites = [_site(f"Plant {n} Components", f"{n} Rojana Road, Ayutthaya", "TH") for n in range(5)]
    match_sites_with_counts(sites + sites[:2], progress=seen.append)
    assert seen == sorted(seen)
    assert seen[-1] == 7
