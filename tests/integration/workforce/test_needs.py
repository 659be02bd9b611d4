"""A case's needs on its page: derived ones with why, needs an SPO adds by hand with a reason and
removes with a reason (issue 14, item 3)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from tests.helpers import signed_in
from victims.audit.models import AuditEvent
from victims.cases.models import CaseNeedRecord
from victims.domain.needs import Need
from victims.domain.vocabulary import Role
from victims.extensions import db
from victims.refusals import Refused
from victims.workforce import needs
from victims.workforce.queries import facts_for_cases


@pytest.fixture()
def team(make, frozen_clock):
    frozen_clock.set(datetime(2026, 11, 25, 10, 0, tzinfo=UTC))
    unit = make.team()
    vlo = make.user(Role.VLO, unit)
    case = make.case(vlo=vlo, victims=0)
    make.person(case, language="cy")
    make.person(case, date_of_birth=date(2012, 5, 1))  # 14
    return {"spo": make.user(Role.SPO, unit), "vlo": vlo, "case": case}


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_the_case_page_says_why_each_derived_need_is_there(app, team):
    page = signed_in(app, team["vlo"]).get(f"/cases/{team['case'].id}")
    assert "Welsh language" in page and "Someone on the case prefers Welsh" in page
    assert "Child victims" in page and "A victim is under 18" in page
    assert "cannot be removed here" in page
    assert "Add a need" not in page  # a VLO cannot


def test_an_spo_adds_a_need_by_hand_and_removes_it(app, team):
    case = team["case"]
    browser = signed_in(app, team["spo"])
    assert "Add a need" in browser.get(f"/cases/{case.id}")
    refused = browser.post(f"/cases/{case.id}/needs/new", {"need": "interpreter", "reason": ""}, status=200)
    assert "Enter why the case needs this" in refused.get_data(as_text=True)
    browser.post(
        f"/cases/{case.id}/needs/new", {"need": "interpreter", "reason": "Speaks Polish"}, status=302
    )
    page = browser.get(f"/cases/{case.id}")
    assert "Interpreter needed" in page and "Speaks Polish" in page and team["spo"].name in page
    record = db.session.scalar(select(CaseNeedRecord).where(CaseNeedRecord.case_id == case.id))
    assert Need.INTERPRETER in facts_for_cases([case.id], date(2026, 11, 25))[case.id].needs

    (added,) = _events("case_need_added")
    assert added.case_id == case.id and added.details == {"need": "interpreter"}  # no reason in the trail
    assert added.reason is None

    path = f"/cases/{case.id}/needs/{record.id}/remove"
    assert "Enter why the case no longer needs this" in browser.post(
        path, {"reason": ""}, status=200
    ).get_data(as_text=True)
    browser.post(path, {"reason": "An interpreter is no longer needed"}, status=302)
    db.session.expire_all()
    record = db.session.get(CaseNeedRecord, record.id)
    assert record.removed_at is not None and record.removed_by_id == team["spo"].id
    assert record.removed_reason == "An interpreter is no longer needed"
    (removed,) = _events("case_need_removed")
    assert removed.details == {"need": "interpreter"}
    assert Need.INTERPRETER not in facts_for_cases([case.id], date(2026, 11, 25))[case.id].needs
    browser.get(path, status=404)  # already removed


def test_adding_the_same_need_twice_is_refused_with_a_clear_error(app, team):
    case = team["case"]
    browser = signed_in(app, team["spo"])
    browser.post(
        f"/cases/{case.id}/needs/new", {"need": "high_profile", "reason": "Press interest"}, status=302
    )
    again = browser.post(
        f"/cases/{case.id}/needs/new", {"need": "high_profile", "reason": "Again"}, status=200
    )
    assert "already has “High-profile case” added by hand" in again.get_data(as_text=True)
    assert len(_events("case_need_added")) == 1


def test_a_race_on_the_same_need_becomes_a_refusal(team, monkeypatch):
    """The check before the insert saw nothing (the other SPO's insert was not yet committed):
    the partial unique index refuses the second, and the service says so."""
    case, spo = team["case"], team["spo"]
    needs.add_need(case, Need.HIGH_PROFILE, "Press interest", spo)
    monkeypatch.setattr(needs, "needs_in_force", lambda case_id: [])
    with pytest.raises(Refused, match="already has"):
        needs.add_need(case, Need.HIGH_PROFILE, "Press interest", spo)
    assert len(db.session.scalars(select(CaseNeedRecord)).all()) == 1  # the session is still usable


def test_a_derived_need_cannot_be_removed(app, team):
    page = signed_in(app, team["spo"]).get(f"/cases/{team['case'].id}")
    assert "/needs/" not in page.split('id="needs"')[1].split("Add a need")[0]


def test_who_may_change_needs(app, make, team):
    case = team["case"]
    signed_in(app, team["vlo"]).get(f"/cases/{case.id}/needs/new", status=403)
    signed_in(app, make.user(Role.MANAGER)).get(f"/cases/{case.id}/needs/new", status=403)
    signed_in(app, make.user(Role.SPO)).get(f"/cases/{case.id}/needs/new", status=404)  # another team
    other_spo = make.user(Role.SPO)
    with pytest.raises(Refused):
        needs.add_need(case, Need.INTERPRETER, "x", other_spo)
    with pytest.raises(Refused):
        needs.add_need(case, Need.INTERPRETER, "x", team["vlo"])
    with pytest.raises(Refused, match="Choose a need"):
        needs.add_need(case, "juggling", "x", team["spo"])


def test_a_closed_case_takes_no_new_needs(app, make, team):
    closed = make.case(vlo=team["vlo"], status="closed")
    signed_in(app, team["spo"]).get(f"/cases/{closed.id}/needs/new", status=404)
    with pytest.raises(Refused, match="closed"):
        needs.add_need(closed, Need.INTERPRETER, "x", team["spo"])
