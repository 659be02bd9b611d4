"""The workload pages: who may see whose workload, numbers that match hand-built data, the
model's numbers screen, reductions, peaks ahead, the SPO's own workload, and statement counts
that do not grow with the caseload or the team."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.helpers import post_with_token, signed_in
from victims.audit.models import AuditEvent
from victims.domain.cover import AbsenceKind
from victims.domain.vocabulary import Role
from victims.domain.work import DeadlineStatus, TaskStatus
from victims.domain.workload import DEFAULT_WEIGHTS, ReductionKind, Weights
from victims.staff.models import Absence, Reduction
from victims.work.models import CaseDeadline, Task
from victims.workforce import peaks, services
from victims.workforce.models import WorkloadModelVersion
from victims.workforce.queries import current_model, facts_for_vlos

TODAY = date(2026, 11, 25)  # the frozen clock's day


def _cell(html: str, vlo_id: int, col: str) -> str:
    row = re.search(rf'data-vlo-id="{vlo_id}".*?</tr>', html, re.S).group(0)
    cell = re.search(rf'data-col="{col}">(.*?)</td>', row, re.S).group(1)
    return re.sub(r"<[^>]+>", " ", cell).split()[0]


def _number(html: str, key: str) -> str:
    row = re.search(rf'data-number="{key}".*?<p class="govuk-body[^"]*">(.*?)</p>', html, re.S).group(1)
    return re.sub(r"<[^>]+>", " ", row).split()[0]


def _small_model(make) -> None:
    """A target of 100 points, so capacity percentages are easy to check by hand."""
    admin = make.user(Role.ADMIN, national=True)
    data = DEFAULT_WEIGHTS.to_json() | {"target_points": 100}
    assert services.adopt_weights(Weights.from_json(data), "Tests", admin) == 2


@pytest.fixture()
def team(make, frozen_clock):
    team = make.team()
    full = make.user(Role.VLO, team, name="Ann Full")
    part = make.user(Role.VLO, team, name="Bob Part")
    part.contracted_hours = Decimal("18.5")
    spo = make.user(Role.SPO, team)
    # Ann: on licence (6), pre-release with two victims (14 + 2), in custody (4) = 26 points.
    licence = make.case(vlo=full, offender_last_name="Licence")
    pre = make.case(vlo=full, victims=2, crd=date(2027, 3, 1), offender_last_name="Prerelease")
    custody = make.case(vlo=full, crd=date(2028, 6, 1), led=date(2030, 1, 1), sed=date(2030, 1, 1))
    # Bob: on licence with a Welsh speaker (6 + 2) = 8 points.
    welsh = make.case(vlo=part, victims=0)
    make.person(welsh, language="cy")
    # Nobody's: in the SPO's count, in nobody's workload.
    unallocated = make.case(team=team)
    _small_model(make)
    return {
        "team": team,
        "full": full,
        "part": part,
        "spo": spo,
        "cases": {"licence": licence, "pre": pre, "custody": custody, "welsh": welsh, "none": unallocated},
    }


# --- who sees what -----------------------------------------------------------------------------


def test_a_vlo_sees_their_own_workload_and_nobody_elses(app, team):
    browser = signed_in(app, team["full"])
    page = browser.get("/workforce/mine")
    assert "My workload" in page and "Prerelease" in page
    browser.get(f"/workforce/vlos/{team['part'].id}", status=403)
    browser.get(f"/workforce/teams/{team['team'].id}", status=403)
    browser.get("/workforce/team", status=403)
    browser.get("/workforce/model", status=403)


def test_an_spo_sees_their_own_team_only(app, make, team):
    other_team = make.team()
    stranger = make.user(Role.VLO, other_team)
    browser = signed_in(app, team["spo"])
    assert "Ann Full" in browser.get("/workforce/team")
    browser.get(f"/workforce/vlos/{team['full'].id}")
    browser.get(f"/workforce/vlos/{stranger.id}", status=404)
    browser.get(f"/workforce/teams/{other_team.id}", status=404)
    browser.get(f"/workforce/vlos/{team['spo'].id}", status=404)  # not a VLO
    browser.get("/workforce/mine", status=403)


def test_a_manager_reads_their_region_only(app, make, team):
    manager = make.user(Role.MANAGER, region=make.region())
    elsewhere = make.region("london")
    far_team = make.team(elsewhere)
    far_vlo = make.user(Role.VLO, far_team)
    browser = signed_in(app, manager)
    teams = browser.get("/workforce/team")
    assert team["team"].name in teams and far_team.name not in teams
    page = browser.get(f"/workforce/teams/{team['team'].id}")
    assert "The SPO’s own workload" in page
    vlo_page = browser.get(f"/workforce/vlos/{team['full'].id}")
    assert "Record a reduction" not in vlo_page and "End early" not in vlo_page  # read-only
    browser.get(f"/workforce/teams/{far_team.id}", status=404)
    browser.get(f"/workforce/vlos/{far_vlo.id}", status=404)
    browser.get(f"/workforce/vlos/{team['full'].id}/reductions/new", status=403)


def test_a_national_manager_reads_every_region(app, make, team):
    manager = make.user(Role.MANAGER, national=True)
    far_team = make.team(make.region("london"))
    browser = signed_in(app, manager)
    assert far_team.name in browser.get("/workforce/team")
    browser.get(f"/workforce/teams/{far_team.id}")


def test_regional_administrators_read_the_model_and_national_ones_change_it(app, make, team):
    regional = make.user(Role.ADMIN)
    browser = signed_in(app, regional)
    page = browser.get("/workforce/model")
    assert "Only a national administrator can change these numbers" in page
    assert "Workload model" in page and 'name="reason"' not in page
    response = post_with_token(browser, "/workforce/model", {"reason": "x"}, from_page="/workforce/model")
    assert response.status_code == 403
    national = signed_in(app, make.user(Role.ADMIN, national=True))
    assert 'name="reason"' in national.get("/workforce/model")


# --- the numbers --------------------------------------------------------------------------------


def test_the_team_page_shows_known_points_and_capacity(app, make, team):
    services.record_reduction(
        team["full"], ReductionKind.TRAINING, Decimal("7.4"), TODAY, None, None, team["spo"]
    )
    page = signed_in(app, team["spo"]).get("/workforce/team")
    full, part = team["full"].id, team["part"].id
    assert [_cell(page, full, c) for c in ("cases", "people", "points", "available", "capacity")] == [
        "3",
        "4",
        "26",
        "80",  # 100 × 37/37 × (37 − 7.4)/37
        "33%",  # 26 ÷ 80
    ]
    assert [_cell(page, part, c) for c in ("cases", "people", "points", "available", "capacity")] == [
        "1",
        "1",
        "8",
        "50",  # 100 × 18.5/37
        "16%",
    ]
    totals = re.search(r'data-testid="team-totals".*?</tr>', page, re.S).group(0)
    assert re.findall(r"<strong>([^<]+)</strong>", totals)[:5] == ["4", "5", "34", "130", "26%"]
    assert "Below 250 cases" in page
    assert "version 2 of the workload model" in page


def test_my_workload_explains_each_number(app, team):
    page = signed_in(app, team["full"]).get("/workforce/mine")
    assert _number(page, "cases") == "3"
    assert _number(page, "points") == "26"
    assert _number(page, "available") == "100"
    assert _number(page, "capacity") == "26%"
    assert "Target for a full-time VLO: 100 points" in page
    assert "26 points ÷ 100 available points × 100 = 26%" in page
    # each case's points open to their lines
    pre = team["cases"]["pre"]
    row = re.search(rf'data-case-id="{pre.id}".*?</details>', page, re.S).group(0)
    assert "16 points" in row and "Pre-release window open" in row
    assert "Each further victim or family member" in row
    assert f"/cases/{pre.id}" in row and "Prerelease" in row
    # no victim's details
    assert not re.search(r"Victim\d|Test Street|TE1 1ST|Jane", page)


def test_reductions_are_recorded_shown_ended_and_audited(app, make, team, database):
    browser = signed_in(app, team["spo"])
    path = f"/workforce/vlos/{team['full'].id}/reductions/new"
    response = browser.post(
        path,
        {
            "kind": "union_duties",
            "hours": "3.5",
            "starts_on": ["1", "11", "2026"],
            "ends_on": ["", "", ""],
            "notes": "Branch secretary",
        },
    )
    assert response.status_code == 302
    record = database.session.scalar(select(Reduction).where(Reduction.user_id == team["full"].id))
    assert (record.kind, record.hours, record.ends_on) == (ReductionKind.UNION_DUTIES, Decimal("3.5"), None)
    page = browser.get(f"/workforce/vlos/{team['full'].id}")
    assert "Union duties" in page and "Branch secretary" in page and "In force" in page
    assert _number(page, "available") == "91"  # 100 × 33.5/37 = 90.5 → 91
    response = browser.post(
        f"/workforce/vlos/{team['full'].id}/reductions/{record.id}/end", {"ends_on": ["20", "11", "2026"]}
    )
    assert response.status_code == 302
    database.session.refresh(record)
    assert record.ends_on == date(2026, 11, 20)
    assert _number(browser.get(f"/workforce/vlos/{team['full'].id}"), "available") == "100"
    actions = database.session.scalars(
        select(AuditEvent.action).where(AuditEvent.record_type == "reduction").order_by(AuditEvent.id)
    ).all()
    assert actions == ["reduction_recorded", "reduction_ended"]


def test_a_reduction_form_shows_errors_at_each_field(app, team):
    browser = signed_in(app, team["spo"])
    response = browser.post(
        f"/workforce/vlos/{team['full'].id}/reductions/new",
        {"kind": "nonsense", "hours": "lots", "starts_on": ["31", "2", "2026"], "ends_on": ["", "", ""]},
        status=200,
    )
    html = response.get_data(as_text=True)
    assert "Choose what the reduction is for" in html
    assert "Hours a week must be a number" in html
    assert "Starts on must be a real date" in html
    response = browser.post(
        f"/workforce/vlos/{team['full'].id}/reductions/new",
        {"kind": "training", "hours": "61", "starts_on": ["1", "2", "2026"], "ends_on": ["1", "1", "2026"]},
        status=200,
    )
    assert "more than 0 and no more than 60" in response.get_data(as_text=True)


def test_an_spo_cannot_record_a_reduction_for_another_team(app, make, team):
    stranger = make.user(Role.VLO, make.team())
    browser = signed_in(app, team["spo"])
    browser.get(f"/workforce/vlos/{stranger.id}/reductions/new", status=404)


def test_a_regional_administrator_records_reductions_in_their_region_only(app, make, team):
    admin = make.user(Role.ADMIN)
    browser = signed_in(app, admin)
    assert "No reductions recorded" in browser.get(f"/workforce/vlos/{team['full'].id}/reductions")
    far = make.user(Role.VLO, make.team(make.region("london")))
    browser.get(f"/workforce/vlos/{far.id}/reductions", status=404)
    browser.get(f"/workforce/vlos/{team['full'].id}", status=403)  # no casework for administrators


# --- the model screen ---------------------------------------------------------------------------


def test_a_national_administrator_changes_the_model_with_a_reason(app, make, team, database):
    admin = make.user(Role.ADMIN, national=True)
    browser = signed_in(app, admin)
    page = browser.get("/workforce/model")
    assert "Pre-release window open" in page and "Version 2" in page
    form = {
        name: value
        for name, value in re.findall(
            r'<input class="govuk-input[^"]*" id="([^"]+)" name="[^"]+" type="text" value="([^"]*)"', page
        )
    }
    assert form["stage_points__parole"] == "16" and form["target_points"] == "100"
    # every number out of range shows at its own field; no reason is an error too
    bad = form | {"stage_points__parole": "101", "target_points": "5", "reason": ""}
    html = browser.post("/workforce/model", bad, status=200).get_data(as_text=True)
    assert "Enter why the numbers are changing" in html
    bad["reason"] = "Review"
    html = browser.post("/workforce/model", bad, status=200).get_data(as_text=True)
    assert "Points for ‘Parole review active’ must be between 0 and 100" in html
    assert "The target must be between 100 and 100,000 points" in html
    assert 'href="#stage_points__parole"' in html and 'href="#target_points"' in html
    assert current_model().number == 2
    good = form | {"stage_points__parole": "20", "reason": "March review"}
    assert browser.post("/workforce/model", good).status_code == 302
    model = current_model()
    assert (model.number, model.weights.stage_points["parole"], model.reason) == (3, 20, "March review")
    listing = browser.get("/workforce/model")
    assert "March review" in listing and admin.name in listing and "Administrator" in listing
    version = browser.get("/workforce/model/versions/2")
    assert "Tests" in version and "100 points" in version
    browser.get("/workforce/model/versions/99", status=404)
    assert database.session.scalar(
        select(WorkloadModelVersion.source).where(WorkloadModelVersion.number == 3)
    ) == ("administrator")


# --- peaks ahead and the SPO's own workload ------------------------------------------------------


def _deadline(database, case, code, due_on, status=DeadlineStatus.OPEN):
    record = CaseDeadline(
        case_id=case.id,
        code=code,
        due_on=due_on,
        counted_from=TODAY,
        rule_version=1,
        rule_number=1,
        status=status,
    )
    database.session.add(record)
    database.session.flush()
    return record


def test_peaks_count_what_falls_due_in_30_and_90_days(app, make, team, database):
    cases = team["cases"]
    _deadline(database, cases["custody"], "pre_release_window", TODAY + timedelta(days=10))
    _deadline(database, cases["pre"], "licence_representations", TODAY + timedelta(days=60))
    _deadline(
        database, cases["pre"], "licence_representations", TODAY + timedelta(days=5), DeadlineStatus.MET
    )
    _deadline(
        database, cases["licence"], "event_parole_review_listed", TODAY + timedelta(days=100)
    )  # too far
    ped_case = make.case(vlo=team["full"], ped=TODAY + timedelta(days=20), crd=date(2030, 1, 1))
    led_case = make.case(vlo=team["full"], led=TODAY + timedelta(days=45))
    found = peaks.peaks_for(facts_for_vlos([team["full"].id], TODAY), TODAY)[team["full"].id]
    kinds = peaks.PeakKind
    assert [found.count(30, kind) for kind in kinds] == [1, 0, 1, 0]
    assert [found.count(90, kind) for kind in kinds] == [1, 1, 1, 1]
    assert {item.case_id for item in found.within(90)} == {
        cases["custody"].id,
        cases["pre"].id,
        ped_case.id,
        led_case.id,
    }
    page = signed_in(app, team["spo"]).get("/workforce/team")
    assert _cell(page, team["full"].id, "peaks30") == "2"
    assert _cell(page, team["full"].id, "peaks90") == "4"
    vlo_page = signed_in(app, team["spo"]).get(f"/workforce/vlos/{team['full'].id}")
    assert f"/cases/{led_case.id}" in vlo_page and "Licence ends" in vlo_page
    assert vlo_page.count('<meter class="app-projection-meter"') == 12


def test_the_spos_own_workload_counts_what_waits(app, make, team, database):
    cases = team["cases"]
    overdue = _deadline(database, cases["licence"], "annual_update", TODAY - timedelta(days=1))
    queued = _deadline(database, cases["none"], "initial_contact", TODAY + timedelta(days=3))
    database.session.add_all(
        [
            Task(
                case_id=cases["licence"].id,
                team_id=team["team"].id,
                deadline_id=overdue.id,
                title="Late",
                assigned_to_id=team["full"].id,
                status=TaskStatus.OPEN,
            ),
            Task(
                case_id=cases["none"].id,
                team_id=team["team"].id,
                deadline_id=queued.id,
                title="Queue",
                status=TaskStatus.OPEN,
            ),
        ]
    )
    database.session.flush()
    got = peaks.spo_workload(team["team"].id, TODAY)
    assert (got.unallocated_cases, got.queue_tasks, got.escalations, got.team_size) == (1, 1, 1, 2)
    assert (got.letters_to_countersign, got.zones_to_check, got.requests_to_check) == (0, 0, 0)
    page = signed_in(app, team["spo"]).get("/workforce/team")
    section = re.search(r'data-testid="spo-workload".*?</dl>', page, re.S).group(0)
    assert 'href="/cases/team?show=unallocated"' in section
    assert 'href="/tasks/team#overdue"' in section


# --- statement counts ---------------------------------------------------------------------------


def _statements(app, count_queries, user, path: str) -> int:
    browser = signed_in(app, user)
    browser.get(path)
    with count_queries() as counter:
        browser.get(path)
    return counter.count


def test_my_workload_makes_the_same_statements_for_3_or_30_cases(app, make, count_queries, frozen_clock):
    vlo = make.user(Role.VLO)
    counts = {}
    made = 0
    for size in (3, 30):
        while made < size:
            # some licences end within 90 days: the peaks' cases are read too
            make.case(
                vlo=vlo,
                victims=1 + made % 3,
                crd=date(2027, 1, 1) + timedelta(days=made * 20),
                led=TODAY + timedelta(days=10 + made),
            )
            made += 1
        counts[size] = _statements(app, count_queries, vlo, "/workforce/mine")
    print("my workload statements", counts)
    assert counts[3] == counts[30], counts
    assert counts[30] <= 20, counts


def test_the_team_page_makes_the_same_statements_for_2_or_5_vlos(app, make, count_queries, frozen_clock):
    team = make.team()
    spo = make.user(Role.SPO, team)
    counts = {}
    vlos = []
    for size in (2, 5):
        while len(vlos) < size:
            vlo = make.user(Role.VLO, team)
            vlos.append(vlo)
            for number in range(3 * len(vlos)):
                make.case(
                    vlo=vlo,
                    crd=date(2027, 1, 1) + timedelta(days=number * 30),
                    led=TODAY + timedelta(days=20),
                )
        counts[size] = _statements(app, count_queries, spo, "/workforce/team")
    print("team workload statements", counts)
    assert counts[2] == counts[5], counts
    assert counts[5] <= 25, counts


def test_the_team_page_says_who_is_away_today(app, team, database):
    database.session.add(
        Absence(
            user_id=team["part"].id,
            kind=AbsenceKind.LEAVE,
            starts_on=TODAY - timedelta(days=2),
            ends_on=TODAY + timedelta(days=5),
        )
    )
    database.session.flush()
    page = signed_in(app, team["spo"]).get("/workforce/team")
    row = re.search(rf'data-vlo-id="{team["part"].id}".*?</tr>', page, re.S).group(0)
    assert "until 30 November 2026" in row
    other = re.search(rf'data-vlo-id="{team["full"].id}".*?</tr>', page, re.S).group(0)
    assert "Not away" in other
    assert "Away from 23 November 2026" in signed_in(app, team["spo"]).get(
        f"/workforce/vlos/{team['part'].id}"
    )
