"""Letters printed to PDF by the real WeasyPrint, read back with Debian's poppler-utils.

Positions come from ``pdftotext -bbox``: points from the top-left corner of the page (A4 is
595.28 × 841.89 pt). The address block is GOV.UK Notify's for precompiled letters, written out
here rather than imported, so a wrong figure in the code cannot agree with itself.
"""

from __future__ import annotations

import html
import re
import statistics
import subprocess
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from victims.letters.pdf import PrintableLetter, render_html, render_pdf
from victims.printing import Block, blocks

MM = 72 / 25.4  # points in a millimetre
A4 = (595.28, 841.89)
# Notify's address block: 24.6 mm to 120 mm from the left, 40 mm to 66.2 mm from the top.
ADDRESS_BOX = (24.6 * MM, 40.0 * MM, 120.0 * MM, 66.2 * MM)
# Where nothing but the address may be printed on page 1: 15 mm to 125 mm across, 30 mm to 95 mm down.
ADDRESS_BAND = (15.0 * MM, 30.0 * MM, 125.0 * MM, 95.0 * MM)
BODY_TOP = 95.0 * MM

PARAGRAPH = (
    "The Victim Contact Scheme gives you information about the offender's sentence and lets you say "
    "what conditions you think should be in the offender's licence when they are released."
)

pytestmark = pytest.mark.usefixtures("no_weasyprint_warnings")


def letter(**changes) -> PrintableLetter:
    """A two-page English letter in standard print."""
    base = PrintableLetter(
        language="en",
        large_print=False,
        address_lines=["Ms Jane Example", "Flat 2", "14 Station Road", "Bedford", "MK40 2AB"],
        sender_lines=["Bedford Victim Contact Unit", "PO Box 123", "Bedford", "MK40 1AA"],
        date_text="26 November 2026",
        reference="Case 123 – letter 45",
        title="Information about the Victim Contact Scheme",
        sections=[
            (None, f"Dear Ms Example,\n\n{PARAGRAPH}"),
            (
                "What happens next",
                f"{PARAGRAPH} {PARAGRAPH}\n\n{PARAGRAPH}\n\nYou can:\n"
                "- ask for information at key stages\n- make a victim personal statement",
            ),
            ("Your licence conditions", f"{PARAGRAPH} {PARAGRAPH} {PARAGRAPH}\n\n{PARAGRAPH} {PARAGRAPH}"),
            ("If the offender contacts you", f"{PARAGRAPH} {PARAGRAPH}\n\n{PARAGRAPH} {PARAGRAPH}"),
            ("Contact us", f"Call 0300 123 4567, Monday to Friday, 9am to 5pm.\n\n{PARAGRAPH}"),
            (None, "Yours sincerely\n\nJane Smith\nVictim Liaison Officer"),
        ],
    )
    return replace(base, **changes)


@dataclass(frozen=True)
class Word:
    page: int
    text: str
    x_min: float
    y_min: float
    x_max: float
    y_max: float

    @property
    def height(self) -> float:
        return self.y_max - self.y_min

    def inside(self, box: tuple[float, float, float, float]) -> bool:
        left, top, right, bottom = box
        slack = 0.01  # pdftotext rounds to a millionth of a point; the address starts exactly on the edge
        return (
            left - slack <= self.x_min
            and self.x_max <= right + slack
            and top - slack <= self.y_min
            and self.y_max <= bottom + slack
        )

    def touches(self, box: tuple[float, float, float, float]) -> bool:
        left, top, right, bottom = box
        return self.x_min < right and left < self.x_max and self.y_min < bottom and top < self.y_max


_PAGE = re.compile(r"<page\b(.*?)</page>", re.S)
_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', re.S
)


@dataclass
class Printed:
    pdf: bytes
    text: str  # pdftotext -layout
    pages: int
    words: list[Word]

    def on_page(self, page: int) -> list[Word]:
        return [word for word in self.words if word.page == page]

    def prose(self) -> str:
        """The text with the page numbers taken out and all white space made single spaces."""
        lines = [line for line in self.text.splitlines() if not re.fullmatch(r"\s*(Page|Tudalen) .*", line)]
        return " ".join(" ".join(lines).split())


def printed(item: PrintableLetter, tmp_path: Path) -> Printed:
    pdf = render_pdf(item)
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    run = {"check": True, "capture_output": True, "text": True}
    text = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", path, "-"], **run).stdout
    info = subprocess.run(["pdfinfo", path], **run).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    bbox = subprocess.run(["pdftotext", "-bbox", "-enc", "UTF-8", path, "-"], **run).stdout
    words = [
        Word(number, html.unescape(found[4]), *(float(value) for value in found[:4]))
        for number, page in enumerate(_PAGE.findall(bbox), start=1)
        for found in _WORD.findall(page)
    ]
    return Printed(pdf, text, pages, words)


