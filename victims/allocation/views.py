"""The allocation screens (issue 14)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("allocation", __name__, url_prefix="/allocation")
