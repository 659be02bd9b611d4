"""/api/v1: bearer-token clients, each tied to one region; problem documents for every error."""

from __future__ import annotations

import hashlib
import json

from flask import Blueprint, g, jsonify, request
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from victims import clock
from victims.api import auth, idempotency
from victims.api.models import IdempotencyRecord
from victims.api.openapi import RELEASE_ADDRESS, document
from victims.api.problems import invalid, problem
from victims.cases import queries as case_queries
from victims.cases.models import Case
from victims.domain.prerelease import AddressSource
from victims.domain.vocabulary import SENTENCE_DATES, Scheme
from victims.domain.work import DeadlineStatus
from victims.extensions import csrf, db
from victims.intake import services as intake
from victims.intake.definitions import BULK_EVENTS, EVENT
from victims.intake.schema import NotJson, Problem, read_json, validate
from victims.postcodes.queries import locate
from victims.prerelease import queries as prerelease_queries
from victims.prerelease import release_address as release_addresses
from victims.refusals import Refused
from victims.work import queries as work_queries

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # no cookies: a bearer token in a header cannot be forged cross-site

PUBLIC = {"api.openapi"}


def client_view(view):
    """Marks a view as reached with an API client's bearer token (checked below)."""
    view.api_client_view = True
    return view


@bp.before_request
def authenticate():
    if request.endpoint in PUBLIC:
        return None
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    client = auth.client_for_token(token.strip()) if scheme.lower() == "bearer" else None
    if client is None:
        response = problem(401, "Sign in with a bearer token", "Send Authorization: Bearer <token>.")
        response.headers["WWW-Authenticate"] = 'Bearer realm="vcs"'
        return response
    g.api_client = client
    return None


@bp.route("/openapi.json")
def openapi():
    return jsonify(document())


def case_in_region(case_id: int) -> Case:
    return case_queries.case_in_region(case_id, g.api_client.region_id)


def case_body(case: Case) -> dict:
    """The case as the API returns it: no victim's name or contact details."""
    deadlines = work_queries.deadlines_for_case(case.id)
    return {
        "id": case.id,
        "crn": case.offender.crn,
        "status": case.status,
        "team_id": case.team_id,
        "received_on": case.referral_received_on.isoformat(),
        "scheme": case.scheme,
        "scheme_label": Scheme(case.scheme).label if case.scheme else None,
        "eligibility": {
            "computed_scheme": case.computed_scheme,
            "reason": case.eligibility_reason,
            "basis": case.eligibility_basis,
            "overridden": case.scheme_override_reason is not None,
        },
        "sentence_dates": {
            name: (value.isoformat() if (value := getattr(case.sentence, name)) else None)
            for name in SENTENCE_DATES
        },
        # Whether the offender's proposed release address is recorded, and where from: never the
        # address itself (the client sent it; nothing else needs it back).
        "release_address": _release_address_body(case.id),
        "deadlines": [
            {
                "code": row.code,
                "name": row.name,
                "due_on": row.due_on.isoformat(),
                "status": row.status.value
                if row.status != DeadlineStatus.OPEN
                else work_queries.urgency(row.due_on).value,
                "rule_version": row.rule_version,
                # The same states the case page shows (issue 13): open, overdue, met or cancelled;
                # for a met one, the day, how many working days late (0: on time) and how.
                "state": "overdue"
                if row.status == DeadlineStatus.OPEN and row.due_on < clock.today()
                else row.status.value,
                "met_on": row.met_on.isoformat() if row.met_on else None,
                "days_late": row.days_late,
                "met_how": row.met_how.value if row.met_how else None,
            }
            for row in deadlines
        ],
    }


def _release_address_body(case_id: int) -> dict:
    current = prerelease_queries.current_release_address(case_id)
    if current is None:
        return {"recorded": False, "given_on": None, "source": None, "postcode_known": None}
    return {
        "recorded": True,
        "given_on": current.given_on.isoformat(),
        "source": current.source,
        "postcode_known": current.coordinates is not None or locate(current.postcode) is not None,
    }


