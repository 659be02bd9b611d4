"""The CSV format for importing referrals: one row per victim.

Rows with the same CRN form one referral, so the offender, sentence and referral columns are
repeated on each of them and must agree. Each column maps onto a field of the API's referral
(victims.intake.definitions.REFERRAL), so a row is checked by exactly the rules the API applies;
the release_address_* columns map onto the body of PUT /api/v1/cases/{case_id}/release-address
and are checked by its rules (victims.domain.release_addresses).

- The first row holds the column names. The columns of required fields must be there; the
  others may be left out. A column the service does not know is refused, so a misspelt name
  cannot quietly drop what was typed under it.
- Dates are YYYY-MM-DD, or DD/MM/YYYY as spreadsheets write them.
- Choices take the code (``violent``) or the words shown on screen (``Violent``), in any case.
- ``victim_large_print`` is yes or no (empty is no).
- The file is UTF-8, with or without a byte order mark, at most 1 MB.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from enum import Enum

from victims.domain.text import text_problem
from victims.domain.vocabulary import (
    SENTENCE_DATES,
    Channel,
    ContactLevel,
    Language,
    OffenceCategory,
    Relationship,
    SentenceType,
)
from victims.intake.definitions import SENTENCE_DATE_FIELDS

MAX_BYTES = 1024 * 1024


class Kind(Enum):
    TEXT = "text"
    DATE = "date"
    WHOLE = "whole"
    CHOICE = "choice"
    FLAG = "flag"


@dataclass(frozen=True)
class Column:
    name: str
    path: tuple[str, ...]  # where the value goes in a referral; "victim" is the row's victim
    description: str
    example: str
    required: bool = False
    kind: Kind = Kind.TEXT
    choices: tuple[tuple[str, str], ...] = ()

    @property
    def pointer(self) -> str:
        """The JSON pointer of this column's field in a one-victim referral."""
        parts = ["victims", "0", *self.path[1:]] if self.path[0] == "victim" else list(self.path)
        return "/" + "/".join(parts)

    @property
    def shared(self) -> bool:
        """Repeated on every row of a referral (everything but the victim's own columns)."""
        return self.path[0] != "victim"


def _choices(pairs) -> tuple[tuple[str, str], ...]:
    return tuple(pairs.choices() if isinstance(pairs, type) else pairs)


_VICTIM_RELATIONSHIPS = tuple(
    (member.value, member.label) for member in (Relationship.VICTIM, Relationship.BEREAVED_RELATIVE)
)

COLUMNS: tuple[Column, ...] = (
    Column("offender_crn", ("offender", "crn"), "Case reference number", "X123456", True),
    Column("offender_prison_number", ("offender", "prison_number"), "Prison number", "A1234BC"),
    Column("offender_first_name", ("offender", "first_name"), "Offender’s first name", "Simon", True),
    Column("offender_last_name", ("offender", "last_name"), "Offender’s last name", "Example", True),
    Column(
        "offender_date_of_birth",
        ("offender", "date_of_birth"),
        "Offender’s date of birth",
        "1980-01-31",
        kind=Kind.DATE,
    ),
    Column("offence", ("sentence", "offence"), "The offence", "Wounding with intent", True),
    Column(
        "offence_category",
        ("sentence", "offence_category"),
        "Offence category",
        "violent",
        True,
        Kind.CHOICE,
        _choices(OffenceCategory),
    ),
    Column(
        "sentence_type",
        ("sentence", "sentence_type"),
        "Sentence type",
        "determinate",
        True,
        Kind.CHOICE,
        _choices(SentenceType),
    ),
    Column(
        "length_months",
        ("sentence", "length_months"),
        "Length of the sentence in months (empty for an indeterminate sentence)",
        "48",
        kind=Kind.WHOLE,
    ),
    Column("sentence_date", ("sentence", "sentence_date"), "Date of sentence", "2025-12-02", True, Kind.DATE),
    Column("court", ("sentence", "court"), "Sentencing court", "Cambridge Crown Court"),
    *(
        Column(
            name,
            ("sentence", "dates", name),
            SENTENCE_DATES[name],
            "2027-03-01" if name == "crd" else "",
            kind=Kind.DATE,
        )
        for name in SENTENCE_DATE_FIELDS
    ),
    Column(
        "received_on",
        ("received_on",),
        "The day the Victim Contact Unit received the referral",
        "18/12/2025",
        True,
        Kind.DATE,
    ),
    Column(
        "victim_relationship",
        ("victim", "relationship"),
        "Victim or bereaved relative",
        "victim",
        True,
        Kind.CHOICE,
        _VICTIM_RELATIONSHIPS,
    ),
    Column("victim_first_name", ("victim", "first_name"), "Victim’s first name", "Vera", True),
    Column("victim_last_name", ("victim", "last_name"), "Victim’s last name", "Sample", True),
    Column("victim_date_of_birth", ("victim", "date_of_birth"), "Victim’s date of birth", "", kind=Kind.DATE),
    Column(
        "victim_address_line_1",
        ("victim", "address", "line_1"),
        "Address line 1 (needed to write by post)",
        "1 Example Road",
    ),
    Column("victim_address_line_2", ("victim", "address", "line_2"), "Address line 2", ""),
    Column("victim_town", ("victim", "address", "town"), "Town or city", "Cambridge"),
    Column("victim_postcode", ("victim", "address", "postcode"), "Postcode", "CB1 1AA"),
    Column("victim_telephone", ("victim", "telephone"), "Telephone number", "01632 960 001"),
    Column("victim_email", ("victim", "email"), "Email address (needed to write by email)", ""),
    Column(
        "victim_contact_level",
        ("victim", "preferences", "contact_level"),
        "Contact level (key stages if empty)",
        "key_stages",
        kind=Kind.CHOICE,
        choices=_choices(ContactLevel),
    ),
    Column(
        "victim_channel",
        ("victim", "preferences", "channel"),
        "Post or email (post if empty, unless only an email address is given)",
        "post",
        kind=Kind.CHOICE,
        choices=_choices(Channel),
    ),
    Column(
        "victim_language",
        ("victim", "preferences", "language"),
        "Language of letters: en or cy (English if empty)",
        "en",
        kind=Kind.CHOICE,
        choices=_choices(Language),
    ),
    Column(
        "victim_large_print",
        ("victim", "preferences", "large_print"),
        "Large print: yes or no (no if empty)",
        "no",
        kind=Kind.FLAG,
    ),
)

