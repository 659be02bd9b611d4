"""Victims and contact persons: adding them, their preferences, opting out and back in
with the history kept, and revealing their contact details only with a recorded reason."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from tests.helpers import send, signed_in
from victims.audit.models import AuditEvent
from victims.domain.vocabulary import Role
from victims.people.models import ContactLevelChange, Person
from victims.staff.models import Team


def _field_error(html: str, field_id: str) -> str | None:
    match = re.search(rf'<p id="{field_id}-error" class="govuk-error-message">(.*?)</p>', html, re.S)
    if not match:
        return None
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", match.group(1))).replace("Error:", "").strip()


@pytest.fixture()
def desk(make, database):
    """A team with its VLO (allocated the case), another VLO and the SPO, and one victim."""
    team = make.team()
    vlo = make.user(Role.VLO, team)
    case = make.case(vlo=vlo, victims=0)
    victim = make.person(
        case,
        first_name="Rita",
        last_name="Reveal",
        address_line_1="9 Hidden Mews",
        address_postcode="HM9 9HM",
        telephone="01632 960 999",
        email="rita@example.test",
    )
    return {
        "team": team,
        "vlo": vlo,
        "colleague": make.user(Role.VLO, team),
        "spo": make.user(Role.SPO, team),
        "case": case,
        "victim": victim,
        "base": f"/cases/{case.id}/people/{victim.id}",
    }


def _events(database, action: str) -> list[AuditEvent]:
    return database.session.scalars(
        select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    ).all()


def _history(database, person: Person) -> list[tuple[str | None, str, str | None]]:
    changes = database.session.scalars(
        select(ContactLevelChange)
        .where(ContactLevelChange.person_id == person.id)
        .order_by(ContactLevelChange.id)
    )
    return [(change.old_level, change.new_level, change.reason) for change in changes]


# -- adding people -----------------------------------------------------------------------


def _person_form(**changes) -> dict:
    form = {
        "relationship": "bereaved_relative",
        "first_name": "Bea",
        "last_name": "Reaved",
        "address_line_1": "2 Family Close",
        "address_town": "Testbury",
        "address_postcode": "TE2 2ST",
        "contact_level": "annual",
        "channel": "post",
        "language": "cy",
        "large_print": "y",
    }
    form.update(changes)
    return {name: value for name, value in form.items() if value is not None}


def test_adding_a_person(app, desk, database):
    browser = signed_in(app, desk["vlo"])
    response = browser.post(f"/cases/{desk['case'].id}/people/new", _person_form())
    assert response.status_code == 302
    person = database.session.scalars(select(Person).where(Person.last_name == "Reaved")).one()
    assert (person.relationship_, person.contact_level, person.language, person.large_print) == (
        "bereaved_relative",
        "annual",
        "cy",
        True,
    )
    assert _history(database, person) == [(None, "annual", "Recorded at intake")]
    assert [event.record_id for event in _events(database, "person_added")] == [person.id]
    page = browser.get(f"/cases/{desk['case'].id}/people")
    assert "Bea Reaved" in page and "2 Family Close" not in page


def test_a_parent_or_guardian_acts_for_a_child_victim_on_the_case(app, desk, make, database):
    child = make.person(desk["case"], first_name="Kid", last_name="Victim", date_of_birth=date(2015, 1, 1))
    browser = signed_in(app, desk["vlo"])
    path = f"/cases/{desk['case'].id}/people/new"
    response = browser.post(path, _person_form(relationship="parent_guardian"))
    assert (
        _field_error(response.get_data(as_text=True), "acting_for")
        == "Choose the child victim this person acts for"
    )
    browser.post(path, _person_form(relationship="parent_guardian", acting_for=str(child.id)), status=302)
    guardian = database.session.scalars(select(Person).where(Person.last_name == "Reaved")).one()
    assert guardian.acting_for_id == child.id
    page = browser.get(f"/cases/{desk['case'].id}/people")
    assert "acts for Kid Victim" in page
    assert "Child: information goes to a parent or guardian until 18" in page


def test_a_guardian_cannot_act_for_someone_on_another_case(app, desk, make, database):
    other = make.case(vlo=desk["vlo"], victims=0)
    stranger = make.person(other)
    browser = signed_in(app, desk["vlo"])
    response = browser.post(
        f"/cases/{desk['case'].id}/people/new",
        _person_form(relationship="parent_guardian", acting_for=str(stranger.id)),
    )
    assert response.status_code == 200
    assert database.session.scalars(select(Person).where(Person.last_name == "Reaved")).all() == []


def test_adding_a_person_to_a_closed_case_is_not_possible(app, make, database):
    vlo = make.user(Role.VLO)
    case = make.case(vlo=vlo, status="closed")
    assert send(signed_in(app, vlo), "get", f"/cases/{case.id}/people/new").status_code == 404


# -- opting out and back in --------------------------------------------------------------


def test_opt_out_and_back_in_keeps_the_history(app, desk, database, frozen_clock):
    browser = signed_in(app, desk["vlo"])
    victim, base = desk["victim"], desk["base"]
    case_page = f"/cases/{desk['case'].id}/people"
    assert "Opt out" in browser.get(case_page)

    response = browser.post(f"{base}/opt-out", {"reason": "Moving on with her life"})
    assert response.status_code == 302
    database.session.refresh(victim)
    assert victim.contact_level == "opted_out"
    page = browser.get(case_page)
    assert "Rita Reveal has opted out" in page
    assert "Opt back in" in page

    # Opting out twice is refused, and nothing more is recorded.
    browser.post(f"{base}/opt-out", {"reason": "Again"}, status=302)
    assert "has already opted out" in browser.get(case_page)

    frozen_clock.advance(minutes=20)
    response = browser.post(
        f"{base}/opt-in", {"contact_level": "month_of_release", "reason": "Changed her mind"}
    )
    assert response.status_code == 302
    database.session.refresh(victim)
    assert victim.contact_level == "month_of_release"

    assert _history(database, victim) == [
        (None, "key_stages", None),  # the factory's intake record
        ("key_stages", "opted_out", "Moving on with her life"),
        ("opted_out", "month_of_release", "Changed her mind"),
    ]
    assert [event.user_id for event in _events(database, "opted_out")] == [desk["vlo"].id]
    assert [event.user_id for event in _events(database, "opted_in")] == [desk["vlo"].id]
    page = browser.get(case_page)
    assert "Key stages (all updates) → Opted out" in page
    assert "Opted out → Month of release only" in page
    assert "Changed her mind" in page


def test_opting_back_in_needs_a_level_and_an_opt_out_first(app, desk, database):
    browser = signed_in(app, desk["vlo"])
    base = desk["base"]
    browser.post(f"{base}/opt-in", {"contact_level": "annual"}, status=302)
    assert "has not opted out" in browser.get(f"/cases/{desk['case'].id}")
    browser.post(f"{base}/opt-out", {}, status=302)
    response = browser.post(f"{base}/opt-in", {"contact_level": "opted_out"})
    assert response.status_code == 200
    assert _field_error(response.get_data(as_text=True), "contact_level") == "Not a valid choice."
    database.session.refresh(desk["victim"])
    assert desk["victim"].contact_level == "opted_out"


def test_the_preferences_form_cannot_be_used_to_opt_out(app, desk, database):
    browser = signed_in(app, desk["vlo"])
    response = browser.post(
        f"{desk['base']}/preferences",
        {"contact_level": "opted_out", "channel": "post", "language": "en", "version": "1"},
    )
    assert response.status_code == 200
    assert "use ‘Opt out’ so the reason is recorded" in response.get_data(as_text=True)
    database.session.refresh(desk["victim"])
    assert desk["victim"].contact_level == "key_stages"


def test_changing_preferences_records_the_level_change(app, desk, database):
    browser = signed_in(app, desk["vlo"])
    browser.post(
        f"{desk['base']}/preferences",
        {"contact_level": "annual", "channel": "post", "language": "cy", "version": "1", "large_print": "y"},
        status=302,
    )
    victim = desk["victim"]
    database.session.refresh(victim)
    assert (victim.contact_level, victim.language, victim.large_print) == ("annual", "cy", True)
    assert _history(database, victim)[-1] == ("key_stages", "annual", None)
    assert _events(database, "preferences_changed")[0].details == {
        "fields": ["contact_level", "language", "large_print"]
    }


def test_a_stale_preferences_save_shows_what_changed(app, desk, database):
    mine, theirs = signed_in(app, desk["vlo"]), signed_in(app, desk["spo"])
    path = f"{desk['base']}/preferences"
    theirs.post(
        path, {"contact_level": "annual", "channel": "post", "language": "en", "version": "1"}, status=302
    )
    response = mine.post(
        path, {"contact_level": "key_stages", "channel": "post", "language": "cy", "version": "1"}
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Someone else changed this while you were editing" in html
    assert "Language for letters" in html
    database.session.refresh(desk["victim"])
    assert (desk["victim"].contact_level, desk["victim"].language) == ("annual", "en")


SAFE_TIMES = "Only after the school run, never on Fridays"


def test_safe_contact_times_are_hidden_on_the_preferences_page_until_a_reveal(app, desk, database):
    desk["victim"].safe_contact_times = SAFE_TIMES
    database.session.flush()
    browser = signed_in(app, desk["colleague"])
    path = f"{desk['base']}/preferences"
    page = browser.get(path)
    assert SAFE_TIMES not in page and "never on Fridays" not in page
    assert f'href="{path}/reveal"' in page  # "Show safe times to contact", with a reason
    assert _events(database, "contact_details_viewed") == []

    # Saving the other preferences keeps the times they could not see.
    version = str(desk["victim"].version)
    browser.post(
        path, {"contact_level": "annual", "channel": "post", "language": "en", "version": version}, status=302
    )
    database.session.refresh(desk["victim"])
    assert (desk["victim"].contact_level, desk["victim"].safe_contact_times) == ("annual", SAFE_TIMES)

    response = browser.post(f"{path}/reveal", {"reason": "Victim asked to change when we call"}, status=302)
    assert response.headers["Location"] == path
    [revealed] = _events(database, "contact_details_revealed")
    assert (revealed.flagged, revealed.reason, revealed.details) == (
        True,
        "Victim asked to change when we call",
        {"for": "preferences"},
    )
    page = browser.get(path)
    assert SAFE_TIMES in page
    [viewed] = _events(database, "contact_details_viewed")
    assert (viewed.flagged, viewed.details) == (True, {"fields": ["safe_contact_times"]})

    # After the reveal they can be changed, and emptied.
    version = str(desk["victim"].version)
    browser.post(
        path,
        {
            "contact_level": "annual",
            "channel": "post",
            "language": "en",
            "version": version,
            "safe_contact_times": "",
        },
        status=302,
    )
    database.session.refresh(desk["victim"])
    assert desk["victim"].safe_contact_times is None


def test_a_stale_preferences_save_does_not_show_hidden_safe_times(app, desk, database):
    desk["victim"].safe_contact_times = SAFE_TIMES
    database.session.flush()
    version = str(desk["victim"].version)
    mine, theirs = signed_in(app, desk["vlo"]), signed_in(app, desk["spo"])
    path = f"{desk['base']}/preferences"
    theirs.post(f"{path}/reveal", {"reason": "Victim phoned about call times"}, status=302)
    theirs.post(
        path,
        {
            "contact_level": "annual",
            "channel": "post",
            "language": "en",
            "version": version,
            "safe_contact_times": SAFE_TIMES + ", mornings only",
        },
        status=302,
    )
    response = mine.post(
        path, {"contact_level": "key_stages", "channel": "post", "language": "cy", "version": version}
    )
    assert response.status_code == 409
    assert "Language for letters" in response.get_data(as_text=True)
    assert "mornings only" not in response.get_data(as_text=True)


def test_the_reveal_page_says_everything_that_a_reveal_shows(app, desk):
    page = signed_in(app, desk["vlo"]).get(f"{desk['base']}/reveal")
    for shown in ("address", "telephone", "email", "safe times to contact", "exclusion-zone"):
        assert shown in page


# -- revealing contact details -----------------------------------------------------------


def test_reveal_needs_a_reason(app, desk, database):
    browser = signed_in(app, desk["vlo"])
    page = browser.get(f"{desk['base']}/reveal")
    assert "9 Hidden Mews" not in page
    assert "This case is not allocated to you" not in page
    response = browser.post(f"{desk['base']}/reveal", {"reason": ""})
    html = response.get_data(as_text=True)
    assert _field_error(html, "reason") == "Enter why you need to see the address and contact details"
    assert "9 Hidden Mews" not in html
    response = browser.post(f"{desk['base']}/reveal", {"reason": "abc"})
    assert (
        _field_error(response.get_data(as_text=True), "reason")
        == "Reason must be between 5 and 500 characters"
    )
    assert _events(database, "contact_details_revealed") == []


def test_reveal_by_the_allocated_vlo_is_recorded_unflagged(app, desk, database):
    browser = signed_in(app, desk["vlo"])
    response = browser.post(f"{desk['base']}/reveal", {"reason": "Posting the initial letter"}, status=200)
    html = response.get_data(as_text=True)
    for detail in ("9 Hidden Mews", "HM9 9HM", "01632 960 999", "rita@example.test"):
        assert detail in html
    [event] = _events(database, "contact_details_revealed")
    assert (event.user_id, event.record_id, event.case_id, event.reason, event.flagged) == (
        desk["vlo"].id,
        desk["victim"].id,
        desk["case"].id,
        "Posting the initial letter",
        False,
    )
    assert event.details is None  # the details themselves are never written to the trail


@pytest.mark.parametrize("who", ["colleague", "spo"])
def test_reveal_by_anyone_else_is_flagged(app, desk, database, who):
    browser = signed_in(app, desk[who])
    assert "This case is not allocated to you" in browser.get(f"{desk['base']}/reveal")
    browser.post(f"{desk['base']}/reveal", {"reason": "Covering while the VLO is on leave"}, status=200)
    [event] = _events(database, "contact_details_revealed")
    assert event.user_id == desk[who].id
    assert event.flagged is True


def test_the_details_never_sit_behind_a_get(app, desk):
    """After a reveal the case page still hides them: they are shown only in the POST's answer."""
    browser = signed_in(app, desk["vlo"])
    browser.post(f"{desk['base']}/reveal", {"reason": "Posting the initial letter"}, status=200)
    for section in ("", "/people"):
        page = browser.get(f"/cases/{desk['case'].id}{section}")
        assert "Rita Reveal" in page and "9 Hidden Mews" not in page
    assert "9 Hidden Mews" not in browser.get(f"{desk['base']}/reveal")


