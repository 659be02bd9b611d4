"""The caseload balance pages, their exports and the monthly regional report."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("dashboard", __name__, url_prefix="/management")
