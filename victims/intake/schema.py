"""A small schema language: one definition both validates requests and is published in the
OpenAPI document, so the document says exactly what the API accepts.

Validation reports every problem at once, each with a JSON pointer and a message a person
can act on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from victims import clock


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


def _escape(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")


def validate(node: Node, value: Any) -> tuple[Any, list[Problem]]:
    problems: list[Problem] = []
    result = node.validate(value, "", problems)
    return result, problems
