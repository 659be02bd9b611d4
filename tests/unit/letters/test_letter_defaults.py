"""The built-in letter templates in English and Welsh (victims.letters.defaults, SPEC §6), as
written in victims/letters/texts/*.toml. What happens when a file is broken is in
test_letter_texts.py."""

from __future__ import annotations

import re
import tomllib

import pytest

from victims.domain.letters import (
    NEEDS_UNWANTED_CONTACT,
    PLACEHOLDERS,
    UNWANTED_CONTACT,
    LetterType,
    missing_points,
    placeholders_in,
    template_problems,
)
from victims.letters.defaults import LANGUAGES, TEXTS_DIR, default_sections, default_title, load_texts

ALL = [(letter_type, language) for letter_type in LetterType for language in ("en", "cy")]

_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Ionawr|Chwefror|Mawrth|Ebrill|Mai|Mehefin|Gorffennaf|Awst|Medi|Hydref|Tachwedd|Rhagfyr"
)
EXACT_DATES = [
    re.compile(rf"\b\d{{1,2}}(st|nd|rd|th)? ({_MONTHS})\b", re.IGNORECASE),
    re.compile(rf"\b({_MONTHS}) \d{{1,2}}(st|nd|rd|th)?\b(?! ?\d{{4}})", re.IGNORECASE),
    re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b"),
    re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),
]


def text_of(letter_type: LetterType, language: str) -> str:
    sections = default_sections(letter_type, language)
    return "\n".join([default_title(letter_type, language)] + [s.heading + "\n" + s.body for s in sections])


def test_there_are_templates_for_both_languages_of_every_type():
    assert LANGUAGES == ("en", "cy")
    assert len(ALL) == 18


@pytest.mark.parametrize(("letter_type", "language"), ALL)
def test_every_template_has_the_standard_shape(letter_type, language):
    sections = default_sections(letter_type, language)
    keys = [section.key for section in sections]

    assert default_title(letter_type, language).strip()
    assert keys[0] == "opening"
    assert keys[-1] == "sign_off"
    assert keys[-2] == "your_information"
    assert len(keys) == len(set(keys))
    for section in sections:
        assert section.heading.strip(), section.key
        # A free section is left empty only for the writer, with guidance saying what to write.
        assert section.body.strip() or (section.guidance and not section.locked), section.key
        assert section.body == section.body.strip(), section.key
        assert "[" not in section.guidance and "((" not in section.guidance, section.key
        assert re.fullmatch(r"[a-z_]+", section.key)
    # Between one and four body sections (the unwanted-contact section counts as one).
    assert 1 <= len(sections) - 3 <= 4


@pytest.mark.parametrize(("letter_type", "language"), ALL)
def test_the_opening_greets_the_recipient_and_is_free_to_edit(letter_type, language):
    opening = default_sections(letter_type, language)[0]
    greeting = {"en": "Dear ((recipient_name)),", "cy": "Annwyl ((recipient_name)),"}[language]
    assert opening.body.startswith(greeting + "\n\n")
    assert not opening.locked
    assert opening.heading == {"en": "Opening", "cy": "Agoriad"}[language]


@pytest.mark.parametrize(("letter_type", "language"), ALL)
def test_the_body_sections_are_mostly_free_for_the_vlo_to_edit(letter_type, language):
    sections = default_sections(letter_type, language)
    body = [s for s in sections if s.key not in {"opening", "sign_off", "your_information", UNWANTED_CONTACT}]
    assert body
    assert not any(section.locked for section in body)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("letter_type", list(LetterType))
def test_the_sign_off_and_privacy_notice_are_locked_and_standard(letter_type, language):
    by_key = {section.key: section for section in default_sections(letter_type, language)}
    sign_off, privacy = by_key["sign_off"], by_key["your_information"]
    assert sign_off.locked and privacy.locked
    if language == "en":
        assert sign_off.heading == "Sign-off"
        assert sign_off.body == (
            "Yours sincerely,\n\n((vlo_name))\nVictim Liaison Officer\n((unit_name))\n"
            "Telephone: ((vlo_phone))\nEmail: ((vlo_email))"
        )
        assert privacy.heading == "How we use your information"
        assert "never give your address or contact details to the offender" in privacy.body
    else:
        assert sign_off.heading == "Cloi"
        assert sign_off.body == (
            "Yn gywir,\n\n((vlo_name))\nSwyddog Cyswllt Dioddefwyr\n((unit_name))\n"
            "Ffôn: ((vlo_phone))\nE-bost: ((vlo_email))"
        )
        assert privacy.heading == "Sut rydym yn defnyddio eich gwybodaeth"
        assert "Ni fyddwn byth yn rhoi eich cyfeiriad" in privacy.body
    assert "Victim Contact Scheme" in privacy.body or "Cynllun Cyswllt â Dioddefwyr" in privacy.body
    assert "((vlo_phone))" in privacy.body and "((vlo_email))" in privacy.body