# -- changing details --------------------------------------------------------------------


def _details_form(**changes) -> dict:
    form = {
        "first_name": "Rita",
        "last_name": "Reveal",
        "date_of_birth": ["15", "6", "1985"],  # the factory's
        "address_line_1": "10 New Road",
        "address_town": "Newtown",
        "address_postcode": "NT1 1NT",
        "telephone": "01632 960 999",
        "email": "rita@example.test",
        "reason": "Victim moved house",
        "version": "1",
    }
    form.update(changes)
    return form


def test_changing_details_needs_a_recent_reveal(app, desk, database, frozen_clock):
    browser = signed_in(app, desk["vlo"])
    path = f"{desk['base']}/details"
    response = send(browser, "get", path)
    assert response.status_code == 302
    assert response.headers["Location"] == f"{desk['base']}/reveal"
    # A POST without a reveal is refused the same way, and saves nothing.
    token = re.search(r'data-csrf-token="([^"]+)"', browser.get(f"/cases/{desk['case'].id}")).group(1)
    response = send(browser, "post", path, data={**_details_form(), "csrf_token": token})
    assert response.status_code == 302
    database.session.refresh(desk["victim"])
    assert desk["victim"].address_line_1 == "9 Hidden Mews"

    browser.post(f"{desk['base']}/reveal", {"reason": "Victim phoned with a new address"}, status=200)
    page = browser.get(path)
    assert 'value="9 Hidden Mews"' in page
    viewed = _events(database, "contact_details_viewed")
    assert [(event.user_id, event.flagged) for event in viewed] == [(desk["vlo"].id, False)]

    # The reveal lasts ten minutes.
    frozen_clock.advance(minutes=11)
    assert send(browser, "get", path).status_code == 302


