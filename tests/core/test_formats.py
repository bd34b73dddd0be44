"""European formats (config/formats, core.amounts): every date and amount filter in English
(British conventions) and French, exact strings; a page, an e-mail and a PDF in both languages;
files and the API keep ISO dates and plain decimals."""

import csv
import io
from datetime import UTC, date, datetime, time
from decimal import Decimal

import openpyxl
import pytest
from django.template import Context, Template
from django.utils import translation
from django_scopes import scope, scopes_disabled
from pypdf import PdfReader

from core import amounts
from core.email import render_templates
from reports.compliance import compliance_report_render, compliance_report_request
from tests.factories import ContractFactory, SupplierFactory

NNBSP = "\u202f"  # narrow no-break space: French thousands
NBSP = "\xa0"

DAY = date(2026, 12, 5)
MOMENT = datetime(2026, 12, 5, 13, 30, tzinfo=UTC)  # 14:30 in Brussels (CET)
AMOUNT = Decimal("3598000.00")

# (template expression, context, English, French)
CASES = [
    ('{{ d|date:"DATE_FORMAT" }}', {"d": DAY}, "5 December 2026", "5 décembre 2026"),
    ('{{ d|date:"SHORT_DATE_FORMAT" }}', {"d": DAY}, "05/12/2026", "05/12/2026"),
    ('{{ d|date:"YEAR_MONTH_FORMAT" }}', {"d": DAY}, "December 2026", "décembre 2026"),
    ('{{ d|date:"MONTH_DAY_FORMAT" }}', {"d": DAY}, "5 December", "5 décembre"),
    ("{{ d }}", {"d": DAY}, "5 December 2026", "5 décembre 2026"),
    ('{{ d|date:"DATE_FORMAT" }}', {"d": date(2027, 3, 2)}, "2 March 2027", "2 mars 2027"),
    ('{{ d|date:"SHORT_DATE_FORMAT" }}', {"d": date(2027, 3, 2)}, "02/03/2027", "02/03/2027"),
    (
        '{{ m|date:"DATETIME_FORMAT" }}',
        {"m": MOMENT},
        "5 December 2026, 14:30",
        "5 décembre 2026, 14:30",
    ),
    ('{{ m|date:"SHORT_DATETIME_FORMAT" }}', {"m": MOMENT}, "05/12/2026 14:30", "05/12/2026 14:30"),
    ('{{ m|time:"TIME_FORMAT" }}', {"m": MOMENT}, "14:30", "14:30"),
    ("{{ t|time }}", {"t": time(9, 5)}, "09:05", "09:05"),
    ('{{ m|date:"T" }}', {"m": MOMENT}, "CET", "CET"),
    ('{{ n|floatformat:"2g" }}', {"n": AMOUNT}, "3,598,000.00", f"3{NNBSP}598{NNBSP}000,00"),
    ('{{ n|floatformat:"0g" }}', {"n": Decimal("12345.6")}, "12,346", f"12{NNBSP}346"),
    ("{{ n|floatformat:1 }}", {"n": Decimal("62.55")}, "62.6", "62,6"),
    (
        "{{ n|money:'THB' }}",
        {"n": AMOUNT},
        f"THB{NBSP}3,598,000.00",
        f"3{NNBSP}598{NNBSP}000,00{NBSP}THB",
    ),
    (
        "{{ n|money:c }}",
        {"n": AMOUNT, "c": "thb"},
        f"THB{NBSP}3,598,000.00",
        f"3{NNBSP}598{NNBSP}000,00{NBSP}THB",
    ),
    (
        "{{ n|money:'JPY' }}",
        {"n": Decimal("1500000")},
        f"JPY{NBSP}1,500,000",
        f"1{NNBSP}500{NNBSP}000{NBSP}JPY",
    ),
    ("{{ n|money:'EUR' }}", {"n": Decimal("1241.38")}, "€1,241.38", f"1{NNBSP}241,38{NBSP}€"),
    # The pound on British English pages; an ambiguous dollar keeps its code.
    ("{{ n|money:'GBP' }}", {"n": Decimal("85000")}, "£85,000.00", f"85{NNBSP}000,00{NBSP}GBP"),
    (
        "{{ n|money:'USD' }}",
        {"n": Decimal("85000")},
        f"USD{NBSP}85,000.00",
        f"85{NNBSP}000,00{NBSP}USD",
    ),
    ("{{ n|money_eur }}", {"n": Decimal("-0.5")}, "-€0.50", f"-0,50{NBSP}€"),
    ("{{ n|money_eur }}", {"n": 0}, "€0.00", f"0,00{NBSP}€"),
    ("[{{ n|money_eur }}]", {"n": None}, "[]", "[]"),
    # Numbers that are names, not quantities, are never grouped.
    ("{{ n }}", {"n": 2026}, "2026", "2026"),
    ("{{ n }}", {"n": 123456}, "123456", "123456"),
    ("{{ n|unlocalize }}", {"n": Decimal("3598000.50")}, "3598000.50", "3598000.50"),
    ("{{ n|localize }}", {"n": Decimal("3598000.50")}, "3598000.50", "3598000,50"),
]


def render(expression: str, context: dict, language: str) -> str:
    with translation.override(language):
        return Template("{% load l10n %}" + expression).render(Context(context))


@pytest.mark.parametrize(
    ("expression", "context", "language", "expected"),
    [
        pytest.param(expr, ctx, lang, want, id=f"{lang}:{expr}")
        for expr, ctx, en, fr in CASES
        for lang, want in (("en", en), ("fr", fr))
    ],
)
def test_every_date_and_amount_format_in_both_languages(expression, context, language, expected):
    assert render(expression, context, language) == expected


