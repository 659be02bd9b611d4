"""`flask --app victims postcodes import FILE` (victims.postcodes.services.import_file): ONSPD-shaped
and plain files, the ONSPD .zip, BOM and CRLF, rows with no location skipped and counted; a file
with any bad row reports every one and stores nothing; a good file replaces what was held."""

from __future__ import annotations

import threading
import time
import zipfile
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, func, inspect, select, text

from bench.postcodes import write_onspd
from victims.extensions import db
from victims.postcodes import queries, services
from victims.postcodes.models import Postcode

ONSPD_HEADER = "pcd,pcd2,pcds,dointr,doterm,oscty,lat,long,lep1\r\n"


def onspd_row(pcds: str, lat: str, lon: str, doterm: str = "") -> str:
    outward, inward = pcds.split()
    return (
        f'"{outward:<4}{inward}","{outward:<4} {inward}","{pcds}",198001,{doterm},"E99999999",'
        f'{lat},{lon},"E37000041"\r\n'
    )


ONSPD = (
    ONSPD_HEADER
    + onspd_row("MK40 1AA", "52.135900", "-0.466700")
    + onspd_row("MK40 1AB", "52.136100", "-0.467200", doterm="200512")  # terminated: kept
    + onspd_row("MK40 2AL", "52.140000", "-0.461000")
    + onspd_row("MK40 9ZZ", "99.999999", "0.000000")  # no grid reference
    + onspd_row("B1 1AA", "52.480000", "-1.900000")
)


def held() -> dict[str, tuple[str, float, float]]:
    return {
        row.postcode: (row.sector, row.latitude, row.longitude)
        for row in db.session.execute(
            select(Postcode.postcode, Postcode.sector, Postcode.latitude, Postcode.longitude)
        )
    }


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def test_an_onspd_file_is_imported_with_terminated_postcodes_and_without_those_with_no_location(
    database, tmp_path
):
    imported = services.import_file(write(tmp_path, "ONSPD_NOV_2026_UK.csv", ONSPD))
    assert (imported.rows, imported.no_location, imported.duplicates) == (4, 1, 0)
    assert held() == {
        "MK40 1AA": ("MK40 1", 52.1359, -0.4667),
        "MK40 1AB": ("MK40 1", 52.1361, -0.4672),
        "MK40 2AL": ("MK40 2", 52.14, -0.461),
        "B1 1AA": ("B1 1", 52.48, -1.9),
    }
    assert queries.locate("mk40 2al") == (52.14, -0.461)
    assert queries.locate("MK40 9ZZ") is None
    assert sorted(queries.sector_points("MK40 1")) == [(52.1359, -0.4667), (52.1361, -0.4672)]
    assert queries.loaded()


def test_without_pcds_the_fixed_width_pcd_is_read(database, tmp_path):
    services.import_file(
        write(tmp_path, "old.csv", 'pcd,lat,long\n"B1  1AA",52.48,-1.9\n"MK401AA",52.1,-0.4\n')
    )
    assert set(held()) == {"B1 1AA", "MK40 1AA"}


def test_a_plain_file_with_a_bom_crlf_quoted_fields_and_any_case_of_header(database, tmp_path):
    content = (
        "\ufeffPostCode,Town,LATITUDE,Longitude\r\n"
        'mk401aa,"Bedford, town centre","52.1359","-0.4667"\r\n'
        '"MK42 7AB","Kempston",52.116,-0.499\r\n'
        "\r\n"  # a blank line is nothing
        'MK41 7AA,"Brickhill\r\nnorth",52.156,-0.445\r\n'  # a quoted field over two lines
    )
    imported = services.import_file(write(tmp_path, "plain.csv", content))
    assert imported.rows == 3
    assert held() == {
        "MK40 1AA": ("MK40 1", 52.1359, -0.4667),
        "MK42 7AB": ("MK42 7", 52.116, -0.499),
        "MK41 7AA": ("MK41 7", 52.156, -0.445),
    }