@bp.route("/cases/<int:case_id>")
@client_view
def case(case_id: int):
    return jsonify(case_body(case_in_region(case_id)))


def _json_body():
    """The body, read by the schema's reader (not Flask's): nesting deep enough to exhaust the
    parser's recursion, or a number too long to convert, is a problem at its field, not a 500."""
    not_json = problem(400, "The body must be JSON", "Send Content-Type: application/json.")
    if not request.is_json:
        return None, not_json
    try:
        body, problems = read_json(request.get_data())
    except NotJson:
        return None, not_json
    if problems:
        return None, invalid(problems)
    return body, None


@bp.route("/referrals", methods=["POST"])
@client_view
def referrals():
    body, error = _json_body()
    if error:
        return error
    key = request.headers.get("Idempotency-Key", "").strip()
    if len(key) > 200:
        return invalid([Problem("/Idempotency-Key", "must be 200 characters or fewer")])
    digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
    data, problems = intake.check(body)
    if problems:
        return invalid(problems)
    record = None
    if key:
        record = _claim(key, digest)
        if not isinstance(record, IdempotencyRecord):
            return record  # the answer already given for this key, or a conflict
    try:
        case, outcome = intake.receive(
            data, region_id=g.api_client.region_id, default_team_id=g.api_client.team_id
        )
    except intake.DatesDiffer as differ:
        db.session.rollback()  # the key is released with everything else
        return problem(
            409,
            "The case already holds other release dates",
            f"Nothing was stored. Record the new dates as a release-date change: POST "
            f"/api/v1/cases/{differ.case_id}/events with kind release_date_change, the new dates and "
            "their source (or POST /api/v1/events for many cases at once).",
            errors=differ.differences,
            kind="release-dates-differ",
        )
    except Refused as refused:
        db.session.rollback()  # the key is released with everything else
        return invalid([Problem(refused.field or "/", refused.message)])
    except IntegrityError:
        db.session.rollback()
        return problem(
            409,
            "A referral for this offender arrived at the same moment",
            "Send it again: it will find the case just opened.",
            kind="concurrent-referral",
        )
    status = 201 if outcome is intake.Outcome.OPENED else 200
    payload = {**case_body(case_in_region(case.id)), "referral_outcome": outcome.value}
    if record is not None:
        record.status, record.body = status, payload
    return jsonify(payload), status


def _claim(key: str, digest: str):
    """Take the key for this request before doing anything, or answer as it was answered
    (victims.api.idempotency)."""
    answered = _replay(key, digest)
    if answered is not None:
        return answered
    record = idempotency.take(g.api_client.id, key, digest)
    return record if record is not None else _replay(key, digest)


def _replay(key: str, digest: str):
    record = idempotency.earlier(g.api_client.id, key)
    if record is None:
        return None
    if record.request_hash != digest:
        return problem(
            409,
            "This Idempotency-Key was used for a different request",
            "Use a new key for a new request.",
            kind="idempotency-key-reused",
        )
    return jsonify(record.body), 200


@bp.route("/cases/<int:case_id>/events", methods=["POST"])
@client_view
def events(case_id: int):
    case = case_in_region(case_id)
    body, error = _json_body()
    if error:
        return error
    data, problems = validate(EVENT, body)
    if problems:
        return invalid(problems)
    item = intake.case_event(case, data)
    problems = intake.event_problems(item)
    if problems:
        return invalid(problems)
    try:
        intake.receive_events([item], source=g.api_client.name[:20])
    except Refused as refused:
        db.session.rollback()
        return invalid([Problem(f"/{refused.field or 'kind'}", refused.message)])
    except StaleDataError:
        db.session.rollback()
        return _changed_meanwhile()
    return jsonify(case_body(case)), 201


