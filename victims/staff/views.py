from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from victims.audit import services as audit
from victims.cases import queries as case_queries
from victims.domain.vocabulary import Role
from victims.extensions import db
from victims.security import allowed, signed_in
from victims.staff.forms import DetailsForm
from victims.staff.models import User

bp = Blueprint("staff", __name__)


@bp.route("/account/details", methods=["GET", "POST"])
@signed_in
def details():
    form = DetailsForm(data={"phone": current_user.phone})
    if form.validate_on_submit():
        current_user.phone = form.phone.data.strip()
        db.session.flush()
        audit.record("own_details_changed", "user", current_user.id, details={"fields": ["phone"]})
        flash("Your details have been saved", "success")
        return redirect(url_for("staff.details"))
    return render_template("staff/details.html", form=form)


@bp.route("/team/countersigning")
@allowed(Role.SPO)
def countersigning():
    return render_template("staff/countersigning.html", vlos=case_queries.team_vlos(current_user.team_id))


@bp.route("/team/countersigning/<int:user_id>/<any(on, off):choice>", methods=["POST"])
@allowed(Role.SPO)
def set_countersigning(user_id: int, choice: str):
    """An SPO requires (or stops requiring) a second person to approve a VLO's letters."""
    vlo = db.session.get(User, user_id)
    if vlo is None or vlo.role != Role.VLO or vlo.team_id != current_user.team_id:
        abort(404)
    vlo.requires_countersign = choice == "on"
    db.session.flush()
    audit.record(
        "countersigning_required" if choice == "on" else "countersigning_stopped",
        "user",
        vlo.id,
        details={"requires_countersign": vlo.requires_countersign},
    )
    if vlo.requires_countersign:
        flash(f"{vlo.name}’s letters now need countersigning", "success")
    else:
        flash(f"{vlo.name}’s letters no longer need countersigning", "success")
    return redirect(url_for("staff.countersigning"))