def test_changing_details_after_a_reveal_is_saved_and_audited(app, desk, database, frozen_clock):
    browser = signed_in(app, desk["vlo"])
    browser.post(f"{desk['base']}/reveal", {"reason": "Victim phoned with a new address"}, status=200)
    response = browser.post(f"{desk['base']}/details", _details_form())
    assert response.status_code == 302
    victim = desk["victim"]
    database.session.refresh(victim)
    assert (victim.address_line_1, victim.address_town, victim.address_postcode) == (
        "10 New Road",
        "Newtown",
        "NT1 1NT",
    )
    [event] = _events(database, "person_details_changed")
    assert event.reason == "Victim moved house"
    assert event.details == {"fields": ["address_line_1", "address_town", "address_postcode"]}
    assert event.flagged is False
    assert "10 New Road" not in str(event.details)


def test_changing_details_needs_a_reason(app, desk, database, frozen_clock):
    browser = signed_in(app, desk["vlo"])
    browser.post(f"{desk['base']}/reveal", {"reason": "Victim phoned with a new address"}, status=200)
    response = browser.post(f"{desk['base']}/details", _details_form(reason=""))
    assert response.status_code == 200
    assert _field_error(response.get_data(as_text=True), "reason") == "Enter the reason for the change"
    database.session.refresh(desk["victim"])
    assert desk["victim"].address_line_1 == "9 Hidden Mews"