def test_the_onspd_zip_is_read_from_its_largest_data_csv_with_the_columns(database, tmp_path):
    path = tmp_path / "ONSPD_NOV_2026.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Documents/ONSPD User Guide.csv", "title\n" + "x\n" * 5000)
        archive.writestr("User Guide/README.txt", "Read me")
        # A lookup table, larger, without the columns; a regional file, smaller, with them.
        archive.writestr("Data/LAD_lookup.csv", "LAD24CD,LAD24NM\n" + "E06000055,Bedford\n" * 5000)
        archive.writestr(
            "Data/multi_csv/ONSPD_NOV_2026_UK_MK.csv", ONSPD_HEADER + onspd_row("MK40 1AA", "52.1", "-0.4")
        )
        archive.writestr("Data/ONSPD_NOV_2026_UK.csv", ONSPD)
    imported = services.import_file(path)
    assert imported.source == "ONSPD_NOV_2026.zip: Data/ONSPD_NOV_2026_UK.csv"
    assert (imported.rows, imported.no_location) == (4, 1)
    assert queries.locate("MK40 1AA") == (52.1359, -0.4667)


def test_a_zip_without_a_postcode_csv_is_refused(database, tmp_path):
    path = tmp_path / "other.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Data/lookup.csv", "code,name\nE1,Bedford\n")
    with pytest.raises(services.Refused, match="holds no CSV with postcode, latitude and longitude columns"):
        services.import_file(path)


def test_a_generated_onspd_file_imports_every_located_row(database, tmp_path):
    path = tmp_path / "generated.csv"
    write_onspd(path, 2_000)
    imported = services.import_file(path)
    assert imported.rows + imported.no_location == 2_000
    assert imported.no_location > 0
    assert db.session.scalar(select(func.count()).select_from(Postcode)) == imported.rows
    assert db.session.scalar(select(func.count(func.distinct(Postcode.sector)))) == 5  # 400 units a sector


def _bad_file(good: int = 3) -> str:
    lines = ["postcode,latitude,longitude"]
    lines += [f"MK45 1A{letter},52.03,-0.49" for letter in "ABD"[:good]]
    lines += [f"nonsense {number},52.03,-0.49" for number in range(55)]  # lines 5 to 59
    lines += [
        "MK45 2AA,fifty-two,-0.49",  # 60
        "MK45 2AB,52.03,-0.49,extra",  # 61
        "MK45 2AD,52.03\x00,-0.49",  # 62
        "MK45 2AE,52.03,5.1",  # 63
        "MK45 1AA,52.04,-0.49",  # 64: line 2's postcode, elsewhere
        "MK45 1AB,52.03,-0.49",  # 65: line 3's postcode, same place (not a problem)
    ]
    return "\n".join(lines) + "\n"


def test_a_file_with_bad_rows_reports_every_one_and_stores_nothing(database, tmp_path):
    services.import_file(write(tmp_path, "before.csv", ONSPD))
    before = held()
    with pytest.raises(services.Refused) as refused:
        services.import_file(write(tmp_path, "bad.csv", _bad_file()))
    assert refused.value.total == 60
    assert str(refused.value) == "bad.csv: 60 bad rows; nothing was imported"
    problems = refused.value.problems
    assert len(problems) == 50
    assert [problem.line for problem in problems] == list(range(5, 55))
    assert problems[0].reason == "'nonsense 0' is not a postcode"
    assert held() == before  # nothing stored; what was held stays

    # Fixed at the top, the rest of the file's problems are all reported, duplicates included.
    tail = _bad_file().splitlines()
    with pytest.raises(services.Refused) as refused:
        services.import_file(write(tmp_path, "bad.csv", "\n".join(tail[:4] + tail[-6:]) + "\n"))
    assert [(problem.line, problem.reason) for problem in refused.value.problems] == [
        (5, "latitude 'fifty-two' is not a number"),
        (6, "4 fields where the header has 3"),
        (7, "holds a NUL byte"),
        (8, "longitude '5.1' is outside the United Kingdom (-8.7 to 1.8)"),
        (9, "MK45 1AA again, with other coordinates than on line 2"),
    ]
    assert refused.value.total == 5
    assert held() == before


def test_the_command_prints_the_first_fifty_problems_and_the_total_and_stores_nothing(
    app, database, tmp_path
):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["postcodes", "import", str(write(tmp_path, "bad.csv", _bad_file()))])
    assert result.exit_code == 1
    assert "  line 5: 'nonsense 0' is not a postcode" in result.output
    assert "  line 54: 'nonsense 49' is not a postcode" in result.output
    assert "line 55:" not in result.output
    assert "  … and 10 more" in result.output
    assert "Error: bad.csv: 60 bad rows; nothing was imported. The postcodes already held are unchanged." in (
        result.output
    )
    assert not queries.loaded()


