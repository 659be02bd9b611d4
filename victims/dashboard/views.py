"""The caseload balance pages (issue 15): national → region → team → VLO, each with its tables as
CSV downloads (audited). Managers only, and only what their scope allows (victims.staff.scopes):
another region's team or VLO is a 404."""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_login import current_user

from victims import clock, replica
from victims.audit.services import record
from victims.dashboard import pages, report
from victims.domain.oversight import Level
from victims.domain.vocabulary import Role
from victims.domain.workload import CASELOAD_HIGH, CASELOAD_LOW
from victims.snapshots.balance import FULL
from victims.staff import scopes
from victims.staff.scopes import Scope
from victims.web.csv import csv_response
from victims.web.security import allowed
from victims.workforce.peaks import HORIZONS, PeakKind

bp = Blueprint("dashboard", __name__, url_prefix="/management")

BAND_TAGS = {"below": "blue", "within": "green", "above": "red"}


def _context(scope: Scope) -> dict:
    return {
        "scope": scope,
        "trail": scopes.trail(scope, current_user),
        "Level": Level,
        "FULL": FULL,
        "CASELOAD_LOW": CASELOAD_LOW,
        "CASELOAD_HIGH": CASELOAD_HIGH,
        "HORIZONS": HORIZONS,
        "PeakKind": PeakKind,
        "BAND_TAGS": BAND_TAGS,
        "GROUP_TABLES": pages.GROUP_TABLES,
    }


def _link(scope: Scope) -> str:
    return {
        Level.NATIONAL: lambda: url_for("dashboard.home"),
        Level.REGION: lambda: url_for("dashboard.region", region_id=scope.subject_id),
        Level.TEAM: lambda: url_for("dashboard.team", team_id=scope.subject_id),
        Level.VLO: lambda: url_for("dashboard.vlo", user_id=scope.subject_id),
    }[scope.level]()


@bp.app_template_global("management_link")
def management_link(scope: Scope) -> str:
    return _link(scope)


# --- Pages --------------------------------------------------------------------------------------


@bp.route("/")
@allowed(Role.MANAGER)
def home():
    """National managers: the regions. Regional managers: their region."""
    scope = scopes.home_scope(current_user)
    if scope.level == Level.REGION:
        return redirect(url_for("dashboard.region", region_id=scope.subject_id))
    return _overview(scope)


@bp.route("/regions/<int:region_id>")
@allowed(Role.MANAGER)
def region(region_id: int):
    return _overview(scopes.scope_for(current_user, Level.REGION, region_id))


def _overview(scope: Scope):
    with replica.reads():  # who may see it was decided on the primary; the figures may lag a little
        page = _overview_page(scope)
    today = clock.today()
    # This month so far, then the 12 before it (last month chosen).
    months = [today.replace(day=1)]
    while len(months) < 13:
        months.append(report.last_month(months[-1]))
    return render_template("dashboard/overview.html", page=page, report_months=months, **_context(scope))


def _overview_page(scope: Scope) -> pages.Overview:
    today = clock.today()
    if scope.level == Level.NATIONAL:
        return pages.national_overview(today)
    return pages.region_overview(scope, today)


@bp.route("/teams/<int:team_id>")
@allowed(Role.MANAGER)
def team(team_id: int):
    scope = scopes.scope_for(current_user, Level.TEAM, team_id)
    with replica.reads():
        page = pages.team_page(scope, clock.today()) or abort(404)
    return render_template("dashboard/team.html", page=page, **_context(scope))


@bp.route("/vlos/<int:user_id>")
@allowed(Role.MANAGER)
def vlo(user_id: int):
    scope = scopes.scope_for(current_user, Level.VLO, user_id)
    with replica.reads():
        page = pages.vlo_page(scope, clock.today()) or abort(404)
    return render_template("dashboard/vlo.html", page=page, **_context(scope))


# --- Downloads ------------------------------------------------------------------------------------


@bp.route("/export.csv")
@allowed(Role.MANAGER)
def export():
    """One table of a page as CSV: `scope` ("national", "region:3", "team:12", "vlo:40") and
    `table` (an id the page gives each table). Recorded in the audit trail: what, and for where."""
    scope = scopes.scope_from_key(current_user, request.args.get("scope"))
    today = clock.today()
    with replica.reads():  # the export's own record (below) goes to the primary
        tables = _export_tables(scope, today)
    table = tables.get(request.args.get("table", "")) or abort(404)
    record(
        "dashboard_exported",
        scope.level.value,
        scope.subject_id,
        user=current_user,
        region_id=scope.region_id,
        details={"scope": scope.key, "table": table.id, "rows": len(table.rows)},
    )
    filename = f"caseload-balance-{scope.key.replace(':', '-')}-{table.id}-{today.isoformat()}.csv"
    return csv_response(filename, table.headers, table.rows)


def _export_tables(scope: Scope, today) -> dict[str, pages.Table]:
    if request.args.get("table") == pages.HISTORY:  # read only when asked for
        return {pages.HISTORY: pages.history_table(scope, today)}
    if scope.level in (Level.NATIONAL, Level.REGION):
        return _overview_page(scope).tables
    if scope.level == Level.TEAM:
        return (pages.team_page(scope, today) or abort(404)).tables
    return (pages.vlo_page(scope, today) or abort(404)).tables


# --- The monthly regional report -------------------------------------------------------------------


@bp.route("/regions/<int:region_id>/report.pdf")
@allowed(Role.MANAGER)
def region_report(region_id: int):
    """The region's report for a month (`month=2026-10`; last month when none is given) as a PDF:
    its balance, compliance and victims' feedback, with the charts and tables. Audited."""
    scope = scopes.scope_for(current_user, Level.REGION, region_id)
    today = clock.today()
    asked = request.args.get("month")
    first = report.parse_month(asked, today) if asked else report.last_month(today)
    if first is None:
        abort(404)
    with replica.reads():
        sections = report.regional_report(scope, first, today)
    pdf = report.report_pdf(scope.name, first, sections, clock.utcnow().astimezone(clock.LONDON))
    record(
        "dashboard_report_printed",
        Level.REGION.value,
        scope.subject_id,
        user=current_user,
        region_id=scope.region_id,
        details={"scope": scope.key, "month": first.strftime("%Y-%m")},
    )
    filename = f"victim-contact-{scope.key.replace(':', '-')}-{first.strftime('%Y-%m')}.pdf"
    return Response(
        pdf, mimetype="application/pdf", headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )
