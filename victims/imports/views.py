"""Importing referrals from a CSV file: check and preview every row, then import all or nothing.

SPOs only: the cases go to their team's queue (docs/decisions.md, "CSV import")."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from victims.domain.vocabulary import Role
from victims.extensions import db
from victims.imports import csv_format, queries, services
from victims.imports.forms import ImportForm, UploadForm
from victims.intake.services import Received
from victims.web.security import allowed

bp = Blueprint("imports", __name__, url_prefix="/imports")


def _team_required() -> None:
    if current_user.team_id is None:
        abort(403)


@bp.route("/referrals", methods=["GET", "POST"])
@allowed(Role.SPO)
def upload():
    _team_required()
    form = UploadForm()
    if form.validate_on_submit():
        try:
            text = _read(form.file.data)
            preview = services.check(text, current_user.region_id, current_user.team_id)
        except csv_format.FileRefused as refused:
            form.file.errors.append(refused.message)
        else:
            upload = services.keep(text, preview, current_user) if preview.ok else None
            return render_template("imports/preview.html", preview=preview, upload=upload, form=ImportForm())
    return render_template("imports/upload.html", form=form, columns=csv_format.COLUMNS)


def _read(storage) -> str:
    name = (storage.filename or "").lower()
    if not name.endswith(".csv"):
        raise csv_format.FileRefused("The selected file must be a CSV file")
    raw = storage.stream.read(csv_format.MAX_BYTES + 1)
    if len(raw) > csv_format.MAX_BYTES:
        raise csv_format.FileRefused("The selected file must be smaller than 1 MB")
    return csv_format.decode(raw)


@bp.route("/referrals/template.csv")
@allowed(Role.SPO)
def template():
    return Response(
        "\ufeff" + csv_format.template_csv(),  # the mark tells Excel the file is UTF-8
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="referrals-template.csv"'},
    )


@bp.route("/referrals/<int:upload_id>", methods=["POST"])
@allowed(Role.SPO)
def import_referrals(upload_id: int):
    _team_required()
    form = ImportForm()
    if not form.validate_on_submit():
        abort(400)
    upload = queries.upload_for(current_user, upload_id)
    if upload is None:
        return _failed(
            "This file cannot be imported",
            "It has been imported already, or it was checked more than an hour ago. Nothing has "
            "been imported now. Upload the file again to check it.",
            404,
        )
    # Checked again: the rules (and "today") are applied as they are now, not as at the preview.
    try:
        preview = services.check(upload.contents, current_user.region_id, current_user.team_id)
    except csv_format.FileRefused as refused:
        return _failed("The file could not be imported", f"{refused.message}. Nothing has been imported.")
    if not preview.ok:
        db.session.rollback()
        page = render_template("imports/preview.html", preview=preview, upload=None, form=None)
        return page, 422
    try:
        result = services.import_all(preview, current_user)
    except services.ImportFailed as failed:
        db.session.rollback()
        return _failed(
            "The referrals could not be imported",
            f"Line {failed.line}: {failed.message}. Nothing has been imported. Correct the file "
            "and upload it again.",
        )
    except IntegrityError:
        db.session.rollback()
        return _failed(
            "The referrals could not be imported",
            "A referral for one of these offenders arrived at the same moment. Nothing has been "
            "imported. Upload the file again.",
            409,
        )
    services.discard(upload)
    flash(_done(result), "success")
    return redirect(url_for("cases.team_cases", show="unallocated"))


def _failed(title: str, body: str, status: int = 422):
    return render_template("imports/failed.html", title=title, body=body), status


def _done(result: Received) -> str:
    text = f"{result.referrals} referral{'' if result.referrals == 1 else 's'} imported"
    parts = []
    if result.cases_opened:
        parts.append(f"{result.cases_opened} case{'' if result.cases_opened == 1 else 's'} opened")
    if result.cases_found:
        parts.append(
            f"{result.cases_found} added to {'an open case' if result.cases_found == 1 else 'open cases'}"
        )
    if result.passed_on:
        parts.append(f"{result.passed_on} passed to the team that holds the case, to check")
    return f"{text}: {' and '.join(parts)}" if parts else text
