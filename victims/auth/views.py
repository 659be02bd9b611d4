from __future__ import annotations

from datetime import datetime

import qrcode
import qrcode.image.svg
from flask import Blueprint, abort, g, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user
from markupsafe import Markup

from victims import clock
from victims.audit import services as audit
from victims.auth import services as auth
from victims.auth.forms import CodeForm, SignInForm
from victims.domain import totp
from victims.staff import queries as staff_queries
from victims.staff.models import User
from victims.web.security import next_page, signed_in
from victims.web.transactions import keep_changes_on_error

bp = Blueprint("auth", __name__)

LOCKED_MESSAGE = (
    "You have tried to sign in too many times. Wait 5 minutes and try again, "
    "or ask your administrator for help."
)
WRONG_CREDENTIALS = "Enter a correct email address and password"
WRONG_CODE = "Enter a correct security code (a code can only be used once)"
PENDING_MINUTES = 5


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = SignInForm()
    status = 200
    if form.validate_on_submit():
        email = form.email.data
        if auth.is_locked(email):
            form.email.errors.append(LOCKED_MESSAGE)
            status = 429
            # The attempt is still counted: keep hammering and the lock stays on.
            auth.record_attempt(email, "password", False)
            keep_changes_on_error()
        else:
            user = auth.find_user_by_email(email)
            ok = auth.verify_password(user, form.password.data) and user is not None and user.active
            auth.record_attempt(email, "password", ok)
            if ok:
                going_to = next_page(request.args.get("next"))
                session.clear()  # no fixation: a new session starts at sign-in
                session["pending_user_id"] = user.id
                session["pending_email"] = user.email
                session["pending_at"] = clock.utcnow().isoformat()
                if going_to:
                    session["next"] = going_to
                return redirect(url_for("auth.two_factor" if user.totp_confirmed else "auth.enrol"))
            form.email.errors.append(WRONG_CREDENTIALS)
            form.password.errors.append(WRONG_CREDENTIALS)
            status = 401
            keep_changes_on_error()
    return render_template("auth/sign_in.html", form=form), status


def _pending_user() -> User:
    started = session.get("pending_at")
    if started:
        age = clock.utcnow() - datetime.fromisoformat(started)
        if age.total_seconds() > PENDING_MINUTES * 60:
            session.clear()
            abort(redirect(url_for("auth.sign_in")))
    user = staff_queries.find_user(session.get("pending_user_id"))
    if user is None or not user.active:
        session.clear()
        abort(redirect(url_for("auth.sign_in")))
    return user


def _check_code(user: User, form: CodeForm) -> tuple[bool, int]:
    email = session.get("pending_email", "")
    if auth.is_locked(email):
        form.code.errors.append(LOCKED_MESSAGE)
        auth.record_attempt(email, "code", False)
        keep_changes_on_error()
        return False, 429
    if auth.accept_code(user, form.code.data):
        auth.record_attempt(email, "code", True)
        return True, 200
    auth.record_attempt(email, "code", False)
    form.code.errors.append(WRONG_CODE)
    keep_changes_on_error()
    return False, 401


def _finish_sign_in(user: User):
    going_to = next_page(session.get("next"))  # checked again: the cookie is only signed, not ours alone
    session.clear()
    session.permanent = True
    session["sid"] = auth.start_session(user)
    audit.record("signed_in", "user", user.id, user=user)
    return redirect(going_to or url_for("main.home"))


@bp.route("/sign-in/set-up-security-code", methods=["GET", "POST"])
def enrol():
    user = _pending_user()
    if user.totp_confirmed:
        return redirect(url_for("auth.two_factor"))
    secret = auth.start_enrolment(user)
    form = CodeForm()
    status = 200
    if form.validate_on_submit():
        ok, status = _check_code(user, form)
        if ok:
            audit.record("second_factor_enrolled", "user", user.id, user=user)
            return _finish_sign_in(user)
    keep_changes_on_error()  # keep the new secret even when the first code is wrong
    uri = totp.provisioning_uri(secret, user.email, "Victim contact casework")
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    svg = image.to_string(encoding="unicode")
    return (
        render_template(
            "auth/enrol.html",
            form=form,
            qr_svg=Markup(svg),  # noqa: S704  (SVG made here by qrcode from our own URI)
            secret=secret,
        ),
        status,
    )


@bp.route("/sign-in/security-code", methods=["GET", "POST"])
def two_factor():
    user = _pending_user()
    if not user.totp_confirmed:
        return redirect(url_for("auth.enrol"))
    form = CodeForm()
    status = 200
    if form.validate_on_submit():
        ok, status = _check_code(user, form)
        if ok:
            return _finish_sign_in(user)
    return render_template("auth/code.html", form=form), status


@bp.route("/sign-out")
@signed_in
def sign_out():
    record = g.get("user_session")
    if record is not None:
        auth.end_session(record, "signed out")
        audit.record("signed_out", "user", current_user.id, user=current_user)
    session.clear()
    return redirect(url_for("auth.signed_out"))


@bp.route("/signed-out")
def signed_out():
    reason = request.args.get("reason")
    if reason not in {"idle", "absolute", "revoked"}:
        reason = None
    return render_template("auth/signed_out.html", reason=reason)


@bp.route("/session/extend", methods=["POST"])
@signed_in
def extend_session():
    # The session was touched when this request was loaded; say when it now ends.
    record = g.user_session
    if request.accept_mimetypes.best == "application/json":
        return jsonify({"last_seen_at": record.last_seen_at.isoformat()})
    return redirect(url_for("main.home"))  # without JavaScript: back to the start
