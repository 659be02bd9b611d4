"""The allocation screens (issue 14): the queue, ranked suggestions for a case or a task, bulk
allocation with a capacity preview, and rebalancing a VLO's caseload."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from victims import clock
from victims.allocation import queries, services
from victims.allocation.forms import PlanForm, SuggestionForm
from victims.cases import queries as case_queries
from victims.domain import deadlines as rules
from victims.domain.allocation import Candidate, Plan, Suggestion, plan, rank
from victims.domain.needs import Need
from victims.domain.vocabulary import CaseStatus, Role
from victims.domain.work import TaskStatus
from victims.domain.workload import capacity_percent
from victims.extensions import db
from victims.refusals import Refused
from victims.staff import queries as staff_queries
from victims.web.conflicts import stale
from victims.web.security import allowed
from victims.work import queries as work_queries
from victims.workforce import filters as list_filters
from victims.workforce.queries import current_model, facts_for_cases

QUEUE_LIST = "allocation_queue"

bp = Blueprint("allocation", __name__, url_prefix="/allocation")

MAX_PLAN = 100  # cases in one bulk allocation


@bp.route("/")
@allowed(Role.SPO)
def queue():
    """The queue, with the case lists' filters (victims.workforce.filters) on its unallocated
    cases: remembered per user, restored when the queue is opened bare, cleared on request."""
    if not request.args and (remembered := list_filters.saved(current_user.id, QUEUE_LIST)):
        return redirect(f"{url_for('allocation.queue')}?{remembered}")
    if request.args.get("clear"):
        list_filters.forget(current_user.id, QUEUE_LIST)
        return redirect(url_for("allocation.queue"))
    today = clock.today()
    waiting = queries.queue(current_user.team_id, today)
    list_groups = list_filters.groups()
    chosen = list_filters.parse(request.args, list_groups)
    if request.args.get(list_filters.APPLIED):
        list_filters.remember(current_user.id, QUEUE_LIST, list_filters.query_string(chosen, list_groups))
    items = list_filters.listed_cases(waiting.facts, today)
    panel = list_filters.panel(items, chosen, list_groups)
    if chosen:
        shown = set(list_filters.matching_ids(items, chosen, list_groups))
        waiting = replace(waiting, cases=[row for row in waiting.cases if row.case_id in shown])
    vlos = staff_queries.team_vlos(current_user.team_id)
    return render_template("allocation/queue.html", queue=waiting, vlos=vlos, panel=panel)


# --- One case, one task -----------------------------------------------------------------------------


def _suggestions(
    case_id: int, team_id: int, extra: tuple[Need, ...] = ()
) -> tuple[list[Suggestion], list[Need]]:
    today = clock.today()
    model = current_model()
    facts = facts_for_cases([case_id], today, model)
    if case_id not in facts:
        abort(404)  # closed meanwhile
    team = queries.team_candidates(team_id, today, model)
    links = queries.victim_links([case_id], team_id)
    case = queries.to_place(facts, links, {case_id: extra})[case_id]
    return rank(case, team.candidates), [need for need in Need if need in case.needs]


@bp.route("/cases/<int:case_id>", methods=["GET", "POST"])
@allowed(Role.SPO)
def case(case_id: int):
    record = case_queries.case_for_change(case_id, current_user)
    if record.status != CaseStatus.OPEN:
        abort(404)
    suggestions, needs = _suggestions(case_id, record.team_id)
    return _suggestions_page(
        Choosing("case", "allocated this case", "Case allocated to", services.allocate_case),
        record,
        record.allocated_vlo_id,
        record,
        None,
        suggestions,
        needs,
        url_for("allocation.case", case_id=case_id),
    )


@bp.route("/tasks/<int:task_id>", methods=["GET", "POST"])
@allowed(Role.SPO)
def task(task_id: int):
    record = work_queries.task_for_change(task_id, current_user)
    if record.status != TaskStatus.OPEN:
        abort(404)
    case_record = case_queries.case_for_change(record.case_id, current_user)
    mapping = work_queries.task_code(record) == rules.ZONE_MAP
    suggestions, needs = _suggestions(record.case_id, record.team_id, (Need.MAPPING,) if mapping else ())
    return _suggestions_page(
        Choosing("task", "assigned this task", "Task assigned to", services.assign_task),
        record,
        record.assigned_to_id,
        case_record,
        record,
        suggestions,
        needs,
        url_for("allocation.task", task_id=task_id),
    )


@dataclass(frozen=True)
class Choosing:
    """What the suggestions page gives someone: a case (allocated) or a task (assigned)."""

    kind: str
    raced_words: str  # "Someone else {raced_words} at the same moment"
    done_words: str  # "{done_words} {name}"
    apply: Callable


def _suggestions_page(
    choosing: Choosing, record, holder_id, case_record, task_record, suggestions, needs, again
):
    """The ranked suggestions, and giving the case or task to the one chosen: a stale version is a
    conflict (409, shown); a refusal is shown at the reason; a race lost at the flush loses nothing."""
    form = SuggestionForm()
    if request.method == "GET":
        form.version.data = str(record.version)
    conflict = None
    if form.validate_on_submit():
        chosen = _chosen(suggestions, form.vlo.data)
        if stale(form, record):
            conflict = _conflict_words(holder_id, suggestions)
            form.version.data = str(record.version)
        else:
            try:
                vlo = staff_queries.find_user(chosen.user_id) if chosen else None
                if vlo is None:
                    raise Refused("Choose a victim liaison officer in this team", field="vlo")
                choosing.apply(record, vlo, chosen, form.reason.data or "", current_user)
            except Refused as refused:
                Refused(refused.message, "reason").show_on(form, "reason")
            except StaleDataError:
                db.session.rollback()
                flash(
                    f"Someone else {choosing.raced_words} at the same moment. Nothing was saved – "
                    "check the suggestions and try again."
                )
                return redirect(again)
            else:
                flash(f"{choosing.done_words} {vlo.name}", "success")
                return redirect(url_for("allocation.queue"))
    status = 409 if conflict else (400 if form.errors else 200)
    page = render_template(
        "allocation/suggestions.html",
        form=form,
        kind=choosing.kind,
        case=case_record,
        task=task_record,
        suggestions=suggestions,
        needs=needs,
        conflict=conflict,
    )
    return page, status


def _chosen(suggestions: list[Suggestion], value: str | None) -> Suggestion | None:
    return next((s for s in suggestions if str(s.user_id) == (value or "")), None)


def _conflict_words(now_with: int | None, suggestions: list[Suggestion]) -> str:
    names = {s.user_id: s.candidate.name for s in suggestions}
    holder = names.get(now_with, "someone") if now_with else "nobody"
    return (
        f"Someone else changed this while you were choosing: it is now with {holder}. "
        "Nothing was saved and your reason is kept below – choose again to allocate it."
    )


# --- Many cases: bulk allocation and rebalancing ----------------------------------------------------


@dataclass(frozen=True)
class PlanRow:
    case_id: int
    offender_name: str
    crn: str
    version: int
    needs: list[Need]
    points: int
    suggestion: Suggestion | None
    reason: str
    error: str | None


@dataclass(frozen=True)
class Capacity:
    candidate: Candidate
    after: Candidate
    now: int | None
    then: int | None
    added: int


def _plan_page(case_ids: list[int], team_id: int, *, leaving=None):
    """Work out (and on confirm, apply) a plan for these cases; the SPO's edits come in the form."""
    if not case_ids:
        flash("Select at least one case to allocate")
        return redirect(url_for("allocation.queue"))
    if len(case_ids) > MAX_PLAN:
        flash(f"Select at most {MAX_PLAN} cases at once")
        return redirect(url_for("allocation.queue"))
    today = clock.today()
    model = current_model()
    records = {record.id: record for record in queries.cases_for_plan(case_ids, team_id)}
    if not records:
        abort(404)
    # Read now: a refused plan rolls back, which expires what was loaded (lazy="raise").
    offenders = {
        case_id: (record.offender.full_name, record.offender.crn) for case_id, record in records.items()
    }
    facts = facts_for_cases(list(records), today, model)
    team = queries.team_candidates(team_id, today, model, leaving=leaving.id if leaving else None)
    links = queries.victim_links(list(records), team_id)
    to_place = queries.to_place(facts, links)
    people = team.by_id()
    users = {user.id: user for user in staff_queries.team_vlos(team_id)}
    form = PlanForm()
    chosen: dict[int, int] = {}
    reasons: dict[int, str] = {}
    versions: dict[int, str] = {}
    shared_reason = request.form.get("reason-all", "").strip()[:500] if request.method == "POST" else ""
    if request.method == "POST":
        for case_id in records:
            value = request.form.get(f"vlo-{case_id}", "")
            if value.isdigit() and len(value) < 10 and int(value) in people:
                chosen[case_id] = int(value)
            reasons[case_id] = request.form.get(f"reason-{case_id}", "")[:500]
            versions[case_id] = request.form.get(f"version-{case_id}", "")
    worked: Plan = plan(to_place.values(), team.candidates, chosen)
    errors: dict[int, str] = {}
    if request.method == "POST" and form.validate_on_submit() and request.form.get("action") == "confirm":
        for case_id, record in records.items():
            if versions.get(case_id) and versions[case_id] != str(record.version):
                errors[case_id] = "Someone else changed this case meanwhile: check who holds it now"
        rows = [
            services.Row(
                case=records[p.case.case_id],
                vlo=users.get(p.suggestion.user_id) if p.suggestion else None,
                suggestion=p.suggestion,
                reason=reasons.get(p.case.case_id, "").strip() or shared_reason,
            )
            for p in worked.placements
        ]
        if not errors:
            try:
                moved = services.apply_plan(rows, current_user, leaving=leaving)
            except services.PlanRefused as refused:
                errors = refused.errors
            except StaleDataError:
                db.session.rollback()
                flash("Someone else changed one of these cases at the same moment. Nothing was allocated.")
                again = (
                    url_for("allocation.rebalance", user_id=leaving.id)
                    if leaving
                    else url_for("allocation.bulk", case=list(records))
                )
                return redirect(again)
            else:
                flash(f"{moved} cases allocated", "success")
                return redirect(url_for("allocation.queue"))
    rows_shown = [
        PlanRow(
            case_id=p.case.case_id,
            offender_name=offenders[p.case.case_id][0],
            crn=offenders[p.case.case_id][1],
            version=records[p.case.case_id].version,
            needs=[need for need in Need if need in p.case.needs],
            points=p.case.points,
            suggestion=p.suggestion,
            reason=reasons.get(p.case.case_id, ""),
            error=errors.get(p.case.case_id),
        )
        for p in worked.placements
    ]
    added: dict[int, int] = {}
    for p in worked.placements:
        if p.suggestion is not None:
            added[p.suggestion.user_id] = added.get(p.suggestion.user_id, 0) + 1
    capacities = [
        Capacity(
            candidate=candidate,
            after=worked.after[candidate.user_id],
            now=capacity_percent(candidate.used_points, candidate.available_points),
            then=capacity_percent(worked.after[candidate.user_id].used_points, candidate.available_points),
            added=added.get(candidate.user_id, 0),
        )
        for candidate in team.candidates
    ]
    status = 400 if errors else 200
    return (
        render_template(
            "allocation/plan.html",
            form=form,
            rows=rows_shown,
            capacities=capacities,
            candidates=team.candidates,
            errors=errors,
            leaving=leaving,
            case_ids=list(records),
            shared_reason=shared_reason,
        ),
        status,
    )


@bp.route("/plan", methods=["GET", "POST"])
@allowed(Role.SPO)
def bulk():
    values = request.args.getlist("case") if request.method == "GET" else request.form.getlist("case")
    case_ids = sorted({int(value) for value in values if value.isdigit() and len(value) < 10})
    return _plan_page(case_ids, current_user.team_id)


@bp.route("/rebalance/<int:user_id>", methods=["GET", "POST"])
@allowed(Role.SPO)
def rebalance(user_id: int):
    leaving = staff_queries.team_vlo(user_id, current_user.team_id)
    if leaving is None:
        abort(404)
    case_ids = queries.open_cases_of(user_id, current_user.team_id)
    if not case_ids:
        flash(f"{leaving.name} holds no open cases")
        return redirect(url_for("allocation.queue"))
    return _plan_page(case_ids, current_user.team_id, leaving=leaving)
