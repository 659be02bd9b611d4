"""A small schema language: one definition both validates requests and is published in the
OpenAPI document, so the document says exactly what the API accepts.

Validation reports every problem at once, each with a JSON pointer and a message a person
can act on. `read_json` reads a request's body first, refusing (with the pointer) what would
make the JSON parser itself fail: nesting deep enough to exhaust its recursion, and numbers too
long to convert.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from victims import clock
from victims.domain import text


@dataclass(frozen=True)
class Problem:
    pointer: str
    detail: str


class Node:
    description: str = ""

    def validate(self, value: Any, pointer: str, problems: list[Problem]) -> Any:
        raise NotImplementedError

    def json_schema(self) -> dict:
        raise NotImplementedError


@dataclass(frozen=True)
class Text(Node):
    max_length: int = 200
    min_length: int = 1
    pattern: str | None = None
    pattern_message: str = ""
    choices: tuple[str, ...] = ()
    upper: bool = False
    description: str = ""

    def validate(self, value, pointer, problems):
        if not isinstance(value, str):
            problems.append(Problem(pointer, "must be text"))
            return None
        unusable = text.text_problem(value)  # what nobody means to type (victims.domain.text)
        if unusable:
            problems.append(Problem(pointer, unusable))
            return None
        value = value.strip()
        if self.upper:
            value = value.upper()
        if self.choices:
            if value not in self.choices:
                problems.append(Problem(pointer, f"must be one of: {', '.join(self.choices)}"))
                return None
            return value
        if len(value) < self.min_length:
            problems.append(Problem(pointer, "must not be empty"))
            return None
        if len(value) > self.max_length:
            problems.append(Problem(pointer, f"must be {self.max_length} characters or fewer"))
            return None
        if self.pattern and not re.fullmatch(self.pattern, value):
            problems.append(Problem(pointer, self.pattern_message or f"must match {self.pattern}"))
            return None
        return value

    def json_schema(self):
        schema: dict[str, Any] = {"type": "string"}
        if self.choices:
            schema["enum"] = list(self.choices)
        else:
            schema["minLength"] = self.min_length
            schema["maxLength"] = self.max_length
            if self.pattern:
                # Leading and trailing spaces are trimmed before the pattern is checked.
                core = self.pattern.removeprefix("^").removesuffix("$")
                schema["pattern"] = f"^\\s*({core})\\s*$" if not self.upper else f"^\\s*(?i:{core})\\s*$"
        if self.description:
            schema["description"] = self.description
        return schema


@dataclass(frozen=True)
class Whole(Node):
    minimum: int = 0
    maximum: int = 10_000
    description: str = ""

    def validate(self, value, pointer, problems):
        if isinstance(value, bool) or not isinstance(value, int):
            problems.append(Problem(pointer, "must be a whole number"))
            return None
        if not self.minimum <= value <= self.maximum:
            problems.append(Problem(pointer, f"must be between {self.minimum} and {self.maximum}"))
            return None
        return value

    def json_schema(self):
        schema = {"type": "integer", "minimum": self.minimum, "maximum": self.maximum}
        if self.description:
            schema["description"] = self.description
        return schema


@dataclass(frozen=True)
class Flag(Node):
    description: str = ""

    def validate(self, value, pointer, problems):
        if not isinstance(value, bool):
            problems.append(Problem(pointer, "must be true or false"))
            return None
        return value

    def json_schema(self):
        return {"type": "boolean"}


@dataclass(frozen=True)
class Day(Node):
    """An ISO 8601 calendar date, YYYY-MM-DD."""

    not_after_today: bool = False
    description: str = ""

    def validate(self, value, pointer, problems):
        if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            problems.append(Problem(pointer, "must be a date written YYYY-MM-DD"))
            return None
        try:
            day = date.fromisoformat(value)
        except ValueError:
            problems.append(Problem(pointer, "must be a real date"))
            return None
        if day.year < 1900:
            problems.append(Problem(pointer, "must be in 1900 or later"))
            return None
        if self.not_after_today and day > clock.today():
            problems.append(Problem(pointer, "must be today or in the past"))
            return None
        return day

    def json_schema(self):
        schema = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
        if self.description:
            schema["description"] = self.description
        return schema


@dataclass(frozen=True)
class Record(Node):
    fields: dict[str, Node] = field(default_factory=dict)
    required: tuple[str, ...] = ()
    description: str = ""

    def validate(self, value, pointer, problems):
        if not isinstance(value, dict):
            problems.append(Problem(pointer or "/", "must be an object"))
            return None
        result = {}
        for name in self.required:
            if value.get(name) is None:
                problems.append(Problem(f"{pointer}/{name}", "is required"))
        for name, given in value.items():
            if name not in self.fields:
                problems.append(Problem(f"{pointer}/{_escape(name)}", "is not a field this API accepts"))
                continue
            if given is None:
                continue
            result[name] = self.fields[name].validate(given, f"{pointer}/{name}", problems)
        return result

    def json_schema(self):
        schema: dict[str, Any] = {
            "type": "object",
            "properties": {name: node.json_schema() for name, node in self.fields.items()},
            "additionalProperties": False,
        }
        if self.required:
            schema["required"] = list(self.required)
        if self.description:
            schema["description"] = self.description
        return schema


@dataclass(frozen=True)
class List(Node):
    items: Node = field(default_factory=Node)
    min_items: int = 0
    max_items: int = 50
    description: str = ""

    def validate(self, value, pointer, problems):
        if not isinstance(value, list):
            problems.append(Problem(pointer, "must be a list"))
            return None
        if not self.min_items <= len(value) <= self.max_items:
            problems.append(
                Problem(pointer, f"must have between {self.min_items} and {self.max_items} items")
            )
            return None
        return [self.items.validate(item, f"{pointer}/{index}", problems) for index, item in enumerate(value)]

    def json_schema(self):
        return {
            "type": "array",
            "items": self.items.json_schema(),
            "minItems": self.min_items,
            "maxItems": self.max_items,
        }


# Far deeper than any request this API accepts (a referral is 4 levels deep), far shallower than
# the depth at which Python's JSON parser runs out of recursion.
MAX_DEPTH = 20
MAX_NUMBER_DIGITS = 20

# The tokens that matter for nesting and numbers; everything else (true, false, null, white
# space) is left to the parser. A string is matched whole, so brackets inside it are not counted.
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{},:]|-?[0-9][0-9.eE+-]*')


class NotJson(ValueError):
    """The body is not JSON (RFC 8259) at all."""


def read_json(data: bytes | str) -> tuple[Any, list[Problem]]:
    """A request body as JSON, or the problem that stops it being read, at its JSON pointer:
    lists and objects nested more than MAX_DEPTH deep, or a number longer than
    MAX_NUMBER_DIGITS. Raises NotJson when the body is not JSON (nor UTF-8), including the
    NaN and Infinity that Python's parser would otherwise accept."""
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
    except UnicodeDecodeError:
        raise NotJson("not UTF-8") from None
    problem = _structure_problem(text)
    if problem is not None:
        return None, [problem]
    try:
        return json.loads(text, parse_constant=_not_json), []
    except ValueError as error:  # JSONDecodeError, and NotJson from parse_constant
        raise NotJson(str(error)) from None