@bp.route("/events", methods=["POST"])
@client_view
def bulk_events():
    """Up to 1,000 events by CRN, all or nothing (a recalculation exercise such as SDS40)."""
    body, error = _json_body()
    if error:
        return error
    key = request.headers.get("Idempotency-Key", "").strip()
    if len(key) > 200:
        return invalid([Problem("/Idempotency-Key", "must be 200 characters or fewer")])
    data, problems = validate(BULK_EVENTS, body)
    if problems:
        return invalid(problems)
    record = None
    if key:
        # Before the events are checked against the cases: a retry of a request that was recorded
        # gets its answer, not "these dates are the case's already".
        digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
        record = _claim(key, digest)
        if not isinstance(record, IdempotencyRecord):
            return record  # the answer already given for this key, or a conflict
    items, problems = intake.check_events(data["events"], g.api_client.region_id)
    if problems:
        db.session.rollback()  # the key is released
        return invalid(problems)
    try:
        records = intake.receive_events(items, source=g.api_client.name[:20])
    except Refused as refused:
        db.session.rollback()  # nothing is stored, and the key is released with it
        return invalid([Problem(f"/events/{refused.field or 'kind'}", refused.message)])
    except StaleDataError:
        db.session.rollback()
        return _changed_meanwhile()
    payload = {
        "recorded": len(records),
        "events": [
            {
                "index": index,
                "crn": item.case.offender.crn,
                "case_id": item.case.id,
                "event_id": event.id,
                "kind": event.kind.value,
            }
            for index, (item, event) in enumerate(zip(items, records, strict=True))
        ],
    }
    if record is not None:
        record.status, record.body = 201, payload
    return jsonify(payload), 201


def _changed_meanwhile():
    return problem(
        409,
        "A case changed while the events were being recorded",
        "Nothing was stored. Send the request again.",
        kind="changed-meanwhile",
    )


# -- the offender's proposed release address (issue 17) --------------------------------------------


@bp.route("/cases/<int:case_id>/release-address", methods=["PUT"])
@client_view
def put_release_address(case_id: int):
    """nDelius gives the offender's proposed release address: recorded when it differs from the
    current one, and every exclusion zone on the case checked against it again."""
    case = case_in_region(case_id)
    body, error = _json_body()
    if error:
        return error
    data, problems = validate(RELEASE_ADDRESS, body)
    if data is None:
        return invalid(problems)
    wrong = {problem.pointer for problem in problems}
    given_on = data.get("given_on") or clock.today()
    _given, address_problems = release_addresses.check(
        case, data.get("street"), data.get("postcode"), given_on
    )
    problems += [
        Problem(f"/{problem.field}", problem.message)
        for problem in address_problems
        if f"/{problem.field}" not in wrong
    ]
    if problems:
        return invalid(sorted(problems, key=lambda problem: _FIELD_ORDER.get(problem.pointer, 9)))
    try:
        recorded = release_addresses.record(
            case, data.get("street"), data["postcode"], given_on, AddressSource.API, None
        )
    except release_addresses.AddressRefused as refused:
        db.session.rollback()
        return invalid([Problem(f"/{problem.field}", problem.message) for problem in refused.problems])
    except Refused as refused:
        db.session.rollback()
        return _case_closed(refused)
    return jsonify(_address_answer(case, recorded)), 200


@bp.route("/cases/<int:case_id>/release-address", methods=["DELETE"])
@client_view
def delete_release_address(case_id: int):
    """The proposed release address is withdrawn: no address is proposed now."""
    case = case_in_region(case_id)
    try:
        recorded = release_addresses.withdraw(case, AddressSource.API, None)
    except Refused as refused:
        db.session.rollback()
        return _case_closed(refused)
    return jsonify(_address_answer(case, recorded)), 200


_FIELD_ORDER = {"/street": 0, "/postcode": 1, "/given_on": 2}


def _address_answer(case: Case, recorded: release_addresses.Recorded) -> dict:
    return {
        "case_id": case.id,
        "changed": recorded.changed,
        "release_address": _release_address_body(case.id),
        # How many of the case's exclusion zones the change made fail their checks: the case's
        # VLO has a task for each.
        "zones_now_failing": len(recorded.now_failing),
    }


def _case_closed(refused: Refused):
    return problem(409, "The release address cannot be changed", refused.message, kind="case-closed")
