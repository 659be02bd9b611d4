"""Issue 12, item 2: instructions never print. A template's guidance ("Give the offence and the
sentence.") is a field of its section, shown to the writer beside the box as a hint, never part
of the text, so it cannot reach a printed or sent letter; a letter whose text has it fails.

The frozen clock stands on Wednesday 25 November 2026."""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from tests.helpers import post_with_token
from victims.domain.letters import LetterStatus, LetterType
from victims.domain.vocabulary import Role
from victims.extensions import db
from victims.letters import sending, services, template_versions
from victims.letters.models import Letter
from victims.people.models import Person

GUIDANCE = "Give the offence and the sentence."
VERSION = re.compile(r'name="version" type="hidden" value="(\d+)"')


@pytest.fixture()
def today(frozen_clock):
    frozen_clock.set(datetime(2026, 11, 25, 10, 0, tzinfo=UTC))
    return frozen_clock


@pytest.fixture()
def casework(make, database, today):
    unit = make.team()
    vlo = make.user(Role.VLO, team=unit, name="Vera Liaison")
    vlo.phone = "01632 960 123"
    case = make.case(vlo=vlo, crd=date(2027, 3, 1))
    victim = database.session.scalars(select(Person).where(Person.case_id == case.id)).one()
    return {"vlo": vlo, "case": case, "victim": victim}


def _pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    run = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    return " ".join(run.stdout.decode().split())


def test_a_letter_saved_unchanged_from_the_built_in_template_has_no_guidance(web, casework, tmp_path):
    browser = web(casework["vlo"])
    response = browser.post(
        f"/cases/{casework['case'].id}/letters/new",
        {"letter_type": "initial_contact", "person": str(casework["victim"].id)},
        status=302,
    )
    path = response.headers["Location"]
    page = browser.get(path)
    # Shown to the writer as GOV.UK hint text beside the opening's box, not inside it.
    assert re.search(r'class="govuk-hint app-guidance"[^>]*>\s*Give the offence and the sentence\.', page)
    box = re.search(r'<textarea[^>]*name="section_opening"[^>]*>(.*?)</textarea>', page, re.S).group(1)
    assert "offence and the sentence" not in box
    # Saved unchanged: the check asks for what the guidance says, and nothing of it is printed.
    browser.post(
        path,
        {
            "section_opening": box.strip().replace("&#39;", "'"),
            "large_print": "no",
            "channel": "post",
            "version": VERSION.search(page).group(1),
        },
        status=302,
    )
    page = browser.get(path)
    assert "“Opening” is as the template has it. Write what its guidance asks: Give the offence" in page
    letter = db.session.get(Letter, int(path.rsplit("/", 1)[1]))
    filled = "\n".join(f"{heading}\n{body}" for heading, body, _ in services.filled_sections(letter))
    assert "offence and the sentence" not in filled
    assert "offence and the sentence" not in sending.email_body(letter)
    assert "offence and the sentence" not in _pdf_text(services.pdf_bytes(letter), tmp_path)


def test_a_letter_with_the_guidance_pasted_in_cannot_be_approved(web, casework):
    browser = web(casework["vlo"])
    response = browser.post(
        f"/cases/{casework['case'].id}/letters/new",
        {"letter_type": "initial_contact", "person": str(casework["victim"].id)},
        status=302,
    )
    path = response.headers["Location"]
    letter_id = int(path.rsplit("/", 1)[1])
    page = browser.get(path)
    browser.post(
        path,
        {
            "section_opening": "Dear Jane,\n\nHe was sentenced for burglary. give the offence and the\nsentence",  # noqa: E501
            "large_print": "no",
            "channel": "post",
            "version": VERSION.search(page).group(1),
        },
        status=302,
    )
    page = browser.get(path)
    assert 'data-check="finished" data-passed="no"' in page
    assert f"“Opening” still has the template’s guidance “{GUIDANCE}”" in page
    version = VERSION.search(page).group(1)
    post_with_token(browser, f"/letters/{letter_id}/approve", {"version": version}, from_page=path)
    db.session.expire_all()
    assert db.session.get(Letter, letter_id).status == LetterStatus.DRAFT


def test_an_administrators_new_version_keeps_guidance_separate(web, make, casework):
    admin = make.user(Role.ADMIN, national=True)
    browser = web(admin)
    path = "/admin/letter-templates/initial_contact/en"
    page = browser.get(path)
    assert 'name="guidance_opening"' in page and GUIDANCE in page
    template = template_versions.current_template(LetterType.INITIAL_CONTACT, "en")
    form = {f"heading_{s.key}": s.heading for s in template.sections}
    form |= {f"body_{s.key}": s.body for s in template.sections}
    form |= {f"guidance_{s.key}": s.guidance for s in template.sections if not s.locked}
    form |= {"title": template.title, "note": "Clearer guidance", "guidance_opening": "Name the offence."}
    browser.post(path, form, status=302)
    saved = template_versions.current_template(LetterType.INITIAL_CONTACT, "en")
    [opening] = [s for s in saved.sections if s.key == "opening"]
    assert (saved.version, opening.guidance) == (2, "Name the offence.")
    assert "Name the offence" not in opening.body

    # Guidance written into the text itself is refused.
    form |= {"body_opening": opening.body + "\n\nName the offence."}
    page = browser.post(path, form, status=200).get_data(as_text=True)
    assert "“Opening” has its guidance in its text" in page
