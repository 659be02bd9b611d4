"""Printing HTML to PDF with WeasyPrint: one home for what every printed document shares.

Letters (``victims/letters/pdf.py``), exclusion-zone maps (``victims/prerelease/map_pdf.py``) and
the representations document are standalone HTML pages printed here:

- Fonts: one WeasyPrint font configuration for the process, built on first use (building one costs
  more than printing a letter). The templates ask for Liberation Sans.
- One lock round every use of WeasyPrint: WeasyPrint and Pango make no promise about threads
  sharing a font configuration.
- No network: the pages have no external URLs, and the URL fetcher refuses every URL but a
  ``data:`` URI anyway, and stops the rendering if one is ever asked for. (A printed map's base
  map is an image the server fetched and stitched, ``victims.prerelease.basemap``, embedded in the
  page as a ``data:`` URI: it needs no fetching.)
- Templates: a Jinja environment of its own (not Flask's) on the project's ``templates/`` folder,
  with autoescape for HTML and ``StrictUndefined``, so a value left out is an error rather than a
  blank in a letter.
- Accessibility: every PDF is tagged (``pdf_variant="pdf/ua-1"``, which implies ``pdf_tags=True``),
  so headings, paragraphs and lists reach screen readers as such; the HTML ``lang`` attribute and
  ``<title>`` become the PDF's language and title.
- `blocks` splits plain text into paragraphs and bulleted lists, which
  ``templates/print/_blocks.html`` prints.

This module uses nothing of ours: it may import only the standard library, third-party packages
and ``victims.domain``.
"""

from __future__ import annotations

import functools
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

if TYPE_CHECKING:
    from weasyprint import HTML
    from weasyprint.document import Document
    from weasyprint.text.fonts import FontConfiguration

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
PDF_VARIANT = "pdf/ua-1"

_render_lock = threading.Lock()

# The top margin of every page of a document printed before it passed its checks and was approved
# (a letter) or countersigned (a map, the representations): no page of it can pass for one issued.
DRAFT_MARK = "DRAFT – NOT FOR ISSUE"


# Templates -----------------------------------------------------------------------------------------


@functools.cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(("html",)),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_template(name: str, **context: Any) -> str:
    """A print template (a path under ``templates/``) rendered to HTML, every value escaped."""
    return _environment().get_template(name).render(**context)


@dataclass(frozen=True)
class Block:
    """A paragraph (its lines, printed with line breaks between) or a bulleted list (its items)."""

    kind: str  # "p" or "ul"
    lines: tuple[str, ...]


_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def blocks(body: str) -> list[Block]:
    """Split plain text into paragraphs and bulleted lists.

    A blank line ends a paragraph; a line starting "- " is a bullet item, and "- " lines either
    side of a blank line stay in one list; single newlines inside a paragraph are line breaks.
    """
    result: list[Block] = []
    for chunk in _BLANK_LINE.split(body.replace("\r\n", "\n").strip()):
        in_paragraph = False
        for raw in chunk.split("\n"):
            line = raw.strip()
            if not line:
                continue
            if line.startswith("- "):
                if result and result[-1].kind == "ul":
                    result[-1] = Block("ul", (*result[-1].lines, line[2:].strip()))
                else:
                    result.append(Block("ul", (line[2:].strip(),)))
                in_paragraph = False
            elif in_paragraph:
                result[-1] = Block("p", (*result[-1].lines, line))
            else:
                result.append(Block("p", (line,)))
                in_paragraph = True
    return result


# WeasyPrint ----------------------------------------------------------------------------------------


@functools.cache
def _font_config() -> FontConfiguration:
    """One font configuration for the process (building one costs more than printing a letter)."""
    # Imported when first printing: WeasyPrint and Pango take about 0.4 s to load, and the
    # web process may never print.
    from weasyprint.text.fonts import FontConfiguration  # noqa: PLC0415  (see above)

    return FontConfiguration()


def _page(html: str) -> HTML:
    """The page for WeasyPrint, with a URL fetcher that refuses every URL but ``data:`` and stops
    the rendering if one is ever asked for (a new fetcher each time: it keeps state while
    fetching)."""
    # Imported when first printing: WeasyPrint and Pango take about 0.4 s to load, and the
    # web process may never print.
    from weasyprint import HTML  # noqa: PLC0415  (see above)
    from weasyprint.urls import URLFetcher  # noqa: PLC0415  (see above)

    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=("data",), fail_on_errors=True))


def html_to_pdf(html: str) -> bytes:
    """A standalone print page (a letter, a map, the representations) as a tagged A4 PDF."""
    with _render_lock:
        return _page(html).write_pdf(font_config=_font_config(), pdf_variant=PDF_VARIANT)


def layout(html: str) -> Document:
    """A page laid out but not yet written, to measure: each page's ``anchors`` give the position of
    every element with an ``id``. Write it with `write_pdf`."""
    with _render_lock:
        return _page(html).render(font_config=_font_config(), pdf_variant=PDF_VARIANT)


def write_pdf(document: Document) -> bytes:
    """A page laid out by `layout` as a tagged PDF."""
    with _render_lock:
        return document.write_pdf(pdf_variant=PDF_VARIANT)
