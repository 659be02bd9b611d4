"""Letters to victims as PDF: a standalone HTML page (``templates/letters/pdf.html``) printed by WeasyPrint.

The layout follows GOV.UK Notify's rules for precompiled letters, so the same PDF can be posted
through Notify or printed in the office and put in a window envelope. The figures below, in
millimetres from the top-left corner of an A4 portrait page, are the ones Notify's
template-preview service checks uploaded letters against (``app/precompiled.py`` in
alphagov/notifications-template-preview, read in November 2026):

- Address block: 24.6 mm from the left edge to 120.0 mm (95.4 mm wide); top 40.0 mm, bottom
  66.2 mm (26.2 mm tall). Older versions of that file said 39.5 mm to 66.3 mm (26.8 mm); we use
  the newer, tighter box, which lies inside both. 3 to 7 lines, the postcode last. Nothing else may
  be printed in the band from 30 mm to 95 mm down the page, left of 125 mm, except the address.
- The body of page 1 starts at 95 mm from the top. The sender's column (return address, date,
  reference) may run from 125 mm to the right margin and from 5 mm to 95 mm down.
- Blank margins: at least 15 mm on the left and right, 5 mm at the top and bottom, on every page.
  We use 24.6 mm on the left (the body lines up with the address), 20 mm on the right and
  20 mm at the bottom (the page number sits in it, about 10 mm up from the edge).

Type follows RNIB's clear print guidance: Liberation Sans (metrically the same as Arial), left
aligned, no hyphenation, line height 1.4, headings in bold. Standard print has 12 pt body text;
large print 16 pt body text and larger headings. The address is printed at the body size (12 pt,
or 16 pt in large print) when it fits in the address block, otherwise at the largest size, in
half-point steps down to Notify's own 8 pt, at which every line fits the block without wrapping
(measured with the font's own glyph widths): a 7-line address is printed at 9 pt at most,
whatever the print size, a 4-line one at 15.5 pt in large print. An address that does not fit even at 8 pt is
refused (``AddressTooLong``) rather than printed where the envelope window would hide it; the
letter's quality check measures the same lines first (``lines_too_wide``), so such a letter
fails the check, saying what to shorten, and is never approved.

Accessibility: the PDF holds text, never pictures of text, and is tagged (PDF/UA-1), so
headings, paragraphs and lists reach screen readers as such.

The printing itself (the font configuration, the render lock, the URL fetcher that refuses every
URL, the template environment and the tagged PDF) is ``victims.printing``'s, shared with the
exclusion-zone maps; this module only lays the letter out.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from fontTools.ttLib import TTFont  # a dependency of WeasyPrint

from victims.domain.letter_check import SMALLEST_ADDRESS_PT
from victims.printing import blocks, html_to_pdf, render_template

# Notify's precompiled-letter layout, in mm from the page's top-left corner (see the docstring).
PAGE_WIDTH_MM = 210.0
PAGE_HEIGHT_MM = 297.0
ADDRESS_LEFT_MM = 24.6
ADDRESS_RIGHT_MM = 120.0
ADDRESS_TOP_MM = 40.0
ADDRESS_BOTTOM_MM = 66.2
ADDRESS_MIN_LINES = 3
ADDRESS_MAX_LINES = 7
BODY_TOP_MM = 95.0
SENDER_LEFT_MM = 125.0
# Our own margins (Notify's minimums are 15 mm left and right, 5 mm top and bottom).
MARGIN_LEFT_MM = ADDRESS_LEFT_MM
MARGIN_RIGHT_MM = 20.0
MARGIN_TOP_MM = 20.0
MARGIN_BOTTOM_MM = 20.0
FIRST_PAGE_MARGIN_TOP_MM = 10.0

BODY_PT = {False: 12.0, True: 16.0}  # standard print, large print
TITLE_PT = {False: 15.0, True: 20.0}
HEADING_PT = {False: 13.0, True: 18.0}
ADDRESS_MIN_PT = float(SMALLEST_ADDRESS_PT)  # the size Notify itself rewrites addresses in
ADDRESS_LINE_HEIGHT = 1.15  # > Liberation Sans' ascent + descent (1.117 em), so glyphs stay in their lines
# Room kept spare inside the block for rounding and kerning.
ADDRESS_SPARE_HEIGHT_MM = 0.5
ADDRESS_SPARE_WIDTH_MM = 1.0

PT_PER_MM = 72 / 25.4

WORDS = {
    "en": {"page": "Page", "of": "of", "reference": "Our reference"},
    "cy": {"page": "Tudalen", "of": "o", "reference": "Ein cyfeirnod"},
}

# Debian's fonts-liberation2, then fonts-liberation: the same metrics, used to measure the address.
_FONT_FILES = (
    Path("/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf"),
    Path("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"),
)
_FALLBACK_EM_PER_CHARACTER = 0.8  # wider than any Liberation Sans letter but W and M


@dataclass(frozen=True)
class PrintableLetter:
    language: str  # "en" or "cy" (Welsh)
    large_print: bool
    address_lines: list[str]  # recipient's name first, then address lines, postcode last (3 to 7 lines)
    sender_lines: list[str]  # the unit's name and return address (top right)
    date_text: str  # e.g. "26 November 2026" (already in the letter's language)
    reference: str  # e.g. "Case 123 – letter 45"
    title: str  # bold title line above the body
    # (heading or None, body). Body is plain text: paragraphs separated by a blank line; a line
    # starting "- " is a bullet item; single newlines inside a paragraph are line breaks.
    sections: list[tuple[str | None, str]]
    # "DRAFT – NOT FOR ISSUE" in the top margin of every page of a letter not yet approved.
    draft_mark: str | None = None


@functools.cache
def _glyph_widths() -> tuple[dict[int, float], float] | None:
    """Advance widths in em for each character of Liberation Sans, and the width of a missing one."""
    for path in _FONT_FILES:
        if path.exists():
            with TTFont(path) as font:
                units = font["head"].unitsPerEm
                metrics = font["hmtx"].metrics
                widths = {code: metrics[glyph][0] / units for code, glyph in font.getBestCmap().items()}
                return widths, metrics[".notdef"][0] / units
    return None


class AddressTooLong(ValueError):
    """The address does not fit the envelope window even at ADDRESS_MIN_PT."""


def _character_widths_em(text: str) -> list[float]:
    measured = _glyph_widths()
    if measured is None:
        return [_FALLBACK_EM_PER_CHARACTER] * len(text)
    widths, missing = measured
    return [widths.get(ord(character), missing) for character in text]


def _widths_so_far_em(text: str) -> list[float]:
    """The width of each of the text's beginnings, added up one way for every measure, so the
    quality check and the printing never disagree by a rounding."""
    total, widths = 0.0, []
    for em in _character_widths_em(text):
        total += em
        widths.append(total)
    return widths


def text_width_pt(text: str, size_pt: float) -> float:
    """How wide ``text`` prints in Liberation Sans at ``size_pt``, without kerning."""
    widths = _widths_so_far_em(text)
    return (widths[-1] if widths else 0.0) * size_pt


ROOM_WIDTH_PT = (ADDRESS_RIGHT_MM - ADDRESS_LEFT_MM - ADDRESS_SPARE_WIDTH_MM) * PT_PER_MM
ROOM_HEIGHT_PT = (ADDRESS_BOTTOM_MM - ADDRESS_TOP_MM - ADDRESS_SPARE_HEIGHT_MM) * PT_PER_MM


def characters_that_fit(text: str) -> int:
    """How many of the text's first characters fit the address block's width at the smallest size."""
    for count, width_em in enumerate(_widths_so_far_em(text)):
        if width_em * ADDRESS_MIN_PT > ROOM_WIDTH_PT:
            return count
    return len(text)


def lines_too_wide(address_lines: list[str]) -> dict[int, int]:
    """For each line (stripped, as printed) too wide for the block even at the smallest size, its
    index and how many of its characters would fit."""
    too_wide = {}
    for index, line in enumerate(address_lines):
        fits = characters_that_fit(line.strip())
        if fits < len(line.strip()):
            too_wide[index] = fits
    return too_wide


def split_to_fit(text: str) -> list[str]:
    """The text cut into pieces that each fit the address block's width at the smallest size (an
    email address, which cannot be shortened, on the PDF kept with a letter sent by email)."""
    pieces = []
    while text:
        fits = max(characters_that_fit(text), 1)
        pieces.append(text[:fits])
        text = text[fits:]
    return pieces


def address_font_pt(address_lines: list[str], large_print: bool) -> float:
    """The largest size, at most the body size, at which the address fits Notify's address block."""
    size = BODY_PT[large_print]
    while size >= ADDRESS_MIN_PT:
        fits_height = len(address_lines) * size * ADDRESS_LINE_HEIGHT <= ROOM_HEIGHT_PT
        if fits_height and all(text_width_pt(line, size) <= ROOM_WIDTH_PT for line in address_lines):
            return size
        size -= 0.5
    raise AddressTooLong("An address line is too long to print inside the envelope window")