def test_a_colleague_changing_the_address_is_flagged(app, desk, database, frozen_clock):
    browser = signed_in(app, desk["colleague"])
    browser.post(f"{desk['base']}/reveal", {"reason": "Covering the caseload"}, status=200)
    browser.post(f"{desk['base']}/details", _details_form(), status=302)
    [event] = _events(database, "person_details_changed")
    assert event.flagged is True


def test_a_reveal_is_for_one_person_only(app, desk, make, database, frozen_clock):
    other = make.person(desk["case"], first_name="Other")
    browser = signed_in(app, desk["vlo"])
    browser.post(f"{desk['base']}/reveal", {"reason": "Posting the initial letter"}, status=200)
    response = send(browser, "get", f"/cases/{desk['case'].id}/people/{other.id}/details")
    assert response.status_code == 302


def test_a_person_from_another_case_is_not_found_through_this_one(app, desk, make):
    other_case = make.case(vlo=desk["vlo"])
    other_person = make.person(other_case)
    browser = signed_in(app, desk["vlo"])
    for action in ("reveal", "preferences", "opt-out", "opt-in", "details"):
        assert (
            send(browser, "get", f"/cases/{desk['case'].id}/people/{other_person.id}/{action}").status_code
            == 404
        )


def test_team_is_what_decides(app, desk, make, database):
    """A VLO moved to another team loses the case at once."""
    browser = signed_in(app, desk["colleague"])
    assert send(browser, "get", f"{desk['base']}/reveal").status_code == 200
    colleague = desk["colleague"]
    database.session.refresh(colleague)
    colleague.team_id = make.team().id
    database.session.flush()
    assert send(browser, "get", f"{desk['base']}/reveal").status_code == 404
    assert isinstance(desk["team"], Team)
