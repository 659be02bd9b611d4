"""Calibration on a real database: a VLO records time in one click on a contact, a letter or a
task of a case they can see; the report compares minutes with the model's points by stage and
kind for the reader's scope, fits suggested weights (or says there is too little), and a
national administrator adopts them as the model's next version."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.helpers import date_parts, signed_in
from victims.audit.models import AuditEvent
from victims.calibration import services
from victims.cases.models import Sentence
from victims.cases.services import refresh_deadlines
from victims.domain.calibration import TimeKind
from victims.domain.letters import LetterType
from victims.domain.vocabulary import Role
from victims.domain.workload import Stage
from victims.letters import services as letters
from victims.people.models import Person
from victims.refusals import Refused
from victims.work.models import Task
from victims.workforce.models import TimeRecord, WorkloadModelVersion
from victims.workforce.queries import current_model, facts_for_cases

TODAY = date(2026, 11, 25)


@pytest.fixture()
def casework(make, database, frozen_clock):
    team = make.team()
    vlo = make.user(Role.VLO, team=team, name="Vera Liaison")
    case = make.case(vlo=vlo, crd=date(2027, 3, 1), led=date(2029, 3, 1), sed=date(2029, 3, 1))
    refresh_deadlines(case, database.session.get(Sentence, case.sentence_id), "test")
    contact = make.contact(case, vlo)
    victim = database.session.scalars(select(Person).where(Person.case_id == case.id)).one()
    letter = letters.start_draft(case, victim, LetterType.INITIAL_CONTACT, vlo)
    task = database.session.scalars(select(Task).where(Task.case_id == case.id)).first()
    return {"team": team, "vlo": vlo, "case": case, "contact": contact, "letter": letter, "task": task}


def _records(database) -> list[TimeRecord]:
    database.session.expire_all()
    return list(database.session.scalars(select(TimeRecord).order_by(TimeRecord.id)))


@pytest.mark.parametrize(
    ("kind", "back", "page"),
    [
        ("contact", "contacts", "/contacts"),
        ("letter", "letters", "/letters"),
        ("task", "tasks", "/deadlines"),
    ],
)
def test_one_click_on_a_contact_letter_or_task_records_the_minutes_with_the_stage(
    app, database, casework, kind, back, page
):
    case = casework["case"]
    vlo = signed_in(app, casework["vlo"])
    html = vlo.get(f"/cases/{case.id}{page}")
    item_id = casework[kind].id
    assert f'name="item_id" value="{item_id}"' in html and 'value="15"' in html
    response = vlo.post(
        f"/calibration/cases/{case.id}/time",
        {"kind": kind, "item_id": str(item_id), "back": back, "minutes": "15"},
        status=302,
        form_path=f"/cases/{case.id}{page}",
    )
    assert response.headers["Location"].split("#")[0].endswith(f"/cases/{case.id}{page}")
    [record] = _records(database)
    stage = facts_for_cases([case.id], TODAY)[case.id].load.stage
    assert (record.kind, record.item_id, record.minutes, record.stage, record.worked_on) == (
        TimeKind(kind),
        item_id,
        15,
        stage,
        TODAY,
    )
    assert record.user_id == casework["vlo"].id


def test_a_typed_number_from_1_to_480_and_nothing_else(app, database, casework):
    case = casework["case"]
    vlo = signed_in(app, casework["vlo"])
    form = {"kind": "contact", "item_id": str(casework["contact"].id), "back": "contacts", "minutes": "other"}
    path, page = f"/calibration/cases/{case.id}/time", f"/cases/{case.id}/contacts"
    vlo.post(path, {**form, "other_minutes": "42"}, status=302, form_path=page)
    for bad in ("0", "481", "ten", "", "-5"):
        vlo.post(path, {**form, "other_minutes": bad}, status=302, form_path=page)
    assert [r.minutes for r in _records(database)] == [42]


def test_time_only_on_cases_the_vlo_can_see_and_on_that_cases_work(app, make, database, casework):
    other_case = make.case()  # another team's
    other_contact = make.contact(other_case, make.user(Role.VLO))
    vlo = signed_in(app, casework["vlo"])
    page = f"/cases/{casework['case'].id}/contacts"
    vlo.post(
        f"/calibration/cases/{other_case.id}/time",
        {"kind": "contact", "item_id": str(other_contact.id), "back": "contacts", "minutes": "5"},
        status=404,
        form_path=page,
    )
    vlo.post(  # their own case, someone else's contact
        f"/calibration/cases/{casework['case'].id}/time",
        {"kind": "contact", "item_id": str(other_contact.id), "back": "contacts", "minutes": "5"},
        status=302,
        form_path=page,
    )
    assert _records(database) == []
    spo = signed_in(app, make.user(Role.SPO, team=casework["team"]))
    assert 'data-testid="record-time"' not in spo.get(page)
    with pytest.raises(Refused):
        services.record_time(
            casework["case"], TimeKind.CONTACT, casework["contact"].id, 5, make.user(Role.SPO)
        )


# -- the report and the fit ----------------------------------------------------------------------------


def _recorded_cases(make, database, team, count=24, noise=False, licence_extra=0):
    """Cases at several stages with time recorded in proportion (3 minutes a point) to what the
    model gives them, so the fit is exact; `noise` adds a few minutes either way."""
    vlo = make.user(Role.VLO, team=team)
    crds = [date(2029, 1, 1), date(2027, 3, 1), date(2026, 1, 1), date(2027, 8, 1)]
    cases = [make.case(vlo=vlo, crd=crds[n % 4], victims=1 + (n // 4) % 3) for n in range(count)]
    facts = facts_for_cases([case.id for case in cases], TODAY)
    for n, case in enumerate(cases):
        points = facts[case.id].points.total
        for part in range(3):  # three records a case
            minutes = points + (((n * 7 + part) % 5) - 2 if noise else 0)
            minutes += licence_extra if facts[case.id].load.stage == Stage.LICENCE else 0
            database.session.add(
                TimeRecord(
                    user_id=vlo.id,
                    case_id=case.id,
                    kind=TimeKind.CONTACT if part else TimeKind.LETTER,
                    minutes=max(minutes, 1),
                    stage=facts[case.id].load.stage,
                    worked_on=TODAY - timedelta(days=part),
                )
            )
    database.session.flush()
    return cases


def test_who_may_read_the_report(app, make, database):
    national = make.user(Role.ADMIN, national=True)
    signed_in(app, national).get("/calibration/")
    signed_in(app, make.user(Role.ADMIN)).get("/calibration/")
    signed_in(app, make.user(Role.MANAGER)).get("/calibration/")
    signed_in(app, make.user(Role.VLO)).get("/calibration/", status=403)
    signed_in(app, make.user(Role.SPO)).get("/calibration/", status=403)
    signed_in(app, make.user(Role.ADMIN)).get("/calibration/adopt", status=403)
    signed_in(app, make.user(Role.MANAGER)).get("/calibration/adopt", status=403)


def test_too_few_records_says_so_instead_of_fitting(app, make, database, frozen_clock):
    _recorded_cases(make, database, make.team(), count=10)
    page = signed_in(app, make.user(Role.ADMIN, national=True)).get("/calibration/")
    assert 'data-testid="too-few"' in page and "10 cases and 30 records" in page
    assert 'data-testid="weights"' not in page
    signed_in(app, make.user(Role.ADMIN, national=True)).get("/calibration/adopt", status=404)


def test_the_report_fits_and_shows_stages_kinds_and_r2_for_the_readers_scope(
    app, make, database, frozen_clock
):
    _recorded_cases(make, database, make.team())
    national = signed_in(app, make.user(Role.ADMIN, national=True)).get("/calibration/")
    assert "R² = 1.000" in national and "from 24 cases and 72 records" in national
    stages = re.findall(r'data-stage="(\w+)"', national)
    assert set(stages) >= {Stage.CUSTODY.value, Stage.LICENCE.value, Stage.PRE_RELEASE.value}
    assert re.findall(r'data-kind="(\w+)"', national) == ["contact", "letter"]
    assert "Review and adopt these weights" in national
    elsewhere = make.region("london")
    other_manager = signed_in(app, make.user(Role.MANAGER, region=elsewhere)).get("/calibration/")
    assert "No time recorded in this period." in other_manager
    regional_admin = signed_in(app, make.user(Role.ADMIN)).get("/calibration/")
    assert "from 24 cases" in regional_admin and "Review and adopt" not in regional_admin


def test_noisy_time_fits_less_than_perfectly(app, make, database, frozen_clock):
    _recorded_cases(make, database, make.team(), noise=True)
    page = signed_in(app, make.user(Role.ADMIN, national=True)).get("/calibration/")
    r2 = float(re.search(r"R² = ([0-9.]+)", page).group(1))
    assert 0 < r2 < 1


def test_a_period_with_no_time_shows_nothing(app, make, database, frozen_clock):
    _recorded_cases(make, database, make.team())
    query = "&".join(
        [f"starts_on={p}" for p in date_parts(date(2026, 1, 1))]
        + [f"ends_on={p}" for p in date_parts(date(2026, 1, 31))]
    )
    page = signed_in(app, make.user(Role.ADMIN, national=True)).get(f"/calibration/?{query}")
    assert "No time recorded in this period." in page


def _adopt_form(model: int, reason: str = "Six months of recorded time agreed with the unions") -> dict:
    return {
        "model": str(model),
        "reason": reason,
        "starts_on": date_parts(TODAY - timedelta(days=89)),
        "ends_on": date_parts(TODAY),
    }


def test_a_national_administrator_adopts_the_suggested_weights(app, make, database, frozen_clock):
    _recorded_cases(make, database, make.team(), licence_extra=10)  # licence work takes longer
    admin = make.user(Role.ADMIN, national=True)
    browser = signed_in(app, admin)
    review = browser.get("/calibration/adopt")
    assert 'data-testid="weights"' in review and "Current points" in review
    html = browser.post("/calibration/adopt", _adopt_form(1, reason=""), status=200).get_data(as_text=True)
    assert "Enter why you are adopting these weights" in html
    browser.post("/calibration/adopt", _adopt_form(1), status=302, form_path="/calibration/adopt")
    database.session.expire_all()
    version = database.session.scalars(select(WorkloadModelVersion)).one()
    assert (version.number, version.source) == (2, "calibration")
    assert (
        version.fit["cases"] == 24 and version.fit["records"] == 72 and version.fit["r2"] == pytest.approx(1)
    )
    model = current_model()
    assert model.number == 2
    assert model.weights.stage_points[Stage.LICENCE] > model.weights.stage_points[Stage.CUSTODY_NEAR]
    event = database.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "workload_model_changed")
    ).one()
    assert event.details["source"] == "calibration" and event.user_id == admin.id


def test_adopting_after_the_model_changed_is_refused(app, make, database, frozen_clock):
    _recorded_cases(make, database, make.team())
    browser = signed_in(app, make.user(Role.ADMIN, national=True))
    html = browser.post("/calibration/adopt", _adopt_form(7), status=200, form_path="/calibration/adopt")
    assert "The model changed to version 1 while you were reviewing it" in html.get_data(as_text=True)
    assert database.session.scalars(select(WorkloadModelVersion)).all() == []