@pytest.mark.parametrize(("letter_type", "language"), ALL)
def test_every_template_passes_the_template_rules(letter_type, language):
    sections = default_sections(letter_type, language)
    required = [section for section in sections if section.locked]
    assert template_problems(letter_type, language, sections, required) == []


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("letter_type", sorted(NEEDS_UNWANTED_CONTACT))
def test_initial_contact_and_pre_release_tell_the_victim_what_to_do_about_unwanted_contact(
    letter_type, language
):
    by_key = {section.key: section for section in default_sections(letter_type, language)}
    section = by_key[UNWANTED_CONTACT]
    assert section.locked
    assert (
        section.heading
        == {
            "en": "If the offender contacts you",
            "cy": "Os bydd y troseddwr yn cysylltu â chi",
        }[language]
    )
    assert missing_points(section.body, language) == []
    # Every point is a bullet line.
    bullets = [line for line in section.body.split("\n") if line.startswith("- ")]
    assert len(bullets) >= 5
    for needed in ("999", "101", "0300 060 6699", "victim.helpline@justice.gov.uk", "((vlo_name))"):
        assert any(needed in line for line in bullets), needed
    # It comes after the body and before the privacy notice.
    keys = list(by_key)
    assert keys.index(UNWANTED_CONTACT) == len(keys) - 3


@pytest.mark.parametrize("letter_type", sorted(NEEDS_UNWANTED_CONTACT))
def test_the_welsh_unwanted_contact_section_makes_its_points_in_welsh(letter_type):
    body = {s.key: s for s in default_sections(letter_type, "cy")}[UNWANTED_CONTACT].body
    for word in (
        "trwydded",
        "adalw",
        "gorchymyn atal",
        "orchymyn rhag molestu",  # "am orchymyn": mutated after "am"
        "llys troseddol",
        "lys teulu",  # "i lys teulu": mutated after "i"
        "Gwasanaeth Cyswllt Digroeso gan Garcharorion",
        "heddlu",
        "Swyddog Cyswllt Dioddefwyr",
    ):
        assert word.lower() in body.lower(), word
    # The English names in brackets help, but the Welsh alone makes every point.
    welsh_only = re.sub(
        r" \((Unwanted Prisoner Contact Service|restraining order|non-molestation order)\)", "", body
    )
    assert "order" not in welsh_only and "Service" not in welsh_only
    assert missing_points(welsh_only, "cy") == []


@pytest.mark.parametrize("letter_type", sorted(set(LetterType) - NEEDS_UNWANTED_CONTACT))
@pytest.mark.parametrize("language", LANGUAGES)
def test_other_letters_do_not_need_the_unwanted_contact_section(letter_type, language):
    sections = default_sections(letter_type, language)
    assert UNWANTED_CONTACT not in {section.key for section in sections}
    required = [section for section in sections if section.locked]
    assert template_problems(letter_type, language, sections, required) == []


@pytest.mark.parametrize(("letter_type", "language"), ALL)
def test_only_known_placeholders_and_never_an_exact_date(letter_type, language):
    text = text_of(letter_type, language)
    assert placeholders_in(text) <= PLACEHOLDERS.keys()
    assert "((release_date))" not in text
    # Every (( is the start of a well-formed placeholder.
    assert text.count("((") == text.count("))") == len(re.findall(r"\(\([a-z_]+\)\)", text))
    for pattern in EXACT_DATES:
        assert not pattern.search(text), pattern.search(text)


def test_the_date_patterns_would_catch_an_exact_date():
    for text in ("on 3 March 2026", "on 14/03/2026", "ar 3 Mawrth", "2026-03-14", "March 3rd"):
        assert any(pattern.search(text) for pattern in EXACT_DATES), text
    assert not any(pattern.search("around March 2026") for pattern in EXACT_DATES)


@pytest.mark.parametrize(("letter_type", "language"), ALL)
def test_a_few_clear_instructions_for_the_vlo_in_square_brackets(letter_type, language):
    text = text_of(letter_type, language)
    instructions = re.findall(r"\[[^\[\]]+\]", text)
    assert text.count("[") == text.count("]") == len(instructions)
    assert len(instructions) <= 2
    for instruction in instructions:
        # Either a whole sentence, or a short gap in one ("by [add the date]").
        sentence = instruction[1].isupper() and instruction.endswith(".]")
        gap = instruction[1].islower() and len(instruction.split()) <= 4
        assert sentence or gap, instruction


