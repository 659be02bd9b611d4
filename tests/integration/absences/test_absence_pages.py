"""The absences pages: the team's SPO records, changes and cancels absences (refusals shown as
GOV.UK errors); a VLO sees their own and who covers; another team's absence is not found, and a
wrong role is forbidden."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.helpers import date_parts, signed_in
from victims.absences import services as absences
from victims.absences.services import AbsenceDetails
from victims.cases.models import Sentence
from victims.cases.services import refresh_deadlines
from victims.domain.cover import AbsenceKind
from victims.domain.vocabulary import Role
from victims.domain.work import TaskStatus
from victims.staff.models import Absence
from victims.work.models import Task

TODAY = date(2026, 11, 25)


@pytest.fixture()
def team(make, frozen_clock):
    team = make.team()
    return {
        "spo": make.user(Role.SPO, team=team),
        "away": make.user(Role.VLO, team=team, name="Ada Away"),
        "cover": make.user(Role.VLO, team=team, name="Cy Cover"),
    }


def _errors(html: str) -> list[str]:
    summary = re.search(r'<div class="govuk-error-summary".*?</ul>', html, re.S)
    if not summary:
        return []
    return [
        re.sub(r"<[^>]+>|\s+", " ", item).strip()
        for item in re.findall(r"<li>(.*?)</li>", summary.group(0), re.S)
    ]


def _form(team, starts_on=TODAY, ends_on=None, cover=None, kind="leave"):
    return {
        "user_id": str(team["away"].id),
        "kind": kind,
        "starts_on": date_parts(starts_on),
        "ends_on": date_parts(ends_on) if ends_on else ["", "", ""],
        "cover": str(cover.id) if cover else "queue",
    }


def test_the_spo_records_an_absence_and_the_work_moves_to_cover(app, make, database, team):
    case = make.case(vlo=team["away"], crd=date(2027, 3, 1))
    refresh_deadlines(case, database.session.get(Sentence, case.sentence_id), "test")
    spo = signed_in(app, team["spo"])
    response = spo.post(
        "/absences/new", _form(team, ends_on=TODAY + timedelta(days=3), cover=team["cover"]), status=302
    )
    assert response.headers["Location"].endswith("/absences/team")
    page = spo.get("/absences/team")
    current = page.split('data-testid="current"')[1].split("</table>")[0]
    assert "Ada Away" in current and "Cy Cover" in current and "tasks covered now" in current
    database.session.expire_all()
    tasks = database.session.scalars(
        select(Task).where(Task.case_id == case.id, Task.status == TaskStatus.OPEN)
    ).all()
    # Due while away (by a week past the last day): with the cover; due later: still theirs.
    assert tasks and {(t.assigned_to_id, t.covering_for_id) for t in tasks} == {
        (team["cover"].id, team["away"].id),
        (team["away"].id, None),
    }
    # The cover sees whose work it is on My tasks.
    covering = signed_in(app, team["cover"]).get("/tasks/mine")
    assert 'data-testid="covering">Covering for Ada Away' in covering


@pytest.mark.parametrize(
    ("form", "message"),
    [
        (lambda t: _form(t, cover=t["away"]), "Choose someone other than the person who is away to cover"),
        (
            lambda t: _form(t, ends_on=TODAY - timedelta(days=1)),
            "The last day must be the same as or after the first day",
        ),
        (lambda t: {**_form(t), "kind": ""}, "Choose what kind of absence it is"),
        (lambda t: {**_form(t), "starts_on": ["", "", ""]}, "Enter the first day away"),
    ],
)
def test_refusals_are_shown_as_govuk_errors(app, make, database, team, form, message):
    response = signed_in(app, team["spo"]).post("/absences/new", form(team), status=200)
    html = response.get_data(as_text=True)
    assert message in _errors(html)
    assert "<title>Error:" in html
    assert database.session.scalars(select(Absence)).all() == []


def test_an_overlapping_absence_and_a_cover_who_is_away_are_refused_on_the_page(app, make, database, team):
    absences.record(
        AbsenceDetails(
            team["cover"].id, AbsenceKind.LEAVE, TODAY + timedelta(days=1), TODAY + timedelta(days=2), None
        ),
        team["spo"],
    )
    spo = signed_in(app, team["spo"])
    html = spo.post(
        "/absences/new", _form(team, ends_on=TODAY + timedelta(days=5), cover=team["cover"]), status=200
    ).get_data(as_text=True)
    assert _errors(html) == [
        "The person covering is away on some of those days: choose someone else or the team’s queue"
    ]
    spo.post("/absences/new", _form(team, ends_on=TODAY + timedelta(days=5)), status=302)
    html = spo.post("/absences/new", _form(team, starts_on=TODAY + timedelta(days=4)), status=200).get_data(
        as_text=True
    )
    assert _errors(html) == ["They already have an absence recorded on some of those days"]


def test_the_spo_changes_the_last_day_records_the_return_and_cancels(app, make, database, team, frozen_clock):
    absence = absences.record(
        AbsenceDetails(
            team["away"].id, AbsenceKind.SICKNESS, TODAY - timedelta(days=2), TODAY + timedelta(days=5), None
        ),
        team["spo"],
    )
    planned = absences.record(
        AbsenceDetails(team["away"].id, AbsenceKind.LEAVE, TODAY + timedelta(days=30), None, None),
        team["spo"],
    )
    spo = signed_in(app, team["spo"])
    version = str(database.session.get(Absence, absence.id).version)
    spo.post(
        f"/absences/{absence.id}/end",
        {"version": version, "ends_on": date_parts(TODAY + timedelta(days=9))},
        status=302,
    )
    database.session.expire_all()
    assert database.session.get(Absence, absence.id).ends_on == TODAY + timedelta(days=9)
    version = str(database.session.get(Absence, absence.id).version)
    spo.post(f"/absences/{absence.id}/back", {"version": version}, status=302)
    database.session.expire_all()
    back = database.session.get(Absence, absence.id)
    assert back.ends_on == TODAY - timedelta(days=1) and back.returned_at is not None
    spo.get(f"/absences/{absence.id}/end", status=404)  # back: nothing left to change
    spo.post(f"/absences/{planned.id}/cancel", {"version": str(planned.version)}, status=302)
    database.session.expire_all()
    assert database.session.get(Absence, planned.id).cancelled_at is not None


def test_a_stale_version_changes_nothing(app, make, database, team):
    absence = absences.record(
        AbsenceDetails(team["away"].id, AbsenceKind.LEAVE, TODAY + timedelta(days=3), None, None), team["spo"]
    )
    spo = signed_in(app, team["spo"])
    spo.post(f"/absences/{absence.id}/cancel", {"version": "999"}, status=302)
    database.session.expire_all()
    assert database.session.get(Absence, absence.id).cancelled_at is None


def test_the_vlo_sees_their_own_absences_who_covers_and_the_return_notice(
    app, make, database, team, frozen_clock
):
    case = make.case(vlo=team["away"], crd=date(2027, 3, 1))
    refresh_deadlines(case, database.session.get(Sentence, case.sentence_id), "test")
    absence = absences.record(
        AbsenceDetails(team["away"].id, AbsenceKind.LEAVE, TODAY - timedelta(days=2), None, team["cover"].id),
        team["spo"],
    )
    cover_page = signed_in(app, team["cover"]).get("/absences/mine")
    assert 'data-testid="covering"' in cover_page
    absences.record_return(absence, team["spo"])
    page = signed_in(app, team["away"]).get("/absences/mine")
    mine = page.split('data-testid="mine"')[1].split("</table>")[0]
    assert "Planned leave" in mine and "Cy Cover" in mine
    notice = page.split('data-testid="return-notice"')[1].split("</div>\n</div>")[0]
    count = database.session.scalar(
        select(Task.id).where(Task.case_id == case.id).with_only_columns(Task.id).limit(1)
    )
    assert count is not None
    assert re.search(r"Welcome back: \d+ tasks? came back to you", notice)


def test_who_may_see_what(app, make, database, team):
    absence = absences.record(
        AbsenceDetails(team["away"].id, AbsenceKind.LEAVE, TODAY + timedelta(days=3), None, None), team["spo"]
    )
    other_spo = make.user(Role.SPO)
    signed_in(app, other_spo).get(f"/absences/{absence.id}/end", status=404)  # another team's
    signed_in(app, other_spo).get(f"/absences/{absence.id}/cancel", status=404)
    assert "Ada Away" not in signed_in(app, other_spo).get("/absences/team")
    vlo = signed_in(app, team["away"])
    vlo.get("/absences/team", status=403)
    vlo.get("/absences/new", status=403)
    vlo.get(f"/absences/{absence.id}/end", status=403)
    signed_in(app, make.user(Role.MANAGER)).get("/absences/mine", status=403)
    other_vlo = make.user(Role.VLO)
    page = (
        signed_in(app, team["spo"])
        .post("/absences/new", {**_form(team), "user_id": str(other_vlo.id)}, status=200)
        .get_data(as_text=True)
    )
    assert _errors(html=page)  # not one of the team's VLOs: not a choice
