"""Reading an API body: nesting and numbers the JSON parser cannot survive are problems at
their JSON pointer; brackets and quotes inside strings are only text."""

from __future__ import annotations

import pytest

from victims.intake.schema import MAX_DEPTH, MAX_NUMBER_DIGITS, NotJson, Problem, read_json


def test_ordinary_json_is_read():
    assert read_json(b'{"a": [1, 2.5, "x"], "b": {"c": null, "d": true}}') == (
        {"a": [1, 2.5, "x"], "b": {"c": None, "d": True}},
        [],
    )


def test_nesting_is_allowed_up_to_the_limit():
    body = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    value, problems = read_json(body)
    assert problems == []
    assert isinstance(value, list)


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ("[" * 100_000, "/0" * MAX_DEPTH),
        ('{"a": [1, 2, ' + '{"b/c~": ' * MAX_DEPTH + "1", "/a/2" + "/b~1c~0" * (MAX_DEPTH - 2)),
    ],
    ids=["lists", "objects-and-escaped-keys"],
)
def test_nesting_past_the_limit_is_a_problem_where_it_happens(body, pointer):
    assert read_json(body) == (
        None,
        [Problem(pointer, f"is nested too deeply: use at most {MAX_DEPTH} levels")],
    )


def test_brackets_and_quotes_inside_strings_do_not_count():
    body = '{"a": "' + "[{" * 1000 + '\\" ]"}'
    assert read_json(body) == ({"a": "[{" * 1000 + '" ]'}, [])


@pytest.mark.parametrize("number", ["9" * 5000, "-" + "1" * 21, "1" * 21 + ".5", "0." + "1" * 21])
def test_a_number_with_too_many_digits_is_a_problem_at_its_field(number):
    assert read_json('{"n": [' + number + "]}") == (
        None,
        [Problem("/n/0", f"must be a number of at most {MAX_NUMBER_DIGITS} digits")],
    )


def test_a_long_exponent_is_only_a_large_number():
    assert read_json('{"n": 1e999}') == ({"n": float("inf")}, [])


@pytest.mark.parametrize(
    "body",
    [b"", b"{", b"[1,]", b"NaN", b'{"a": -Infinity}', b"\xff", b'"\xed\xa0\x80"'],
    ids=["empty", "unfinished", "trailing-comma", "nan", "infinity", "not-utf-8", "encoded-surrogate"],
)
def test_what_is_not_json_raises(body):
    with pytest.raises(NotJson):
        read_json(body)
