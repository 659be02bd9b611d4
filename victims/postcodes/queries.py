"""Reading the postcode table: where a postcode is, and the postcodes of a sector."""

from __future__ import annotations

from sqlalchemy import select

from victims.domain import postcodes as rules
from victims.extensions import db
from victims.postcodes.models import Postcode


def locate(text: str) -> tuple[float, float] | None:
    """The (latitude, longitude) of a postcode as typed, or None when it is not a postcode or is
    not in the table."""
    postcode = rules.normalise(text)
    if postcode is None:
        return None
    row = db.session.execute(
        select(Postcode.latitude, Postcode.longitude).where(Postcode.postcode == postcode)
    ).first()
    return (row.latitude, row.longitude) if row else None


def sector_points(sector: str) -> list[tuple[float, float]]:
    """The (latitude, longitude) of every postcode in a normalised sector ("MK40 1")."""
    return [
        (row.latitude, row.longitude)
        for row in db.session.execute(
            select(Postcode.latitude, Postcode.longitude).where(Postcode.sector == sector)
        )
    ]


def loaded() -> bool:
    """Whether any postcode has been imported (the forms say so when none has)."""
    return db.session.execute(select(Postcode.postcode).limit(1)).first() is not None
