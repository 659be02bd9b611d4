"""CSV import of referrals: a preview listing every bad row with every reason, then all or
nothing, for SPOs only; the cases go to the SPO's team and region."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.helpers import post_with_token, send, signed_in
from victims.audit.models import AuditEvent
from victims.cases.models import Case
from victims.domain.vocabulary import Role
from victims.imports import background, services
from victims.imports.csv_format import COLUMNS
from victims.imports.models import ReferralUpload
from victims.people.models import Person
from victims.staff.models import Region
from victims.work.models import CaseDeadline, Task

UPLOAD = "/imports/referrals"
HEADER = [column.name for column in COLUMNS]


def row(**changes) -> dict:
    values = {
        "offender_crn": "X654321",
        "offender_first_name": "Simon",
        "offender_last_name": "Referred",
        "offender_prison_number": "A1234BC",
        "offence": "Wounding with intent",
        "offence_category": "violent",
        "sentence_type": "determinate",
        "length_months": "48",
        "sentence_date": "2025-12-02",
        "court": "Cambridge Crown Court",
        "crd": "2027-03-01",
        "received_on": "2025-12-18",
        "victim_relationship": "victim",
        "victim_first_name": "Vera",
        "victim_last_name": "Referral",
        "victim_address_line_1": "1 Referral Road",
        "victim_town": "Cambridge",
        "victim_postcode": "cb1 1aa",
    }
    values.update(changes)
    return values


def csv_bytes(rows: list[dict], header: list[str] | None = None, bom: bool = False) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header or HEADER, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


def upload(browser, content: bytes, filename: str = "referrals.csv", status: int = 200) -> str:
    # Encoded here, in memory: the test client would spool a large body to a temporary file
    # that it never closes.
    boundary, body = encode_multipart(
        {"csrf_token": browser.csrf_token(UPLOAD), "file": FileStorage(io.BytesIO(content), filename)}
    )
    response = send(
        browser, "post", UPLOAD, data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == status, response.status_code
    return response.get_data(as_text=True)


def text_of(html: str) -> str:
    """The page's words, without tags, with quotes and spaces as a person reads them."""
    words = re.sub(r"<[^>]+>", " ", html).replace("&#39;", "'").replace("&#34;", '"').replace("&amp;", "&")
    return " ".join(words.split())


def import_path(html: str) -> str:
    match = re.search(r'action="(/imports/referrals/\d+)"', html)
    assert match, "no import button"
    return match.group(1)


def run_import(browser, worker, preview: str, outcome: str = "done") -> str:
    """Press Import, let the worker run the import, and read the progress page it redirects to."""
    response = browser.post(import_path(preview), form_path=UPLOAD)
    assert response.status_code == 302, text_of(response.get_data(as_text=True))
    assert re.fullmatch(r"/imports/referrals/\d+/progress", response.location)
    assert worker.run() == [outcome]
    return text_of(browser.get(response.location))


def count(session, model, *where) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture()
def team(make):
    return make.team()


@pytest.fixture()
def spo(make, team):
    return make.user(Role.SPO, team)


@pytest.fixture()
def browser(app, spo):
    return signed_in(app, spo)


class Worker:
    """The Celery worker, in this process: what a request queued runs when `run()` is called."""

    def __init__(self):
        self.queued: list[tuple[str, list]] = []

    def send_task(self, name: str, args: list):
        self.queued.append((name, args))

    def run(self) -> list[str]:
        done = []
        while self.queued:
            name, args = self.queued.pop(0)
            assert name == "imports.run" and all(isinstance(arg, int) for arg in args)  # ids only
            done.append(background.run(*args).status)
        return done


@pytest.fixture()
def worker(app, monkeypatch):
    fake = Worker()
    monkeypatch.setattr(app.extensions["celery"], "send_task", fake.send_task)
    return fake


