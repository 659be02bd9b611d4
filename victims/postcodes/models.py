from __future__ import annotations

from sqlalchemy import Float, String
from sqlalchemy.orm import Mapped, mapped_column

from victims.domain.postcodes import MAX_LENGTH, SECTOR_MAX_LENGTH
from victims.extensions import db


class Postcode(db.Model):
    """A postcode's centre (the ONS Postcode Directory, or any file of postcode, latitude and
    longitude: `flask --app victims postcodes import FILE`). Open data: nothing here is anyone's."""

    __tablename__ = "postcodes"

    # Normalised as victims.domain.postcodes writes it: "MK40 1AA".
    postcode: Mapped[str] = mapped_column(String(MAX_LENGTH), primary_key=True)
    # "MK40 1": for starting shapes made of postcode sectors.
    sector: Mapped[str] = mapped_column(String(SECTOR_MAX_LENGTH), index=True)
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