# The offender's proposed release address (issue 17), optional: recorded on the case the
# referral opens or finds, as PUT /api/v1/cases/{case_id}/release-address records it (not a field
# of the referral), and checked by the same rules (victims.domain.release_addresses).
RELEASE_ADDRESS_COLUMNS: tuple[Column, ...] = (
    Column(
        "release_address_street",
        ("release_address", "street"),
        "Offender’s proposed release address: house number and street",
        "",
    ),
    Column(
        "release_address_postcode",
        ("release_address", "postcode"),
        "Offender’s proposed release address: postcode (needed when any release address column is filled in)",
        "",
    ),
    Column(
        "release_address_given_on",
        ("release_address", "given_on"),
        "The day the proposed release address was given (the day of the import if empty)",
        "",
        kind=Kind.DATE,
    ),
)
COLUMNS = COLUMNS + RELEASE_ADDRESS_COLUMNS
RELEASE_ADDRESS_NAMES = frozenset(column.name for column in RELEASE_ADDRESS_COLUMNS)

BY_NAME = {column.name: column for column in COLUMNS}
BY_POINTER = {column.pointer: column for column in COLUMNS}
# Problems about a group of columns rather than one of them.
GROUP_POINTERS = {
    "/victims/0/address": "victim_address_line_1, victim_town and victim_postcode",
}


class FileRefused(Exception):
    """The file as a whole cannot be read; the message is shown on the upload field."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Row:
    line: int
    cells: dict[str, str]  # column name -> value as normalised (dates ISO, choices as codes)
    reasons: list[str] = field(default_factory=list)
    # Columns already refused for their characters: the schema's own words about them would
    # only repeat it.
    refused: set[str] = field(default_factory=set)

    @property
    def crn(self) -> str:
        return self.cells.get("offender_crn", "").upper()

    def referral(self) -> dict:
        """The row as a one-victim referral, for REFERRAL to validate."""
        data: dict = {}
        victim: dict = {}
        for name, value in self.cells.items():
            if value == "" or name in RELEASE_ADDRESS_NAMES:
                continue
            column = BY_NAME[name]
            target = victim if column.path[0] == "victim" else data
            path = column.path[1:] if column.path[0] == "victim" else column.path
            for part in path[:-1]:
                target = target.setdefault(part, {})
            target[path[-1]] = _typed(column, value)
        data["victims"] = [victim]
        return data

    def release_address(self) -> dict[str, str] | None:
        """The release-address cells by field ("street", "postcode", "given_on"), or None when
        they are all empty."""
        cells = {column.path[-1]: self.cells.get(column.name, "") for column in RELEASE_ADDRESS_COLUMNS}
        return cells if any(cells.values()) else None


def template_csv() -> str:
    """The column names and one row of fictional example data."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([column.name for column in COLUMNS])
    writer.writerow([column.example for column in COLUMNS])
    return out.getvalue()