def test_the_template_downloads_and_its_example_row_is_a_good_referral(browser, database, frozen_clock):
    response = send(browser, "get", f"{UPLOAD}/template.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert rows[0] == HEADER and len(rows) == 2

    page = text_of(upload(browser, response.get_data()))
    assert "1 referral from 1 row" in page
    assert "Import 1 referral" in page


def test_a_good_file_imports_every_referral_with_deadlines(
    browser, database, team, spo, worker, frozen_clock
):
    rows = [
        row(),
        # Dates as a spreadsheet types them; the same offender, a second victim.
        row(
            sentence_date="02/12/2025",
            received_on="18/12/2025",
            crd="01/03/2027",
            victim_relationship="Bereaved relative",
            victim_first_name="Bob",
            victim_last_name="Relative",
            victim_address_line_1="",
            victim_town="",
            victim_postcode="",
            victim_email="bob@example.test",
            victim_channel="email",
            victim_large_print="yes",
        ),
        row(offender_crn="x765432", offender_last_name="Second", victim_first_name="Wendy"),
    ]
    preview = upload(browser, csv_bytes(rows, bom=True))
    words = text_of(preview)
    assert "2 referrals from 3 rows" in words
    assert "Import 2 referrals" in words
    assert count(database.session, Case) == 0  # nothing yet

    progress = run_import(browser, worker, preview)
    assert "Referrals imported 2 referrals from 3 rows" in progress
    assert "Outcome 2 cases opened" in progress
    assert "Finished 25 November 2026 at 10:00am" in progress
    cases = database.session.scalars(select(Case).order_by(Case.id)).all()
    assert len(cases) == 2
    assert {case.team_id for case in cases} == {team.id}
    assert {case.region_id for case in cases} == {team.region_id}
    assert all(case.allocated_vlo_id is None for case in cases)  # the team's queue
    assert all(case.scheme == "statutory" for case in cases)
    for case in cases:
        due = database.session.scalars(
            select(CaseDeadline.due_on).where(
                CaseDeadline.case_id == case.id, CaseDeadline.code == "initial_contact"
            )
        ).one()
        assert due.isoformat() == "2026-01-20"  # 20 working days after 18 December 2025
    people = database.session.scalars(select(Person).order_by(Person.id)).all()
    assert [person.first_name for person in people] == ["Vera", "Bob", "Wendy"]
    assert people[0].address_postcode == "CB1 1AA"
    assert people[1].channel == "email" and people[1].large_print
    assert people[1].relationship_ == "bereaved_relative"

    event = database.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "referrals_imported")
    ).one()
    assert event.user_id == spo.id and event.region_id == team.region_id
    assert event.details == {"rows": 3, "referrals": 2, "cases_opened": 2, "cases_found": 0, "passed_on": 0}
    # The file is forgotten once imported; the outcome is kept for the progress page.
    [kept] = database.session.scalars(select(ReferralUpload)).all()
    assert (kept.contents, kept.rows_done, kept.row_count) == (None, 3, 3)

    # The same import again finds nothing to import.
    again = browser.post(import_path(preview), form_path=UPLOAD)
    assert again.status_code == 404
    assert count(database.session, Case) == 2


def test_a_bad_row_shows_every_reason_and_nothing_can_be_imported(browser, database, frozen_clock):
    rows = [
        row(),
        row(
            offender_crn="X765432",
            offence_category="violentish",
            length_months="four years",
            received_on="31/02/2025",
            victim_postcode="nowhere",
            victim_email="not-an-email",
            victim_large_print="maybe",
            victim_first_name="",
        ),
    ]
    page = upload(browser, csv_bytes(rows))
    words = text_of(page)
    assert "2 referrals from 2 rows; 1 row has problems" in words
    assert "Nothing can be imported until every row is corrected" in words
    assert "Import" not in re.sub(r"Import referrals", "", words)  # no button
    assert "/imports/referrals/" not in page.replace("/imports/referrals/template.csv", "")
    line_3 = text_of(page.split('id="line-3"')[1].split("</tr>")[0])
    for reason in (
        "offence_category must be one of: violent, sexual",
        "length_months must be a whole number",
        "received_on must be a real date",
        "victim_postcode must be a real postcode, like AA1 1AA",
        "victim_email must be an email address",
        "victim_large_print must be yes or no",
        "victim_first_name is required",
    ):
        assert reason in line_3, reason
    line_2 = text_of(page.split('id="line-2"')[1].split("</tr>")[0])
    assert "Ready" in line_2
    assert count(database.session, ReferralUpload) == 0
    assert count(database.session, Case) == 0


