"""The allocation screens: the queue, ranked suggestions for a case or a task, allocating with and
without a reason (flagged in the audit), conflicts, bulk allocation all or nothing, rebalancing,
and statement counts that do not grow with the team or its caseload."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from victims import clock
from victims.audit.models import AuditEvent
from victims.cases.models import Case
from victims.domain.needs import Course
from victims.domain.vocabulary import Role
from victims.staff.models import TrainingRecord
from victims.work import services as work_services
from victims.work.models import Task

ALL_COURSES = tuple(Course)


def trained(make, user, *courses: Course):
    for course in courses or ALL_COURSES:
        make._add(
            TrainingRecord(user_id=user.id, course=course, completed_on=date(2025, 1, 1), expires_on=None)
        )
    return user


@pytest.fixture()
def team(make):
    return make.team()


@pytest.fixture()
def spo(make, team):
    return make.user(Role.SPO, team, name="Sam Spo")


def welsh_child_case(make, team):
    case = make.case(team)
    make.person(case, language="cy", date_of_birth=date(2015, 5, 1), relationship_="victim")
    return case


def rows(page: str, testid: str) -> list[str]:
    table = re.search(rf'data-testid="{testid}".*?</table>', page, re.S)
    assert table, testid
    return re.findall(r'data-(?:user|case|task)-id="(\d+)"', table.group(0))


def events(database, action: str) -> list[AuditEvent]:
    return list(database.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


# -- the queue ---------------------------------------------------------------------------------------


def test_the_queue_lists_unallocated_cases_and_queue_tasks_for_the_spo_only(web, make, team, spo):
    vlo = trained(make, make.user(Role.VLO, team))
    waiting = welsh_child_case(make, team)
    allocated = make.case(team, vlo)
    other_team = make.case(make.team())
    work_services.open_map_task(allocated, clock.today())  # the VLO cannot map: the team's queue

    page = web(spo).get("/allocation/")

    assert rows(page, "queue-cases") == [str(waiting.id)]
    assert str(other_team.id) not in rows(page, "queue-cases")
    task = make.session.scalar(select(Task).where(Task.case_id == allocated.id))
    assert rows(page, "queue-tasks") == [str(task.id)]
    assert "Welsh language" in page and "Child victims" in page and "Exclusion-zone map" in page
    assert 'href="/allocation/"' in page  # the navigation's "Allocate"
    web(vlo).get("/allocation/", status=403)


def test_the_queue_filters_its_cases_with_counts_and_remembers_the_choice(web, make, team, spo):
    welsh = welsh_child_case(make, team)
    plain = make.case(team)
    browser = web(spo)

    page = browser.get("/allocation/?filters=1&need=welsh")

    assert rows(page, "queue-cases") == [str(welsh.id)]
    assert 'data-testid="count-need-welsh">(1)' in page
    assert 'data-testid="count-stage-licence">(' in page  # every stage is offered, with its count
    assert "matching the filters" in page
    # Opened bare, the queue comes back as the SPO left it; cleared, it shows every case again.
    response = browser._send("get", "/allocation/")
    assert response.status_code == 302 and "need=welsh" in response.headers["Location"]
    browser._send("get", "/allocation/?clear=1")
    assert sorted(rows(browser.get("/allocation/"), "queue-cases")) == sorted([str(welsh.id), str(plain.id)])


# -- suggestions for one case --------------------------------------------------------------------------


def test_the_welsh_and_child_victims_vlo_comes_first_with_the_words(web, make, team, spo):
    trained(make, make.user(Role.VLO, team, name="Ann Empty"))
    fluent = trained(make, make.user(Role.VLO, team, name="Zed Fluent", skills=("welsh", "child_victims")))
    for _ in range(3):
        make.case(team, fluent)  # busier, but holds the skills
    case = welsh_child_case(make, team)

    page = web(spo).get(f"/allocation/cases/{case.id}")

    assert rows(page, "suggestions")[0] == str(fluent.id)
    words = re.findall(r'data-testid="words">([^<]*)<', page)
    assert words[0].startswith("Welsh and child victims; ")
    assert words[1].startswith("No Welsh and child victims skill; ")


def test_allocating_the_best_fit_needs_no_reason_and_is_not_flagged(web, make, team, spo, database):
    fluent = trained(make, make.user(Role.VLO, team, skills=("welsh", "child_victims")))
    case = welsh_child_case(make, team)
    browser = web(spo)

    response = browser.post(
        f"/allocation/cases/{case.id}", {"vlo": str(fluent.id), "version": str(case.version)}, status=302
    )

    assert response.headers["Location"].endswith("/allocation/")
    database.session.expire_all()
    assert database.session.get(Case, case.id).allocated_vlo_id == fluent.id
    [event] = events(database, "case_allocated")
    assert not event.flagged and "overridden" not in event.details


def test_choosing_someone_without_the_skill_needs_a_reason_and_is_flagged(web, make, team, spo, database):
    trained(make, make.user(Role.VLO, team, skills=("welsh", "child_victims")))
    other = trained(make, make.user(Role.VLO, team, name="Olly Other", skills=("child_victims",)))
    case = welsh_child_case(make, team)
    browser = web(spo)
    path = f"/allocation/cases/{case.id}"

    refused = browser.post(path, {"vlo": str(other.id), "version": str(case.version)}, status=400)
    page = refused.get_data(as_text=True)
    assert "govuk-error-summary" in page and "Enter why you are choosing Olly Other: no Welsh skill" in page
    assert page.count("<title>Error: ") == 1
    database.session.expire_all()
    assert database.session.get(Case, case.id).allocated_vlo_id is None

    browser.post(
        path,
        {"vlo": str(other.id), "version": str(case.version), "reason": "Covers Welsh by phone"},
        status=302,
    )
    [event] = events(database, "case_allocated")
    assert event.flagged and event.reason == "Covers Welsh by phone"
    assert event.details["overridden"] == {"missing_skills": ["welsh"]}


def test_someone_else_allocating_meanwhile_is_a_clear_message_and_nothing_is_lost(
    web, make, team, spo, database
):
    first = trained(make, make.user(Role.VLO, team, name="First One"))
    second = trained(make, make.user(Role.VLO, team, name="Second Two"))
    case = make.case(team)
    browser = web(spo)
    opened_version = str(case.version)
    case.allocated_vlo_id = first.id  # another SPO, meanwhile
    database.session.flush()

    response = browser.post(
        f"/allocation/cases/{case.id}",
        {"vlo": str(second.id), "version": opened_version, "reason": "Kept words"},
        status=409,
    )

    page = response.get_data(as_text=True)
    assert "it is now with First One" in page and "Kept words" in page
    database.session.expire_all()
    assert database.session.get(Case, case.id).allocated_vlo_id == first.id


def test_another_teams_case_is_not_found(web, make, spo):
    other = make.case(make.team())
    web(spo).get(f"/allocation/cases/{other.id}", status=404)


# -- a task ------------------------------------------------------------------------------------------


def test_a_map_task_needs_the_mapping_skill(web, make, team, spo, database):
    holder = trained(make, make.user(Role.VLO, team, name="Holder"))
    mapper = trained(make, make.user(Role.VLO, team, name="Mapper", skills=("mapping",)))
    case = make.case(team, holder)
    work_services.open_map_task(case, clock.today())
    task = make.session.scalar(select(Task).where(Task.case_id == case.id))
    browser = web(spo)

    page = browser.get(f"/allocation/tasks/{task.id}")
    assert rows(page, "suggestions")[0] == str(mapper.id)
    assert "No mapping skill" in page

    browser.post(
        f"/allocation/tasks/{task.id}", {"vlo": str(mapper.id), "version": str(task.version)}, status=302
    )
    database.session.expire_all()
    assert database.session.get(Task, task.id).assigned_to_id == mapper.id


# -- many cases at once ---------------------------------------------------------------------------------


def test_bulk_allocation_previews_every_vlos_capacity_then_allocates_all(web, make, team, spo, database):
    vlos = [trained(make, make.user(Role.VLO, team)) for _ in range(3)]
    cases = [make.case(team) for _ in range(3)]
    browser = web(spo)
    query = "&".join(f"case={case.id}" for case in cases)

    page = browser.get(f"/allocation/plan?{query}")

    assert sorted(rows(page, "capacity")) == sorted(str(vlo.id) for vlo in vlos)
    assert len(re.findall(r'data-testid="capacity-change">\S+ → ', page)) == 3
    data = {"case": [str(c.id) for c in cases], "action": "confirm"}
    data.update({f"version-{c.id}": str(c.version) for c in cases})
    data.update({f"vlo-{c.id}": str(vlos[0].id) for c in cases})  # the SPO's edit: all to one
    browser.post("/allocation/plan", data, status=302, form_path=f"/allocation/plan?{query}")

    database.session.expire_all()
    assert {database.session.get(Case, c.id).allocated_vlo_id for c in cases} == {vlos[0].id}
    assert len(events(database, "case_allocated")) == 3


def test_a_bulk_refusal_allocates_nothing_and_shows_the_error_on_its_row(web, make, team, spo, database):
    trained(make, make.user(Role.VLO, team))
    untrained = make.user(Role.VLO, team, name="New Starter")  # no training: every case needs a reason
    cases = [make.case(team) for _ in range(2)]
    browser = web(spo)
    query = "&".join(f"case={case.id}" for case in cases)
    data = {"case": [str(c.id) for c in cases], "action": "confirm", f"vlo-{cases[1].id}": str(untrained.id)}
    data.update({f"version-{c.id}": str(c.version) for c in cases})

    response = browser.post("/allocation/plan", data, status=400, form_path=f"/allocation/plan?{query}")

    page = response.get_data(as_text=True)
    assert "Nothing was allocated" in page and "Enter why you are choosing New Starter" in page
    assert f'href="#reason-{cases[1].id}"' in page
    database.session.expire_all()
    assert all(database.session.get(Case, c.id).allocated_vlo_id is None for c in cases)
    assert events(database, "case_allocated") == []


def test_one_reason_can_cover_every_overriding_row(web, make, team, spo, database):
    untrained = make.user(Role.VLO, team, name="New Starter")  # every case needs a reason
    cases = [make.case(team) for _ in range(2)]
    browser = web(spo)
    query = "&".join(f"case={case.id}" for case in cases)
    data = {"case": [str(c.id) for c in cases], "action": "confirm", "reason-all": "Only VLO in post"}
    data.update({f"version-{c.id}": str(c.version) for c in cases})

    browser.post("/allocation/plan", data, status=302, form_path=f"/allocation/plan?{query}")

    database.session.expire_all()
    assert all(database.session.get(Case, c.id).allocated_vlo_id == untrained.id for c in cases)
    flagged = events(database, "case_allocated")
    assert len(flagged) == 2 and all(e.flagged and e.reason == "Only VLO in post" for e in flagged)


def test_a_case_changed_meanwhile_stops_the_whole_plan(web, make, team, spo, database):
    first = trained(make, make.user(Role.VLO, team, name="First One"))
    cases = [make.case(team) for _ in range(2)]
    browser = web(spo)
    query = "&".join(f"case={case.id}" for case in cases)
    data = {"case": [str(c.id) for c in cases], "action": "confirm"}
    data.update({f"version-{c.id}": str(c.version) for c in cases})
    cases[0].allocated_vlo_id = first.id  # another SPO, meanwhile
    database.session.flush()

    response = browser.post("/allocation/plan", data, status=400, form_path=f"/allocation/plan?{query}")

    assert "Someone else changed this case meanwhile" in response.get_data(as_text=True)
    database.session.expire_all()
    assert database.session.get(Case, cases[1].id).allocated_vlo_id is None


def test_a_refusal_while_applying_undoes_the_cases_before_it(web, make, team, spo, database):
    only = trained(make, make.user(Role.VLO, team, name="Only One"))
    waiting = make.case(team)
    held = make.case(team, only)  # already theirs: refused while applying, after the first
    cases = [waiting, held]
    browser = web(spo)
    query = "&".join(f"case={case.id}" for case in cases)
    data = {"case": [str(c.id) for c in cases], "action": "confirm"}
    data.update({f"version-{c.id}": str(c.version) for c in cases})

    response = browser.post("/allocation/plan", data, status=400, form_path=f"/allocation/plan?{query}")

    page = response.get_data(as_text=True)
    assert "The case is already allocated to Only One" in page and "Nothing was allocated" in page
    database.session.expire_all()
    assert database.session.get(Case, waiting.id).allocated_vlo_id is None
    assert events(database, "case_allocated") == []


def test_the_old_allocate_and_assign_pages_lead_to_the_suggestions(web, make, team, spo):
    case = make.case(team)
    page = web(spo).get(f"/cases/{case.id}/allocate")
    assert f'href="/allocation/cases/{case.id}"' in page


def test_rebalancing_moves_a_whole_caseload_audited_per_case_and_once_in_summary(
    web, make, team, spo, database
):
    leaving = trained(make, make.user(Role.VLO, team, name="Leaving"))
    stays = [trained(make, make.user(Role.VLO, team)) for _ in range(2)]
    cases = [make.case(team, leaving) for _ in range(4)]
    browser = web(spo)
    path = f"/allocation/rebalance/{leaving.id}"

    page = browser.get(path)
    assert sorted(rows(page, "plan")) == sorted(str(c.id) for c in cases)
    assert str(leaving.id) not in rows(page, "capacity")
    data = {"case": [str(c.id) for c in cases], "action": "confirm"}
    data.update({f"version-{c.id}": str(c.version) for c in cases})
    browser.post(path, data, status=302)

    database.session.expire_all()
    holders = [database.session.get(Case, c.id).allocated_vlo_id for c in cases]
    assert set(holders) == {s.id for s in stays}  # spread across the rest of the team
    assert len(events(database, "case_reallocated")) == 4
    [summary] = events(database, "caseload_rebalanced")
    assert summary.record_id == leaving.id and summary.details["cases"] == 4


def test_rebalancing_another_teams_vlo_is_not_found(web, make, spo):
    web(spo).get(f"/allocation/rebalance/{make.user(Role.VLO, make.team()).id}", status=404)


# -- statements ----------------------------------------------------------------------------------------


def _team_of(make, team, vlos: int, cases_each: int):
    people = [trained(make, make.user(Role.VLO, team, skills=("welsh",))) for _ in range(vlos)]
    for vlo in people:
        for _ in range(cases_each):
            make.case(team, vlo)
    return people


@pytest.mark.parametrize("page", ["queue", "suggestions"])
def test_the_queue_and_suggestions_read_a_fixed_number_of_statements(web, make, count_queries, page):
    def measure(vlos: int, cases_each: int) -> int:
        team = make.team()
        spo = make.user(Role.SPO, team)
        _team_of(make, team, vlos, cases_each)
        waiting = [welsh_child_case(make, team) for _ in range(cases_each)]
        path = "/allocation/" if page == "queue" else f"/allocation/cases/{waiting[0].id}"
        browser = web(spo)
        browser.get(path)  # warm up
        with count_queries() as seen:
            browser.get(path)
        return len(seen)

    small = measure(2, 5)
    large = measure(6, 60)
    print(f"\n{page}: {small} statements (2 VLOs, 5 cases each) and {large} (6 VLOs, 60 cases each)")
    assert 0 < small == large
