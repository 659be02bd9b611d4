"""Importing a postcode file: the ONS Postcode Directory (a CSV, or the .zip it is published as)
or any CSV of postcode, latitude and longitude.

The whole file is read and checked first, each good row written to a clean tab-separated file
beside it; the clean rows are then loaded into a staging table (PostgreSQL COPY; executemany on
SQLite) where duplicates are found. Any bad row, duplicate with other coordinates included, and
nothing is stored: the postcodes already loaded stay as they were. A good file replaces the
table's contents in one transaction. On PostgreSQL the new rows go into a new table, indexed, that
takes the old one's place (and names) at the end, so readers wait only for that swap and never see
an empty or half-filled table; on SQLite the rows are deleted and inserted in one transaction.

Postcodes are open data (nothing here is anyone's), so rows are quoted in the problems reported.
Like the services, this flushes and never commits: the command commits.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Protocol

from sqlalchemy import text

from victims.domain import postcodes as rules
from victims.extensions import db

SHOWN_PROBLEMS = 50
BATCH = 10_000  # rows a statement on SQLite
PROGRESS_STEP = 1 << 20  # characters read between progress updates


class Progress(Protocol):
    """Opens a progress display for a step of `length` units; the context gives the function
    that advances it (the command shows a progress bar; the default shows nothing)."""

    def __call__(
        self, label: str, length: int
    ) -> contextlib.AbstractContextManager[Callable[[int], None]]: ...


@contextlib.contextmanager
def _silent(_label: str, _length: int) -> Iterator[Callable[[int], None]]:
    yield lambda _n: None


@dataclass(frozen=True)
class Problem:
    line: int
    reason: str


@dataclass
class Refused(Exception):
    """The file cannot be imported: nothing was stored. `problems` are the first bad rows (by
    line), `total` how many there are in all; `message` says what is wrong with the file itself."""

    message: str
    problems: list[Problem] = field(default_factory=list)
    total: int = 0

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Imported:
    rows: int  # postcodes now in the table
    no_location: int  # rows skipped: the postcode has no grid reference
    duplicates: int  # rows skipped: the same postcode again, with the same coordinates
    source: str  # the file read (a zip's member named)


@dataclass
class _Source:
    name: str
    size: int  # characters, near enough: the bytes to read
    open: Callable[[], IO[bytes]]


def _zip_member(path: Path) -> _Source:
    """The ONSPD download's main data CSV: the largest .csv under a Data/ folder whose header has
    the columns (the download also holds documents and lookup tables); any .csv if it has no
    Data/ folder."""
    archive = zipfile.ZipFile(path)
    members = [
        info for info in archive.infolist() if info.filename.lower().endswith(".csv") and not info.is_dir()
    ]
    in_data = [info for info in members if "data" in [part.lower() for part in info.filename.split("/")[:-1]]]
    for info in sorted(in_data or members, key=lambda info: info.file_size, reverse=True):
        with archive.open(info) as member:
            first = io.TextIOWrapper(member, encoding="utf-8-sig", errors="replace", newline="").readline()
        try:
            rules.columns_of(next(csv.reader([first]), []))
        except rules.NotAPostcodeFile:
            continue
        return _Source(f"{path.name}: {info.filename}", info.file_size, lambda info=info: archive.open(info))
    raise Refused(f"{path.name} holds no CSV with postcode, latitude and longitude columns")


def _source(path: Path) -> _Source:
    if not path.is_file():
        raise Refused(f"{path} is not a file")
    if zipfile.is_zipfile(path):
        try:
            return _zip_member(path)
        except zipfile.BadZipFile as error:
            raise Refused(f"{path.name} is not a readable zip file: {error}") from None
    return _Source(path.name, path.stat().st_size, lambda: open(path, "rb"))


@dataclass
class _Checked:
    rows: int = 0
    no_location: int = 0
    problems: list[Problem] = field(default_factory=list)
    bad: int = 0

    def bad_row(self, line: int, reason: str) -> None:
        self.bad += 1
        if len(self.problems) < SHOWN_PROBLEMS:
            self.problems.append(Problem(line, reason))


class _Lines:
    """The file's lines for csv.reader, counting characters for the progress bar and noting the
    last line that held a NUL byte (csv reads NUL as any other character)."""

    def __init__(self, stream: IO[str], advance: Callable[[int], None]) -> None:
        self.stream, self.advance = stream, advance
        self.line = 0
        self.nul_line = 0
        self.unreported = 0

    def __iter__(self) -> Iterator[str]:
        for line in self.stream:
            self.line += 1
            if "\0" in line:
                self.nul_line = self.line
            self.unreported += len(line)
            if self.unreported >= PROGRESS_STEP:
                self.advance(self.unreported)
                self.unreported = 0
            yield line
        self.advance(self.unreported)


def _check(source: _Source, clean: IO[str], progress: Progress) -> _Checked:
    """Read every row; write each good one to `clean` as line, postcode, sector, latitude and
    longitude, tab-separated (PostgreSQL COPY's text format); note the bad ones."""
    checked = _Checked()
    write = clean.write
    located, sector_of, bad_row = rules.located, rules.sector_of, rules.BadRow
    with progress("Reading and checking", source.size) as advance, source.open() as raw:
        stream = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")
        lines = _Lines(stream, advance)
        reader = csv.reader(lines)
        try:
            header = next(reader)
        except StopIteration:
            raise Refused(f"{source.name} is empty") from None
        except csv.Error as error:
            raise Refused(f"{source.name}: the header cannot be read ({error})") from None
        try:
            columns = rules.columns_of(header)
        except rules.NotAPostcodeFile as error:
            raise Refused(f"{source.name}: {error}") from None
        previous = lines.line
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                break
            except csv.Error as error:
                checked.bad_row(lines.line, f"cannot be read as CSV ({error})")
                previous = lines.line
                continue
            line = previous + 1  # where the row starts (a quoted field may span lines)
            if lines.nul_line > previous:
                checked.bad_row(lines.nul_line, "holds a NUL byte")
            elif fields:  # a blank line is nothing
                try:
                    row = located(fields, columns)
                except bad_row as reason:
                    checked.bad_row(line, str(reason))
                else:
                    if row is None:
                        checked.no_location += 1
                    else:
                        postcode, latitude, longitude = row
                        checked.rows += 1
                        write(f"{line}\t{postcode}\t{sector_of(postcode)}\t{latitude!r}\t{longitude!r}\n")
            previous = lines.line
    return checked


# The statements name the table, its key and index as migration 0028 made them (a test checks the
# table swapped in matches the models); the staging table is this transaction's own.
STAGING_TABLE = (
    "CREATE TEMPORARY TABLE postcodes_staging (line integer NOT NULL, postcode varchar(8) NOT NULL, "
    "sector varchar(6) NOT NULL, latitude double precision NOT NULL, longitude double precision NOT NULL)"
)
# Rows repeating an earlier row's postcode (s), with the line of its first row (f.line).
REPEATS = """
    FROM postcodes_staging s
    JOIN (SELECT postcode, min(line) AS line FROM postcodes_staging GROUP BY postcode HAVING count(*) > 1) f
      ON f.postcode = s.postcode AND s.line > f.line
"""
CONFLICTS = (
    REPEATS
    + """
    JOIN postcodes_staging o ON o.line = f.line
    WHERE s.latitude <> o.latitude OR s.longitude <> o.longitude
"""
)


def _stage(clean_path: Path, size: int, postgresql: bool, progress: Progress) -> None:
    """Load the clean rows into the staging table."""
    db.session.execute(text("DROP TABLE IF EXISTS postcodes_staging"))
    db.session.execute(text(STAGING_TABLE + (" ON COMMIT DROP" if postgresql else "")))
    with progress("Loading", size) as advance, open(clean_path, encoding="utf-8") as clean:
        if postgresql:
            cursor = db.session.connection().connection.driver_connection.cursor()
            with cursor.copy(
                "COPY postcodes_staging (line, postcode, sector, latitude, longitude) FROM STDIN"
            ) as copy:
                while chunk := clean.read(PROGRESS_STEP):
                    copy.write(chunk)
                    advance(len(chunk))
            return
        insert = text(
            "INSERT INTO postcodes_staging (line, postcode, sector, latitude, longitude) "
            "VALUES (:line, :postcode, :sector, :latitude, :longitude)"
        )
        batch: list[dict[str, object]] = []
        read = 0
        for row in clean:
            read += len(row)
            line, postcode, sector, latitude, longitude = row.rstrip("\n").split("\t")
            batch.append(
                {
                    "line": int(line),
                    "postcode": postcode,
                    "sector": sector,
                    "latitude": float(latitude),
                    "longitude": float(longitude),
                }
            )
            if len(batch) == BATCH:
                db.session.execute(insert, batch)
                batch.clear()
                advance(read)
                read = 0
        if batch:
            db.session.execute(insert, batch)
        advance(read)


def _duplicates() -> tuple[int, int, list[Problem]]:
    """Rows repeating an earlier row's postcode: (all of them, those with other coordinates, the
    first of those as problems). Same coordinates: the repeat is dropped from the staging table."""
    repeated = db.session.execute(text("SELECT count(*)" + REPEATS)).scalar_one()
    if not repeated:
        return 0, 0, []
    total = db.session.execute(text("SELECT count(*)" + CONFLICTS)).scalar_one()
    shown = db.session.execute(
        text("SELECT s.line, s.postcode, o.line AS first" + CONFLICTS + "ORDER BY s.line LIMIT :shown"),
        {"shown": SHOWN_PROBLEMS},
    ).all()
    problems = [
        Problem(row.line, f"{row.postcode} again, with other coordinates than on line {row.first}")
        for row in shown
    ]
    if not total:
        deletion = "DELETE FROM postcodes_staging WHERE line IN (SELECT s.line" + REPEATS + ")"  # noqa: S608
        db.session.execute(text(deletion))
    return repeated, total, problems


def _replace_postgresql() -> None:
    """Fill a new table from the staging rows, index it, and swap it in for the old one under its
    names: readers wait only for the swap (an instant), then read the new table."""
    for statement in (
        "DROP TABLE IF EXISTS postcodes_next",
        "CREATE TABLE postcodes_next (LIKE postcodes INCLUDING DEFAULTS INCLUDING CONSTRAINTS)",
        "INSERT INTO postcodes_next (postcode, sector, latitude, longitude) "
        "SELECT postcode, sector, latitude, longitude FROM postcodes_staging ORDER BY postcode",
        "DROP TABLE postcodes_staging",
        "ALTER TABLE postcodes_next ADD CONSTRAINT postcodes_next_pkey PRIMARY KEY (postcode)",
        "CREATE INDEX postcodes_next_sector ON postcodes_next (sector)",
        "ANALYZE postcodes_next",
        # The swap: the lock waits for readers of the old table; readers after it wait for the
        # commit, then read the new one.
        "LOCK TABLE postcodes IN ACCESS EXCLUSIVE MODE",
        "DROP TABLE postcodes",
        "ALTER TABLE postcodes_next RENAME TO postcodes",
        "ALTER TABLE postcodes RENAME CONSTRAINT postcodes_next_pkey TO pk_postcodes",
        "ALTER INDEX postcodes_next_sector RENAME TO ix_postcodes_sector",
    ):
        db.session.execute(text(statement))


def _replace_sqlite() -> None:
    for statement in (
        "DELETE FROM postcodes",
        "INSERT INTO postcodes (postcode, sector, latitude, longitude) "
        "SELECT postcode, sector, latitude, longitude FROM postcodes_staging ORDER BY postcode",
        "DROP TABLE postcodes_staging",
    ):
        db.session.execute(text(statement))


def import_file(path: str | os.PathLike[str], progress: Progress = _silent) -> Imported:
    """Replace the postcode table's contents with the file's postcodes, or raise Refused (and
    store nothing) when any row is bad. Flushes; the caller commits."""
    source = _source(Path(path))
    postgresql = db.session.get_bind().dialect.name == "postgresql"
    with tempfile.TemporaryDirectory(prefix="postcodes-") as folder:
        clean_path = Path(folder) / "clean.tsv"
        with open(clean_path, "w", encoding="utf-8", newline="\n") as clean:
            checked = _check(source, clean, progress)
        size = clean_path.stat().st_size
        savepoint = db.session.begin_nested()
        try:
            _stage(clean_path, size, postgresql, progress)
            with progress("Finding repeats", 1) as advance:
                repeated, conflicting, duplicate_problems = _duplicates()
                advance(1)
            total = checked.bad + conflicting
            if total:
                problems = sorted(checked.problems + duplicate_problems, key=lambda problem: problem.line)
                raise Refused(
                    f"{source.name}: {total:,} bad row{'s' if total != 1 else ''}; nothing was imported",
                    problems[:SHOWN_PROBLEMS],
                    total,
                )
            rows = checked.rows - repeated
            if not rows:
                raise Refused(f"{source.name} holds no postcode with a location; nothing was imported")
            with progress("Replacing the table", 1) as advance:
                if postgresql:
                    _replace_postgresql()
                else:
                    _replace_sqlite()
                advance(1)
        except BaseException:
            savepoint.rollback()
            raise
        savepoint.commit()
    return Imported(rows, checked.no_location, repeated, source.name)
