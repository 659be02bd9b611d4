"""The server-drawn charts: an image the page can show under its content security policy (no
script, no inline style in the page), and the same numbers as a table."""

import base64

from victims import charts
from victims.charts import Series


def _svg(chart: charts.Chart) -> str:
    encoded = str(chart.image).split("base64,", 1)[1].split('"', 1)[0]
    return base64.b64decode(encoded).decode()


def test_bars_carry_their_numbers_as_a_table_and_an_image_without_script():
    chart = charts.bars(
        "cases",
        "Open cases per VLO",
        "Cases per VLO against the 250 to 350 band",
        ["Amelia", "Ben", "Chloe"],
        [Series("Open cases", [297, 357, 201], colours=[charts.GREEN, charts.RED, charts.BLUE])],
        references=[250, 350],
        table_headers=("VLO", "Open cases"),
    )
    assert chart.rows == [("Amelia", 297), ("Ben", 357), ("Chloe", 201)]
    assert chart.headers == ("VLO", "Open cases")
    svg = _svg(chart)
    assert svg == chart.svg
    assert svg.startswith("<svg") and "<script" not in svg
    # The band's edges are drawn as major guides, and each bar has the colour of its band.
    assert svg.count('class="major guide line"') == 2
    assert charts.RED in svg and charts.GREEN in svg
    assert 'alt="Cases per VLO against the 250 to 350 band"' in str(chart.image)


def test_a_line_with_a_missing_month_leaves_a_gap_and_a_dash_in_the_table():
    chart = charts.lines(
        "trend", "Open cases", "Open cases by month", ["Jan", "Feb", "Mar"], [Series("Team", [10, None, 12])]
    )
    assert chart.rows == [("Jan", 10), ("Feb", None), ("Mar", 12)]
    assert "<svg" in _svg(chart)


def test_text_in_labels_is_escaped_in_the_alternative_text():
    chart = charts.bars("x", "T", 'Say "hello" <b>', ["a"], [Series("s", [1])])
    assert "<b>" not in str(chart.image)


def test_a_printed_chart_is_the_svg_itself_with_labels_escaped():
    chart = charts.bars("x", "T", "d", ["<script>alert(1)</script>"], [Series("s", [1])])
    assert str(chart.inline) == chart.svg
    assert "<script>" not in chart.svg and "&lt;script&gt;" in chart.svg