def _check(letter: PrintableLetter) -> list[str]:
    if letter.language not in WORDS:
        raise ValueError(f"Letters are printed in English or Welsh, not {letter.language!r}")
    address = [line.strip() for line in letter.address_lines]
    if not ADDRESS_MIN_LINES <= len(address) <= ADDRESS_MAX_LINES or not all(address):
        raise ValueError(
            f"An address needs {ADDRESS_MIN_LINES} to {ADDRESS_MAX_LINES} lines, none of them empty"
        )
    return address


def render_html(letter: PrintableLetter) -> str:
    """The HTML page WeasyPrint prints, every value escaped by Jinja's autoescape."""
    address = _check(letter)
    words = WORDS[letter.language]
    return render_template(
        "letters/pdf.html",
        letter=letter,
        address_lines=address,
        sections=[(heading, blocks(body)) for heading, body in letter.sections],
        words=words,
        body_pt=BODY_PT[letter.large_print],
        title_pt=TITLE_PT[letter.large_print],
        heading_pt=HEADING_PT[letter.large_print],
        address_pt=address_font_pt(address, letter.large_print),
        address_line_height=ADDRESS_LINE_HEIGHT,
        margin={
            "top": MARGIN_TOP_MM,
            "right": MARGIN_RIGHT_MM,
            "bottom": MARGIN_BOTTOM_MM,
            "left": MARGIN_LEFT_MM,
            "first_top": FIRST_PAGE_MARGIN_TOP_MM,
        },
        # Offsets inside page 1's content box, whose top-left is (left margin, first-page top margin).
        address_box={
            "left": ADDRESS_LEFT_MM - MARGIN_LEFT_MM,
            "top": ADDRESS_TOP_MM - FIRST_PAGE_MARGIN_TOP_MM,
            "width": ADDRESS_RIGHT_MM - ADDRESS_LEFT_MM,
            "height": ADDRESS_BOTTOM_MM - ADDRESS_TOP_MM,
        },
        sender_box={
            "left": SENDER_LEFT_MM - MARGIN_LEFT_MM,
            "width": PAGE_WIDTH_MM - MARGIN_RIGHT_MM - SENDER_LEFT_MM,
        },
        header_height=BODY_TOP_MM - FIRST_PAGE_MARGIN_TOP_MM,
    )


