"""Reading a postcode file's header and rows (victims.domain.postcodes): ONSPD's columns and a
plain file's, located rows, rows with no location, and every reason a row is refused."""

from __future__ import annotations

import pytest

from victims.domain.postcodes import BadRow, Columns, NotAPostcodeFile, columns_of, located

ONSPD = ["pcd", "pcd2", "pcds", "dointr", "doterm", "lat", "long", "lep1"]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (ONSPD, (2, 5, 6, 8)),
        (["pcd", "pcd2", "lat", "long"], (1, 2, 3, 4)),  # no pcds: pcd2 before pcd
        (["pcd", "lat", "long"], (0, 1, 2, 3)),
        (["Postcode", "Latitude", "Longitude"], (0, 1, 2, 3)),
        (["\ufeffpostcode", " LAT ", "Lon"], (0, 1, 2, 3)),
        (["id", "lng", "lat", "postcode"], (3, 2, 1, 4)),
        (["POSTCODE", "LATITUDE", "LONG", "notes"], (0, 1, 2, 4)),
    ],
)
def test_the_header_names_its_columns(header, expected):
    columns = columns_of(header)
    assert (columns.postcode, columns.latitude, columns.longitude, columns.width) == expected


@pytest.mark.parametrize(
    ("header", "missing"),
    [
        (["code", "lat", "long"], "postcode"),
        (["postcode", "y", "long"], "latitude"),
        (["postcode", "latitude", "easting"], "longitude"),
        ([], "postcode"),
    ],
)
def test_a_header_without_a_needed_column_is_not_a_postcode_file(header, missing):
    with pytest.raises(NotAPostcodeFile, match=f"no {missing} column"):
        columns_of(header)


PLAIN = Columns(0, 1, 2, 3, ("postcode", "latitude", "longitude"))


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (["MK40 1AA", "52.1359", "-0.4667"], ("MK40 1AA", 52.1359, -0.4667)),
        (["mk401aa", " 52.1359 ", "-0.4667"], ("MK40 1AA", 52.1359, -0.4667)),
        (["B1  1AA", "52.48", "-1.9"], ("B1 1AA", 52.48, -1.9)),  # ONSPD's fixed-width pcd
        (["JE2 3AB", "49.19", "-2.1"], ("JE2 3AB", 49.19, -2.1)),  # Jersey is in the directory
        (["ZE1 0AA", "60.15", "-1.15"], ("ZE1 0AA", 60.15, -1.15)),  # Shetland
        (["BT74 6AA", "54.34", "-7.64"], ("BT74 6AA", 54.34, -7.64)),  # Fermanagh
        (["MK40 1AA", "99.999999", "0.000000"], None),  # ONSPD: no grid reference
        (["MK40 1AA", "", ""], None),
    ],
)
def test_a_row_is_located_or_has_no_location(fields, expected):
    assert located(fields, PLAIN) == expected


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        (["MK40 1AA", "52.1"], "2 fields where the header has 3"),
        (["MK40 1AA", "52.1", "-0.4", "x"], "4 fields where the header has 3"),
        (["MK40", "52.1", "-0.4"], "'MK40' is not a postcode"),
        (["", "52.1", "-0.4"], "'' is not a postcode"),
        (["MK40 1AA", "north", "-0.4"], "latitude 'north' is not a number"),
        (["MK40 1AA", "52.1", ""], "longitude '' is not a number"),
        (["MK40 1AA", "", "-0.4"], "latitude '' is not a number"),
        (["MK40 1AA", "48.9", "-0.4"], "latitude '48.9' is outside the United Kingdom"),
        (["MK40 1AA", "61.1", "-0.4"], "latitude '61.1' is outside the United Kingdom"),
        (["MK40 1AA", "52.1", "2.0"], "longitude '2.0' is outside the United Kingdom"),
        (["MK40 1AA", "52.1", "-9"], "longitude '-9' is outside the United Kingdom"),
        (["MK40 1AA", "nan", "-0.4"], "latitude 'nan' is outside the United Kingdom"),
        (["MK40 1AA", "52.1", "inf"], "longitude 'inf' is outside the United Kingdom"),
        (["MK40 1AA", "-0.4", "52.1"], "latitude '-0.4' is outside"),  # columns swapped
    ],
)
def test_a_bad_row_says_why(fields, reason):
    with pytest.raises(BadRow) as refused:
        located(fields, PLAIN)
    assert str(refused.value).startswith(reason)


def test_a_long_bad_value_is_shortened_in_the_reason():
    with pytest.raises(BadRow, match=r"^'x{20}…' is not a postcode$"):
        located(["x" * 500, "52", "0"], PLAIN)