def test_a_crafted_import_of_a_bad_file_stores_nothing(
    app, browser, database, spo, make, worker, frozen_clock
):
    text = csv_bytes([row(), row(offender_crn="X765432", sentence_date="2030-01-01")]).decode()
    stored = services.keep(text, services.check(text, spo.region_id, spo.team_id), spo)
    page = f'<form action="/imports/referrals/{stored.id}">'
    progress = run_import(browser, worker, page, "failed")
    assert "Nothing has been imported" in progress
    assert "Line 3: sentence_date must be today or in the past" in progress
    assert count(database.session, Case) == 0

    # Another SPO's upload, or one that does not exist, is not found.
    good = csv_bytes([row()]).decode()
    theirs = services.keep(good, services.check(good, spo.region_id, spo.team_id), make.user(Role.SPO))
    for path in (f"/imports/referrals/{theirs.id}", "/imports/referrals/999999"):
        assert browser.post(path, form_path=UPLOAD).status_code == 404
    assert count(database.session, Case) == 0


def test_a_failure_during_the_import_stores_nothing(browser, database, monkeypatch, worker, frozen_clock):
    preview = upload(browser, csv_bytes([row(), row(offender_crn="X765432", victim_first_name="Wendy")]))
    from victims.intake import services as intake
    from victims.refusals import Refused

    original = intake.receive

    def second_refused(data, **kwargs):
        # The first referral is stored before the second fails: all of it must go.
        if data["offender"]["crn"] == "X765432":
            raise Refused("was refused for this test", "/offender/crn")
        return original(data, **kwargs)

    monkeypatch.setattr(intake, "receive", second_refused)
    words = run_import(browser, worker, preview, "failed")
    assert "Line 3: offender_crn was refused for this test" in words
    assert "Nothing has been imported" in words
    assert count(database.session, Case) == 0
    assert count(database.session, Person) == 0
    assert count(database.session, AuditEvent, AuditEvent.action == "referrals_imported") == 0


def test_rows_with_one_crn_must_agree(browser, database, frozen_clock):
    rows = [
        row(),
        row(offence="Robbery", sentence_date="2025-11-01", victim_first_name="Bob"),
        row(offender_crn="x654321", victim_first_name="vera"),  # the same victim again
    ]
    words = text_of(upload(browser, csv_bytes(rows)))
    assert "1 referral from 3 rows; 2 rows have problems" in words
    assert "offence, sentence_date must be the same as on line 2, which has the same CRN" in words
    assert "The same victim is already on line 2 for this CRN" in words


def test_a_referral_for_an_open_case_with_other_release_dates_is_refused_in_the_preview(
    browser, database, team, make, frozen_clock
):
    make.case(team=team, crn="X654321", offender_last_name="Referred", crd=date(2027, 5, 1))
    words = text_of(upload(browser, csv_bytes([row()])))
    assert "The open case for this CRN holds other release dates (crd)" in words
    assert "record a release-date change on the case instead" in words


def test_a_victim_who_is_not_eligible_is_refused(browser, database, frozen_clock):
    rows = [row(), row(offender_crn="X765432", offence_category="other", sentence_type="community")]
    page = upload(browser, csv_bytes(rows))
    line_3 = text_of(page.split('id="line-3"')[1].split("</tr>")[0])
    assert "Not eligible:" in line_3
    assert "Import" not in re.sub(r"Import referrals", "", text_of(page))


def test_a_referral_for_an_open_case_adds_its_victims(browser, database, team, make, worker, frozen_clock):
    existing = make.case(team=team, crn="X654321", offender_last_name="Referred", crd=date(2027, 3, 1))
    preview = upload(browser, csv_bytes([row()]))
    assert "already has an open case in your team" in text_of(preview)
    assert "Outcome 1 added to an open case" in run_import(browser, worker, preview)
    assert count(database.session, Case) == 1
    assert (
        "Vera"
        in database.session.scalars(select(Person.first_name).where(Person.case_id == existing.id)).all()
    )


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"", "referrals.csv", "The selected file is empty"),
        ("\n".join([",".join(HEADER)]).encode(), "referrals.csv", "has no referrals in it"),
        ("offender_crn,Nom\nX654321,Émile\n".encode("latin-1"), "referrals.csv", "must be saved as UTF-8"),
        (csv_bytes([row()]).decode().encode("utf-16"), "referrals.csv", "must be saved as UTF-8"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "referrals.csv", "must be a CSV file"),
        (csv_bytes([row()]), "referrals.xlsx", "must be a CSV file"),
        (b"X654321,Simon,Referred\n", "referrals.csv", "The first row of the file must be the column names"),
        (
            csv_bytes([row()], header=[*HEADER, "victim_shoe_size"]),
            "referrals.csv",
            "columns this service does not know: victim_shoe_size",
        ),
        (
            csv_bytes(
                [{k: v for k, v in row().items() if k != "offence"}],
                header=[h for h in HEADER if h != "offence"],
            ),
            "referrals.csv",
            "missing the columns offence",
        ),
        (b"a" * (1024 * 1024 + 1), "referrals.csv", "must be smaller than 1 MB"),
    ],
    ids=[
        "empty",
        "header only",
        "latin-1",
        "utf-16",
        "binary",
        "not csv",
        "no header",
        "unknown",
        "missing",
        "too large",
    ],
)
def test_a_file_that_cannot_be_read_gets_a_clear_error(browser, database, content, filename, message):
    page = upload(browser, content, filename)
    assert "govuk-error-summary" in page and "govuk-form-group--error" in page
    assert message in text_of(page)
    assert count(database.session, ReferralUpload) == 0