def squeeze(text: str) -> str:
    return " ".join(text.split())


def test_a_two_page_letter_prints_all_its_text_and_numbers_its_pages(poppler, tmp_path):
    item = letter()
    result = printed(item, tmp_path)

    assert result.pages == 2
    prose = result.prose()
    for heading, body in item.sections:
        if heading:
            assert heading in prose
        for block in blocks(body):
            for line in block.lines:
                assert squeeze(line) in prose
    for expected in (item.title, item.reference, item.date_text, *item.sender_lines):
        assert expected in result.text
    assert re.search(r"^\s*Page 1 of 2\s*$", result.text, re.M)
    assert re.search(r"^\s*Page 2 of 2\s*$", result.text, re.M)


def test_a_letter_is_a4_text_and_small(poppler, tmp_path):
    result = printed(letter(), tmp_path)

    assert result.pdf.startswith(b"%PDF-")
    assert result.text.strip()
    assert "://" not in render_html(letter())  # nothing for WeasyPrint to fetch
    assert len(result.pdf) < 1_000_000
    info = subprocess.run(["pdfinfo", "-", "-f", "1", "-l", "2"], input=result.pdf, capture_output=True)
    details = info.stdout.decode()
    assert "Tagged:          yes" in details
    assert "Information about the Victim Contact Scheme" in details  # the document title
    for size in re.findall(r"size:\s+([\d.]+) x ([\d.]+) pts", details):
        assert pytest.approx(A4, abs=0.5) == tuple(float(value) for value in size)


def test_everything_printed_keeps_notify_s_blank_margins(poppler, tmp_path):
    result = printed(letter(large_print=True), tmp_path)

    printable = (15 * MM, 5 * MM, A4[0] - 15 * MM, A4[1] - 5 * MM)
    outside = [word for word in result.words if not word.inside(printable)]
    assert outside == []


def test_welsh_letters_number_pages_in_welsh_and_keep_their_letters(poppler, tmp_path):
    item = letter(
        language="cy",
        large_print=True,
        address_lines=["Mr Dŵr Llŷr", "Tŷ Gwyn", "Ffordd yr Orsaf", "Caerdydd", "CF10 1AA"],
        date_text="26 Tachwedd 2026",
        reference="Achos 123 – llythyr 45",
        title="Gwybodaeth am y Cynllun Cyswllt â Dioddefwyr",
        sections=[(None, "Annwyl Mr Llŷr,\n\nGŵr a gwraig, tŷ, dŵr, â. " * 8), ("Beth nesaf", PARAGRAPH * 6)],
    )
    result = printed(item, tmp_path)

    assert re.search(r"Tudalen 1 o \d", result.text)
    assert "Page 1" not in result.text
    for word in ("Gŵr", "tŷ", "dŵr", "Llŷr", "Gwybodaeth am y Cynllun Cyswllt â Dioddefwyr"):
        assert word in result.text
    assert 'lang="cy"' in render_html(item)


ADDRESSES = {
    "five lines": (False, ["Ms Jane Example", "Flat 2", "14 Station Road", "Bedford", "MK40 2AB"]),
    "seven lines, one long": (
        False,
        [
            "Professor Bartholomew Wolstenholme-Whitworth",
            "Apartment 1204, Wellington Mill Riverside",
            "123 Mulberry Gardens Industrial Estate",
            "Little Snoring-under-Wychwood",
            "Greater Manchester",
            "United Kingdom",
            "M12 3WW",
        ],
    ),
    "large print, three lines": (True, ["Mr Amal Bird", "12 High Street", "SW14 6BH"]),
    "large print, three lines, one long": (
        True,
        ["Mr Amal Bird", "Flat 12, Wellington Mill Riverside Apartments, Wolverhampton", "WV1 1AA"],
    ),
    "large print, six lines": (
        True,
        ["Ms Jane Example", "Flat 2", "14 Station Road", "Kempston", "Bedford", "MK40 2AB"],
    ),
}


