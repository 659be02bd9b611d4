"""The OpenAPI 3.1 document, built from the same definitions that validate requests."""

from __future__ import annotations

from functools import cache

from victims.domain.deadlines import Urgency
from victims.domain.evidence import EvidenceKind
from victims.domain.prerelease import AddressSource
from victims.domain.release_addresses import STREET_MAX
from victims.domain.vocabulary import CaseStatus
from victims.domain.work import DeadlineStatus
from victims.intake.definitions import BULK_EVENTS, EVENT, MAX_BULK_EVENTS, REFERRAL
from victims.intake.schema import Day, Record, Text
from victims.intake.services import Outcome

DATE = {"type": "string", "format": "date"}
NULLABLE_DATE = {"type": ["string", "null"], "format": "date"}

CASE = {
    "type": "object",
    "required": ["id", "crn", "status", "scheme", "eligibility", "sentence_dates", "deadlines"],
    "properties": {
        "id": {"type": "integer"},
        "crn": {"type": "string"},
        "status": {"type": "string", "enum": [status.value for status in CaseStatus]},
        "referral_outcome": {
            "type": "string",
            "enum": [outcome.value for outcome in Outcome],
            "description": "In the answer to a referral: what was done with it",
        },
        "team_id": {"type": "integer"},
        "received_on": DATE,
        "scheme": {"type": "string"},
        "scheme_label": {"type": ["string", "null"]},
        "eligibility": {
            "type": "object",
            "properties": {
                "computed_scheme": {"type": ["string", "null"]},
                "reason": {"type": ["string", "null"]},
                "basis": {"type": ["string", "null"]},
                "overridden": {"type": "boolean"},
            },
        },
        "sentence_dates": {"type": "object", "additionalProperties": NULLABLE_DATE},
        "release_address": {"$ref": "#/components/schemas/ReleaseAddressState"},
        "deadlines": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "code": {"type": "string"},
                    "name": {"type": "string"},
                    "due_on": DATE,
                    "status": {
                        "type": "string",
                        # An open deadline says how close it is; a closed one, how it closed.
                        "enum": [urgency.value for urgency in Urgency]
                        + [status.value for status in DeadlineStatus if status is not DeadlineStatus.OPEN],
                    },
                    "rule_version": {"type": "integer"},
                    "state": {
                        "type": "string",
                        "description": "Open, overdue (open and past its due date), met, or otherwise closed",
                        "enum": [status.value for status in DeadlineStatus] + ["overdue"],
                    },
                    "met_on": {**NULLABLE_DATE, "description": "The day it was met"},
                    "days_late": {
                        "type": ["integer", "null"],
                        "minimum": 0,
                        "description": "Working days after the due date it was met: 0 is on time; null if "
                        "not met, or met before the service kept lateness and not worked out since",
                    },
                    "met_how": {
                        "type": ["string", "null"],
                        "enum": [kind.value for kind in EvidenceKind] + [None],
                        "description": "The evidence that met it: a letter, a contact, a documented attempt, "
                        "a senior probation officer by hand (manual)…",
                    },
                },
            },
        },
    },
}

# The offender's proposed release address as nDelius gives it (issue 17). The types are checked
# here; the rest (a real postcode, the date neither in the future nor before the sentence nor
# before the address already recorded) by victims.domain.release_addresses, every problem at once.
RELEASE_ADDRESS = Record(
    fields={
        "street": Text(
            min_length=0,
            max_length=STREET_MAX,
            description="House number and street (optional), for example 12 High Street",
        ),
        "postcode": Text(
            max_length=20, description="The postcode, for example MK40 1AA, written as people write it"
        ),
        "given_on": Day(
            not_after_today=True,
            description="The day nDelius was given the address: today if left out. Never before the "
            "date of sentence, nor before the address already recorded",
        ),
    },
    required=("postcode",),
    description="The offender's proposed release address. It is kept encrypted, never returned and "
    "never shown to the victim; every exclusion zone on the case is checked against it",
)

