from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from victims.domain.vocabulary import Role
from victims.staff import queries, services
from victims.staff.forms import DetailsForm
from victims.web.security import allowed, signed_in

bp = Blueprint("staff", __name__)


@bp.route("/account/details", methods=["GET", "POST"])
@signed_in
def details():
    form = DetailsForm(data={"phone": current_user.phone})
    if form.validate_on_submit():
        services.change_own_phone(current_user, form.phone.data)
        flash("Your details have been saved", "success")
        return redirect(url_for("staff.details"))
    return render_template("staff/details.html", form=form)


@bp.route("/team/countersigning")
@allowed(Role.SPO)
def countersigning():
    return render_template("staff/countersigning.html", vlos=queries.team_vlos(current_user.team_id))


@bp.route("/team/countersigning/<int:user_id>/<any(on, off):choice>", methods=["POST"])
@allowed(Role.SPO)
def set_countersigning(user_id: int, choice: str):
    vlo = queries.team_vlo(user_id, current_user.team_id)
    if vlo is None:
        abort(404)
    services.set_countersigning(vlo, choice == "on", current_user)
    if vlo.requires_countersign:
        flash(f"{vlo.name}’s letters now need countersigning", "success")
    else:
        flash(f"{vlo.name}’s letters no longer need countersigning", "success")
    return redirect(url_for("staff.countersigning"))
