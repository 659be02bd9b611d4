"""Scope keys as they travel in query strings: anything else is not a scope."""

import pytest

from victims.domain.oversight import Level
from victims.staff.scopes import parse_key


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("national", (Level.NATIONAL, None)),
        ("region:3", (Level.REGION, 3)),
        ("team:12", (Level.TEAM, 12)),
        ("vlo:40", (Level.VLO, 40)),
        ("", None),
        (None, None),
        ("national:1", None),
        ("team:", None),
        ("team:-1", None),
        ("team:1e3", None),
        ("team:١٢", None),
        ("team:" + "9" * 13, None),
        ("case:3", None),
        ("TEAM:3", None),
        ("team:3\x00", None),
    ],
)
def test_parse_key(text, parsed):
    assert parse_key(text) == parsed