def decode(raw: bytes) -> str:
    """The text of an uploaded file, or FileRefused saying what is wrong with it."""
    if not raw.strip():
        raise FileRefused("The selected file is empty")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRefused(_ENCODING)
    try:
        # An encoded surrogate is read as the lone surrogate it is, so that its cell, not the
        # whole file, is refused (victims.domain.text), as a NUL or a direction override is.
        return raw.decode("utf-8-sig", errors="surrogatepass")
    except UnicodeDecodeError:
        if b"\x00" in raw:  # a picture or a spreadsheet, not text
            raise FileRefused("The selected file must be a CSV file") from None
        raise FileRefused(_ENCODING) from None


_ENCODING = (
    "The selected file must be saved as UTF-8 – in Excel choose Save As, then ‘CSV UTF-8 (Comma delimited)’"
)


def _header_name(cell: str) -> str:
    return re.sub(r"[\s-]+", "_", cell.strip().lower())


def read(text: str) -> list[Row]:
    """The rows of the file, each with its line number and normalised cells; FileRefused when
    the column names are missing, unknown or incomplete."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        while header is not None and not any(cell.strip() for cell in header):
            header = next(reader, None)
        if header is None:
            raise FileRefused("The selected file is empty")
        names = [_header_name(cell) for cell in header]
        _check_header(names)
        rows = []
        line = reader.line_num + 1
        for cells in reader:
            start, line = line, reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                continue
            row = Row(
                line=start,
                cells={
                    name: _normalise(BY_NAME[name], value) for name, value in zip(names, cells, strict=False)
                },
            )
            for name, value in zip(names, cells, strict=False):
                problem = text_problem(value)  # the rule of every other way in
                if problem:
                    row.reasons.append(f"{name} {problem}")
                    row.refused.add(name)
            for name in names[len(cells) :]:
                row.cells[name] = ""
            if len(cells) > len(names):
                row.reasons.append(f"The row has {len(cells)} cells but there are only {len(names)} columns")
            rows.append(row)
    except csv.Error as error:
        raise FileRefused(
            f"The selected file could not be read as CSV (line {reader.line_num}: {error})"
        ) from None
    if not rows:
        raise FileRefused("The selected file has no referrals in it – add one row for each victim")
    return rows


def _check_header(names: list[str]) -> None:
    if not any(name in BY_NAME for name in names):
        raise FileRefused(
            "The first row of the file must be the column names – download the template to see them"
        )
    problems = []
    unknown = [name or "(a column with no name)" for name in names if name not in BY_NAME]
    if unknown:
        problems.append(f"it has columns this service does not know: {', '.join(unknown)}")
    repeated = sorted({name for name in names if name and names.count(name) > 1})
    if repeated:
        problems.append(f"these columns appear more than once: {', '.join(repeated)}")
    missing = [column.name for column in COLUMNS if column.required and column.name not in names]
    if missing:
        problems.append(f"it is missing the columns {', '.join(missing)}")
    if problems:
        raise FileRefused(f"Check the column names in the first row: {'; '.join(problems)}")


_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}


def _normalise(column: Column, value: str) -> str:
    value = value.strip()
    if not value:
        return ""
    if column.kind is Kind.DATE:
        match = _DAY_MONTH_YEAR.fullmatch(value)
        if match:
            day, month, year = (int(part) for part in match.groups())
            return f"{year:04d}-{month:02d}-{day:02d}"
    if column.kind is Kind.CHOICE:
        wanted = value.casefold()
        for code, label in column.choices:
            if wanted in (code.casefold(), label.casefold()):
                return code
    return value


def _typed(column: Column, value: str):
    """The value as the schema expects it; left as text when it is not, so the schema's
    message says what is wrong."""
    if column.kind is Kind.WHOLE and re.fullmatch(r"\d{1,9}", value):
        return int(value)
    if column.kind is Kind.FLAG:
        if value.casefold() in _YES:
            return True
        if value.casefold() in _NO:
            return False
    return value


def reason(pointer: str, detail: str) -> str:
    """A schema problem in the words of the CSV: the column's name and what is wrong."""
    column = BY_POINTER.get(pointer)
    if column is not None:
        if column.kind is Kind.DATE and detail.startswith("must be a date written"):
            detail = "must be a date written YYYY-MM-DD or DD/MM/YYYY"
        elif column.kind is Kind.FLAG and detail == "must be true or false":
            detail = "must be yes or no"
        elif column.kind is Kind.WHOLE and detail == "must be text":
            detail = "must be a whole number"
        # The schema's details follow the name ("must be…"); a refusal's are sentences.
        return f"{column.name}{': ' if detail[:1].isupper() else ' '}{detail}"
    if pointer in GROUP_POINTERS:
        return f"{GROUP_POINTERS[pointer]}: {detail}"
    return f"{pointer.strip('/') or 'The row'} {detail}"
