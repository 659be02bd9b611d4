from __future__ import annotations

from datetime import datetime, timedelta

import qrcode
import qrcode.image.svg
from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from markupsafe import Markup

from victims import clock
from victims.audit import services as audit
from victims.auth import services as auth
from victims.auth import throttling
from victims.auth.forms import CodeForm, SignInForm
from victims.auth.services import WRONG_CODE
from victims.auth.throttling import retry_after, wait_message
from victims.domain import totp
from victims.domain.throttling import Stage
from victims.extensions import limiter
from victims.staff import queries as staff_queries
from victims.staff.models import User
from victims.web.security import next_page, signed_in
from victims.web.transactions import keep_changes_on_error

bp = Blueprint("auth", __name__)

WRONG_CREDENTIALS = "Enter a correct email address and password"
PENDING_MINUTES = 5


# -- per client address: Flask-Limiter, counting only wrong passwords and codes -------------------


def _checked_and_wrong(response) -> bool:
    # A try refused unchecked (429) is not counted: counting it would let hammering extend the limit.
    return response.status_code == 401


def _owner_at_the_sign_in_page() -> bool:
    """A browser known for the account it is signing in to passes the per-address limit, so an
    attacker sharing an office's address cannot keep that office out."""
    email = request.form.get("email", "")
    cookie = request.cookies.get(throttling.DEVICE_COOKIE)
    return bool(email) and throttling.trusted_device(email, cookie, Stage.PASSWORD) is not None


def _owner_at_the_code_page() -> bool:
    return session.get("pending_device") is not None


def _address_limit() -> str:
    return current_app.config["SIGN_IN_ADDRESS_LIMIT"]


def _code_address_limit() -> str:
    return current_app.config["SECOND_FACTOR_ADDRESS_LIMIT"]


def _wait(field, left: timedelta) -> dict[str, str]:
    """Refuse an attempt unchecked: it is not recorded, so waiting never makes the wait longer."""
    field.errors.append(wait_message(left))
    return retry_after(left)


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(
    _address_limit,
    methods=["POST"],
    deduct_when=_checked_and_wrong,
    exempt_when=_owner_at_the_sign_in_page,
    scope="sign-in",
)
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = SignInForm()
    status, headers = 200, {}
    if form.validate_on_submit():
        email = form.email.data
        device = throttling.trusted_device(
            email, request.cookies.get(throttling.DEVICE_COOKIE), Stage.PASSWORD
        )
        left = throttling.wait_before_trying(email, Stage.PASSWORD, device)
        if left:
            status, headers = 429, _wait(form.email, left)
        else:
            user = auth.find_user_by_email(email)
            ok = auth.verify_password(user, form.password.data) and user is not None and user.active
            throttling.record_attempt(email, Stage.PASSWORD, ok, device)
            if ok:
                going_to = next_page(request.args.get("next"))
                session.clear()  # no fixation: a new session starts at sign-in
                session["pending_user_id"] = user.id
                session["pending_email"] = user.email
                session["pending_at"] = clock.utcnow().isoformat()
                session["pending_device"] = device
                if going_to:
                    session["next"] = going_to
                return redirect(url_for("auth.two_factor" if user.totp_confirmed else "auth.enrol"))
            form.email.errors.append(WRONG_CREDENTIALS)
            form.password.errors.append(WRONG_CREDENTIALS)
            status = 401
            keep_changes_on_error()  # the failure must be counted
    return render_template("auth/sign_in.html", form=form), status, headers


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


def _check_code(user: User, form: CodeForm) -> tuple[bool, int, dict[str, str]]:
    email = session.get("pending_email", "")
    device = session.get("pending_device")
    cookie = request.cookies.get(throttling.DEVICE_COOKIE)
    if device is not None and throttling.trusted_device(email, cookie, Stage.CODE) != device:
        device = session["pending_device"] = None  # it has used up its own budget of codes
    left = throttling.wait_before_trying(email, Stage.CODE, device)
    if left:
        return False, 429, _wait(form.code, left)
    if auth.accept_code(user, form.code.data):
        throttling.record_attempt(email, Stage.CODE, True, device)
        return True, 200, {}
    throttling.record_attempt(email, Stage.CODE, False, device)
    form.code.errors.append(WRONG_CODE)
    keep_changes_on_error()
    return False, 401, {}


def _finish_sign_in(user: User):
    going_to = next_page(session.get("next"))  # checked again: the cookie is only signed, not ours alone
    session.clear()
    session.permanent = True
    session["sid"] = auth.start_session(user)
    auth.spend_temporary_password(user)  # a password an administrator set signs in once
    audit.record("signed_in", "user", user.id, user=user)
    response = redirect(going_to or url_for("main.home"))
    response.set_cookie(
        throttling.DEVICE_COOKIE,
        throttling.new_device_cookie(user.email, request.cookies.get(throttling.DEVICE_COOKIE)),
        max_age=int(throttling.device_lifetime().total_seconds()),
        path=throttling.DEVICE_COOKIE_PATH,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Strict",
    )
    return response


@bp.route("/sign-in/set-up-security-code", methods=["GET", "POST"])
@limiter.limit(
    _code_address_limit,
    methods=["POST"],
    deduct_when=_checked_and_wrong,
    exempt_when=_owner_at_the_code_page,
    scope="security-code",
)
def enrol():
    user = _pending_user()
    if user.totp_confirmed:
        return redirect(url_for("auth.two_factor"))
    secret = auth.start_enrolment(user)
    form = CodeForm()
    status, headers = 200, {}
    if form.validate_on_submit():
        ok, status, headers = _check_code(user, form)
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
        headers,
    )


@bp.route("/sign-in/security-code", methods=["GET", "POST"])
@limiter.limit(
    _code_address_limit,
    methods=["POST"],
    deduct_when=_checked_and_wrong,
    exempt_when=_owner_at_the_code_page,
    scope="security-code",
)
def two_factor():
    user = _pending_user()
    if not user.totp_confirmed:
        return redirect(url_for("auth.enrol"))
    form = CodeForm()
    status, headers = 200, {}
    if form.validate_on_submit():
        ok, status, headers = _check_code(user, form)
        if ok:
            return _finish_sign_in(user)
    return render_template("auth/code.html", form=form), status, headers


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
