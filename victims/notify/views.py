from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user
from sqlalchemy import select

from victims.domain.vocabulary import Role
from victims.extensions import db
from victims.notify.gateway import uses_outbox
from victims.notify.models import OutboxEmail
from victims.web.security import signed_in

bp = Blueprint("notify", __name__)


@bp.route("/dev/outbox")
@signed_in
def outbox():
    """What would have been emailed, when no GOV.UK Notify key is set (development only):
    the user's own emails, or everyone's for an administrator."""
    if not uses_outbox():
        abort(404)
    statement = select(OutboxEmail).order_by(OutboxEmail.created_at.desc(), OutboxEmail.id.desc()).limit(50)
    if current_user.role != Role.ADMIN:
        statement = statement.where(OutboxEmail.email_address == current_user.email)
    return render_template("notify/outbox.html", emails=db.session.scalars(statement).all())
