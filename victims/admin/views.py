from flask import Blueprint, render_template

from victims.domain.vocabulary import Role
from victims.security import allowed

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/users")
@allowed(Role.ADMIN)
def users():
    return render_template("admin/users.html")