def _not_json(constant: str) -> Any:
    raise NotJson(f"{constant} is not JSON")


def _structure_problem(text: str) -> Problem | None:
    """The first place the text nests too deeply or holds too long a number, scanning the
    tokens once (and stopping there) without building anything."""
    # Each open list or object: [is it an object, its current key or index, expecting a key].
    path: list[list[Any]] = []
    for match in _TOKEN.finditer(text):
        token = match.group()
        first = token[0]
        if first in "[{":
            if len(path) >= MAX_DEPTH:
                return Problem(_pointer(path), f"is nested too deeply: use at most {MAX_DEPTH} levels")
            path.append([first == "{", None if first == "{" else 0, first == "{"])
        elif first in "]}":
            if path:
                path.pop()
        elif first == ",":
            if path:
                if path[-1][0]:
                    path[-1][2] = True
                else:
                    path[-1][1] += 1
        elif first == ":":
            if path:
                path[-1][2] = False
        elif first == '"':
            if path and path[-1][0] and path[-1][2]:
                try:
                    path[-1][1] = json.loads(token)
                except ValueError:
                    path[-1][1] = token[1:-1]
        elif sum(character.isdigit() for character in re.split("[eE]", token)[0]) > MAX_NUMBER_DIGITS:
            return Problem(_pointer(path), f"must be a number of at most {MAX_NUMBER_DIGITS} digits")
    return None


def _pointer(path: list[list[Any]]) -> str:
    return "".join(f"/{_escape(str(key))}" for _is_object, key, _expecting in path if key is not None) or "/"


def _escape(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")


def validate(node: Node, value: Any) -> tuple[Any, list[Problem]]:
    problems: list[Problem] = []
    result = node.validate(value, "", problems)
    return result, problems
