"""Loading and checking the letter-text files (victims.letters.defaults.load_texts).

Each test copies the real files to a temporary directory, breaks the copy in one way, and checks
that loading it fails with a message naming the file, the letter type, the language and the
problem, as the service would at start-up.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from victims.domain.letters import LetterType
from victims.letters.defaults import TEXTS_DIR, LetterTextsError, load_texts


@pytest.fixture()
def texts(tmp_path) -> Path:
    directory = tmp_path / "texts"
    shutil.copytree(TEXTS_DIR, directory)
    return directory


def edit(directory: Path, name: str, old: str, new: str, count: int = 1) -> None:
    """Replace `old` (which must be there, `count` times) in a copied file."""
    path = directory / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == count, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def problems(directory: Path) -> list[str]:
    with pytest.raises(LetterTextsError) as caught:
        load_texts(directory)
    found = [str(problem) for problem in caught.value.problems]
    assert found
    assert str(caught.value).startswith("The built-in letter texts have ")
    for problem in found:
        assert f"- {problem}" in str(caught.value)
    return found


def has(found: list[str], *parts: str) -> bool:
    return any(all(part in problem for part in parts) for problem in found)


def test_an_unbroken_copy_loads_like_the_built_in_texts(texts):
    assert dict(load_texts(texts)) == dict(load_texts())


def test_how_a_body_is_laid_out_in_the_file_does_not_change_the_letter(texts):
    # Indentation, spaces at the end of a line, extra blank lines, a blank line before a bullet,
    # Windows line endings and a decomposed "â" all give the letter as it was.
    edit(texts, "en.toml", "\n- key stages of the sentence", "\n\n\n  - key stages of the sentence")
    edit(texts, "en.toml", "or a temporary release\n", "or a temporary release \t \n")
    edit(texts, "en.toml", " You do not have to join.\n", " You do not have to join.  \n\n\n")
    edit(texts, "cy.toml", "Annwyl ((recipient_name)),\n", "   Annwyl ((recipient_name)),\t\n", count=9)
    edit(texts, "cy.toml", "â chi", "a\u0302 chi", count=13)
    path = texts / "cy.toml"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert dict(load_texts(texts)) == dict(load_texts())


def test_a_missing_locked_section(texts):
    edit(texts, "cy.toml", '[[pre_release.sections]]\nshared = "unwanted_contact"\n\n', "")
    found = problems(texts)
    assert has(
        found,
        "cy.toml",
        "Pre-release letter (pre_release)",
        "Welsh (cy)",
        "the locked section 'unwanted_contact' is missing",
    )
    # And the Welsh letter no longer has the sections of the English one.
    assert has(found, "cy.toml", "Pre-release letter", "the sections are not those of en.toml")
    assert not has(found, "en.toml, ")


def test_a_locked_section_that_is_not_locked(texts):
    edit(
        texts,
        "en.toml",
        '[shared.sign_off]\nheading = "Sign-off"\nlocked = true\n',
        '[shared.sign_off]\nheading = "Sign-off"\n',
    )
    found = problems(texts)
    for letter_type in LetterType:
        assert has(found, "en.toml", f"({letter_type.value})", "English (en)", "'sign_off' must be locked")


def test_an_unwanted_contact_section_that_misses_a_point(texts):
    edit(texts, "cy.toml", "ffoniwch 999. Fel arall", "ffoniwch yr heddlu. Fel arall")
    found = problems(texts)
    for letter_type in ("Initial contact letter (initial_contact)", "Pre-release letter (pre_release)"):
        assert has(
            found,
            "cy.toml",
            letter_type,
            "Welsh (cy)",
            "“Os bydd y troseddwr yn cysylltu â chi” must tell the victim: call 999 in an emergency",
        )


def test_an_unknown_placeholder(texts):
    edit(texts, "en.toml", "about ((offender_name))’s sentence", "about ((offender_nmae))’s sentence")
    found = problems(texts)
    assert has(
        found,
        "en.toml",
        "Initial contact letter (initial_contact)",
        "English (en)",
        "“What the Victim Contact Scheme is” uses placeholders the service does not know: ((offender_nmae))",
    )


def test_an_unknown_placeholder_in_a_title_or_a_shared_section(texts):
    edit(texts, "cy.toml", 'title = "Adolygiad parôl y troseddwr"', 'title = "Adolygiad parôl ((carchar))"')
    edit(texts, "cy.toml", "Yn gywir,", "Yn gywir, ((swyddog))")
    found = problems(texts)
    assert has(found, "cy.toml", "Parole letter (parole)", "Welsh (cy)", "The title", "((carchar))")
    assert has(found, "cy.toml, Welsh (cy): [shared.sign_off] “Cloi” uses placeholders", "((swyddog))")


def test_an_exact_release_date(texts):
    edit(texts, "en.toml", "around ((release_month))", "on ((release_date))")
    found = problems(texts)
    assert has(found, "en.toml", "Pre-release letter", "English (en)", "the month of release, never the date")


def test_a_badly_written_placeholder(texts):
    edit(texts, "en.toml", "write to tell you which of your requests", "write to ((Recipient Name)) about")
    found = problems(texts)
    assert has(
        found,
        "en.toml",
        "Pre-release letter (pre_release)",
        "“How and when to tell us what you want” has a badly written placeholder near",
        "((Recipient Name))",
    )


def test_an_unclosed_note_for_the_vlo(texts):
    edit(texts, "cy.toml", "erbyn [ychwanegwch y dyddiad] os", "erbyn [ychwanegwch y dyddiad os")
    found = problems(texts)
    assert has(found, "cy.toml", "Parole letter (parole)", "Welsh (cy)", "a [note] that is not closed")


def test_guidance_is_plain_words_on_one_line(texts):
    edit(
        texts,
        "en.toml",
        'guidance = "Give the offence and the sentence."',
        'guidance = "[Give the offence.]"',
    )
    found = problems(texts)
    assert has(
        found, "en.toml", "Initial contact letter (initial_contact)", "guidance is one line of plain words"
    )


def test_a_missing_language(texts):
    (texts / "cy.toml").unlink()
    found = problems(texts)
    assert found == [
        f"{texts / 'cy.toml'}, Welsh (cy): the file is missing: every letter needs a template in Welsh"
    ]


def test_a_letter_missing_from_one_language(texts):
    path = texts / "cy.toml"
    text = path.read_text(encoding="utf-8")
    start, end = text.index("\n[parole]\n"), text.index("\n[conditions_outcome]\n")
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    found = problems(texts)
    assert has(
        found,
        "cy.toml",
        "Parole letter (parole)",
        "Welsh (cy)",
        "the letter is missing: add a [parole] table",
    )


def test_a_toml_syntax_error(texts):
    edit(texts, "en.toml", 'title = "The offender’s parole review"', "title = The offender’s parole review")
    found = problems(texts)
    assert len(found) == 1
    assert re.fullmatch(
        r".*en\.toml, English \(en\): the file is not valid TOML: .*\(at line \d+, column \d+\)", found[0]
    )


def test_a_file_that_is_not_utf8(texts):
    path = texts / "cy.toml"
    path.write_bytes(path.read_text(encoding="utf-8").encode("latin-1", errors="replace"))
    assert has(problems(texts), "cy.toml", "Welsh (cy)", "the file is not UTF-8 text")


def test_two_sections_with_the_same_key(texts):
    edit(texts, "en.toml", 'key = "what_you_can_be_told"', 'key = "about_the_scheme"')
    found = problems(texts)
    assert has(
        found, "en.toml", "Initial contact letter", "more than one section with key = 'about_the_scheme'"
    )


def test_a_misspelt_field_or_shared_section(texts):
    edit(texts, "en.toml", 'heading = "What recall means"', 'heding = "What recall means"')
    edit(texts, "en.toml", 'shared = "support"', 'shared = "suport"', count=2)
    found = problems(texts)
    assert has(found, "en.toml", "Recall letter (recall)", "section 2 (what_recall_means)", "has “heding”")
    assert has(
        found, "en.toml", "Case closure letter (case_closure)", "shared = 'suport'", "not one of the shared"
    )


def test_an_unknown_letter_type(texts):
    edit(texts, "cy.toml", "[annual]\n", "[annaul]\n")
    found = problems(texts)
    assert has(found, "cy.toml, Welsh (cy): [annaul] is not a letter type")


def test_a_translation_with_its_sections_in_another_order(texts):
    edit(texts, "cy.toml", 'key = "about_parole"', 'key = "after_the_decision_"')
    edit(texts, "cy.toml", 'key = "after_the_decision"', 'key = "about_parole"')
    edit(texts, "cy.toml", 'key = "after_the_decision_"', 'key = "after_the_decision"')
    found = problems(texts)
    assert found == [
        f"{texts / 'cy.toml'}, Parole letter (parole), Welsh (cy): the sections are not those of en.toml: "
        "opening, after_the_decision, your_statement, about_parole, your_information (locked), "
        "sign_off (locked) instead of opening, about_parole, your_statement, after_the_decision, "
        "your_information (locked), sign_off (locked). Keep the same keys, in the same order, locked alike"
    ]


def test_a_file_for_a_language_the_service_does_not_have(texts):
    shutil.copy(texts / "en.toml", texts / "fr.toml")
    assert problems(texts) == [
        f"{texts / 'fr.toml'}: the service has no such language. "
        "Name each file after its language: en.toml, cy.toml"
    ]


def test_every_problem_is_reported_at_once(texts):
    edit(texts, "en.toml", "danger, call 999. Otherwise", "danger, call the police. Otherwise")
    (texts / "cy.toml").unlink()
    found = problems(texts)
    assert has(found, "en.toml", "Initial contact letter", "must tell the victim: call 999")
    assert has(found, "en.toml", "Pre-release letter", "must tell the victim: call 999")
    assert has(found, "cy.toml", "the file is missing")
