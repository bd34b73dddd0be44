"""Risk screening before a tender: what it counts (published findings only, by brand and
country), what it withholds (small counts, factory names outside the supply chain), the
country risk indicators, the recommended resources, and the workflow save → refresh → award."""

import json
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from affiliates.models import Membership
from learning.models import CpvCode, Resource, ResourceVersion, Screening, Topic
from learning.services.screening import (
    categories_for_cpv,
    screening_award,
    screening_results,
    screening_save,
)
from monitoring.models import MonitoringReport
from suppliers.models import Contract, CountryRiskIndicator
from suppliers.models import SupplierFactory as SupplierFactoryLink
from tests.factories import (
    ContractFactory,
    FactoryFactory,
    FindingFactory,
    RemediationCaseFactory,
    ScreeningFactory,
    SupplierFactory,
    code_standard,
    cpv_code,
    in_supply_chain,
    member,
    published_finding,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def threshold_one(settings):
    settings.EW_GRIEVANCE_COUNT_THRESHOLD = 1
    return 1


def _laptop_factory(**fields):
    fields.setdefault("products", "Laptops and notebooks")
    return FactoryFactory(**fields)


def _findings(factory_, count, standard=1, **fields):
    return [
        published_finding(factory_, standard=code_standard(standard), **fields)
        for _ in range(count)
    ]


def _screening(affiliate, *, codes=("30213100-6",), brands=(), countries=(), **fields):
    with scopes_disabled():
        screening = ScreeningFactory(
            affiliate=affiliate,
            cpv_codes=[cpv_code(code) for code in codes],
            countries=list(countries),
            **fields,
        )
        screening.brands.set(brands)
    return screening


def _results(screening):
    with scope(affiliate=screening.affiliate):
        return screening_results(screening)


def _url(name, screening, **kwargs):
    return reverse(
        f"learning:{name}",
        kwargs={"affiliate_slug": screening.affiliate.slug, "pk": screening.pk, **kwargs},
    )


# --- CPV codes ---------------------------------------------------------------------------


def test_every_seeded_cpv_code_maps_to_a_product_category():
    cpv_code()
    unmapped = [c.code for c in CpvCode.objects.all() if not categories_for_cpv([c.code])]

    assert CpvCode.objects.count() == 16
    assert unmapped == []
    assert categories_for_cpv(["30213100-6"]) == ["computers"]
    assert categories_for_cpv(["30213200-7"]) == ["tablets"]
    assert categories_for_cpv(["30232110-8"]) == ["printers"]
    assert categories_for_cpv(["32250000-0"]) == ["phones"]
    assert categories_for_cpv(["34144900-7", "31400000-0"]) == ["vehicles", "batteries"]
    assert categories_for_cpv(["30213100"]) == ["computers"]  # without the check digit


def test_the_picker_suggests_ict_codes_first(client, northvale_officer):
    cpv_code()
    client.force_login(northvale_officer)
    response = client.get(reverse("learning:screening_create", args=["northvale"]))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("30213100-6 Portable computers") < html.index("34144900-7 Electric vehicles")
    assert "Suggested: ICT hardware" in html


# --- What the results count ----------------------------------------------------------------


def test_only_published_findings_count(northvale, threshold_one):
    factory_ = _laptop_factory()
    _findings(factory_, 2)
    FindingFactory(report__factory=factory_)  # a submitted report: never counts
    validated = FindingFactory(report__factory=factory_)
    MonitoringReport.objects.filter(pk=validated.report_id).update(
        status=MonitoringReport.Status.VALIDATED
    )
    # A published report whose finding was not published itself.
    unpublished = published_finding(factory_)
    type(unpublished).objects.filter(pk=unpublished.pk).update(published_at=None)

    results = _results(_screening(northvale))

    assert results["findings_total"] == 2
    assert results["by_standard"] == [
        {"name": "Freely chosen employment", "name_fr": "Emploi librement choisi", "count": 2}
    ]
    assert results["by_indicator"] == [{"code": "documents", "count": 2}]


def test_factories_making_other_products_do_not_count(northvale, threshold_one):
    _findings(_laptop_factory(), 1)
    _findings(FactoryFactory(products="Electric scooters"), 3)

    results = _results(_screening(northvale))

    assert results["findings_total"] == 1
    assert results["factories"] == 1


def test_a_factory_disclosed_under_a_contract_of_the_category_makes_such_products(
    northvale, southport, threshold_one
):
    factory_ = FactoryFactory(products="")
    _findings(factory_, 2)
    with scopes_disabled():
        line = in_supply_chain(southport, factory_)
        Contract.objects.filter(pk=line.disclosure.contract_id).update(
            product_categories=["computers"], cpv_codes=[]
        )

    assert _results(_screening(northvale))["findings_total"] == 2
    phones = _results(_screening(northvale, codes=["32250000-0"]))
    assert phones["findings_total"] is None  # fewer than the threshold of 1: none
    assert phones["by_standard"] == []


def test_brands_narrow_the_screening_to_their_factories(northvale, threshold_one):
    brand = SupplierFactory(name="Acme Devices", is_brand=True, is_contractor=False)
    linked = _laptop_factory()
    SupplierFactoryLink.objects.create(
        supplier=brand,
        factory=linked,
        source=SupplierFactoryLink.Source.STAFF,
        first_seen=date(2025, 1, 1),
        last_seen=date(2026, 1, 1),
    )
    _findings(linked, 2)
    _findings(_laptop_factory(), 3)

    assert _results(_screening(northvale))["findings_total"] == 5
    assert _results(_screening(northvale, brands=[brand]))["findings_total"] == 2


def test_countries_narrow_the_screening_to_their_factories(northvale, threshold_one):
    _findings(_laptop_factory(country="TH"), 2)
    _findings(_laptop_factory(country="VN"), 3)

    results = _results(_screening(northvale, countries=["VN"]))

    assert results["findings_total"] == 3
    assert results["countries"] == ["VN"]


def test_small_counts_are_withheld(client, northvale, northvale_officer, settings):
    settings.EW_GRIEVANCE_COUNT_THRESHOLD = 5
    factory_ = _laptop_factory()
    _findings(factory_, 6, standard=1, ilo_indicators=["documents"])
    _findings(factory_, 4, standard=7, ilo_indicators=[])  # Working hours
    RemediationCaseFactory(factory=factory_)
    screening = _screening(northvale)

    results = _results(screening)
    client.force_login(northvale_officer)
    html = client.get(_url("screening_detail", screening)).content.decode()

    assert results["findings_total"] == 10
    assert [row["name"] for row in results["by_standard"]] == ["Freely chosen employment"]
    assert results["by_indicator"] == [{"code": "documents", "count": 6}]
    assert results["factories"] is None  # one factory: fewer than 5
    assert results["open_case_share"] is None
    assert results["factories_with_open_cases"] is None
    assert "Freely chosen employment" in html
    assert "Working hours" not in html
    assert "fewer than 5" in html


def test_the_open_case_share_is_shown_over_enough_factories(northvale, settings):
    settings.EW_GRIEVANCE_COUNT_THRESHOLD = 5
    factories = [_laptop_factory() for _ in range(5)]
    RemediationCaseFactory(factory=factories[0])
    closed = RemediationCaseFactory(factory=factories[1])
    type(closed).objects.filter(pk=closed.pk).update(status="closed")

    results = _results(_screening(northvale))

    assert results["factories"] == 5
    assert results["factories_with_open_cases"] == 1
    assert results["open_case_share"] == 0.2


def test_no_factory_name_outside_the_supply_chain(
    client, northvale, northvale_officer, threshold_one
):
    secret = _laptop_factory(name="Hidden Valley Electronics")
    secret_finding = _findings(secret, 2, published_text="Dormitory doors locked at night.")[0]
    own = _laptop_factory(name="Northvale Known Assembly")
    _findings(own, 1)
    in_supply_chain(northvale, own)
    screening = _screening(northvale)

    client.force_login(northvale_officer)
    html = client.get(_url("screening_detail", screening)).content.decode()
    with scope(affiliate=northvale):
        screening_save(screening=screening, by=northvale_officer)
        stored = json.dumps(Screening.objects.get(pk=screening.pk).results)

    assert "Northvale Known Assembly" in html
    assert "Hidden Valley Electronics" not in html
    assert "Dormitory doors locked" not in html
    assert secret_finding.confidential_text not in html
    assert "Hidden Valley Electronics" not in stored
    assert "Northvale Known Assembly" in stored


def test_country_indicators_show_their_source_and_latest_year(
    client, northvale, northvale_officer, threshold_one
):
    Indicator = CountryRiskIndicator.Indicator
    CountryRiskIndicator.objects.create(
        country="TH",
        indicator=Indicator.SLAVERY_PREVALENCE,
        value="5.7",
        level="medium",
        source="Walk Free, Global Slavery Index 2023",
        source_url="https://www.walkfree.org/global-slavery-index/",
        year=2023,
    )
    CountryRiskIndicator.objects.create(
        country="TH",
        indicator=Indicator.SLAVERY_PREVALENCE,
        value="8.9",
        level="high",
        source="Walk Free, Global Slavery Index 2018",
        year=2018,
    )
    CountryRiskIndicator.objects.create(
        country="VN",
        indicator=Indicator.FORCED_LABOUR,
        value="x",
        level="low",
        source="S",
        year=2024,
    )
    screening = _screening(northvale, countries=["TH"])

    client.force_login(northvale_officer)
    html = client.get(_url("screening_detail", screening)).content.decode()

    assert "Walk Free, Global Slavery Index 2023" in html
    assert "2023" in html
    assert "Estimated prevalence of modern slavery per 1,000 people" in html
    assert "Global Slavery Index 2018" not in html
    assert "Viet Nam" not in html and "Vietnam" not in html


def test_countries_of_the_factories_are_named_only_from_the_threshold(northvale, settings):
    settings.EW_GRIEVANCE_COUNT_THRESHOLD = 2
    for _ in range(2):
        _laptop_factory(country="TH")
    _laptop_factory(country="VN")
    own = _laptop_factory(country="MY")
    in_supply_chain(northvale, own)
    for country in ("TH", "VN", "MY"):
        CountryRiskIndicator.objects.create(
            country=country,
            indicator="forced_labour",
            value="v",
            level="high",
            source="S",
            year=2024,
        )

    results = _results(_screening(northvale))

    assert [row["country"] for row in results["country_indicators"]] == ["MY", "TH"]


def test_recommended_resources_follow_the_risks_found(
    client, northvale, northvale_officer, threshold_one
):
    forced = Topic.objects.create(
        slug="forced-labour", name_en="Forced labour", name_fr="Travail forcé"
    )
    now = timezone.now()
    clause = Resource.objects.create(
        kind="contract_clause", stages=["tender"], status="published", published_at=now
    )
    clause.topics.add(forced)
    ResourceVersion.objects.create(
        resource=clause, language="en", title="Clause on forced labour", format="text"
    )
    draft = Resource.objects.create(kind="contract_clause", stages=["tender"])
    draft.topics.add(forced)
    ResourceVersion.objects.create(
        resource=draft, language="en", title="Draft clause not yet out", format="text"
    )
    _findings(_laptop_factory(), 1)
    screening = _screening(northvale)

    results = _results(screening)
    client.force_login(northvale_officer)
    html = client.get(_url("screening_detail", screening)).content.decode()

    assert "forced-labour" in results["topics"]
    assert results["resources"] == [clause.pk]
    assert "Clause on forced labour" in html
    assert "Draft clause not yet out" not in html


# --- The workflow --------------------------------------------------------------------------


def test_an_officer_creates_a_screening_and_sees_its_results(client, northvale, northvale_officer):
    cpv = cpv_code("30213100-6")
    client.force_login(northvale_officer)
    response = client.post(
        reverse("learning:screening_create", args=["northvale"]),
        {
            "title": "Laptops for schools 2027",
            "tender_reference": "NV-2027-LAP",
            "cpv_codes": [cpv.pk],
            "countries": ["TH", "CN"],
        },
    )

    with scope(affiliate=northvale):
        screening = Screening.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url("screening_detail", screening)
    assert screening.status == Screening.Status.DRAFT
    assert screening.created_by == northvale_officer
    assert [c.code for c in screening.countries] == ["CN", "TH"]
    page = client.get(response["Location"]).content.decode()
    assert "Laptops for schools 2027" in page
    assert "Save the screening" in page


def test_a_screening_needs_a_cpv_code_and_nothing_is_saved_without(
    client, northvale, northvale_officer
):
    client.force_login(northvale_officer)
    response = client.post(
        reverse("learning:screening_create", args=["northvale"]), {"title": "Phones"}
    )

    assert response.status_code == 400
    assert "Choose at least one CPV code." in response.content.decode()
    with scope(affiliate=northvale):
        assert not Screening.objects.exists()


def test_viewers_read_screenings_but_cannot_create_or_save(client, northvale):
    viewer = member(northvale, Membership.Role.VIEWER)
    screening = _screening(northvale, title="Monitors 2027")
    client.force_login(viewer)

    listing = client.get(reverse("learning:screening_list", args=["northvale"]))
    assert "Monitors 2027" in listing.content.decode()
    assert "New screening" not in listing.content.decode()
    assert client.get(_url("screening_detail", screening)).status_code == 200
    assert client.get(reverse("learning:screening_create", args=["northvale"])).status_code == 403
    assert client.post(_url("screening_save", screening)).status_code == 403
    with scope(affiliate=northvale):
        assert Screening.objects.get().status == Screening.Status.DRAFT


def test_save_keeps_what_was_known_then_until_refreshed(
    client, northvale, northvale_officer, threshold_one
):
    factory_ = _laptop_factory()
    _findings(factory_, 2)
    screening = _screening(northvale)
    client.force_login(northvale_officer)

    client.post(_url("screening_save", screening))
    _findings(factory_, 3)  # published after the screening was saved
    with scope(affiliate=northvale):
        saved = Screening.objects.get()
    stored_page = client.get(_url("screening_detail", screening)).content.decode()
    client.post(_url("screening_refresh", screening))
    with scope(affiliate=northvale):
        refreshed = Screening.objects.get()

    assert saved.status == Screening.Status.SAVED
    assert saved.results["findings_total"] == 2
    assert "These results were saved on" in stored_page
    assert refreshed.results["findings_total"] == 5
    assert refreshed.results_at > saved.results_at


def test_a_draft_cannot_be_refreshed(client, northvale, northvale_officer):
    screening = _screening(northvale)
    client.force_login(northvale_officer)

    response = client.post(_url("screening_refresh", screening), follow=True)

    assert "Only a saved screening can be refreshed." in response.content.decode()
    with scope(affiliate=northvale):
        assert Screening.objects.get().results_at is None


def test_create_the_contract_from_the_screening(client, northvale, northvale_officer):
    brand = SupplierFactory(name="Acme Devices", is_brand=True, is_contractor=False)
    contractor = SupplierFactory(name="Northern IT Supplies")
    screening = _screening(
        northvale, brands=[brand], title="Laptops for schools", tender_reference="NV-LAP-27"
    )
    client.force_login(northvale_officer)

    form = client.get(_url("screening_contract_create", screening)).content.decode()
    response = client.post(
        _url("screening_contract_create", screening),
        {
            "reference": "NV-LAP-27",
            "title": "Laptops for schools",
            "contractor": contractor.pk,
            "product_categories": ["computers"],
            "cpv_codes": "30213100-6",
            "brands": "Acme Devices",
            "value": "120000",
            "currency": "EUR",
            "awarded_on": "2026-11-02",
            "start_date": "2026-12-01",
            "end_date": "2029-11-30",
            "ew_conditions_version": "v2.1",
        },
    )

    assert 'value="NV-LAP-27"' in form
    assert 'value="30213100-6"' in form
    assert 'value="Acme Devices"' in form
    with scope(affiliate=northvale):
        contract = Contract.objects.get(reference="NV-LAP-27")
        screening = Screening.objects.get()
    assert response.status_code == 302
    assert response["Location"] == contract.get_absolute_url()
    assert screening.contract_id == contract.pk
    assert screening.status == Screening.Status.AWARDED
    assert screening.has_snapshot
    assert contract.cpv_codes == ["30213100-6"]


def test_a_bad_contract_form_records_nothing_and_links_nothing(
    client, northvale, northvale_officer
):
    screening = _screening(northvale)
    client.force_login(northvale_officer)

    response = client.post(
        _url("screening_contract_create", screening), {"reference": "X", "title": "Y"}
    )

    assert response.status_code == 400
    with scope(affiliate=northvale):
        assert not Contract.objects.exists()
        assert Screening.objects.get().contract is None


def test_link_an_existing_contract_but_not_another_affiliates(
    client, northvale, southport, northvale_officer
):
    with scopes_disabled():
        own = ContractFactory(affiliate=northvale, reference="NV-OWN-1")
        other = ContractFactory(affiliate=southport, reference="SP-OTHER-1")
    screening = _screening(northvale)
    client.force_login(northvale_officer)

    refused = client.post(
        _url("screening_contract_link", screening), {"contract": other.pk}, follow=True
    )
    with scope(affiliate=northvale):
        assert Screening.objects.get().contract is None
    client.post(_url("screening_contract_link", screening), {"contract": own.pk})

    assert "Choose one of your contracts from the list." in refused.content.decode()
    with scope(affiliate=northvale):
        linked = Screening.objects.get()
    assert linked.contract_id == own.pk
    assert linked.status == Screening.Status.AWARDED


def test_a_contract_summarises_one_screening(northvale, northvale_officer):
    with scopes_disabled():
        contract = ContractFactory(affiliate=northvale)
    first, second = _screening(northvale), _screening(northvale)
    with scope(affiliate=northvale):
        screening_award(screening=first, contract=contract, by=northvale_officer)
        with pytest.raises(Exception, match="linked to another screening"):
            screening_award(screening=second, contract=contract, by=northvale_officer)


def test_an_awarded_screening_can_no_longer_change(client, northvale, northvale_officer):
    with scopes_disabled():
        contract = ContractFactory(affiliate=northvale)
    screening = _screening(northvale)
    with scope(affiliate=northvale):
        screening_award(screening=screening, contract=contract, by=northvale_officer)
    client.force_login(northvale_officer)

    response = client.post(
        _url("screening_update", screening),
        {"title": "Changed", "cpv_codes": [cpv_code().pk]},
    )

    assert response.status_code == 400
    assert "can no longer be changed" in response.content.decode()
    with scope(affiliate=northvale):
        assert Screening.objects.get().title != "Changed"


# --- Tenancy and query budget ----------------------------------------------------------------


def test_another_affiliates_screening_is_404(client, northvale, southport_officer):
    screening = _screening(northvale)
    client.force_login(southport_officer)

    assert client.get(_url("screening_detail", screening)).status_code == 404
    own_slug = reverse("learning:screening_detail", args=["southport", screening.pk])
    assert client.get(own_slug).status_code == 404


def test_the_list_page_costs_the_same_with_many_screenings(
    client, northvale, northvale_officer, django_assert_max_num_queries
):
    for _ in range(3):
        _screening(northvale)
    client.force_login(northvale_officer)
    url = reverse("learning:screening_list", args=["northvale"])
    client.get(url)  # warm the caches
    with django_assert_max_num_queries(14) as few:
        client.get(url)
    for _ in range(30):
        _screening(northvale, codes=["30213100-6", "30231000-7"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200
    assert response.context["paginator"].count == 33


# --- API -----------------------------------------------------------------------------------


def test_the_api_lists_the_affiliates_screenings_with_their_saved_results(
    client, northvale, southport, northvale_officer, threshold_one
):
    _findings(_laptop_factory(), 2)
    own = _screening(northvale, title="Laptops 2027", countries=["TH"])
    other = _screening(southport, title="Southport phones")
    with scope(affiliate=northvale):
        screening_save(screening=own, by=northvale_officer)
    client.force_login(northvale_officer)

    body = client.get("/api/v1/screenings/").json()
    detail = client.get(f"/api/v1/screenings/{own.pk}/").json()

    assert [item["title"] for item in body["results"]] == ["Laptops 2027"]
    assert detail["cpv_codes"] == ["30213100-6"]
    assert detail["countries"] == ["TH"]
    assert detail["status"] == "saved"
    assert detail["results"]["findings_total"] == 2
    assert client.get(f"/api/v1/screenings/{other.pk}/").status_code == 404


def test_the_api_list_costs_the_same_with_many_screenings(
    client, northvale, northvale_officer, django_assert_max_num_queries
):
    _screening(northvale)
    client.force_login(northvale_officer)
    client.get("/api/v1/screenings/")
    with django_assert_max_num_queries(14) as few:
        client.get("/api/v1/screenings/")
    for _ in range(20):
        _screening(northvale)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/api/v1/screenings/")
    assert response.json()["count"] == 21