def test_money_in_python_takes_the_language_or_the_active_one():
    assert amounts.money(AMOUNT, "THB", "fr") == f"3{NNBSP}598{NNBSP}000,00{NBSP}THB"
    with translation.override("fr"):
        assert amounts.money_eur(Decimal("10")) == f"10,00{NBSP}€"
    # A language without a format module of ours (the public grievance pages): Babel's own.
    assert amounts.money(AMOUNT, "EUR", "de") == f"3.598.000,00{NBSP}€"
    assert amounts.money(AMOUNT, "EUR", "zz") == "€3,598,000.00"  # unknown: British
    assert amounts.money("not a number", "EUR", "en") == "not a number"


def test_date_inputs_read_iso_and_day_first_in_both_languages():
    from django import forms

    class Form(forms.Form):
        day = forms.DateField()

    for language in ("en", "fr"):
        with translation.override(language):
            for typed in ("2027-03-02", "02/03/2027"):
                form = Form({"day": typed})
                assert form.is_valid(), (language, typed)
                assert form.cleaned_data["day"] == date(2027, 3, 2)
            # An unbound date renders as ISO, the value <input type="date"> needs.
            assert 'value="2027-03-02"' in str(Form(initial={"day": date(2027, 3, 2)})["day"])


# --- A page, an e-mail, a PDF -------------------------------------------------------------


@pytest.fixture
def thb_contract(northvale):
    with scopes_disabled():
        return ContractFactory(
            affiliate=northvale,
            reference="NV-THB-1",
            title="Servers assembled in Thailand",
            contractor=SupplierFactory(name="Northern IT"),
            value=AMOUNT,
            currency="THB",
            value_eur=Decimal("95123.40"),
            awarded_on=DAY,
            start_date=date(2026, 1, 5),
            end_date=date(2027, 3, 2),
        )


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            [
                "5 December 2026",
                "2 March 2027",
                f"THB{NBSP}3,598,000.00",
                "€95,123.40 at the reference rate",
            ],
        ),
        (
            "fr",
            [
                "5 décembre 2026",
                "2 mars 2027",
                f"3{NNBSP}598{NNBSP}000,00{NBSP}THB",
                f"95{NNBSP}123,40{NBSP}€",
            ],
        ),
    ],
)
def test_the_contract_pages_show_european_dates_and_grouped_amounts(
    client, northvale_officer, thb_contract, language, expected
):
    northvale_officer.language = language
    northvale_officer.save()
    client.force_login(northvale_officer)
    detail = client.get(f"/a/northvale/contracts/{thb_contract.pk}/").content.decode()
    for text in expected:
        assert text in detail
    listing = client.get("/a/northvale/contracts/").content.decode()
    assert expected[2] in listing
    assert "3598000" not in detail + listing
    assert "12/05/2026" not in detail + listing  # never month first


@pytest.mark.sends
@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "by 2 March 2027 (3 months"), ("fr", "2 mars 2027")],
)
def test_an_email_shows_the_date_in_the_recipients_language(language, expected):
    with translation.override("en" if language == "fr" else "fr"):  # whatever the request's
        email = render_templates(
            "grievances/email/reminder",
            {
                "deadline": "feedback",
                "kind": "due_soon",
                "due": date(2027, 3, 2),
                "days_left": 3,
                "days_overdue": 0,
                "reference": "GR-2026-0007",
                "link": "https://ewatch.example/staff/grievances/7/",
            },
            language,
        )
    assert expected in email.text
    assert expected.split(" (")[0].removeprefix("by ") in email.html
    assert "03/02/2027" not in email.text + email.html


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["31 December 2026", "05/01/2026", "02/03/2027", "THB 3,598,000.00"]),
        ("fr", ["31 décembre 2026", "05/01/2026", "02/03/2027", "3 598 000,00 THB"]),
    ],
)
def test_the_compliance_report_pdf_in_both_languages(northvale, thb_contract, language, expected):
    with scope(affiliate=northvale):
        report = compliance_report_request(
            affiliate=northvale,
            by=None,
            period_start=date(2026, 1, 1),
            period_end=date(2026, 12, 31),
            language=language,
        )
        pdf, _pages = compliance_report_render(report)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    text = " ".join(text.replace(NNBSP, " ").replace(NBSP, " ").split())
    for wanted in expected:
        assert wanted in text, text[text.find("Contracts") :][:600]
    assert "3598000" not in text


# --- Files and the API stay ISO and plain ---------------------------------------------------


def test_csv_xlsx_and_api_keep_iso_dates_and_plain_decimals(
    client, northvale_officer, thb_contract
):
    northvale_officer.language = "fr"
    northvale_officer.save()
    client.force_login(northvale_officer)

    response = client.get("/a/northvale/contracts/?format=csv")
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    row = next(r for r in rows if r[0] == "NV-THB-1")
    assert "3598000.00" in row and "THB" in row
    assert {"2026-12-05", "2026-01-05", "2027-03-02"} <= set(row)

    response = client.get("/a/northvale/contracts/?format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = {cell.coordinate: cell for row in sheet.iter_rows(min_row=2) for cell in row}
    values = [cell.value for cell in cells.values()]
    assert AMOUNT in values or float(AMOUNT) in values  # a number, not a formatted text
    dated = [cell for cell in cells.values() if isinstance(cell.value, datetime)]
    assert dated and all(cell.number_format == "yyyy-mm-dd" for cell in dated)

    body = client.get("/api/v1/contracts/").json()
    contract = next(c for c in body["results"] if c["reference"] == "NV-THB-1")
    assert contract["value"] == "3598000.00"
    assert (contract["awarded_on"], contract["start_date"], contract["end_date"]) == (
        "2026-12-05",
        "2026-01-05",
        "2027-03-02",
    )
