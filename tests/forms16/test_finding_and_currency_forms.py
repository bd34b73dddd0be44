"""Issue 16, forms that help: the partner's finding form and ISO 4217 currencies."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from core.currencies import currency_choices, validate_currency_code
from monitoring.forms import CohortFeeForm, CohortForm, FindingForm
from monitoring.models import CodeStandard, Finding, MonitoringReport
from remediation.models import Compensation
from suppliers.contract_forms import ContractForm
from suppliers.models import Contract
from tests.factories import FactoryFactory, MonitoringReportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(partner_member):
    return MonitoringReportFactory(
        partner=partner_member.partner_membership.partner,
        factory=FactoryFactory(country="MY"),
        status=MonitoringReport.Status.DRAFT,
        submitted_at=None,
        created_by=partner_member,
    )


def test_finding_form_groups_sub_standards_by_category_and_tags_each_option(
    client, partner_member, draft
):
    client.force_login(partner_member)
    html = client.get(reverse("monitoring:finding_create", args=[draft.pk])).content.decode()
    recruitment = CodeStandard.objects.current().get(number=2)
    sub = recruitment.sub_standards.first()
    select = re.search(r'<select name="sub_standard".*?</select>', html, re.S).group(0)
    assert 'data-filter-by="id_standard"' in select
    assert f'<optgroup label="2. {recruitment.label}">' in select
    assert re.search(rf'<option value="{sub.pk}" data-standard="{recruitment.pk}"', select)
    groups = re.findall(r"<optgroup", select)
    assert (
        len(groups)
        == CodeStandard.objects.current().filter(sub_standards__isnull=False).distinct().count()
    )
    assert "js/finding_form.js" in html


def test_finding_form_has_no_default_severity_and_asks_for_one(client, partner_member, draft):
    client.force_login(partner_member)
    url = reverse("monitoring:finding_create", args=[draft.pk])
    html = client.get(url).content.decode()
    severity = re.search(r'<select name="severity".*?</select>', html, re.S).group(0)
    first = re.search(r"<option[^>]*>([^<]*)</option>", severity)
    assert first.group(0).startswith('<option value=""') and first.group(1) == "Choose…"
    assert not re.search(r'value="(low|medium|high|critical)" selected', severity)
    standard = CodeStandard.objects.current().get(number=1)
    response = client.post(url, {"standard": standard.pk, "confidential_text": "Seen."})
    assert "This field is required." in response.content.decode()
    assert not Finding.objects.filter(report=draft).exists()


def test_finding_form_refuses_a_sub_standard_of_another_category():
    hours = CodeStandard.objects.current().get(number=7)
    other = CodeStandard.objects.current().get(number=2).sub_standards.first()
    form = FindingForm(
        {
            "standard": hours.pk,
            "sub_standard": other.pk,
            "severity": "low",
            "confidential_text": "x",
        }
    )
    assert not form.is_valid()
    assert form.errors["sub_standard"] == ["This sub-standard belongs to another Code category."]


def test_cohort_form_prefills_the_country_of_work_from_the_report_factory(
    client, partner_member, draft
):
    client.force_login(partner_member)
    html = client.get(reverse("monitoring:cohort_create", args=[draft.pk])).content.decode()
    destination = re.search(r'<select name="destination_country".*?</select>', html, re.S)
    assert '<option value="MY" selected>' in destination.group(0)
    assert CohortForm(report=draft).initial["destination_country"] == "MY"


def test_currency_choices_are_iso_4217_named_in_the_reader_language():
    with translation.override("en"):
        choices = dict(currency_choices())
        assert choices["MYR"] == "MYR – Malaysian Ringgit"
        assert "DEM" not in choices  # replaced by the euro: not offered
        assert len(choices) > 140
    with translation.override("fr"):
        assert dict(currency_choices())["MYR"] == "MYR – ringgit malais"


def test_currency_fields_offer_the_list_and_reject_unknown_codes():
    fee = CohortFeeForm(
        {
            "step": "origin_recruitment",
            "cost_item": "recruitment_fee",
            "amount": "10",
            "currency": "XYZ",
            "paid_on": "2026-01-05",
        }
    )
    assert not fee.is_valid()
    assert "“XYZ” is not an ISO 4217 currency code" in fee.errors["currency"][0]
    fee = CohortFeeForm(
        {
            "step": "origin_recruitment",
            "cost_item": "recruitment_fee",
            "amount": "10",
            "currency": "myr",
            "paid_on": "2026-01-05",
        }
    )
    assert fee.is_valid(), fee.errors
    assert fee.cleaned_data["currency"] == "MYR"
    html = str(ContractForm()["currency"])
    assert '<option value="EUR" selected>EUR – Euro</option>' in html


def test_models_reject_unknown_currency_codes_with_a_clear_message():
    validate_currency_code("MYR")
    validate_currency_code("DEM")  # historical: old records still validate
    for model, name in ((Contract, "currency"), (Compensation, "currency")):
        with pytest.raises(ValidationError) as error:
            model._meta.get_field(name).clean("ABC", None)
        assert error.value.messages == [
            "“ABC” is not an ISO 4217 currency code (for example EUR, USD, MYR)."
        ]
