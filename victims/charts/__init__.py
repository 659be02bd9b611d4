"""Charts drawn on the server as SVG (issue 15, item 4), so they work without JavaScript, print,
and go into PDFs; every chart carries its data as a table for the page to show beneath it.

Drawn with pygal (see docs/decisions.md, "Charts"): it writes SVG natively in about 5 ms a chart
(matplotlib's SVG backend took 40 ms for the same bars here), needs no numpy, and WeasyPrint
renders its output. The SVG goes into the page as an image (`data:` URL): the service's content
security policy allows no inline styles, and an SVG image keeps its own styles and runs no
script (the configuration script pygal writes is removed as well).

Plain data in, a `Chart` out: nothing here reads the database or knows of a request.
"""

from __future__ import annotations

import base64
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field

import pygal
from markupsafe import Markup
from pygal.style import Style

# pygal adds an import hook for its map plugins (which the service does not use) that has no
# find_spec: every import after it that reaches the hook warns (ImportWarning), an error under the
# test suite's filterwarnings. It is taken out again.
sys.meta_path[:] = [finder for finder in sys.meta_path if not isinstance(finder, pygal.PluginImportFixer)]

# GOV.UK Design System colours: blue, green, red, orange, purple, dark grey, turquoise, pink.
BLUE, GREEN, RED, ORANGE, PURPLE, GREY, TURQUOISE, PINK = (
    "#1d70b8",
    "#00703c",
    "#d4351c",
    "#f47738",
    "#4c2c92",
    "#505a5f",
    "#28a197",
    "#d53880",
)
PALETTE = (BLUE, GREEN, RED, ORANGE, PURPLE, GREY, TURQUOISE, PINK)

STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#0b0c0c",
    foreground_strong="#0b0c0c",
    foreground_subtle="#505a5f",
    font_family="Arial, Helvetica, sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=14,
    title_font_size=16,
    value_font_size=12,
    colors=PALETTE,
    opacity="1",
    opacity_hover="1",
    guide_stroke_color="#b1b4b6",
    guide_stroke_dasharray="2,4",
    # Major guides mark reference lines (the 250 and 350 case band, 100% capacity).
    major_guide_stroke_color="#0b0c0c",
    major_guide_stroke_dasharray="6,3",
    transition="0s",
)

_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | int | None]
    # A colour for each value (for example by band), else the series' colour from the palette.
    colours: Sequence[str] | None = None


@dataclass(frozen=True)
class Chart:
    """A chart and the same numbers as a table. `description` says in a sentence what the chart
    shows (the image's alternative text); the table is the data itself."""

    id: str
    title: str
    description: str
    image: Markup  # an <img> with the SVG as a data URL
    svg: str
    headers: tuple[str, ...]
    rows: list[tuple[object, ...]] = field(default_factory=list)


def bars(
    id: str,
    title: str,
    description: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    horizontal: bool = False,
    stacked: bool = False,
    references: Sequence[float] = (),
    y_title: str | None = None,
    table_headers: tuple[str, ...] | None = None,
    width: int = 800,
    height: int = 400,
) -> Chart:
    """Bars for each label, one bar (or one part of a stacked bar) per series. `references` are
    values drawn as dashed lines across the chart (the band's edges, 100%)."""
    kind = {
        (False, False): pygal.Bar,
        (True, False): pygal.HorizontalBar,
        (False, True): pygal.StackedBar,
        (True, True): pygal.HorizontalStackedBar,
    }[(horizontal, stacked)]
    chart = kind(**_config(title, width, height, y_title, references, series, stacked=stacked))
    chart.x_labels = list(labels)
    for one in series:
        chart.add(one.name, _values(one))
    return _finish(id, title, description, chart, labels, series, table_headers)


def lines(
    id: str,
    title: str,
    description: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    references: Sequence[float] = (),
    y_title: str | None = None,
    table_headers: tuple[str, ...] | None = None,
    width: int = 800,
    height: int = 360,
) -> Chart:
    """A line per series across the labels (months, weeks): trends. A missing value (None) leaves
    a gap rather than a fall to zero."""
    config = _config(title, width, height, y_title, references, series)
    config.update(show_dots=len(labels) <= 24, dots_size=3, stroke_style={"width": 3})
    if len(labels) > 16:
        config.update(
            x_label_rotation=-40, show_minor_x_labels=False, x_labels_major_every=max(1, len(labels) // 12)
        )
    chart = pygal.Line(**config)
    chart.x_labels = list(labels)
    for one in series:
        chart.add(one.name, list(one.values))
    return _finish(id, title, description, chart, labels, series, table_headers)


def _config(
    title: str,
    width: int,
    height: int,
    y_title: str | None,
    references: Sequence[float],
    series: Sequence[Series],
    *,
    stacked: bool = False,
) -> dict:
    config: dict = {
        "title": None,  # the page gives the title (the figure's caption), once
        "width": width,
        "height": height,
        "style": STYLE,
        "js": [],
        "disable_xml_declaration": True,
        "show_legend": len(series) > 1,
        "legend_at_bottom": True,
        "legend_at_bottom_columns": min(len(series), 4) or 1,
        "truncate_label": 24,
        "truncate_legend": 40,
        "print_values": False,
        "margin": 12,
        "y_title": y_title,
        "include_x_axis": True,
        "x_label_rotation": 0,
    }
    if references:
        top = max(
            [*references]
            + [
                _total(series, index) if stacked else _largest(series, index)
                for index in range(_length(series))
            ]
            + [0]
        )
        step = _nice_step(top)
        ticks = sorted({*(step * n for n in range(int(top // step) + 2)), *references})
        config.update(y_labels=ticks, y_labels_major=list(references), show_minor_y_labels=True)
    return config


def _length(series: Sequence[Series]) -> int:
    return max((len(one.values) for one in series), default=0)


def _largest(series: Sequence[Series], index: int) -> float:
    return max((_number(one.values, index) for one in series), default=0)


def _total(series: Sequence[Series], index: int) -> float:
    return sum(_number(one.values, index) for one in series)


def _number(values: Sequence[float | int | None], index: int) -> float:
    if index >= len(values):
        return 0
    return values[index] or 0


def _nice_step(top: float) -> float:
    """A round step giving about five gridlines up to `top`."""
    if top <= 0:
        return 1
    raw = top / 5
    magnitude = 10 ** (len(str(int(raw))) - 1) if raw >= 1 else 1
    for multiple in (1, 2, 2.5, 5, 10):
        if raw <= multiple * magnitude:
            return multiple * magnitude
    return 10 * magnitude


def _values(one: Series) -> list:
    if one.colours is None:
        return list(one.values)
    return [{"value": value, "color": colour} for value, colour in zip(one.values, one.colours, strict=True)]


def _finish(
    id: str,
    title: str,
    description: str,
    chart: pygal.graph.graph.Graph,
    labels: Sequence[str],
    series: Sequence[Series],
    table_headers: tuple[str, ...] | None,
) -> Chart:
    svg = chart.render(is_unicode=True)
    svg = _COMMENT.sub("", _SCRIPT.sub("", svg))
    encoded = base64.b64encode(svg.encode()).decode()
    image = Markup('<img class="app-chart__image" src="data:image/svg+xml;base64,{}" alt="{}">').format(
        encoded, description
    )
    headers = table_headers or ("", *(one.name for one in series))
    rows = [
        (label, *(one.values[index] if index < len(one.values) else None for one in series))
        for index, label in enumerate(labels)
    ]
    return Chart(
        id=id, title=title, description=description, image=image, svg=svg, headers=headers, rows=rows
    )