def test_the_command_prints_what_it_loaded_skipped_and_how_fast(app, database, tmp_path):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["postcodes", "import", str(write(tmp_path, "ONSPD.csv", ONSPD))])
    assert result.exit_code == 0, result.output
    assert "Imported ONSPD.csv\nPostcodes loaded: 4\nSkipped, no location: 1\nTime: " in result.output
    assert " rows/s)" in result.output
    assert queries.locate("B1 1AA") == (52.48, -1.9)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty.csv is empty"),
        (b"postcode,latitude,longitude\n", "empty.csv holds no postcode with a location"),
        (
            ONSPD_HEADER.encode() + onspd_row("MK40 9ZZ", "99.999999", "0.000000").encode(),
            "holds no postcode with",
        ),
        (b"code,x,y\nMK40 1AA,1,2\n", "empty.csv: The header has no postcode column"),
    ],
)
def test_a_file_with_nothing_to_import_is_refused_and_the_table_kept(database, tmp_path, content, message):
    services.import_file(write(tmp_path, "before.csv", ONSPD))
    with pytest.raises(services.Refused, match=message):
        services.import_file(write(tmp_path, "empty.csv", content))
    assert len(held()) == 4


def test_a_good_file_replaces_what_was_held_and_the_same_file_again_changes_nothing(database, tmp_path):
    services.import_file(write(tmp_path, "first.csv", ONSPD))
    second = write(
        tmp_path, "second.csv", "postcode,latitude,longitude\nMK40 1AA,52.2,-0.5\nMK44 1AA,52.22,-0.54\n"
    )
    assert services.import_file(second).rows == 2
    assert held() == {"MK40 1AA": ("MK40 1", 52.2, -0.5), "MK44 1AA": ("MK44 1", 52.22, -0.54)}
    assert services.import_file(second).rows == 2
    assert held() == {"MK40 1AA": ("MK40 1", 52.2, -0.5), "MK44 1AA": ("MK44 1", 52.22, -0.54)}
    assert queries.sector_points("MK40 2") == []


def test_a_postcode_repeated_with_the_same_coordinates_is_kept_once(database, tmp_path):
    content = "postcode,latitude,longitude\nMK40 1AA,52.1,-0.4\nMK40 1AB,52.2,-0.4\nmk401aa,52.1,-0.4\n"
    imported = services.import_file(write(tmp_path, "twice.csv", content))
    assert (imported.rows, imported.duplicates) == (2, 1)
    assert held() == {"MK40 1AA": ("MK40 1", 52.1, -0.4), "MK40 1AB": ("MK40 1", 52.2, -0.4)}


# PostgreSQL only: SQLite has one writer and readers of the last commit; the swap is PostgreSQL's.
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
@pytest.mark.usefixtures("migrated_app")
def test_readers_see_the_old_postcodes_until_the_commit_then_the_new_never_an_empty_table(
    database_url, tmp_path
):
    """On PostgreSQL, another connection reading during the import: the old rows while the file is
    loaded and swapped in; a read made during the swap waits for the commit and gets the new rows."""
    from flask_migrate import upgrade

    upgrade()
    services.import_file(write(tmp_path, "first.csv", ONSPD))
    db.session.commit()
    reader = create_engine(database_url)
    counts: list[int] = []

    def count() -> None:
        with reader.connect() as connection:
            counts.append(connection.execute(text("SELECT count(*) FROM postcodes")).scalar_one())

    def during(label, _length):
        import contextlib

        @contextlib.contextmanager
        def step():
            count()
            yield lambda _n: None

        return step()

    path = tmp_path / "generated.csv"
    write_onspd(path, 3_000)
    imported = services.import_file(path, progress=during)
    # At the start of each step: reading the file, loading it, finding repeats, replacing the table.
    assert counts == [4, 4, 4, 4]
    # Swapped, not yet committed: a reader now waits for the commit, then reads the new table.
    waiting = threading.Thread(target=count)
    waiting.start()
    time.sleep(0.5)
    assert waiting.is_alive()
    db.session.commit()
    waiting.join(timeout=10)
    assert counts == [4, 4, 4, 4, imported.rows]
    reader.dispose()

    # The table swapped in is the one the migrations made: its columns, key and index, by name.
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert [diff for diff in compare_metadata(context, db.metadata) if "postcodes" in repr(diff)] == []
        assert inspect(connection).get_pk_constraint("postcodes")["name"] == "pk_postcodes"
        assert {index["name"] for index in inspect(connection).get_indexes("postcodes")} == {
            "ix_postcodes_sector"
        }
