"""What the rest of the service accepts and refuses, the CSV import does too (issue 11).

- Old real sentences (a life sentence from 2005, an IPP from 1999, a parole eligibility date of
  2008) pass the preview and import with their deadlines: those already past are history.
- Dates that cannot be real (a 20-digit year, a release date beyond the calendar's years) are a
  row's problem in the preview, not a preview that passes and an import that fails.
- Text with a NUL, a direction override (U+202E) or a lone surrogate is a problem of its row and
  column (victims.domain.text, the rule of every other way in), every such row is listed, and
  nothing is kept.
"""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from tests.helpers import signed_in
from tests.integration.cases.test_dates_outside_the_calendar import OLD_SENTENCES
from tests.integration.imports.test_imports import (
    HEADER,
    Worker,
    count,
    csv_bytes,
    row,
    run_import,
    text_of,
    upload,
)
from victims.cases.models import Case, Sentence
from victims.domain.vocabulary import Role
from victims.imports.models import ReferralUpload
from victims.work.models import CaseDeadline


@pytest.fixture()
def browser(app, make):
    return signed_in(app, make.user(Role.SPO, make.team()))


@pytest.fixture()
def worker(app, monkeypatch):
    fake = Worker()
    monkeypatch.setattr(app.extensions["celery"], "send_task", fake.send_task)
    return fake


def _old(example: dict, crn: str) -> dict:
    life_like = example["sentence_type"] in {"life", "ipp"}
    return row(
        offender_crn=crn,
        sentence_type=example["sentence_type"],
        length_months="" if life_like else "120",
        sentence_date=example["sentence_date"],
        crd="",
        ped=example["dates"]["ped"],
    )


def test_old_sentences_preview_and_import_with_their_deadlines(browser, database, worker, frozen_clock):
    rows = [_old(example, f"X{100001 + number}") for number, example in enumerate(OLD_SENTENCES.values())]
    preview = upload(browser, csv_bytes(rows))
    assert "3 referrals from 3 rows" in text_of(preview), text_of(preview)
    assert "Import 3 referrals" in text_of(preview)

    assert "Outcome 3 cases opened" in run_import(browser, worker, preview)
    sentences = database.session.scalars(select(Sentence).order_by(Sentence.id)).all()
    assert [(s.sentence_date.isoformat(), s.ped.isoformat()) for s in sentences] == [
        (example["sentence_date"], example["dates"]["ped"]) for example in OLD_SENTENCES.values()
    ]
    for case in database.session.scalars(select(Case)):
        codes = database.session.scalars(
            select(CaseDeadline.code).where(CaseDeadline.case_id == case.id)
        ).all()
        assert codes, "each case has its deadlines, past ones included"


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"sentence_date": "20240000000000000001-01-01"}, "sentence_date must be a date written"),
        ({"crd": "2999-12-31"}, "crd: Enter a date between 1 January 1900 and 31 December"),
        ({"crd": "31/12/9999"}, "crd: Enter a date between 1 January 1900 and 31 December"),
    ],
)
def test_a_date_that_cannot_be_real_is_a_problem_in_the_preview(browser, database, changes, reason):
    page = text_of(upload(browser, csv_bytes([row(), row(offender_crn="X765432", **changes)])))
    assert "1 row has problems" in page
    assert f"Line 3: {reason}" in page
    assert count(database.session, ReferralUpload) == 0


def test_characters_nobody_types_are_a_problem_of_their_row_and_column(browser, database):
    rows = [
        row(),
        row(offender_crn="X100002", victim_last_name="Nul\x00l"),
        row(offender_crn="X100003", victim_last_name="\u202eecnerruc"),
        row(offender_crn="X100004", victim_town="Cam\ud800bridge", offence="Wounding\u202d"),
    ]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADER, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    raw = out.getvalue().encode("utf-8", "surrogatepass")  # the surrogate as UTF-8 would write one
    page = text_of(upload(browser, raw))
    assert "4 referrals from 4 rows; 3 rows have problems" in page
    assert "Line 3: victim_last_name must not contain control characters" in page
    assert (
        "Line 4: victim_last_name must not contain characters that change the direction text is shown in"
        in page
    )
    assert "Line 5: victim_town must be text in Unicode: it has a character that cannot be stored" in page
    assert "Line 5: offence must not contain characters that change the direction text is shown in" in page
    assert page.count("Line 3:") == 1  # said once, not again in the schema's words
    assert count(database.session, ReferralUpload) == 0  # nothing kept
    assert count(database.session, Case) == 0
