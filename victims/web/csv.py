"""CSV downloads, written one way everywhere: every cell formula-safe, a byte-order mark so that
Excel reads UTF-8, and a filename that says what and when."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence

from flask import Response

# Spreadsheet programs run a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """A cell a spreadsheet shows as text, never runs: "=HYPERLINK(...)" becomes "'=HYPERLINK(...)".
    Numbers stay numbers: a negative figure is not a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int | float):
        return str(value)
    text = value if isinstance(value, str) else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_line(cells: Iterable[object]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([safe_cell(cell) for cell in cells])
    return buffer.getvalue()


def csv_lines(header: Sequence[object], rows: Iterable[Iterable[object]]) -> Iterator[str]:
    yield "\ufeff" + csv_line(header)  # the byte-order mark tells Excel it is UTF-8
    for row in rows:
        yield csv_line(row)


def csv_response(filename: str, header: Sequence[object], rows: Iterable[Iterable[object]]) -> Response:
    """A download of the rows under the header. The rows may be a generator: they are written as
    the response streams, so a caller that needs the request context must read them first."""
    return Response(
        csv_lines(header, rows),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