RELEASE_ADDRESS_STATE = {
    "type": "object",
    "required": ["recorded", "given_on", "source", "postcode_known"],
    "description": "Whether the offender's proposed release address is recorded (never the address)",
    "properties": {
        "recorded": {"type": "boolean"},
        "given_on": NULLABLE_DATE,
        "source": {"type": ["string", "null"], "enum": [source.value for source in AddressSource] + [None]},
        "postcode_known": {
            "type": ["boolean", "null"],
            "description": "Whether the postcode is in the service's postcode table: when it is not, "
            "the zones cannot be checked against the address until it is",
        },
    },
}

RELEASE_ADDRESS_RECORDED = {
    "type": "object",
    "required": ["case_id", "changed", "release_address", "zones_now_failing"],
    "properties": {
        "case_id": {"type": "integer"},
        "changed": {
            "type": "boolean",
            "description": "False when the address was the one already recorded (or, for a withdrawal, "
            "none was recorded): nothing was written",
        },
        "release_address": RELEASE_ADDRESS_STATE,
        "zones_now_failing": {
            "type": "integer",
            "minimum": 0,
            "description": "Exclusion zones on the case that passed their release-address check "
            "before the change and fail it now; the case's VLO has a task for each",
        },
    },
}

PROBLEM = {
    "type": "object",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["pointer", "detail"],
                "properties": {"pointer": {"type": "string"}, "detail": {"type": "string"}},
            },
        },
    },
}


def _problem(description: str) -> dict:
    return {"description": description, "content": {"application/problem+json": {"schema": PROBLEM}}}


def _case(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Case"}}},
    }


def _address(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ReleaseAddressRecorded"}}},
    }


BULK_RECORDED = {
    "type": "object",
    "required": ["recorded", "events"],
    "properties": {
        "recorded": {"type": "integer", "description": "How many events were recorded (all of them)"},
        "events": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["index", "crn", "case_id", "event_id", "kind"],
                "properties": {
                    "index": {"type": "integer", "description": "The event's place in the request"},
                    "crn": {"type": "string"},
                    "case_id": {"type": "integer"},
                    "event_id": {"type": "integer"},
                    "kind": {"type": "string"},
                },
            },
        },
    },
}

IDEMPOTENCY = "The same key and body again return the first response; nothing new is made"
IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": IDEMPOTENCY,
    "schema": {"type": "string", "minLength": 1, "maxLength": 200},
}
EVENT_RULES = (
    "The event's task counts its deadline from the later of occurred_on and learned_on; a "
    "parole_decision also opens the 21-day reconsideration window, counted from occurred_on. A "
    "release_date_change must carry `dates` (and their `source`): they are set on the case, kept in "
    "its history with the source, and every deadline is worked out again from them, as when a "
    "user changes them; other kinds carry neither. The restricted patients' events (tribunal_*, "
    "section_17_leave, conditional_discharge, recall_to_hospital, restriction_order_lifted) are "
    "only for a case in the restricted patients' scheme (statutory_mdo)."
)
CASE_ID = {
    "name": "case_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
}
COMMON = {"401": _problem("No valid bearer token"), "404": _problem("No such case in the client's region")}