@pytest.mark.parametrize("letter_type", list(LetterType))
def test_the_welsh_template_has_the_same_sections_as_the_english(letter_type):
    english = default_sections(letter_type, "en")
    welsh = default_sections(letter_type, "cy")
    assert [(s.key, s.locked) for s in welsh] == [(s.key, s.locked) for s in english]
    assert default_title(letter_type, "cy") != default_title(letter_type, "en")
    for en, cy in zip(english, welsh, strict=True):
        assert en.heading != cy.heading or en.heading.startswith("(("), en.key
        assert en.body != cy.body or not en.body, en.key
        assert bool(en.guidance) == bool(cy.guidance) and (en.guidance != cy.guidance or not en.guidance), (
            en.key
        )
        # The same placeholders and the same number of bullets and VLO instructions.
        assert placeholders_in(cy.body) == placeholders_in(en.body), en.key
        assert cy.body.count("\n- ") == en.body.count("\n- "), en.key
        assert cy.body.count("[") == en.body.count("["), en.key


@pytest.mark.parametrize("letter_type", list(LetterType))
def test_welsh_templates_are_written_in_welsh(letter_type):
    text = text_of(letter_type, "cy").lower()
    for english_word in (" the ", " you ", " your ", " will ", "dear ", "yours sincerely"):
        assert english_word not in text, english_word
    assert "chi" in text or "eich" in text


@pytest.mark.parametrize(("letter_type", "language"), ALL)
def test_each_call_returns_a_new_list(letter_type, language):
    first = default_sections(letter_type, language)
    first.clear()
    assert default_sections(letter_type, language)


def test_an_unknown_language_is_refused():
    with pytest.raises(ValueError, match="no built-in"):
        default_sections(LetterType.ANNUAL, "fr")
    with pytest.raises(ValueError, match="no built-in"):
        default_title(LetterType.ANNUAL, "fr")


# -- the texts are data files ------------------------------------------------------------------------


def test_the_texts_are_one_toml_file_per_language_in_the_package():
    assert sorted(path.name for path in TEXTS_DIR.iterdir() if path.suffix == ".toml") == [
        "cy.toml",
        "en.toml",
    ]
    for language in LANGUAGES:
        data = tomllib.loads((TEXTS_DIR / f"{language}.toml").read_text(encoding="utf-8"))
        assert set(data) == {"shared"} | {letter_type.value for letter_type in LetterType}


def test_load_texts_reads_the_files_once_and_holds_every_template():
    texts = load_texts()
    assert load_texts() is texts
    assert set(texts) == set(ALL)
    for letter_type, language in ALL:
        assert texts[(letter_type, language)].title == default_title(letter_type, language)
        assert list(texts[(letter_type, language)].sections) == default_sections(letter_type, language)


def texts_file(language: str) -> tuple[str, str]:
    """A language's file: its comments and its data (every other line)."""
    lines = (TEXTS_DIR / f"{language}.toml").read_text(encoding="utf-8").split("\n")
    comments = [line for line in lines if line.startswith("#")]
    return "\n".join(comments), "\n".join(line for line in lines if not line.startswith("#"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_shared_sections_are_written_once_in_each_file(language):
    _, data = texts_file(language)
    # A line of each, as written: the unwanted-contact section, the privacy notice, the sign-off
    # and the support section.
    for line in (
        "0300 060 6699",
        "((vlo_name))\n",
        {"en": "never give your address", "cy": "Ni fyddwn byth yn rhoi eich cyfeiriad"}[language],
        "0808 1689 111",
    ):
        assert data.count(line) == 1, line
    for key, letters in (("unwanted_contact", 2), ("your_information", 9), ("sign_off", 9), ("support", 2)):
        assert data.count(f"[shared.{key}]") == 1, key
        assert data.count(f'shared = "{key}"') == letters, key


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_file_tells_its_translator_about_placeholders_notes_locked_sections_and_bullets(language):
    comments, _ = texts_file(language)
    assert (TEXTS_DIR / f"{language}.toml").read_text(encoding="utf-8").startswith("# The built-in letter")
    for placeholder in PLACEHOLDERS:
        assert f"(({placeholder}))" in comments, placeholder
    for words in ("[Text in square brackets]", "locked", "blank line", '"- "', "shared"):
        assert words in comments, words
