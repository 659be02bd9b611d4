"""Importing referrals from a CSV file: check and preview every row, then import all or nothing.

SPOs only: the cases go to their team's queue (docs/decisions.md, "CSV import")."""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, render_template, url_for
from flask_login import current_user

from victims.domain.vocabulary import Role
from victims.imports import background, csv_format, queries, services
from victims.imports.forms import ImportForm, UploadForm
from victims.imports.models import FINISHED
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
    """Queue the checked file for a worker, and show its progress. The worker checks the file
    again, as things stand then, and imports it all or nothing (victims.imports.background)."""
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
    background.queue(upload)
    return redirect(url_for("imports.progress", upload_id=upload.id))


REFRESH_SECONDS = 3


@bp.route("/referrals/<int:upload_id>/progress")
@allowed(Role.SPO)
def progress(upload_id: int):
    """How far the import has gone; the page refreshes itself until it has finished."""
    _team_required()
    upload = queries.import_for(current_user, upload_id)
    if upload is None:
        abort(404)
    finished = upload.status in FINISHED
    return render_template(
        "imports/progress.html",
        upload=upload,
        finished=finished,
        refresh_seconds=None if finished else REFRESH_SECONDS,
        percent=100 if finished else int(100 * upload.rows_done / max(upload.row_count, 1)),
    )


def _failed(title: str, body: str, status: int = 422):
    return render_template("imports/failed.html", title=title, body=body), status