@cache
def document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Victim contact casework intake API",
            "version": "1",
            "description": "Referrals and offender events in; cases and their deadlines out. "
            "Every error is a problem document (RFC 9457) listing every invalid field. "
            "Dates are ISO 8601 (YYYY-MM-DD).",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Case": CASE,
                "Problem": PROBLEM,
                "Referral": REFERRAL.json_schema(),
                "Event": EVENT.json_schema(),
                "BulkEvents": BULK_EVENTS.json_schema(),
                "BulkEventsRecorded": BULK_RECORDED,
                "ReleaseAddress": RELEASE_ADDRESS.json_schema(),
                "ReleaseAddressState": RELEASE_ADDRESS_STATE,
                "ReleaseAddressRecorded": RELEASE_ADDRESS_RECORDED,
            },
        },
        "paths": {
            "/referrals": {
                "post": {
                    "operationId": "createReferral",
                    "summary": "Open (or find) the case for a referral",
                    "parameters": [IDEMPOTENCY_KEY],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Referral"}}
                        },
                    },
                    "responses": {
                        "201": _case("The case was opened"),
                        "200": _case(
                            "The offender's open case in the region: its team's case took the victims "
                            "it did not have yet (referral_outcome added), or another team holds it and "
                            "was given the referral to check, with nothing added (passed_on); or a repeat "
                            "of an earlier request with the same Idempotency-Key"
                        ),
                        "400": _problem("The body is not JSON"),
                        "409": _problem(
                            "The Idempotency-Key was used with a different body; or the team's open "
                            "case for the offender holds other release dates than the referral gives "
                            "(type .../release-dates-differ: `errors` lists each date that differs, "
                            "and `detail` names the events endpoint to record the new dates with). "
                            "Nothing was stored"
                        ),
                        "422": _problem(
                            "Fields are invalid, or the victim is not eligible; nothing was stored"
                        ),
                        **COMMON,
                    },
                }
            },
            "/cases/{case_id}": {
                "get": {
                    "operationId": "getCase",
                    "summary": "A case, its scheme with the reason, and every deadline",
                    "parameters": [CASE_ID],
                    "responses": {"200": _case("The case"), **COMMON},
                }
            },
            "/cases/{case_id}/events": {
                "post": {
                    "operationId": "recordEvent",
                    "summary": "Record an offender event; it creates a task with its deadline",
                    "description": EVENT_RULES,
                    "parameters": [CASE_ID],
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Event"}}},
                    },
                    "responses": {
                        "201": _case("The event was recorded"),
                        "400": _problem("The body is not JSON"),
                        "409": _problem("The case changed at the same moment; nothing was stored"),
                        "422": _problem("Fields are invalid; nothing was stored"),
                        **COMMON,
                    },
                }
            },
            "/cases/{case_id}/release-address": {
                "put": {
                    "operationId": "putReleaseAddress",
                    "summary": "Give the offender's proposed release address",
                    "description": "Recorded when it differs from the current one (the same address again "
                    "writes nothing), with the date it was given and the source (the API). Every exclusion "
                    "zone on the case is then checked against it again, and the case's VLO is given a task "
                    "for each zone that now fails. A postcode the service does not know is kept, and the "
                    "zones' release-address check fails until it is known. The latest address given is "
                    "the current one: an address given on an earlier date than the one recorded is "
                    "refused.",
                    "parameters": [CASE_ID],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/ReleaseAddress"}}
                        },
                    },
                    "responses": {
                        "200": _address("The address was recorded, or was the one already recorded"),
                        "400": _problem("The body is not JSON"),
                        "409": _problem("The case is closed; nothing was stored"),
                        "422": _problem("Fields are invalid (every one is listed); nothing was stored"),
                        **COMMON,
                    },
                },
                "delete": {
                    "operationId": "withdrawReleaseAddress",
                    "summary": "Withdraw the offender's proposed release address",
                    "description": "No address is proposed now: the zones are no longer checked against "
                    "one. Nothing is written when none is recorded.",
                    "parameters": [CASE_ID],
                    "responses": {
                        "200": _address("The address was withdrawn, or none was recorded"),
                        "409": _problem("The case is closed; nothing was stored"),
                        **COMMON,
                    },
                },
            },
            "/events": {
                "post": {
                    "operationId": "recordEvents",
                    "summary": f"Record up to {MAX_BULK_EVENTS:,} offender events by CRN, all or nothing",
                    "description": "For recalculation exercises such as SDS40. Each event is for the "
                    "open case of its CRN in the client's region, and is recorded as by "
                    "POST /cases/{case_id}/events. If any event cannot be recorded, none is, and the "
                    "problem document lists every one that cannot, by index and field "
                    "(/events/<index>/<field>). A case may have one release_date_change per request. "
                    + EVENT_RULES,
                    "parameters": [IDEMPOTENCY_KEY],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/BulkEvents"}}
                        },
                    },
                    "responses": {
                        "201": {
                            "description": "Every event was recorded",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/BulkEventsRecorded"}
                                }
                            },
                        },
                        "200": {
                            "description": "A repeat of an earlier request with the same Idempotency-Key",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/BulkEventsRecorded"}
                                }
                            },
                        },
                        "400": _problem("The body is not JSON"),
                        "401": COMMON["401"],
                        "409": _problem(
                            "The Idempotency-Key was used with a different body, or a case changed at "
                            "the same moment; nothing was stored"
                        ),
                        "422": _problem(
                            "Fields are invalid, or events cannot be recorded (a CRN with no open case "
                            "in the client's region among them); nothing was stored"
                        ),
                    },
                }
            },
        },
    }