def test_no_file_chosen(browser, database):
    response = browser.post(UPLOAD, {}, status=200)
    assert "Select a CSV file" in text_of(response.get_data(as_text=True))


@pytest.mark.parametrize("role", [Role.VLO, Role.MANAGER, Role.ADMIN])
def test_only_an_spo_can_import(app, database, make, team, spo, role):
    other = signed_in(app, make.user(role, team if role is Role.VLO else None))
    assert send(other, "get", UPLOAD).status_code == 403
    assert send(other, "get", f"{UPLOAD}/template.csv").status_code == 403
    good = csv_bytes([row()]).decode()
    stored = services.keep(good, services.check(good, spo.region_id, spo.team_id), spo)
    assert post_with_token(other, f"{UPLOAD}/{stored.id}", from_page="/").status_code == 403
    assert "Import referrals" not in send(other, "get", "/", follow_redirects=True).get_data(as_text=True)
    assert count(database.session, Case) == 0


def test_the_spo_sees_the_navigation_item(browser):
    assert "Import referrals" in browser.get("/", follow_redirects=True)


def test_another_teams_case_is_passed_on_and_never_written_to(
    browser, database, team, make, worker, frozen_clock
):
    """Intake adds no one to another team's case: that team gets a task to check the referral,
    which names no victim, and the preview does not say the other team has a case."""
    other_team = make.team(database.session.get(Region, team.region_id))
    theirs = make.case(team=other_team, crn="X654321", offender_last_name="Referred")
    preview = upload(browser, csv_bytes([row()]))
    assert "open case" not in text_of(preview)
    assert "1 passed to the team that holds the case, to check" in run_import(browser, worker, preview)
    names = database.session.scalars(select(Person.first_name).where(Person.case_id == theirs.id)).all()
    assert "Vera" not in names
    assert count(database.session, Case) == 1
    task = database.session.scalars(select(Task).where(Task.case_id == theirs.id)).one()
    assert (task.team_id, task.assigned_to_id) == (other_team.id, None)  # the team's queue: its SPOs
    assert "arrived from outside the team" in task.title and "Vera" not in task.title


def test_a_crn_recorded_for_another_offender_is_a_problem_in_the_preview(
    browser, database, make, frozen_clock
):
    make.case(team=make.team(), crn="X654321", offender_last_name="Different")
    preview = upload(browser, csv_bytes([row(), row(victim_first_name="Wendy")]))
    assert "Line 2: This CRN is recorded for another offender" in text_of(preview)
    assert "Line 3: This CRN is recorded for another offender" in text_of(preview)
    assert count(database.session, Case) == 1


def test_another_region_is_unaffected(app, database, make, worker, frozen_clock):
    east = make.case(
        team=make.team(make.region("east_of_england")), crn="X654321", offender_last_name="Referred"
    )
    london_team = make.team(make.region("london"))
    london = signed_in(app, make.user(Role.SPO, london_team))
    preview = upload(london, csv_bytes([row()]))
    assert "already has an open case" not in text_of(preview)
    run_import(london, worker, preview)
    opened = database.session.scalars(select(Case).where(Case.id != east.id)).one()
    assert (opened.region_id, opened.team_id) == (london_team.region_id, london_team.id)
    east_people = database.session.scalars(select(Person.first_name).where(Person.case_id == east.id)).all()
    assert "Vera" not in east_people


def test_a_request_over_the_size_limit_is_refused_before_it_is_read(app, make, frozen_clock):
    spo = make.user(Role.SPO)
    browser = signed_in(app, spo)
    page = upload(browser, b"x" * (2 * 1024 * 1024 + 1), status=413)
    assert "The file is too large" in page
