from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from victims.domain.vocabulary import Role
from victims.main import health as checks
from victims.web.security import signed_in

bp = Blueprint("main", __name__)

HOME_FOR_ROLE = {
    Role.VLO: "cases.caseload",
    Role.SPO: "cases.team_cases",
    Role.MANAGER: "dashboard.home",  # caseload balance: what a manager opens first
    Role.ADMIN: "admin.users",
}


@bp.route("/")
@signed_in
def home():
    return redirect(url_for(HOME_FOR_ROLE[current_user.role_enum]))


@bp.route("/health")
def health():
    """JSON for load balancers and monitoring: 200 when fine, 503 naming what is down."""
    return checks.report()


@bp.route("/accessibility")
def accessibility():
    return render_template("main/accessibility.html")
