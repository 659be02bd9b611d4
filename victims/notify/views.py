from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template
from flask_login import current_user

from victims.domain.vocabulary import Role
from victims.notify import queries
from victims.notify.gateway import uses_outbox
from victims.web.security import signed_in

bp = Blueprint("notify", __name__)


@bp.route("/dev/outbox")
@signed_in
def outbox():
    """What would have been emailed to staff, when no GOV.UK Notify key is set (development
    only): the user's own emails, or every member of staff's for an administrator."""
    if not uses_outbox():
        abort(404)
    own = None if current_user.role == Role.ADMIN else current_user.email
    letters = current_app.config["NOTIFY_LETTER_EMAIL_TEMPLATE_ID"]
    return render_template("notify/outbox.html", emails=queries.outbox(own, letters))
