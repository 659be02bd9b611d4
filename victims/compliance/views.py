"""The compliance pages: the figures for a period at any level, and the cases behind each."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("compliance", __name__, url_prefix="/management/compliance")
