"""The shared printing module (victims.printing): the one place letters and maps are printed from."""

from __future__ import annotations

import ast
import base64
import io
import re
import subprocess
import sys

import pytest
from weasyprint.urls import FatalURLFetchingError

from tests.helpers import PROJECT
from victims import printing

ROOT = PROJECT
PAGE = '<!DOCTYPE html><html lang="en-GB"><head><title>A page</title></head><body>{body}</body></html>'


@pytest.mark.parametrize(
    "markup",
    [
        '<img src="https://example.org/logo.png" alt="">',
        '<link rel="stylesheet" href="file:///etc/passwd">',
        '<img src="http://127.0.0.1:6379/" alt="">',
        '<link rel="stylesheet" href="ftp://example.org/a.css">',
    ],
    ids=["https", "file", "loopback", "ftp"],
)
def test_every_url_but_data_is_refused_and_stops_the_printing(markup):
    page = PAGE.format(body=markup)
    with pytest.raises(FatalURLFetchingError):
        printing.html_to_pdf(page)
    with pytest.raises(FatalURLFetchingError):
        printing.layout(page)


def test_a_data_uri_is_read_without_fetching_anything(poppler, tmp_path):
    """The one scheme read: a printed map's base map is stitched on the server (only from the
    configured tile host, victims.prerelease.basemap) and embedded in the page as data."""
    from PIL import Image

    image = io.BytesIO()
    Image.new("RGB", (4, 4), (12, 34, 56)).save(image, format="PNG")
    uri = "data:image/png;base64," + base64.b64encode(image.getvalue()).decode()
    path = tmp_path / "page.pdf"
    path.write_bytes(printing.html_to_pdf(PAGE.format(body=f'<img src="{uri}" alt="A square">')))
    listed = subprocess.run(["pdfimages", "-list", path], check=True, capture_output=True, text=True).stdout
    assert len(listed.strip().splitlines()) == 3  # two header lines and the one image


@pytest.mark.usefixtures("no_weasyprint_warnings")
def test_a_page_laid_out_to_measure_prints_as_a_tagged_pdf(poppler, tmp_path):
    page = PAGE.format(body='<p id="x">Hi</p>')
    document = printing.layout(page)
    assert "x" in document.pages[0].anchors  # what the map measures its page 1 with
    for pdf in (printing.write_pdf(document), printing.html_to_pdf(page)):
        path = tmp_path / "page.pdf"
        path.write_bytes(pdf)
        info = subprocess.run(["pdfinfo", path], check=True, capture_output=True, text=True).stdout
        assert re.search(r"^Tagged:\s+yes$", info, re.M)
        assert re.search(r"^Pages:\s+1$", info, re.M)


def test_the_font_configuration_is_built_once():
    assert printing._font_config() is printing._font_config()


def test_print_templates_escape_and_refuse_missing_values():
    html = printing.render_template("print/_blocks.html")  # a macro file: renders to nothing
    assert html.strip() == ""
    environment = printing._environment()
    assert environment.autoescape("letters/pdf.html") is True
    with pytest.raises(Exception, match="undefined"):
        environment.from_string("{{ missing.name }}").render()


def test_printing_uses_nothing_of_ours_but_the_domain():
    tree = ast.parse((ROOT / "victims" / "printing.py").read_text())
    imported = {
        alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
    } | {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    ours = {name for name in imported if name.split(".")[0] == "victims"}
    assert all(name == "victims.domain" or name.startswith("victims.domain.") for name in ours), ours
    third_party = {name.split(".")[0] for name in imported} - set(sys.stdlib_module_names) - {"victims"}
    assert third_party <= {"jinja2", "weasyprint"}
