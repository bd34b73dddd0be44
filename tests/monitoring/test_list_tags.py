"""The list pages' row filters (monitoring/templatetags/monitoring_tags.py) show exactly what
the slower forms they replace showed: `get_<field>_display`, `country.name`, and the
"N days" of `{% blocktranslate count %}`, in English and in French."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django import forms
from django.template import Context, Template
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django_countries.fields import Country

from core.forms import QuickSelect
from monitoring.models import Finding, MonitoringReport
from monitoring.templatetags.monitoring_tags import choice_label, country_name, pk_url, row_url
from remediation.models import RemediationCase


def _all_values(model, name):
    return [value for value, _label in model._meta.get_field(name).flatchoices]


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize(
    ("model", "name"),
    [
        (Finding, "severity"),
        (Finding, "status"),
        (MonitoringReport, "status"),
        (RemediationCase, "severity"),
        (RemediationCase, "status"),
    ],
)
def test_choice_label_is_get_display(model, name, language):
    with translation.override(language):
        for value in [*_all_values(model, name), "not-a-choice", ""]:
            row = model(**{name: value})
            assert choice_label(row, name) == getattr(row, f"get_{name}_display")()


def test_choice_label_follows_the_active_language():
    row = RemediationCase(status=_all_values(RemediationCase, "status")[0])
    with translation.override("en"):
        english = choice_label(row, "status")
    with translation.override("fr"):
        french = choice_label(row, "status")
        assert french == row.get_status_display()
    assert english != french


@pytest.mark.parametrize("language", ["en", "fr"])
def test_country_name_is_the_countrys_name(language):
    with translation.override(language):
        for code in ("CN", "VN", "MY", "CZ"):
            assert country_name(Country(code)) == Country(code).name
        assert country_name(Country("")) == ""
        assert country_name(None) == ""


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("days", [0, 1, 2, 40])
def test_days_since_label_is_the_blocktranslate(language, days):
    moment = timezone.now() - timedelta(days=days, hours=1)
    tag = Template(
        "{% load i18n monitoring_tags %}{% with days=moment|days_since %}"
        "{% blocktranslate count counter=days %}{{ counter }} day{% plural %}{{ counter }} days"
        "{% endblocktranslate %}{% endwith %}"
    )
    label = Template("{% load monitoring_tags %}{{ moment|days_since_label }}")
    with translation.override(language):
        context = Context({"moment": moment})
        assert label.render(context) == tag.render(context)
    assert Template("{% load monitoring_tags %}{{ None|days_since_label }}").render(Context()) == ""


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("fmt", ["DATE_FORMAT", "YEAR_MONTH_FORMAT"])
def test_calendar_date_is_the_date_filter(language, fmt, settings):
    moments = [
        date(2026, 1, 31),
        date(2025, 12, 1),
        datetime(2026, 3, 1, 23, 30, tzinfo=UTC),  # the next day in some time zones
        datetime(2026, 3, 1, 0, 30, tzinfo=UTC),  # the day before in others
        None,
        "",
    ]
    same = Template(
        "{% load monitoring_tags %}{% for m in moments %}[{{ m|calendar_date:fmt }}]{% endfor %}"
    )
    stock = Template("{% for m in moments %}[{{ m|date:fmt }}]{% endfor %}")
    for zone in ("UTC", "Asia/Shanghai", "America/Mexico_City"):
        with translation.override(language), timezone.override(zone):
            context = Context({"moments": moments, "fmt": fmt})
            assert same.render(context) == stock.render(context)


@pytest.mark.parametrize(
    "url_name",
    [
        "monitoring:staff_report",
        "monitoring:report_detail",
        "remediation:staff_case",
        "remediation:partner_case",
    ],
)
def test_pk_url_is_the_url_tag(url_name):
    for pk in (1, 42, 2_147_483_646):
        assert pk_url(pk, url_name) == reverse(url_name, kwargs={"pk": pk})


def test_pk_url_refuses_a_url_without_a_pk():
    with pytest.raises(NoReverseMatch):
        pk_url(1, "remediation:staff_cases")


CHOICES = [
    ("", "Any"),
    ("a", "Plain"),
    ("b&c", 'Quotes " and <tags> & ampersands'),
    (3, "A number"),
    ("Group <1>", [("g1", "In a group"), ("g2", "Also")]),
]


@pytest.mark.parametrize("value", [None, "", "a", "b&c", 3, "g2", ["a", "g1"], "absent"])
@pytest.mark.parametrize(
    "attrs",
    [None, {"id": "id_x", "required": True, "disabled": False, "data-n": 4, "title": 'a"b'}],
)
def test_filter_select_writes_what_djangos_templates_write(value, attrs):
    ours = QuickSelect(attrs={"class": "x<y"}, choices=CHOICES)
    stock = forms.Select(attrs={"class": "x<y"}, choices=CHOICES)
    assert ours.render("name&", value, attrs) == stock.render("name&", value, attrs)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_filter_forms_render_as_with_djangos_select(language, monkeypatch):
    from monitoring.forms import FindingFilterForm, TriageFilterForm
    from remediation.forms import CaseFilterForm
    from tests.factories import published_finding

    published_finding(severity="high")
    bound = [
        FindingFilterForm({"severity": "high"}, queryset=Finding.objects.all()),
        FindingFilterForm({"severity": "nonsense"}),
        TriageFilterForm({"status": "published"}, reports=MonitoringReport.objects.all()),
        CaseFilterForm({}, cases=RemediationCase.objects.all()),
    ]
    with translation.override(language):
        ours = [str(field) for form in bound for field in form.visible_fields()]
        monkeypatch.setattr(QuickSelect, "render", forms.Select.render)
        stock = [str(field) for form in bound for field in form.visible_fields()]
    assert ours == stock


def test_row_url_is_the_url_tag_with_other_arguments():
    for slug in ("northvale", "gen-00001", "2147483647"):  # the last holds the stand-in key
        for pk in (1, 99):
            expected = reverse("reports:factory_detail", kwargs={"affiliate_slug": slug, "pk": pk})
            assert row_url("reports:factory_detail", pk, affiliate_slug=slug) == expected
