"""SPOs keep their team's VLOs' skills and training; administrators everyone in their scope;
managers see a team's matrix, read only (issue 14, item 3)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from tests.helpers import date_parts, signed_in
from victims.audit.models import AuditEvent
from victims.domain.needs import Course
from victims.domain.vocabulary import Role, Skill
from victims.extensions import db
from victims.staff import queries
from victims.staff.models import TrainingRecord

TODAY = date(2026, 11, 25)


@pytest.fixture()
def team(make, frozen_clock):
    frozen_clock.set(datetime(2026, 11, 25, 10, 0, tzinfo=UTC))
    unit = make.team()
    return {
        "team": unit,
        "spo": make.user(Role.SPO, unit),
        "vlo": make.user(Role.VLO, unit, skills=("welsh",)),
        "other_vlo": make.user(Role.VLO),  # another team in the region
    }


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def _training(browser, user_id: int, course: str, completed: date, expires: date | None, status: int = 302):
    data = {"course": course}
    for name, value in (("completed_on", completed), ("expires_on", expires)):
        data[name] = date_parts(value) if value else ["", "", ""]
    return browser.post(
        f"/staff/{user_id}/training/new", data, status=status, form_path=f"/staff/{user_id}/training/new"
    )


def test_an_spo_changes_a_vlos_skills_and_it_is_audited(app, team):
    browser = signed_in(app, team["spo"])
    vlo = team["vlo"]
    page = browser.get(f"/staff/{vlo.id}/skills-and-training")
    assert 'value="welsh" checked' in page or 'checked value="welsh"' in page or "welsh" in page
    browser.post(f"/staff/{vlo.id}/skills-and-training", {"skills": ["mapping", "parole"]}, status=302)
    db.session.expire_all()
    assert queries.skills_of([vlo.id])[vlo.id] == {Skill.MAPPING, Skill.PAROLE}
    (event,) = _events("skills_changed")
    assert event.record_id == vlo.id and event.user_id == team["spo"].id
    assert event.details["added"] == ["mapping", "parole"] and event.details["removed"] == ["welsh"]


def test_an_unknown_skill_is_refused(app, team):
    page = signed_in(app, team["spo"]).post(
        f"/staff/{team['vlo'].id}/skills-and-training", {"skills": ["juggling"]}, status=200
    )
    assert "Choose skills from the list" in page.get_data(as_text=True)
    assert _events("skills_changed") == []


def test_training_records_added_with_status_and_removed_with_a_reason(app, team):
    browser = signed_in(app, team["spo"])
    vlo = team["vlo"]
    _training(browser, vlo.id, "prevent", date(2024, 1, 10), date(2027, 1, 10))  # expires within 60 days
    _training(browser, vlo.id, "domestic_abuse", date(2023, 1, 10), date(2025, 1, 10))  # expired
    _training(browser, vlo.id, "victim_contact_core", date(2025, 6, 1), None)  # does not expire
    page = browser.get(f"/staff/{vlo.id}/skills-and-training")
    assert "Expires within 60 days" in page and "Expired" in page and "Does not expire" in page
    assert "Valid" in page
    recorded = _events("training_recorded")
    assert len(recorded) == 3
    assert {event.details["course"] for event in recorded} == {
        "prevent",
        "domestic_abuse",
        "victim_contact_core",
    }
    assert set(recorded[0].details) == {"user_id", "course", "completed_on", "expires_on"}  # nothing more

    record = db.session.scalar(select(TrainingRecord).where(TrainingRecord.course == Course.PREVENT))
    path = f"/staff/{vlo.id}/training/{record.id}/remove"
    refused = browser.post(path, {"reason": ""}, status=200).get_data(as_text=True)
    assert "Enter why you are removing this record" in refused
    browser.post(path, {"reason": "Entered for the wrong person"}, status=302)
    assert db.session.scalar(select(TrainingRecord.id).where(TrainingRecord.id == record.id)) is None
    (removed,) = _events("training_removed")
    assert removed.reason == "Entered for the wrong person" and removed.details["course"] == "prevent"


@pytest.mark.parametrize(
    ("completed", "expires", "message"),
    [
        (date(2026, 11, 26), None, "Date completed must be today or in the past"),
        (date(2026, 1, 1), date(2026, 1, 1), "The expiry date must be after the date completed"),
        (date(2026, 1, 1), date(2025, 1, 1), "The expiry date must be after the date completed"),
        (None, None, "Enter the date the course was completed"),
    ],
)
def test_training_dates_are_checked(app, team, completed, expires, message):
    browser = signed_in(app, team["spo"])
    response = _training(browser, team["vlo"].id, "prevent", completed, expires, status=200)
    assert message in response.get_data(as_text=True)
    assert _events("training_recorded") == []


def test_the_same_course_on_the_same_day_twice_is_refused(app, team):
    browser = signed_in(app, team["spo"])
    _training(browser, team["vlo"].id, "prevent", date(2026, 1, 1), None)
    response = _training(browser, team["vlo"].id, "prevent", date(2026, 1, 1), None, status=200)
    assert "already recorded" in response.get_data(as_text=True)


def test_who_may_keep_whose_records(app, make, team):
    vlo, other = team["vlo"], team["other_vlo"]
    spo = signed_in(app, team["spo"])
    spo.get(f"/staff/{other.id}/skills-and-training", status=404)  # another team's VLO
    spo.get(f"/staff/{team['spo'].id}/skills-and-training", status=404)  # not a VLO
    spo.post(
        f"/staff/{other.id}/skills-and-training",
        {"skills": ["welsh"]},
        status=404,
        form_path=f"/staff/{vlo.id}/skills-and-training",
    )
    signed_in(app, vlo).get(f"/staff/{vlo.id}/skills-and-training", status=403)
    signed_in(app, make.user(Role.MANAGER)).get(f"/staff/{vlo.id}/skills-and-training", status=403)

    regional_admin = signed_in(app, make.user(Role.ADMIN))
    regional_admin.get(f"/staff/{other.id}/skills-and-training", status=200)
    elsewhere = make.user(Role.VLO, make.team(make.region("london")))
    regional_admin.get(f"/staff/{elsewhere.id}/skills-and-training", status=404)
    signed_in(app, make.user(Role.ADMIN, national=True)).get(
        f"/staff/{elsewhere.id}/skills-and-training", status=200
    )


def test_the_team_matrix_shows_gaps_and_is_read_only_for_managers(app, make, team):
    vlo = team["vlo"]
    db.session.add(
        TrainingRecord(
            user_id=vlo.id, course=Course.PREVENT, completed_on=date(2022, 1, 1), expires_on=date(2023, 1, 1)
        )
    )
    db.session.flush()
    spo_page = signed_in(app, team["spo"]).get(f"/teams/{team['team'].id}/skills-and-training")
    assert vlo.name in spo_page and f"/staff/{vlo.id}/skills-and-training" in spo_page
    assert "Expired" in spo_page and "Not done" in spo_page
    # The SPO's shortcut goes to their own team.
    response = signed_in(app, team["spo"]).client.get("/team/skills-and-training")
    assert response.headers["Location"].endswith(f"/teams/{team['team'].id}/skills-and-training")

    manager = signed_in(app, make.user(Role.MANAGER))
    assert 'href="/team/skills-and-training"' in manager.get("/cases/region")  # in the manager's menu
    assert f"/teams/{team['team'].id}/skills-and-training" in manager.get("/team/skills-and-training")
    manager_page = manager.get(f"/teams/{team['team'].id}/skills-and-training")
    assert vlo.name in manager_page and f"/staff/{vlo.id}/skills-and-training" not in manager_page

    other_team = team["other_vlo"].team_id
    signed_in(app, team["spo"]).get(f"/teams/{other_team}/skills-and-training", status=404)
    london = make.team(make.region("london"))
    signed_in(app, make.user(Role.MANAGER)).get(f"/teams/{london.id}/skills-and-training", status=404)
    signed_in(app, vlo).get(f"/teams/{team['team'].id}/skills-and-training", status=403)


def test_skills_and_courses_for_allocation(make, team):
    vlo, other = team["vlo"], team["other_vlo"]
    db.session.add_all(
        [
            TrainingRecord(
                user_id=vlo.id, course=Course.PREVENT, completed_on=date(2025, 1, 1), expires_on=TODAY
            ),
            TrainingRecord(
                user_id=vlo.id, course=Course.DOMESTIC_ABUSE, completed_on=date(2025, 1, 1), expires_on=None
            ),
            TrainingRecord(
                user_id=other.id,
                course=Course.PREVENT,
                completed_on=date(2020, 1, 1),
                expires_on=date(2021, 1, 1),
            ),
        ]
    )
    db.session.flush()
    found = queries.skills_and_courses([vlo.id, other.id], TODAY)
    assert found[vlo.id] == (frozenset({Skill.WELSH}), frozenset({Course.PREVENT, Course.DOMESTIC_ABUSE}))
    assert found[other.id] == (frozenset(), frozenset())
    assert queries.skills_and_courses([vlo.id], date(2026, 11, 26))[vlo.id][1] == {Course.DOMESTIC_ABUSE}


def test_skills_and_courses_reads_two_statements_however_many_users(make, team, count_queries):
    few = [make.user(Role.VLO, team["team"], skills=("welsh", "parole")) for _ in range(2)]
    many = few + [make.user(Role.VLO, team["team"], skills=("mapping",)) for _ in range(20)]
    for user in many:
        db.session.add(TrainingRecord(user_id=user.id, course=Course.PREVENT, completed_on=date(2025, 1, 1)))
    db.session.flush()
    counted = []
    for users in (few, many):
        with count_queries() as counter:
            queries.skills_and_courses([user.id for user in users], TODAY)
        counted.append(counter.count)
    assert counted == [2, 2]


def test_the_team_matrix_reads_a_fixed_number_of_statements(app, make, team, count_queries):
    browser = signed_in(app, team["spo"])
    path = f"/teams/{team['team'].id}/skills-and-training"
    counted = []
    for size in (2, 12):
        while len(queries.team_vlos(team["team"].id)) < size:
            user = make.user(Role.VLO, team["team"], skills=("welsh",))
            db.session.add(
                TrainingRecord(user_id=user.id, course=Course.PREVENT, completed_on=date(2025, 1, 1))
            )
            db.session.flush()
        browser.get(path)
        with count_queries() as counter:
            browser.get(path)
        counted.append(counter.count)
    assert counted[0] == counted[1], counted
