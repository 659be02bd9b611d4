"""The audit screens: a manager reads (and exports) the trail; an SPO reviews address reveals.

Nothing here changes anything, except that an export is itself recorded in the trail.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user

from victims import clock
from victims.audit import services as audit
from victims.clock import LONDON
from victims.domain.vocabulary import Role
from victims.oversight import queries
from victims.oversight.forms import TrailFilterForm
from victims.web.csv import csv_response
from victims.web.paging import page_number, pagination
from victims.web.security import allowed

bp = Blueprint("oversight", __name__, url_prefix="/audit")

PER_PAGE = 50
FILTER_NAMES = ("user", "action", "case", "date_from", "date_to")


def _filter_args() -> dict[str, list[str]]:
    """The filters as given, to carry into pagination and export links."""
    return {name: request.args.getlist(name) for name in FILTER_NAMES if name in request.args}


def _filter_form() -> TrailFilterForm:
    form = TrailFilterForm(request.args, users=queries.users_to_filter_by(current_user))
    form.validate()
    return form


@bp.route("/")
@allowed(Role.MANAGER)
def trail():
    form = _filter_form()
    result = None
    args = _filter_args()
    if not form.errors:
        result = queries.trail(current_user, form.filters(), page=page_number(), per_page=PER_PAGE)
    return render_template(
        "oversight/trail.html",
        form=form,
        result=result,
        pages=pagination(result, "oversight.trail", **args) if result else None,
        export_href=url_for("oversight.export", **args),
        filtered=any(value.strip() for values in args.values() for value in values),
    )


CSV_HEADER = (
    "When (UK time)",
    "User ID",
    "User",
    "Action",
    "Action code",
    "Record type",
    "Record ID",
    "Case ID",
    "Reason",
    "Flagged",
    "Details",
)


def _csv_rows(rows: Iterable[queries.AuditRow]) -> Iterator[tuple]:
    for row in rows:
        yield (
            row.at.astimezone(LONDON).isoformat(timespec="seconds"),
            row.user_id,
            row.user_name,
            row.action_label,
            row.action,
            row.record_type,
            row.record_id,
            row.case_id,
            row.reason,
            "Yes" if row.flagged else "No",
            json.dumps(row.details, sort_keys=True) if row.details else "",
        )


@bp.route("/export.csv")
@allowed(Role.MANAGER)
def export():
    form = _filter_form()
    if form.errors:
        return redirect(url_for("oversight.trail", **_filter_args()))
    filters = form.filters()
    audit.record(
        "audit_exported",
        "audit_trail",
        None,
        details={"filters": filters.as_details(), "national": bool(current_user.national)},
        user=current_user,
    )
    # The export's own event is committed when this view returns, before the file is
    # written, so an export that fails half way is still on the record. The file is written
    # after that, outside the request: it needs no request context (the rows are read in a
    # session of their own, see trail_for_export), so none is carried into it.
    rows = queries.trail_for_export(current_user, filters)
    filename = f"audit-trail-{clock.today().isoformat()}.csv"
    return csv_response(filename, CSV_HEADER, _csv_rows(rows))


@bp.route("/reveals")
@allowed(Role.SPO)
def reveals():
    result = queries.flagged_reveals(current_user, page=page_number(), per_page=PER_PAGE)
    return render_template(
        "oversight/reveals.html", result=result, pages=pagination(result, "oversight.reveals")
    )
