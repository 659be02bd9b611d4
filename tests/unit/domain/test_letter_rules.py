"""The pure rules of letters (victims.domain.letters): the unwanted-contact points, template
rules and each quality check on hand-made facts."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pytest

from tests.helpers import finish
from victims.domain import letter_check
from victims.domain import letters as rules
from victims.domain.disclosure import Protected, ProtectedDate, Whereabouts
from victims.domain.letters import UNWANTED_CONTACT, LetterType, Section
from victims.domain.vocabulary import ContactLevel, Relationship
from victims.letters.defaults import default_sections

FACTS = {
    "recipient_name": "Jane Doe",
    "address": "1 Road\nTE1 1ST",
    "vlo_name": "Vera",
    "vlo_phone": "01632 960 123",
}


NOTE = re.compile(r"\[[^\[\]\n]{2,}\]")


def finished(sections: list[Section]) -> list[Section]:
    return [Section(s.key, s.heading, finish(s, "Done."), s.locked) for s in sections]


def facts(**changes) -> letter_check.LetterFacts:
    sections = finished(default_sections(LetterType.INITIAL_CONTACT, "en"))
    base = letter_check.LetterFacts(
        letter_type=LetterType.INITIAL_CONTACT,
        language="en",
        large_print=False,
        channel="post",
        recipient=letter_check.Recipient(
            person_id=1,
            name="Jane Doe",
            relationship=Relationship.VICTIM,
            contact_level=ContactLevel.KEY_STAGES,
            channel="post",
            language="en",
            large_print=False,
            contact_lost=False,
            has_postal_address=True,
            has_email=False,
        ),
        sections=sections,
        template_sections=sections,
        drafted_facts=FACTS,
        current_facts=FACTS,
        printed=[("“Opening”", "Dear Jane Doe, the offender will be released in March 2027.")],
        protected=PROTECTED,
        other_names=["Olivia Other"],
    )
    if "text" in changes:
        changes["printed"] = [("“Opening”", changes.pop("text"))]
    return replace(base, **changes)


PROTECTED = Protected(
    dates=(ProtectedDate(date(2027, 3, 1), "the offender’s conditional release date"),),
    prisons=("HMP Testshire",),
    whereabouts=(
        Whereabouts(
            whose="Olivia Other",
            lines=("52A Marsh Road",),
            town="Marshallberg",
            postcode="L7K 9WN",
            phones=("+44(0)114 496 0622",),
            emails=("olivia@example.com",),
        ),
    ),
)


def failed(result_facts) -> dict[str, tuple[str, ...]]:
    return {r.code: r.problems for r in letter_check.check(result_facts) if not r.passed}


def test_notes_left_in_square_brackets_fail():
    raw = default_sections(LetterType.PAROLE, "en")
    problems = failed(facts(sections=raw, template_sections=raw))["finished"]
    assert any("still has “[add the date]”" in problem for problem in problems)


def test_the_built_in_guidance_is_never_in_a_sections_text():
    """The template's instruction "Give the offence and the sentence." was in the opening's text,
    and went out in a letter once its brackets were removed."""
    raw = default_sections(LetterType.INITIAL_CONTACT, "en")
    [opening] = [s for s in raw if s.key == "opening"]
    assert opening.guidance == "Give the offence and the sentence."
    assert "offence and the sentence" not in opening.body


def test_a_pasted_guidance_sentence_fails_the_check():
    raw = default_sections(LetterType.INITIAL_CONTACT, "en")
    pasted = [
        replace(s, body=s.body.replace("your family.", "your family. Give the offence and the sentence."))
        if s.key == "opening"
        else s
        for s in raw
    ]
    [problem] = failed(facts(sections=pasted, template_sections=raw))["finished"]
    assert "“Opening” still has the template’s guidance “Give the offence and the sentence.”" in problem


def test_a_free_section_left_for_the_writer_fails_until_written():
    raw = default_sections(LetterType.KEY_STAGE, "en")
    problems = failed(facts(letter_type=LetterType.KEY_STAGE, sections=raw, template_sections=raw))[
        "finished"
    ]
    assert "“What has happened” is empty. Write what its guidance asks: Say what has happened" in problems[0]
    raw = default_sections(LetterType.INITIAL_CONTACT, "en")
    [problem] = failed(facts(sections=raw, template_sections=raw))["finished"]
    assert problem == (
        "“Opening” is as the template has it. "
        "Write what its guidance asks: Give the offence and the sentence."
    )


def test_an_administrator_cannot_put_a_sections_guidance_in_its_text():
    raw = default_sections(LetterType.INITIAL_CONTACT, "en")
    pasted = [
        replace(s, body=s.body + "\n\nGive the offence and the sentence.") if s.key == "opening" else s
        for s in raw
    ]
    required = [s for s in raw if s.locked]
    problems = rules.template_problems(LetterType.INITIAL_CONTACT, "en", pasted, required)
    assert problems == [
        "“Opening” has its guidance in its text. "
        "Guidance is for the writer and is never printed: keep it in the guidance box only"
    ]


def test_a_good_letter_passes_every_check():
    assert failed(facts()) == {}
    assert [r.code for r in letter_check.check(facts())] == [
        "sections",
        "finished",
        "case",
        "disclosure",
        "choices",
        "recipient",
        "reachable",
        "address",
    ]


@pytest.mark.parametrize(
    ("remove", "point"),
    [
        ("999", "call 999"),
        ("0300 060 6699", "Unwanted Prisoner Contact Service"),
        ("victim.helpline@justice.gov.uk", "Unwanted Prisoner Contact Service"),
        ("licence", "breach the licence"),
        ("non-molestation order", "non-molestation order"),
        ("criminal court", "a criminal court can make a restraining order"),
        ("family court", "apply to a family court"),
        ("((vlo_name))", "VLO's name"),
    ],
)
def test_each_point_of_the_unwanted_contact_section_is_required(remove, point):
    sections = [
        Section(s.key, s.heading, s.body.replace(remove, "…"), s.locked) if s.key == UNWANTED_CONTACT else s
        for s in finished(default_sections(LetterType.INITIAL_CONTACT, "en"))
    ]
    problems = " ".join(failed(facts(sections=sections, template_sections=sections))["sections"])
    assert point in problems


def test_a_missing_or_edited_locked_section_fails():
    template = default_sections(LetterType.PRE_RELEASE, "en")
    without = [s for s in template if s.key != UNWANTED_CONTACT]
    problems = failed(facts(letter_type=LetterType.PRE_RELEASE, sections=without, template_sections=template))
    assert any("is missing" in p for p in problems["sections"])
    edited = [Section(s.key, s.heading, s.body + " Extra.", s.locked) if s.locked else s for s in template]
    problems = failed(facts(letter_type=LetterType.PRE_RELEASE, sections=edited, template_sections=template))
    assert any("has been changed" in p for p in problems["sections"])


def test_a_template_without_the_section_cannot_make_an_initial_contact_letter():
    template = [s for s in default_sections(LetterType.INITIAL_CONTACT, "en") if s.key != UNWANTED_CONTACT]
    problems = failed(facts(sections=template, template_sections=template))["sections"]
    assert any("no “If the offender contacts you” section" in p for p in problems)


@pytest.mark.parametrize(
    "text",
    [
        "released on 1 March 2027",
        "released on 01/03/2027",
        "released on 1/3/2027",
        "released on 2027-03-01",
        "released on 1st March",
        "yn cael ei ryddhau ar 1 Mawrth 2027",
    ],
)
def test_an_exact_release_date_in_any_spelling_is_refused(text):
    [problem] = failed(facts(text=text))["disclosure"]
    assert problem.startswith("“Opening”: ")  # where
    assert "conditional release date (1 March 2027)" in problem  # what


def test_a_month_of_release_or_another_number_is_not_a_date():
    assert "disclosure" not in failed(facts(text="released in March 2027; call 101 or 0300 060 6699"))
    assert "disclosure" not in failed(facts(text="11 March 2027 is not the date"))


def test_the_prison_and_other_people_are_not_disclosed():
    assert "offender’s prison" in failed(facts(text="held at hmp testshire"))["disclosure"][0]
    assert "another person" in failed(facts(text="Olivia Other was told"))["disclosure"][0]


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ("She lives at 52A Marsh Road.", "street of Olivia Other’s address"),
        ("Near L7K9WN.", "postcode of Olivia Other’s address"),
        ("Call her on 01144960622.", "Olivia Other’s telephone number"),
        ("Email OLIVIA@example.com.", "Olivia Other’s email address"),
        ("In Marshallberg, L7K 9WN.", "town of Olivia Other’s address"),
    ],
)
def test_other_peoples_addresses_and_contact_details_are_refused(text, what):
    assert any(what in problem for problem in failed(facts(text=text))["disclosure"])


def test_a_town_on_its_own_is_a_warning_that_does_not_fail_the_check():
    [result] = [
        r for r in letter_check.check(facts(text="She moved to Marshallberg.")) if r.code == "disclosure"
    ]
    assert result.passed and result.problems == ()
    [warning] = result.warnings
    assert warning.startswith("“Opening”: “Marshallberg” is the town of Olivia Other’s address")


def test_guidance_left_in_a_section_fails_the_check_however_it_is_spaced_or_cased():
    template = [
        replace(s, guidance="Give the offence and the sentence. Be brief.") if s.key == "opening" else s
        for s in facts().sections
    ]
    letter = [
        replace(s, body=s.body + "\n\ngive the  offence and the\nsentence") if s.key == "opening" else s
        for s in template
    ]
    [problem] = failed(facts(sections=letter, template_sections=template))["finished"]
    assert "still has the template’s guidance “Give the offence and the sentence.”" in problem
    written = [replace(s, body=s.body + " It was a burglary.") if s.key == "opening" else s for s in template]
    assert "finished" not in failed(facts(sections=written, template_sections=template))


def test_case_changes_name_what_changed():
    changed = {**FACTS, "address": "2 Road\nTE1 1ST"}
    [problem] = failed(facts(current_facts=changed))["case"]
    assert "the recipient’s address" in problem


@pytest.mark.parametrize(
    ("level", "letter_type", "allowed"),
    [
        (ContactLevel.KEY_STAGES, LetterType.RECALL, True),
        (ContactLevel.ANNUAL, LetterType.RECALL, False),
        (ContactLevel.ANNUAL, LetterType.ANNUAL, True),
        (ContactLevel.MONTH_OF_RELEASE, LetterType.KEY_STAGE, False),
        (ContactLevel.MONTH_OF_RELEASE, LetterType.PRE_RELEASE, True),
        (ContactLevel.OPTED_OUT, LetterType.INITIAL_CONTACT, False),
        (ContactLevel.OPTED_OUT, LetterType.CASE_CLOSURE, False),
    ],
)
def test_contact_levels(level, letter_type, allowed):
    template = finished(default_sections(letter_type, "en"))
    result = facts(
        letter_type=letter_type,
        sections=template,
        template_sections=template,
        recipient=replace(facts().recipient, contact_level=level),
    )
    assert ("choices" not in failed(result)) is allowed


def test_a_name_or_address_line_too_wide_for_the_window_says_what_to_shorten():
    long_line = ("Flat 1204, " * 8).strip()
    lines = ["Jane Doe-Montgomery-Wolstenholme-Whitworth-Fitzgerald-Smythe", "1 Road", long_line, "TE1 1ST"]

    problems = failed(facts(address_lines=lines, address_too_wide={0: 52, 2: 48}))["address"]

    assert problems == (
        "Jane Doe’s name is too long for the envelope window, even in the smallest print (8 pt): "
        "it has 60 characters. Shorten it to about 52 characters in their details (for example, "
        "use initials for middle names), then refresh the letter.",
        "The address line “Flat 1204, Flat 1204, Flat 1204…” is too long for the envelope "
        "window, even in the smallest print (8 pt): it has 87 characters. Shorten it to about 48 "
        "characters in Jane Doe’s details, then refresh the letter.",
    )


def test_a_child_victim_contact_lost_and_missing_addresses():
    child = replace(facts().recipient, is_child=True)
    assert "under 18" in failed(facts(recipient=child))["recipient"][0]
    guardian = replace(child, relationship=Relationship.PARENT_GUARDIAN)
    assert "recipient" not in failed(facts(recipient=guardian))
    lost = replace(facts().recipient, contact_lost=True, has_postal_address=False)
    assert len(failed(facts(recipient=lost))["reachable"]) == 2


def test_welsh_points_accept_mutated_words():
    body = (
        "Ffoniwch 999 neu 101. Gwasanaeth Cyswllt Digroeso gan Garcharorion 0300 060 6699 "
        "victim.helpline@justice.gov.uk. Ar ôl gadael, bydd ar drwydded a gellir ei alw’n ôl. "
        "((vlo_name)) ((vlo_phone)). Gall lys troseddol wneud gorchymyn atal. Gallwch wneud cais i lys "
        "teulu am orchymyn rhag molestu."
    )
    assert rules.missing_points(body, "cy") == []


@pytest.mark.parametrize("language", ["en", "cy"])
def test_the_unwanted_contact_section_states_restraining_orders_correctly(language):
    """A victim cannot apply for a restraining order: a criminal court makes one when it sentences
    or acquits. A victim can apply to a family court for a non-molestation order."""
    [section] = [
        s for s in default_sections(LetterType.INITIAL_CONTACT, language) if s.key == UNWANTED_CONTACT
    ]
    assert section.locked
    text = rules.normalised(section.body)
    if language == "en":
        assert (
            "a criminal court can make a restraining order when it sentences the offender, or when it finds"
            in text
        )
        assert "apply to a family court for a non-molestation order" in text
        assert "apply for a restraining order" not in text
    else:
        assert "gall llys troseddol wneud gorchymyn atal (restraining order) pan fydd yn dedfrydu" in text
        assert "wneud cais i lys teulu am orchymyn rhag molestu" in text
    # The old wording, that a victim may apply for either order, no longer makes the point.
    old = {
        "en": "You may be able to apply for a restraining order or a non-molestation order.",
        "cy": "Gallwch wneud cais am orchymyn atal neu orchymyn rhag molestu.",
    }[language]
    assert [p.key for p in rules.missing_points(old, language)][-1] == "orders"


def test_template_rules():
    template = default_sections(LetterType.INITIAL_CONTACT, "en")
    required = [s for s in template if s.locked]
    assert rules.template_problems(LetterType.INITIAL_CONTACT, "en", template, required) == []
    unlocked = [Section(s.key, s.heading, s.body, False) for s in template]
    problems = rules.template_problems(LetterType.INITIAL_CONTACT, "en", unlocked, required)
    assert any("must stay locked" in p for p in problems)
    unknown = [*template, Section("extra", "Extra", "On ((release_date)) and ((prison)).")]
    problems = rules.template_problems(LetterType.INITIAL_CONTACT, "en", unknown, required)
    assert any("placeholders the service does not know" in p for p in problems)
    assert any("never the date" in p for p in problems)


def test_fill_leaves_unknown_placeholders_for_the_check_to_find():
    assert rules.fill("Dear ((recipient_name)) ((nope))", {"recipient_name": "Jane"}) == "Dear Jane ((nope))"
