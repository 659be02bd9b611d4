"""Offender events through the API (issue 13): the day an event happened and the day the unit
learned of it, a parole decision's reconsideration window, release-date changes that carry their
dates and recompute every deadline as the dates form does, a repeated referral refused when its
dates differ, restricted patients' events, and POST /events: up to 1,000 events by CRN, all or
nothing, scoped to the client's region, idempotent, in a fixed number of statements."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from tests.helpers import date_parts, signed_in
from tests.integration.api.test_api import Api, referral
from victims.api.auth import create_client
from victims.audit.models import AuditEvent
from victims.cases.models import Case, Offender, Sentence, SentenceDateChange
from victims.cases.services import refresh_deadlines
from victims.domain.vocabulary import Role
from victims.people.models import Person
from victims.work.models import CaseDeadline, OffenderEventRecord, Task


@pytest.fixture()
def team(make):
    return make.team()


@pytest.fixture()
def api(app, database, make, team):
    _client, token = create_client("NOMIS", team.region_id, team.id)
    return Api(app, token)


def _count(session, model, *where) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where))


def _case_with_deadlines(database, make, team, **sentence_fields) -> Case:
    case = make.case(team=team, **sentence_fields)
    refresh_deadlines(case, database.session.get(Sentence, case.sentence_id), "Case opened")
    return case


def _open_due(database, case_id: int) -> dict[str, date]:
    return dict(
        database.session.execute(
            select(CaseDeadline.code, CaseDeadline.due_on).where(
                CaseDeadline.case_id == case_id, CaseDeadline.status == "open"
            )
        ).all()
    )


def _pointers(response) -> list[str]:
    return [error["pointer"] for error in response.get_json()["errors"]]


# -- the two dates of an event ----------------------------------------------------------------------


def test_an_event_learned_late_counts_from_the_day_the_unit_learned_of_it(
    api, database, make, team, frozen_clock
):
    case = _case_with_deadlines(database, make, team, crd=date(2027, 3, 1))
    response = api.post(
        f"/cases/{case.id}/events",
        {"kind": "recall", "occurred_on": "2026-11-02", "learned_on": "2026-11-20"},
    )
    assert response.status_code == 201, response.get_json()
    event = database.session.scalars(select(OffenderEventRecord)).one()
    assert (event.occurred_on, event.learned_on, event.source) == (
        date(2026, 11, 2),
        date(2026, 11, 20),
        "NOMIS",
    )
    deadline = database.session.scalars(select(CaseDeadline).where(CaseDeadline.event_id == event.id)).one()
    # One working day after Friday 20 November 2026, not after 2 November.
    assert (deadline.counted_from, deadline.due_on) == (date(2026, 11, 20), date(2026, 11, 23))
    audit = database.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "offender_event_recorded")
    ).one()
    assert audit.details["learned_on"] == "2026-11-20"


def test_the_unit_learned_of_it_today_unless_the_request_says(api, database, make, team, frozen_clock):
    case = _case_with_deadlines(database, make, team)
    assert (
        api.post(f"/cases/{case.id}/events", {"kind": "release", "occurred_on": "2026-11-23"}).status_code
        == 201
    )
    event = database.session.scalars(select(OffenderEventRecord)).one()
    assert event.learned_on == date(2026, 11, 25)  # the frozen clock's today


def test_learned_before_it_happened_or_in_the_future_is_a_field_error(
    api, database, make, team, frozen_clock
):
    case = _case_with_deadlines(database, make, team)
    before = api.post(
        f"/cases/{case.id}/events",
        {"kind": "recall", "occurred_on": "2026-11-20", "learned_on": "2026-11-19"},
    )
    assert before.status_code == 422
    assert before.get_json()["errors"] == [
        {
            "pointer": "/learned_on",
            "detail": (
                "The date the unit learned of the event must be the same as or after the date it happened"
            ),
        }
    ]
    future = api.post(
        f"/cases/{case.id}/events",
        {"kind": "recall", "occurred_on": "2026-11-20", "learned_on": "2026-11-26"},
    )
    assert _pointers(future) == ["/learned_on"]
    assert _count(database.session, OffenderEventRecord) == 0


def test_a_parole_decision_opens_the_reconsideration_window_from_the_decision(
    api, database, make, team, frozen_clock
):
    case = _case_with_deadlines(database, make, team, crd=date(2027, 3, 1))
    response = api.post(
        f"/cases/{case.id}/events",
        {"kind": "parole_decision", "occurred_on": "2026-11-10", "learned_on": "2026-11-20"},
    )
    assert response.status_code == 201
    event = database.session.scalars(select(OffenderEventRecord)).one()
    rows = {
        row.code: row
        for row in database.session.scalars(select(CaseDeadline).where(CaseDeadline.event_id == event.id))
    }
    assert set(rows) == {"event_parole_decision", "parole_reconsideration"}
    # The task: one working day after the day the unit learned of it.
    assert rows["event_parole_decision"].due_on == date(2026, 11, 23)
    # The window: 21 calendar days after the decision itself (10 November → 1 December, a Tuesday).
    window = rows["parole_reconsideration"]
    assert (window.counted_from, window.due_on) == (date(2026, 11, 10), date(2026, 12, 1))
    task = database.session.scalars(select(Task).where(Task.deadline_id == window.id)).one()
    assert task.event_id == event.id and "reconsidered" in task.title
    assert {d["code"] for d in response.get_json()["deadlines"]} >= {"parole_reconsideration"}


# -- release-date changes ---------------------------------------------------------------------------


def test_a_release_date_change_recomputes_every_deadline_as_the_dates_form_does(
    app, api, database, make, team, frozen_clock
):
    dates = {"crd": date(2027, 3, 1), "led": date(2028, 3, 1), "sed": date(2028, 3, 1)}
    by_api = _case_with_deadlines(database, make, team, **dates)
    vlo = make.user(Role.VLO, team=team)
    by_form = _case_with_deadlines(database, make, team, **dates)

    response = api.post(
        f"/cases/{by_api.id}/events",
        {
            "kind": "release_date_change",
            "occurred_on": "2026-11-24",
            "dates": {"crd": "2026-12-15"},
            "source": "prison",
            "notes": "SDS40",
        },
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["sentence_dates"]["crd"] == "2026-12-15"
    sentence = database.session.get(Sentence, by_form.sentence_id)
    signed_in(app, vlo).post(
        f"/cases/{by_form.id}/dates",
        {
            "crd": date_parts(date(2026, 12, 15)),
            "led": date_parts(date(2028, 3, 1)),
            "sed": date_parts(date(2028, 3, 1)),
            "source": "prison",
            "version": str(sentence.version),
        },
        status=302,
        form_path=f"/cases/{by_form.id}/dates",
    )

    api_due, form_due = _open_due(database, by_api.id), _open_due(database, by_form.id)
    # The same deadlines both ways, the release-date change's task included: the dates page
    # records a moved release date as the same event the API does.
    assert api_due == form_due
    assert api_due["pre_release_window"] == date(2026, 6, 15)  # 6 months before the new CRD
    assert api_due["event_release_date_change"] == date(2026, 12, 9)  # 10 working days after 25 November
    # One entry: the event, and the date change tied to it with its source.
    event = database.session.scalars(
        select(OffenderEventRecord).where(OffenderEventRecord.case_id == by_api.id)
    ).one()
    change = database.session.scalars(
        select(SentenceDateChange).where(SentenceDateChange.sentence_id == by_api.sentence_id)
    ).one()
    assert (change.field, change.old_value, change.new_value, change.source, change.event_id) == (
        "crd",
        date(2027, 3, 1),
        date(2026, 12, 15),
        "prison",
        event.id,
    )


def test_a_release_date_change_must_carry_new_dates_from_a_source(api, database, make, team, frozen_clock):
    case = _case_with_deadlines(database, make, team, crd=date(2027, 3, 1))
    path = f"/cases/{case.id}/events"
    no_dates = api.post(path, {"kind": "release_date_change", "occurred_on": "2026-11-24"})
    assert no_dates.status_code == 422
    assert no_dates.get_json()["errors"] == [
        {"pointer": "/dates", "detail": "is required for a release-date change: give the new dates"}
    ]
    no_source = api.post(
        path, {"kind": "release_date_change", "occurred_on": "2026-11-24", "dates": {"crd": "2027-01-04"}}
    )
    assert _pointers(no_source) == ["/source"]
    unchanged = api.post(
        path,
        {
            "kind": "release_date_change",
            "occurred_on": "2026-11-24",
            "dates": {"crd": "2027-03-01"},
            "source": "probation",
        },
    )
    assert _pointers(unchanged) == ["/dates"]
    bad_date = api.post(
        path,
        {
            "kind": "release_date_change",
            "occurred_on": "2026-11-24",
            "dates": {"crd": "2027-02-30"},
            "source": "nomis",
        },
    )
    assert set(_pointers(bad_date)) == {"/dates/crd", "/source"}
    on_a_recall = api.post(
        path,
        {"kind": "recall", "occurred_on": "2026-11-24", "dates": {"crd": "2027-01-04"}, "source": "prison"},
    )
    assert _pointers(on_a_recall) == ["/dates", "/source"]
    assert _count(database.session, OffenderEventRecord) == 0
    assert _count(database.session, SentenceDateChange) == 0
    assert database.session.get(Sentence, case.sentence_id).crd == date(2027, 3, 1)


def test_a_repeated_referral_with_other_dates_is_refused_and_points_at_the_events_endpoint(
    api, database, frozen_clock
):
    first = api.post("/referrals", referral())
    case_id = first.get_json()["id"]
    changed = referral()
    changed["sentence"] = {**changed["sentence"], "dates": {"crd": "2027-01-04", "ped": "2026-12-01"}}
    changed["victims"] = [{**changed["victims"][0], "first_name": "Valerie"}]

    response = api.post("/referrals", changed)

    assert response.status_code == 409
    assert response.content_type == "application/problem+json"
    body = response.get_json()
    assert body["type"].endswith("/release-dates-differ")
    assert f"/api/v1/cases/{case_id}/events" in body["detail"]
    assert body["errors"] == [
        {"pointer": "/sentence/dates/crd", "detail": "differs from the date the case holds (2027-03-01)"},
        {"pointer": "/sentence/dates/ped", "detail": "differs from the date the case holds (none)"},
    ]
    assert _count(database.session, Person, Person.first_name == "Valerie") == 0
    # The same dates again still find the case and add the new victim, as before.
    same = referral()
    same["victims"] = [{**same["victims"][0], "first_name": "Valerie"}]
    again = api.post("/referrals", same)
    assert (again.status_code, again.get_json()["referral_outcome"]) == (200, "added")


# -- restricted patients ----------------------------------------------------------------------------


def test_restricted_patients_events_are_only_for_their_scheme(api, database, make, team, frozen_clock):
    prisoner = _case_with_deadlines(database, make, team)
    refused = api.post(
        f"/cases/{prisoner.id}/events", {"kind": "tribunal_decision", "occurred_on": "2026-11-24"}
    )
    assert _pointers(refused) == ["/kind"]
    patient = make.case(team=team, sentence_type="hospital_restricted", length_months=None, crd=None)
    patient.scheme = "statutory_mdo"
    database.session.flush()
    response = api.post(
        f"/cases/{patient.id}/events", {"kind": "tribunal_decision", "occurred_on": "2026-11-24"}
    )
    assert response.status_code == 201
    due = {d["code"]: d["due_on"] for d in response.get_json()["deadlines"]}
    assert due["event_tribunal_decision"] == "2026-11-26"  # one working day


def test_the_event_form_offers_a_restricted_patients_case_its_own_events(app, database, make, frozen_clock):
    vlo = make.user(Role.VLO)
    patient = make.case(vlo=vlo, sentence_type="hospital_restricted", length_months=None, crd=None)
    patient.scheme = "statutory_mdo"
    prisoner = make.case(vlo=vlo)
    database.session.flush()
    browser = signed_in(app, vlo)
    patient_page = browser.get(f"/cases/{patient.id}/events/new")
    assert "First-tier Tribunal hearing listed" in patient_page and "Section 17 leave granted" in patient_page
    assert patient_page.index("Restriction order lifted") < patient_page.index("Release date changed")
    prisoner_page = browser.get(f"/cases/{prisoner.id}/events/new")
    assert "First-tier Tribunal" not in prisoner_page and "Recalled to prison" in prisoner_page
    assert "Date the unit learned of it" in prisoner_page
    assert 'name="learned_on" type="text" value="25"' in prisoner_page or 'value="25"' in prisoner_page

    response = browser.post(
        f"/cases/{patient.id}/events/new",
        {
            "kind": "section_17_leave",
            "occurred_on": date_parts(date(2026, 11, 2)),
            "learned_on": date_parts(date(2026, 11, 20)),
        },
        status=302,
    )
    assert response.headers["Location"].endswith(f"/cases/{patient.id}/deadlines#events")
    case_page = browser.get(f"/cases/{patient.id}/deadlines")
    assert "2 November 2026" in case_page and "20 November 2026" in case_page
    deadline = database.session.scalars(
        select(CaseDeadline).where(
            CaseDeadline.case_id == patient.id, CaseDeadline.code == "event_section_17_leave"
        )
    ).one()
    assert deadline.due_on == date(2026, 11, 27)  # 5 working days after 20 November


# -- POST /events -----------------------------------------------------------------------------------


def _crns(database, *cases: Case) -> list[str]:
    found = dict(
        database.session.execute(
            select(Case.id, Offender.crn)
            .join(Offender, Case.offender_id == Offender.id)
            .where(Case.id.in_([case.id for case in cases]))
        ).all()
    )
    return [found[case.id] for case in cases]


def _change(crn: str, crd: str, **more) -> dict:
    return {
        "crn": crn,
        "kind": "release_date_change",
        "occurred_on": "2026-11-20",
        "learned_on": "2026-11-24",
        "dates": {"crd": crd},
        "source": "prison",
        **more,
    }


def test_bulk_events_are_all_recorded_by_crn(api, database, make, team, frozen_clock):
    one = _case_with_deadlines(database, make, team, crd=date(2027, 3, 1))
    two = _case_with_deadlines(database, make, team, crd=date(2027, 6, 1))
    crn_one, crn_two = _crns(database, one, two)
    response = api.post(
        "/events",
        {
            "events": [
                _change(crn_one, "2027-01-04"),
                {"crn": crn_two.lower(), "kind": "recall", "occurred_on": "2026-11-24"},
            ]
        },
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["recorded"] == 2
    assert [(item["index"], item["case_id"], item["kind"]) for item in body["events"]] == [
        (0, one.id, "release_date_change"),
        (1, two.id, "recall"),
    ]
    assert database.session.get(Sentence, one.sentence_id).crd == date(2027, 1, 4)
    assert _open_due(database, one.id)["pre_release_window"] == date(2026, 7, 6)  # 4 July is a Saturday
    assert "event_recall" in _open_due(database, two.id)


def test_bulk_events_are_all_or_nothing_and_every_bad_item_is_listed(
    api, app, database, make, team, frozen_clock
):
    good = _case_with_deadlines(database, make, team, crd=date(2027, 3, 1))
    other_region_team = make.team(make.region("wales"))
    elsewhere = _case_with_deadlines(database, make, other_region_team, crd=date(2027, 3, 1))
    closed = make.case(team=team, status="closed")
    third = _case_with_deadlines(database, make, team)
    good_crn, elsewhere_crn, closed_crn, third_crn = _crns(database, good, elsewhere, closed, third)
    response = api.post(
        "/events",
        {
            "events": [
                _change(good_crn, "2027-01-04"),
                _change(elsewhere_crn, "2027-01-04"),  # another region's case is not found
                {"crn": "Z999999", "kind": "recall", "occurred_on": "2026-11-24"},
                {
                    "crn": good_crn,
                    "kind": "recall",
                    "occurred_on": "2026-11-24",
                    "learned_on": "2026-11-23",
                },
                _change(good_crn, "2027-02-01"),  # a second date change for the same case
                {"crn": closed_crn, "kind": "recall", "occurred_on": "2026-11-24"},
                {"crn": good_crn, "kind": "tribunal_decision", "occurred_on": "2026-11-24"},
                {"crn": third_crn, "kind": "release_date_change", "occurred_on": "2026-11-24"},
            ]
        },
    )
    assert response.status_code == 422
    assert _pointers(response) == [
        "/events/1/crn",
        "/events/2/crn",
        "/events/3/learned_on",
        "/events/4/crn",
        "/events/5/crn",
        "/events/6/kind",
        "/events/7/dates",
    ]
    assert response.get_json()["detail"].endswith("nothing was stored.")
    assert _count(database.session, OffenderEventRecord) == 0
    assert _count(database.session, SentenceDateChange) == 0
    assert database.session.get(Sentence, good.sentence_id).crd == date(2027, 3, 1)

    schema_errors = api.post("/events", {"events": [{"crn": "nope", "kind": "recall"}]})
    assert _pointers(schema_errors) == ["/events/0/occurred_on", "/events/0/crn"]
    too_many = api.post("/events", {"events": [{"crn": "X1", "kind": "recall"}] * 1001})
    assert too_many.get_json()["errors"] == [
        {"pointer": "/events", "detail": "must have between 1 and 1000 items"}
    ]


def test_bulk_events_are_idempotent_with_a_key(api, database, make, team, frozen_clock):
    case = _case_with_deadlines(database, make, team, crd=date(2027, 3, 1))
    (crn,) = _crns(database, case)
    body = {"events": [_change(crn, "2027-01-04")]}
    first = api.post("/events", body, headers={"Idempotency-Key": "sds40-batch-1"})
    again = api.post("/events", body, headers={"Idempotency-Key": "sds40-batch-1"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json() == first.get_json()
    assert _count(database.session, OffenderEventRecord) == 1
    other = api.post(
        "/events", {"events": [_change(crn, "2027-02-01")]}, headers={"Idempotency-Key": "sds40-batch-1"}
    )
    assert other.status_code == 409
    assert other.get_json()["type"].endswith("/idempotency-key-reused")
    assert _count(database.session, OffenderEventRecord) == 1


def test_a_bulk_of_1000_date_changes_takes_no_more_statements_than_a_bulk_of_10(
    api, database, make, team, frozen_clock, count_queries
):
    def statements_for(size: int) -> tuple[list[str], list[Case]]:
        cases = [_case_with_deadlines(database, make, team, crd=date(2027, 3, 1)) for _ in range(size)]
        body = {"events": [_change(crn, "2027-01-04") for crn in _crns(database, *cases)]}
        with count_queries() as counter:
            response = api.post("/events", body)
        assert response.status_code == 201, response.get_json()
        return counter.statements, cases

    few, _ = statements_for(10)
    many, cases = statements_for(1000)
    if database.engine.dialect.name == "postgresql":
        # Rows are sent in pages of up to 1,000 (SQLAlchemy's insertmanyvalues), so a bulk of
        # 1,000 may take a page more of some tables than a bulk of 10: never one per case.
        assert len(many) <= len(few) + 10, (len(few), len(many))
    else:
        # SQLite cannot hand back the ids of many inserted rows in order, so SQLAlchemy inserts
        # them one at a time there; every read and every UPDATE is still batched.
        def not_inserts(statements):
            return [s for s in statements if not s.lstrip().upper().startswith("INSERT")]

        assert len(not_inserts(many)) == len(not_inserts(few)), (
            len(not_inserts(few)),
            len(not_inserts(many)),
        )

    ids = [case.id for case in cases]
    due = dict(
        database.session.execute(
            select(CaseDeadline.case_id, CaseDeadline.due_on).where(
                CaseDeadline.case_id.in_(ids),
                CaseDeadline.code == "pre_release_window",
                CaseDeadline.status == "open",
            )
        ).all()
    )
    assert due == {case_id: date(2026, 7, 6) for case_id in ids}  # every deadline recomputed
    representations = _count(
        database.session,
        CaseDeadline,
        CaseDeadline.case_id.in_(ids),
        CaseDeadline.code == "licence_representations",
        CaseDeadline.due_on == date(2026, 11, 9),
    )
    assert representations == 1000
    assert _count(database.session, SentenceDateChange, SentenceDateChange.event_id.is_not(None)) == 1010
