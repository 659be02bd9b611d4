"""The audit screens: a manager reads (and exports) the trail; an SPO reviews address reveals.

Nothing here changes anything, except that an export is itself recorded in the trail.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator

from flask import Blueprint, Response, redirect, render_template, request, stream_with_context, url_for
from flask_login import current_user

from victims import clock
from victims.audit import queries
from victims.audit import services as audit
from victims.audit.forms import TrailFilterForm
from victims.cases.queries import Page
from victims.clock import LONDON
from victims.domain.vocabulary import Role
from victims.security import allowed

bp = Blueprint("audit", __name__, url_prefix="/audit")

PER_PAGE = 50
FILTER_NAMES = ("user", "action", "case", "date_from", "date_to")
PAGE_NUMBER = re.compile(r"[0-9]{1,6}")  # anything else is page 1; past the end is the last page


def _page_number() -> int:
    value = request.args.get("page", "")
    return int(value) if PAGE_NUMBER.fullmatch(value) else 1


def _filter_args() -> dict[str, list[str]]:
    """The filters as given, to carry into pagination and export links."""
    return {name: request.args.getlist(name) for name in FILTER_NAMES if name in request.args}


def _filter_form() -> TrailFilterForm:
    form = TrailFilterForm(request.args, users=queries.users_to_filter_by(current_user))
    form.validate()
    return form


def pagination(result: Page, endpoint: str, args: dict | None = None) -> dict | None:
    """Parameters for govukPagination: first, last and two either side of the current page."""
    if result.pages <= 1:
        return None
    args = args or {}

    def href(number: int) -> str:
        return url_for(endpoint, **args, page=number)

    items: list[dict] = []
    for number in range(1, result.pages + 1):
        if number in (1, result.pages) or abs(number - result.page) <= 2:
            items.append({"number": number, "href": href(number), "current": number == result.page})
        elif abs(number - result.page) == 3:
            items.append({"ellipsis": True})
    params: dict = {"items": items, "landmarkLabel": "Pages of results"}
    if result.page > 1:
        params["previous"] = {"href": href(result.page - 1)}
    if result.page < result.pages:
        params["next"] = {"href": href(result.page + 1)}
    return params


@bp.route("/")
@allowed(Role.MANAGER)
def trail():
    form = _filter_form()
    result = None
    args = _filter_args()
    if not form.errors:
        result = queries.trail(current_user, form.filters(), page=_page_number(), per_page=PER_PAGE)
    return render_template(
        "audit/trail.html",
        form=form,
        result=result,
        pages=pagination(result, "audit.trail", args) if result else None,
        export_href=url_for("audit.export", **args),
        filtered=any(value.strip() for values in args.values() for value in values),
    )


# Spreadsheet programs run a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

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


def safe_cell(value) -> str:
    """A cell a spreadsheet shows as text, never runs: "=HYPERLINK(...)" becomes "'=HYPERLINK(...)"."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv_line(cells: Iterable) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([safe_cell(cell) for cell in cells])
    return buffer.getvalue()


def _csv_rows(rows: Iterable[queries.AuditRow]) -> Iterator[str]:
    yield "\ufeff" + _csv_line(CSV_HEADER)  # the byte-order mark tells Excel it is UTF-8
    for row in rows:
        yield _csv_line(
            (
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
        )


@bp.route("/export.csv")
@allowed(Role.MANAGER)
def export():
    form = _filter_form()
    if form.errors:
        return redirect(url_for("audit.trail", **_filter_args()))
    filters = form.filters()
    audit.record(
        "audit_exported",
        "audit_trail",
        None,
        details={"filters": filters.as_details(), "national": bool(current_user.national)},
    )
    # The export's own event is committed when this view returns, before the file is
    # written, so an export that fails half way is still on the record.
    rows = queries.trail_for_export(current_user, filters)
    filename = f"audit-trail-{clock.today().isoformat()}.csv"
    return Response(
        stream_with_context(_csv_rows(rows)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/reveals")
@allowed(Role.SPO)
def reveals():
    result = queries.flagged_reveals(current_user, page=_page_number(), per_page=PER_PAGE)
    return render_template("audit/reveals.html", result=result, pages=pagination(result, "audit.reveals"))
