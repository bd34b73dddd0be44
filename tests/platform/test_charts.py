"""Server-drawn SVG charts: what a reader (or a PDF) gets from them."""

import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from core.charts import bar_chart, stacked_bar_chart

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup) -> ET.Element:
    return ET.fromstring(str(markup))


def bars(svg: ET.Element) -> list[ET.Element]:
    return [g for g in svg.iter(f"{SVG}g") if g.get("class") == "chart-bar"]


def texts(element: ET.Element) -> list[str]:
    return [t.text for t in element.iter(f"{SVG}text")]


def test_bar_chart_draws_one_bar_per_row_with_its_label_and_value():
    svg = parse(
        bar_chart(
            [("Thailand", 12), ("Malaysia", 3), ("Czechia", 1)],
            title="Findings by country",
            unit_label="Findings",
        )
    )
    assert len(bars(svg)) == 3
    assert [texts(bar) for bar in bars(svg)] == [
        ["Thailand", "12"],
        ["Malaysia", "3"],
        ["Czechia", "1"],
    ]
    assert "Findings" in texts(svg)


def test_bar_chart_is_an_image_named_by_its_title_and_description():
    svg = parse(bar_chart([("Thailand", 12), ("Malaysia", 3)], title="Findings by country"))
    title = svg.find(f"{SVG}title")
    desc = svg.find(f"{SVG}desc")
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert title.text == "Findings by country"
    assert desc.text == "Horizontal bar chart with 2 bars. Largest: Thailand, 12."


def test_bar_widths_are_proportional_to_the_values():
    svg = parse(bar_chart([("A", 40), ("B", 20), ("C", 10)], title="t"))
    widths = [float(bar.find(f"{SVG}rect").get("width")) for bar in bars(svg)]
    assert widths[0] > 0
    assert widths[1] == pytest.approx(widths[0] / 2, abs=0.1)
    assert widths[2] == pytest.approx(widths[0] / 4, abs=0.1)


def test_bar_chart_escapes_labels_and_title():
    svg_markup = str(
        bar_chart(
            [('<script>alert("x")</script>', 3), ("R&D <b>", 1)],
            title="<img src=x onerror=alert(1)>",
        )
    )
    svg = parse(svg_markup)
    assert "<script>" not in svg_markup
    assert [element.tag for element in svg.iter() if "script" in element.tag] == []
    assert svg.find(f"{SVG}title").text == "<img src=x onerror=alert(1)>"
    assert texts(bars(svg)[0])[0].startswith("<script>")
    assert bars(svg)[1].find(f"{SVG}title").text == "R&D <b>: 1"


def test_bar_chart_uses_no_inline_style_or_script():
    markup = str(bar_chart([("A", 1)], title="t"))
    svg = parse(markup)
    assert [element.tag for element in svg.iter() if element.get("style") is not None] == []
    assert "style=" not in markup
    assert "<script" not in markup


def test_empty_bar_chart_says_there_is_no_data():
    svg = parse(bar_chart([], title="Findings by corridor"))
    assert bars(svg) == []
    assert texts(svg) == ["No data to show."]
    assert svg.find(f"{SVG}title").text == "Findings by corridor"


def test_all_zero_values_draw_empty_bars_without_failing():
    svg = parse(bar_chart([("A", 0), ("B", 0)], title="t"))
    assert [bar.find(f"{SVG}rect").get("width") for bar in bars(svg)] == ["0", "0"]
    assert [texts(bar)[1] for bar in bars(svg)] == ["0", "0"]


def test_long_labels_are_shortened_but_kept_whole_in_the_tooltip():
    label = "Freedom of association and collective bargaining in the electronics sector"
    svg = parse(bar_chart([(label, 2)], title="t"))
    shown = texts(bars(svg)[0])[0]
    assert shown.endswith("…")
    assert len(shown) < len(label)
    assert label.startswith(shown[:-1])
    assert bars(svg)[0].find(f"{SVG}title").text == f"{label}: 2"


def test_bars_beyond_the_maximum_are_left_out_and_counted():
    rows = [(f"Country {n}", 30 - n) for n in range(25)]
    svg = parse(bar_chart(rows, title="t", max_bars=20))
    assert len(bars(svg)) == 20
    assert "5 more rows not shown." in texts(svg)
    assert svg.find(f"{SVG}desc").text.endswith("5 more rows not shown.")


def test_same_input_gives_the_same_bytes_and_other_input_other_ids():
    first = bar_chart([("A", 1), ("B", 2.5)], title="t")
    assert first == bar_chart([("A", 1), ("B", 2.5)], title="t")
    other = bar_chart([("A", 2)], title="t")
    assert parse(first).find(f"{SVG}title").get("id") != parse(other).find(f"{SVG}title").get("id")


def test_numbers_follow_the_active_language():
    with translation.override("fr"):
        svg = parse(bar_chart([("Thaïlande", 1234.5)], title="t"))
    assert texts(bars(svg)[0])[1].replace("\u202f", " ").replace("\xa0", " ") == "1 234,5"


def test_stacked_bar_chart_draws_segments_a_legend_and_totals():
    svg = parse(
        stacked_bar_chart(
            [("Fair recruitment", {"high": 2, "low": 1}), ("Working hours", {"low": 3})],
            segments=[("high", "High"), ("low", "Low")],
            title="Findings by category and severity",
        )
    )
    legend = next(g for g in svg.iter(f"{SVG}g") if g.get("class") == "chart-legend")
    assert texts(legend) == ["High", "Low"]
    first, second = bars(svg)
    assert texts(first) == ["Fair recruitment", "3"]
    assert [r.find(f"{SVG}title").text for r in first.iter(f"{SVG}rect")] == ["High: 2", "Low: 1"]
    assert [r.find(f"{SVG}title").text for r in second.iter(f"{SVG}rect")] == ["Low: 3"]
    high, low = (float(r.get("width")) for r in first.iter(f"{SVG}rect"))
    (only,) = (float(r.get("width")) for r in second.iter(f"{SVG}rect"))
    assert high == pytest.approx(2 * low, abs=0.2)
    assert only == pytest.approx(3 * low, abs=0.2)
    assert first.find(f"{SVG}title").text == "Fair recruitment: 3 (High: 2, Low: 1)"


def test_stacked_bar_chart_with_no_rows_says_there_is_no_data():
    svg = parse(stacked_bar_chart([], segments=[("low", "Low")], title="t"))
    assert texts(svg) == ["No data to show."]
