"""The compliance pages: the figures for a period at any level, and the cases behind each."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from victims import clock, replica
from victims.audit import services as audit
from victims.compliance import charts, queries
from victims.compliance.forms import period_args, read_period
from victims.domain.compliance import DECIDED, SHORT, Count, Measure, Outcome, Period
from victims.domain.deadlines import RULES_BY_CODE
from victims.domain.needs import Course
from victims.domain.oversight import TREND_MONTHS
from victims.domain.vocabulary import Role
from victims.formatting import govuk_date
from victims.staff.scopes import Scope, scope_from_key, trail
from victims.web.csv import csv_response
from victims.web.paging import page_number, pagination
from victims.web.security import allowed

bp = Blueprint("compliance", __name__, url_prefix="/management/compliance")

PER_PAGE = 50
TABLES = ("figures", "children", "monthly", "training")


def _scope_and_period() -> tuple[Scope, object, Period]:
    scope = scope_from_key(current_user, request.args.get("scope"))  # another region's: 404
    form, period = read_period(request.args, clock.today())
    return scope, form, period


def _percent(value: int | None) -> str:
    return "No deadlines due" if value is None else f"{value}%"


@bp.route("/")
@allowed(Role.MANAGER)
def index():
    scope, form, period = _scope_and_period()
    today = clock.today()
    with replica.reads():
        kept = queries.stored(scope, today)  # read once for both
        found = queries.breakdown(scope, period, today, live=kept is None, kept=kept)
        months = queries.monthly(scope, TREND_MONTHS, today, live=kept is None, kept=kept)
    args = period_args(period)
    return render_template(
        "compliance/index.html",
        scope=scope,
        crumbs=trail(scope, current_user),
        form=form,
        period=period,
        args=args,
        found=found,
        measures=list(Measure),
        short=SHORT,
        counts=list(Count),
        overdue_deadlines=Count.OVERDUE_DEADLINES,
        overdue_tasks=Count.OVERDUE_TASKS,
        on_time=Outcome.ON_TIME,
        outcomes=list(Outcome),
        decided=DECIDED,
        courses=list(Course),
        percent=_percent,
        monthly_chart=charts.monthly_chart(months),
        training_chart=charts.training_chart(found.totals),
        today=today,
        stored_on=kept.taken_on if kept else None,
    )


def _measure(text: str | None) -> Measure | Count:
    for vocabulary in (Measure, Count):
        if text in vocabulary._value2member_map_:
            return vocabulary(text)
    abort(404)


def _outcome(text: str | None, measure: Measure | Count) -> Outcome | None:
    if not text or isinstance(measure, Count):
        return None
    if text not in Outcome._value2member_map_:
        abort(404)
    return Outcome(text)


def _what(row: queries.CaseRow) -> str:
    rule = RULES_BY_CODE.get(row.what)
    if rule is not None:
        return rule.name
    return Count(row.what).label if row.what in Count._value2member_map_ else row.what


def _day(value) -> str:
    return govuk_date(value)


def _behind_title(measure: Measure | Count, outcome: Outcome | None) -> str:
    if isinstance(measure, Measure):
        return f"{measure.label}: {outcome.label.lower() if outcome else 'all counted'}"
    return measure.label


@bp.route("/cases")
@allowed(Role.MANAGER)
def cases():
    scope, _form, period = _scope_and_period()
    measure = _measure(request.args.get("measure"))
    outcome = _outcome(request.args.get("outcome"), measure)
    filters = {"scope": scope.key, "measure": measure.value, **period_args(period)}
    if outcome:
        filters["outcome"] = outcome.value
    with replica.reads():
        result = queries.cases_behind(
            scope, measure, outcome, period, clock.today(), page=page_number(), per_page=PER_PAGE
        )
    return render_template(
        "compliance/cases.html",
        scope=scope,
        crumbs=trail(scope, current_user) + [scope],
        period=period,
        measure=measure,
        outcome=outcome,
        is_deadline=isinstance(measure, Measure),
        title=_behind_title(measure, outcome),
        result=result,
        what=_what,
        day=_day,
        filters=filters,
        back_args=period_args(period),
        pages=pagination(result, "compliance.cases", **filters),
    )


CASES_HEADER = ("CRN", "Offender", "VLO", "What", "Due", "Met", "Working days late", "Outcome", "Date")


@bp.route("/cases.csv")
@allowed(Role.MANAGER)
def cases_csv():
    scope, _form, period = _scope_and_period()
    measure = _measure(request.args.get("measure"))
    outcome = _outcome(request.args.get("outcome"), measure)
    today = clock.today()
    with replica.reads():  # the export's own record (below) goes to the primary
        rows = queries.all_cases_behind(scope, measure, outcome, period, today)
    audit.record(
        "compliance_exported",
        "compliance",
        None,
        details={
            "table": "cases",
            "scope": scope.key,
            "measure": measure.value,
            "outcome": outcome.value if outcome else None,
            "from": period.starts_on.isoformat(),
            "to": period.ends_on.isoformat(),
            "rows": len(rows),
        },
        user=current_user,
    )
    lines = [
        (
            row.crn,
            row.offender,
            row.vlo or "Not allocated",
            _what(row),
            _day(row.due_on),
            _day(row.met_on),
            row.days_late,
            Outcome(row.outcome).label if row.outcome else "",
            _day(row.day),
        )
        for row in rows
    ]
    name = f"compliance-cases-{scope.key.replace(':', '-')}-{measure.value}-{today.isoformat()}.csv"
    return csv_response(name, CASES_HEADER, lines)


def _figure_cells(figures: queries.Figures) -> list[object]:
    cells: list[object] = []
    for measure in Measure:
        numbers = figures.deadlines[measure]
        cells += [numbers[outcome] for outcome in Outcome]
        cells.append(_percent(figures.percent(measure)))
    cells += [figures.counts[count] for count in Count]
    return cells


def _figure_header(first: str) -> list[str]:
    header = [first]
    for measure in Measure:
        header += [f"{measure.label}: {outcome.label.lower()}" for outcome in Outcome]
        header.append(f"{measure.label}: % on time")
    header += [count.label for count in Count]
    return header


@bp.route("/export.csv")
@allowed(Role.MANAGER)
def export():
    scope, _form, period = _scope_and_period()
    table = request.args.get("table", "")
    if table not in TABLES:
        abort(404)
    today = clock.today()
    audit.record(
        "compliance_exported",
        "compliance",
        None,
        details={
            "table": table,
            "scope": scope.key,
            "from": period.starts_on.isoformat(),
            "to": period.ends_on.isoformat(),
        },
        user=current_user,
    )
    name = f"compliance-{table}-{scope.key.replace(':', '-')}-{today.isoformat()}.csv"
    if table == "monthly":
        with replica.reads():
            months = queries.monthly(scope, TREND_MONTHS, today)
        header = ["Month"] + [f"{m.label}: {o.label.lower()}" for m in Measure for o in Outcome]
        rows = [
            [first.strftime("%B %Y")] + [f.deadlines[m][o] for m in Measure for o in Outcome]
            for first, f in months
        ]
        return csv_response(name, header, rows)
    with replica.reads():
        found = queries.breakdown(scope, period, today)
    if table == "training":
        header = ["Course", "VLOs with valid training", "Active VLOs", "Per cent"]
        rows = [
            [
                course.label,
                found.totals.training[course],
                found.totals.active_vlos,
                _percent(found.totals.training_percent(course)),
            ]
            for course in Course
        ]
        return csv_response(name, header, rows)
    if table == "children":
        rows = [[child.name, *_figure_cells(figures)] for child, figures in found.children]
        if found.rest:
            rows.append(["Not in any row above", *_figure_cells(found.rest)])
        return csv_response(name, _figure_header("Name"), rows)
    return csv_response(name, _figure_header("Scope"), [[scope.name, *_figure_cells(found.totals)]])