@pytest.mark.parametrize("large_print, address", ADDRESSES.values(), ids=ADDRESSES.keys())
def test_the_address_alone_fills_the_envelope_window(poppler, tmp_path, large_print, address):
    result = printed(letter(large_print=large_print, address_lines=address), tmp_path)
    first_page = result.on_page(1)

    in_band = [word for word in first_page if word.touches(ADDRESS_BAND)]
    assert [word.text for word in in_band] == " ".join(address).split()
    assert all(word.inside(ADDRESS_BOX) for word in in_band)
    # The sender's column stays right of the band, and the body starts below it.
    others = [word for word in first_page if word not in in_band]
    assert all(word.x_min >= ADDRESS_BAND[2] or word.y_min >= BODY_TOP for word in others)


def test_large_print_addresses_grow_only_as_far_as_the_window_allows(poppler, tmp_path):
    short = ["Mr Amal Bird", "12 High Street", "SW14 6BH"]
    standard = printed(letter(address_lines=short), tmp_path).on_page(1)
    large = printed(letter(address_lines=short, large_print=True), tmp_path).on_page(1)

    def address_height(words: list[Word]) -> float:
        return max(word.height for word in words if word.touches(ADDRESS_BOX))

    assert address_height(large) > address_height(standard) * 1.25


def test_large_print_body_text_is_at_least_16pt_and_larger_than_standard(poppler, tmp_path):
    standard = printed(letter(), tmp_path)
    large = printed(letter(large_print=True), tmp_path)

    def body_heights(result: Printed) -> list[float]:
        return [word.height for word in result.words if word.page > 1 or word.y_min > BODY_TOP]

    # A word's box is the font's ascent plus descent: 1.117 em in Liberation Sans.
    assert statistics.median(body_heights(standard)) == pytest.approx(12 * 1.117, abs=0.3)
    assert min(body_heights(large)) >= 16 * 1.1
    assert statistics.median(body_heights(large)) > statistics.median(body_heights(standard)) * 1.3
    assert large.pages > standard.pages


def test_bullets_become_a_list_and_single_newlines_line_breaks(poppler, tmp_path):
    page = render_html(letter())

    assert re.search(
        r"<ul>\s*<li>ask for information at key stages</li>"
        r"\s*<li>make a victim personal statement</li>\s*</ul>",
        page,
    )
    assert re.search(r"Jane Smith<br>\s*Victim Liaison Officer", page)
    text = printed(letter(), tmp_path).text
    assert re.search(r"^\s*• ask for information at key stages$", text, re.M)
    assert re.search(r"^\s*Jane Smith\n\s*Victim Liaison Officer$", text, re.M)


def test_blocks_split_paragraphs_lists_and_line_breaks():
    body = "First line\nsecond line\n\nYou can:\n- one\n-  two \n\n- three\n\nAfter\r\n\r\nEnd\n- four"

    assert [(block.kind, block.lines) for block in blocks(body)] == [
        ("p", ("First line", "second line")),
        ("p", ("You can:",)),
        ("ul", ("one", "two", "three")),
        ("p", ("After",)),
        ("p", ("End",)),
        ("ul", ("four",)),
    ]
    assert blocks("") == []
    assert blocks("-not a bullet\n-") == [Block("p", ("-not a bullet", "-"))]


def test_text_is_printed_literally_never_interpreted(poppler, tmp_path):
    hostile = '<script>alert("x")</script> & <b>bold</b> <img src="http://example.invalid/x.png">'
    item = letter(
        title="Fish & chips <i>",
        sections=[("<h1>Heading</h1>", hostile), (None, "- <li>item</li>")],
        reference="Case <1>",
    )
    page = render_html(item)

    assert "<script>" not in page and "<b>" not in page and "<img" not in page and "<i>" not in page
    assert "&lt;script&gt;" in page
    assert 'src="' not in page
    prose = printed(item, tmp_path).prose()
    assert squeeze(hostile) in prose
    assert "Fish & chips <i>" in prose
    assert "<h1>Heading</h1>" in prose
    assert "<li>item</li>" in prose
    assert "Case <1>" in prose


@pytest.mark.parametrize(
    "changes",
    [
        {"address_lines": ["Ms Jane Example", "MK40 2AB"]},
        {"address_lines": [f"Line {number}" for number in range(8)]},
        {"address_lines": ["Ms Jane Example", "", "Bedford", "MK40 2AB"]},
        {"address_lines": ["Ms Jane Example", "W" * 80, "MK40 2AB"]},
        {"language": "fr"},
    ],
    ids=["two lines", "eight lines", "an empty line", "a line wider than the window", "French"],
)
def test_letters_that_cannot_be_printed_properly_are_refused(changes):
    with pytest.raises(ValueError):
        render_pdf(letter(**changes))
