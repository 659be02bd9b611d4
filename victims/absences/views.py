"""The absences screens (issue 14)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("absences", __name__, url_prefix="/absences")
