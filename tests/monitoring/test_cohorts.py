"""Migrant cohorts: saved whole with their agency chain and fees converted at the rate of their
day; partner pages with bad input saving nothing; the API shows them to staff and the partner
only; the demo records them on several corridors."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_scopes import scopes_disabled

from core.errors import DomainError
from core.models import ExchangeRate
from monitoring import cohorts
from monitoring.cohorts import Agency, Fee
from monitoring.models import CodeStandard, CohortFee, Finding, MigrantCohort, MonitoringReport
from suppliers.models import MigrationCorridor
from tests.factories import (
    CompanyContactFactory,
    FindingFactory,
    MonitoringReportFactory,
    in_supply_chain,
    member,
    published_finding,
)

PAID = date(2025, 3, 3)  # a Monday
ECB = "European Central Bank"


@pytest.fixture
def rates(db):
    ExchangeRate.objects.create(currency="NPR", date=PAID, units_per_euro="145", source="NRB")
    ExchangeRate.objects.create(
        currency="MYR", date=date(2025, 2, 28), units_per_euro="4.8", source=ECB
    )
    ExchangeRate.objects.create(currency="MYR", date=PAID, units_per_euro="5", source=ECB)
    ExchangeRate.objects.create(
        currency="USD", date=date(2025, 2, 10), units_per_euro="1", source=ECB
    )
    ExchangeRate.objects.create(currency="USD", date=PAID, units_per_euro="1.25", source=ECB)


@pytest.fixture
def draft(partner_member):
    return MonitoringReportFactory(
        partner=partner_member.partner_membership.partner, status=MonitoringReport.Status.DRAFT
    )


def _save(report, by, **data):
    data.setdefault("origin_country", "NP")
    data.setdefault("destination_country", "MY")
    data.setdefault("workers_men", 10)
    return cohorts.cohort_save(report=report, by=by, **data)


# --- Services ---------------------------------------------------------------------------------


def test_fees_in_three_currencies_convert_at_the_rate_of_their_day(draft, partner_member, rates):
    transit = MigrationCorridor.objects.create(
        origin="NP", transit=["IN"], destination="MY", source="ILO", year=2024
    )
    MigrationCorridor.objects.create(origin="NP", destination="MY", source="ILO", year=2024)
    finding = FindingFactory(report=draft)
    cohort = _save(
        draft,
        partner_member,
        transit_countries=["in"],
        workers_women=5,
        findings=[finding],
        agencies=[
            Agency("origin", "Kathmandu Jobs", "NP"),
            Agency("destination", "Penang HR", "MY"),
        ],
        fees=[
            Fee("origin_recruitment", "recruitment_fee", Decimal("145000"), "NPR", PAID, 0),
            Fee("pre_departure", "medical", Decimal("14500"), "NPR", PAID, 0),
            Fee("transit", "travel", Decimal("250"), "USD", date(2025, 3, 8), None),  # Saturday
            Fee("arrival", "visa_permit", Decimal("1500"), "myr", PAID, 1),
            Fee("arrival", "documents", Decimal("20"), "EUR", PAID, 1),
        ],
    )

    cohort = cohorts.with_chain(MigrantCohort.objects.filter(pk=cohort.pk)).get()
    assert cohort.transit_countries == ["IN"] and cohort.corridor == transit
    assert list(cohort.findings.all()) == [finding]
    assert [(a.position, a.name) for a in cohort.agencies.all()] == [
        (1, "Kathmandu Jobs"),
        (2, "Penang HR"),
    ]
    rows = [
        (f.currency, f.amount_eur, f.rate and f.rate.date, f.agency and f.agency.name)
        for f in cohort.fees.all()
    ]
    # In the order of the journey (the transit fee, paid last, before those on arrival), then
    # by date.
    assert rows == [
        ("NPR", Decimal("1000.00"), PAID, "Kathmandu Jobs"),
        ("NPR", Decimal("100.00"), PAID, "Kathmandu Jobs"),
        ("USD", Decimal("200.00"), PAID, None),  # Monday's rate for a Saturday
        ("MYR", Decimal("300.00"), PAID, "Penang HR"),  # 5 per euro that day, not 4.8
        ("EUR", Decimal("20.00"), None, "Penang HR"),
    ]
    assert cohort.fees_per_worker_eur == Decimal("1620.00")
    assert cohort.fees_eur_by("step") == {
        "origin_recruitment": Decimal("1000.00"),
        "pre_departure": Decimal("100.00"),
        "arrival": Decimal("320.00"),
        "transit": Decimal("200.00"),
    }
    assert cohort.fees_eur_by("cost_item")["recruitment_fee"] == Decimal("1000.00")
    assert cohort.route == "Nepal → India → Malaysia"


def test_saving_again_replaces_the_chain_and_the_fees(draft, partner_member, rates):
    cohort = _save(
        draft,
        partner_member,
        agencies=[Agency("origin", "A", "NP")],
        fees=[Fee("origin_recruitment", "recruitment_fee", Decimal("145"), "NPR", PAID, 0)],
    )
    _save(draft, partner_member, cohort=cohort, workers_men=12)
    cohort.refresh_from_db()
    assert (cohort.workers, cohort.agencies.count(), cohort.fees.count()) == (12, 0, 0)
    assert cohort.corridor is None  # no reference corridor for this route


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"fees": [Fee("arrival", "medical", Decimal("10"), "THB", PAID)]}, "THB on or in the"),
        (
            {"fees": [Fee("arrival", "medical", Decimal("10"), "USD", date(2025, 2, 1))]},
            "USD on or in the week before 1 February 2025",
        ),
        ({"origin_country": ""}, "country of origin"),
        ({"transit_countries": ["MY"]}, "appears twice"),
        ({"workers_men": 0}, "number of workers"),
        ({"debt_per_worker": Decimal("100")}, "currency of the debt"),
        (
            {"fees": [Fee("arrival", "medical", Decimal("10"), "EUR", PAID, 3)]},
            "not in the chain",
        ),
    ],
)
def test_bad_cohorts_are_refused_and_nothing_is_saved(draft, partner_member, rates, data, message):
    with pytest.raises(DomainError, match=message):
        _save(draft, partner_member, agencies=[Agency("origin", "A", "NP")], **data)
    assert not MigrantCohort.objects.exists() and not CohortFee.objects.exists()


def test_a_failing_update_keeps_the_cohort_as_it_was(draft, partner_member, rates):
    fee = Fee("origin_recruitment", "recruitment_fee", Decimal("145"), "NPR", PAID)
    cohort = _save(draft, partner_member, fees=[fee])
    missing = Fee("arrival", "medical", Decimal("10"), "THB", PAID)
    with pytest.raises(DomainError):
        _save(draft, partner_member, cohort=cohort, workers_men=99, fees=[fee, missing])
    cohort.refresh_from_db()
    assert cohort.workers == 10 and cohort.fees.get().amount_eur == Decimal("1.00")


def test_only_the_partner_of_a_draft_report_changes_its_cohorts(partner_member, rates):
    submitted = MonitoringReportFactory(partner=partner_member.partner_membership.partner)
    with pytest.raises(DomainError, match="can no longer be changed"):
        _save(submitted, partner_member)
    other = FindingFactory()
    draft = MonitoringReportFactory(
        partner=partner_member.partner_membership.partner, status=MonitoringReport.Status.DRAFT
    )
    with pytest.raises(DomainError, match="another report"):
        _save(draft, partner_member, findings=[other])
    assert not MigrantCohort.objects.exists()


# --- Partner pages ----------------------------------------------------------------------------


def _post(**fields):
    data = {
        "origin_country": "NP",
        "destination_country": "MY",
        "transit_1": "IN",
        "workers_women": "3",
        "workers_men": "7",
        "workers_other": "0",
        "contract_substitution": "true",
        "employer_housing": "unknown",
        "agencies-TOTAL_FORMS": "2",
        "agencies-INITIAL_FORMS": "0",
        "agencies-0-side": "origin",
        "agencies-0-name": "Kathmandu Jobs",
        "agencies-0-country": "NP",
        "fees-TOTAL_FORMS": "2",
        "fees-INITIAL_FORMS": "0",
        "fees-0-step": "origin_recruitment",
        "fees-0-agency": "1",
        "fees-0-cost_item": "recruitment_fee",
        "fees-0-amount": "145000",
        "fees-0-currency": "NPR",
        "fees-0-paid_on": PAID.isoformat(),
    }
    data.update(fields)
    return data


def test_partner_adds_a_cohort_from_the_report_and_staff_see_it(
    client, draft, partner_member, staff, rates
):
    finding = FindingFactory(report=draft)
    client.force_login(partner_member)
    url = reverse("monitoring:cohort_create", kwargs={"pk": draft.pk})
    assert client.get(url).status_code == 200

    response = client.post(url, _post(findings=[str(finding.pk)]))

    assert response.status_code == 302
    cohort = MigrantCohort.objects.get()
    assert (cohort.route, cohort.workers, cohort.contract_substitution) == (
        "Nepal → India → Malaysia",
        10,
        True,
    )
    assert cohort.employer_housing is None
    assert list(cohort.findings.all()) == [finding]
    fee = cohort.fees.get()
    assert (fee.agency.name, fee.amount_eur) == ("Kathmandu Jobs", Decimal("1000.00"))
    page = client.get(reverse("monitoring:report_detail", kwargs={"pk": draft.pk})).content
    assert "Nepal → India → Malaysia" in page.decode() and "€1,000.00" in page.decode()
    edit = client.get(
        reverse("monitoring:cohort_update", kwargs={"pk": draft.pk, "cohort_pk": cohort.pk})
    ).content.decode()
    assert "Kathmandu Jobs" in edit and 'value="145000.00"' in edit

    MonitoringReport.objects.filter(pk=draft.pk).update(status=MonitoringReport.Status.SUBMITTED)
    client.force_login(staff)
    page = client.get(reverse("monitoring:staff_report", kwargs={"pk": draft.pk})).content
    assert "Nepal → India → Malaysia" in page.decode() and "Kathmandu Jobs" in page.decode()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"fees-0-currency": "THB"},
            "No exchange rate for THB on or in the week before 3 March 2025",
        ),
        ({"fees-0-paid_on": ""}, "or leave the row empty"),
        ({"agencies-0-country": ""}, "or leave the row empty"),
        ({"fees-0-currency": "XXX"}, "Select a valid choice"),
        ({"workers_men": "0", "workers_women": "0"}, "number of workers"),
        ({"transit_1": "", "transit_2": "IN"}, "in order, from the first"),
        ({"transit_1": "MY"}, "appears twice"),
        ({"fees-0-agency": "2"}, "not in the chain"),
        ({"origin_country": ""}, "This field is required"),
    ],
)
def test_bad_input_on_the_cohort_form_saves_nothing(
    client, draft, partner_member, rates, fields, message
):
    client.force_login(partner_member)
    url = reverse("monitoring:cohort_create", kwargs={"pk": draft.pk})
    response = client.post(url, _post(**fields), follow=True)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not MigrantCohort.objects.exists() and not CohortFee.objects.exists()


def test_every_fee_without_a_rate_is_reported_on_its_row_and_nothing_is_saved(
    client, draft, partner_member, rates
):
    client.force_login(partner_member)
    url = reverse("monitoring:cohort_create", kwargs={"pk": draft.pk})
    second_and_third = {
        "fees-TOTAL_FORMS": "3",
        "fees-1-step": "arrival",
        "fees-1-cost_item": "medical",
        "fees-1-amount": "10",
        "fees-1-currency": "THB",
        "fees-1-paid_on": PAID.isoformat(),
        "fees-2-step": "transit",
        "fees-2-cost_item": "travel",
        "fees-2-amount": "250",
        "fees-2-currency": "USD",
        "fees-2-paid_on": "2025-02-01",  # the week before has no dollar rate
    }
    response = client.post(url, _post(**second_and_third))
    assert response.status_code == 200
    rows = [form.non_field_errors() for form in response.context["fees"].forms]
    assert rows[0] == []
    assert rows[1] == ["No exchange rate for THB on or in the week before 3 March 2025."]
    assert rows[2] == ["No exchange rate for USD on or in the week before 1 February 2025."]
    assert "2 fees have no exchange rate" in response.content.decode()
    assert not MigrantCohort.objects.exists() and not CohortFee.objects.exists()
    # The service names every one of them (the API answers with this message).
    with pytest.raises(
        DomainError, match=r"for THB on .* 3 March 2025\. No .* USD on .* 1 February 2025"
    ):
        _save(
            draft,
            partner_member,
            fees=[
                Fee("arrival", "medical", Decimal("10"), "THB", PAID),
                Fee("transit", "travel", Decimal("250"), "USD", date(2025, 2, 1)),
            ],
        )


def test_the_edit_form_lists_fees_by_step_of_the_journey_then_date(draft, partner_member, rates):
    cohort = _save(
        draft,
        partner_member,
        fees=[
            Fee("arrival", "visa_permit", Decimal("1500"), "MYR", PAID),
            Fee("transit", "travel", Decimal("250"), "USD", date(2025, 3, 8)),
            Fee("origin_recruitment", "recruitment_fee", Decimal("145"), "NPR", PAID),
            Fee("origin_recruitment", "medical", Decimal("48"), "MYR", date(2025, 2, 28)),
        ],
    )
    from django.test import Client

    client = Client()
    client.force_login(partner_member)
    response = client.get(
        reverse("monitoring:cohort_update", kwargs={"pk": draft.pk, "cohort_pk": cohort.pk})
    )
    initial = [(row["step"], row["paid_on"]) for row in response.context["fees"].initial]
    assert initial == [
        ("origin_recruitment", date(2025, 2, 28)),
        ("origin_recruitment", PAID),
        ("transit", date(2025, 3, 8)),
        ("arrival", PAID),
    ]


def test_the_agency_choices_are_translated_when_shown():
    from django.utils import translation

    from monitoring.forms import CohortFeeForm

    with translation.override("fr"):
        options = str(CohortFeeForm()["agency"])
    assert "2 de la chaîne" in options and "Agence n°" in options and "Agency no." not in options


def test_the_debt_shows_with_grouping_and_in_euros_when_a_rate_exists(
    client, partner_member, rates
):
    report = MonitoringReportFactory(
        partner=partner_member.partner_membership.partner,
        status=MonitoringReport.Status.DRAFT,
        period_start=date(2025, 2, 1),
        period_end=date(2025, 3, 5),  # the NPR rate of 3 March (145 a euro) is within the week
    )
    _save(report, partner_member, debt_per_worker=Decimal("180000"), debt_currency="NPR")
    _save(report, partner_member, debt_per_worker=Decimal("5000"), debt_currency="THB")
    client.force_login(partner_member)
    page = client.get(reverse("monitoring:report_detail", kwargs={"pk": report.pk}))
    body = page.content.decode()
    # 180,000 / 145 = 1,241.379... euros
    assert "NPR\xa0180,000.00 (€1,241.38 at the rate of the end of the period)" in body
    assert "<dd>THB\xa05,000.00</dd>" in body  # no baht rate recorded: no euros


def test_finding_form_names_each_checkbox_group_with_a_fieldset(client, draft, partner_member):
    client.force_login(partner_member)
    form = client.get(reverse("monitoring:finding_create", kwargs={"pk": draft.pk}))
    html = form.content.decode()
    assert '<label for="">' not in html
    for label in (
        "Child labour",
        "Trafficking: the act",
        "Trafficking: the means",
        "Trafficking: the purpose",
        "ILO forced-labour indicators",
    ):
        assert f"<legend>{label}</legend>" in html
    assert html.count('<fieldset class="field"') == 5
    # One label per checkbox, tied to it.
    assert 'for="id_child_labour_0"' in html


def test_finding_form_records_child_labour_and_trafficking(client, draft, partner_member):
    client.force_login(partner_member)
    url = reverse("monitoring:finding_create", kwargs={"pk": draft.pk})
    form = client.get(url).content.decode()
    assert "Under the minimum age (C138)" in form and "Trafficking: the means" in form
    base = {
        "standard": str(CodeStandard.objects.current().get(number=3).pk),
        "severity": "critical",
        "confidential_text": "Two workers are 14.",
        "child_labour": ["under_minimum_age", "hazardous"],
    }
    refused = client.post(url, {**base, "trafficking_means": ["fraud"]})
    assert "at least an act and a purpose" in refused.content.decode()
    assert not Finding.objects.exists()

    client.post(
        url,
        {**base, "trafficking_acts": ["recruitment"], "trafficking_purposes": ["forced_labour"]},
    )
    finding = Finding.objects.get()
    assert finding.child_labour == ["under_minimum_age", "hazardous"]
    assert (finding.trafficking_acts, finding.trafficking_purposes) == (
        ["recruitment"],
        ["forced_labour"],
    )


def test_other_partners_cannot_reach_a_cohort(client, draft, rates):
    cohort = _save(draft, draft.created_by)
    from tests.factories import PartnerMemberFactory

    client.force_login(PartnerMemberFactory())
    for name in ("cohort_update", "cohort_create"):
        kwargs = {"pk": draft.pk, **({"cohort_pk": cohort.pk} if name == "cohort_update" else {})}
        assert client.get(reverse(f"monitoring:{name}", kwargs=kwargs)).status_code == 404


# --- API --------------------------------------------------------------------------------------

FINDINGS = "/api/v1/findings/"
REPORTS = "/api/v1/monitoring-reports/"


def test_cohorts_are_in_the_api_for_staff_and_partner_only(client, northvale, staff, rates):
    finding = published_finding()
    in_supply_chain(northvale, finding.report.factory)
    cohort = MigrantCohort.objects.create(
        report=finding.report, origin_country="BD", destination_country="MY", workers_men=20
    )
    cohort.findings.add(finding)
    agency = cohort.agencies.create(position=1, side="origin", name="Dhaka Manpower", country="BD")
    CohortFee.objects.create(
        cohort=cohort,
        step="origin_recruitment",
        agency=agency,
        cost_item="recruitment_fee",
        amount=Decimal("300"),
        currency="USD",
        paid_on=PAID,
        amount_eur=Decimal("240.00"),
        rate=ExchangeRate.objects.get(currency="USD", date=PAID),
    )
    partner = finding.report.partner
    from tests.factories import PartnerMemberFactory

    for reader in (staff, PartnerMemberFactory(partner=partner)):
        client.force_login(reader)
        body = client.get(f"{FINDINGS}{finding.pk}/").json()
        (shown,) = body["cohorts"]
        assert shown["route"] == "Bangladesh → Malaysia" and shown["findings"] == [finding.pk]
        assert shown["agencies"] == [
            {
                "id": agency.pk,
                "position": 1,
                "side": "origin",
                "name": "Dhaka Manpower",
                "country": "BD",
            }
        ]
        assert shown["fees"][0] | {"agency": None} == {
            "step": "origin_recruitment",
            "agency": None,
            "cost_item": "recruitment_fee",
            "amount": "300.00",
            "currency": "USD",
            "paid_on": "2025-03-03",
            "amount_eur": "240.00",
            "rate": "1.250000",
            "rate_date": "2025-03-03",
        }
        assert shown["fees_per_worker_eur"] == "240.00"
        report = client.get(f"{REPORTS}{finding.report_id}/").json()
        assert [c["id"] for c in report["cohorts"]] == [cohort.pk]

    officer = member(northvale)
    contact = CompanyContactFactory()
    for reader in (officer, contact):
        client.force_login(reader)
        for url in (f"{FINDINGS}{finding.pk}/", f"{REPORTS}{finding.report_id}/", FINDINGS):
            response = client.get(url)
            text = response.content.decode()
            assert "Dhaka Manpower" not in text and "cohorts" not in text, (reader, url)
    client.force_login(officer)
    page = client.get(
        reverse("monitoring:affiliate_findings", kwargs={"affiliate_slug": "northvale"})
    )
    assert "Dhaka Manpower" not in page.content.decode()
    assert "Bangladesh" not in page.content.decode()


# --- Demo -------------------------------------------------------------------------------------


def test_demo_records_cohorts_on_several_corridors_with_fees_in_several_currencies(db):
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)  # idempotent
    with scopes_disabled():
        routes = {c.route for c in MigrantCohort.objects.all()}
        fees = CohortFee.objects.all()
        findings = Finding.objects.all()
        assert {
            "Nepal → Malaysia",
            "Bangladesh → Malaysia",
            "Myanmar → Thailand",
            "Nepal → India → Malaysia",
        } <= routes
        assert {"NPR", "MYR", "USD", "MMK", "BDT", "THB"} <= {f.currency for f in fees}
        assert len({f.step for f in fees}) >= 4
        assert all(f.amount_eur is not None for f in fees)
        assert all(f.rate is not None for f in fees if f.currency != "EUR")
        categories = {c for f in findings for c in f.child_labour}
        assert {"under_minimum_age", "hazardous"} <= categories
        # Published, so that the risk views' child-labour chart has something to show.
        published = {c for f in findings.exclude(published_at=None) for c in f.child_labour}
        assert published == {"under_minimum_age", "hazardous"}
        assert (
            findings.exclude(trafficking_acts=[])
            .exclude(trafficking_means=[])
            .exclude(trafficking_purposes=[])
            .exists()
        )