def render_pdf(letter: PrintableLetter) -> bytes:
    """The letter as a tagged (PDF/UA-1) A4 PDF."""
    return html_to_pdf(render_html(letter))


# A letter about nobody, printed once when a process starts so the first real letter is not the one
# that waits for WeasyPrint to load and the fonts to be found (about 0.7 s).
_WARM_UP = PrintableLetter(
    language="en",
    large_print=False,
    address_lines=["A Recipient", "1 Example Street", "Example Town", "AB1 2CD"],
    sender_lines=["Victim Contact Unit", "PO Box 1", "Example Town", "AB1 1AA"],
    date_text="1 January 2026",
    reference="Case 0 – letter 0",
    title="Printing check",
    sections=[
        (None, "Dear Recipient,\n\nThis letter is printed when the service starts.\n\n- one\n- two"),
        ("A heading in bold", "Yours sincerely\n\nThe service"),
    ],
    draft_mark="DRAFT – NOT FOR ISSUE",
)


def warm_up() -> None:
    """Print a letter about nobody and throw it away: loads WeasyPrint, builds the process's font
    configuration, finds Liberation Sans (regular and bold), reads its glyph widths and compiles
    the letter's template. Called by gunicorn's post_fork (gunicorn.conf.py) in each web process."""
    render_pdf(_WARM_UP)
