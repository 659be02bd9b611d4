"""The workforce screens (issue 14)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("workforce", __name__, url_prefix="/workforce")
