from flask import Blueprint, render_template

from victims.domain.vocabulary import Role
from victims.security import allowed

bp = Blueprint("audit", __name__, url_prefix="/audit")


@bp.route("/")
@allowed(Role.MANAGER)
def trail():
    return render_template("audit/trail.html")


@bp.route("/reveals")
@allowed(Role.SPO)
def reveals():
    return render_template("audit/reveals.html")
