"""The offender's prison, by any common form of its name (issue 12)."""

from __future__ import annotations

from datetime import date

import pytest

from victims.domain.disclosure import (
    PRISONS,
    Kind,
    Protected,
    ProtectedDate,
    Whereabouts,
    find_disclosures,
    find_prisons,
    refusals,
    warnings,
)


def test_the_list_has_the_prisons_of_england_and_wales() -> None:
    assert 110 <= len(PRISONS) <= 130
    welsh = {prison.name: prison.welsh_name for prison in PRISONS.values() if prison.welsh_name}
    assert welsh["Cardiff"] == "Caerdydd" and welsh["Swansea"] == "Abertawe"
    assert {"Berwyn", "Parc", "Usk", "Prescoed"} <= set(welsh)


@pytest.mark.parametrize(
    "text",
    [
        "HMP Chelmsford",
        "Chelmsford prison",
        "Chelmsford Prison",
        "HM Prison Chelmsford",
        "His Majesty’s Prison Chelmsford",
        "H.M.P. Chelmsford",
        "HMP/YOI Chelmsford",
        "HMP &amp; YOI Chelmsford",
        "Carchar EF Chelmsford",
        "Carchar Ei Fawrhydi Chelmsford",
        "yng Ngharchar EF Chelmsford",
    ],
)
def test_the_prison_is_found_with_a_prison_word(text: str) -> None:
    [finding] = find_prisons(f"He is at {text} now.", ["HMP Chelmsford"])
    assert finding.kind is Kind.PRISON
    assert finding.message.endswith(
        "(HMP Chelmsford). Remove it: victims are not told where the offender is held."
    )


@pytest.mark.parametrize(
    ("prison", "text"),
    [
        ("HMP Cardiff", "Carchar EF Caerdydd"),
        ("HMP Swansea", "Carchar EF Abertawe"),
        ("HMP Swansea", "Swansea prison"),
        ("HMP Belmarsh", "visits at Belmarsh are on Tuesdays"),  # unambiguous: the bare name
        ("HMP Wormwood Scrubs", "moved to the Scrubs, then to Wormwood Scrubs"),
        ("HMP Usk", "HMP Usk"),
        ("HMP Berwyn", "Carchar EF Berwyn"),
    ],
)
def test_other_forms(prison: str, text: str) -> None:
    assert len(find_prisons(text, [prison])) == 1


@pytest.mark.parametrize(
    ("prison", "text"),
    [
        ("HMP Chelmsford", "We met at the Chelmsford office."),  # a town: only with a prison word
        ("HMP Ford", "Drive to the ford."),
        ("HMP Parc", "Mae'r parc ar gau."),
        ("HMP Cardiff", "Caerdydd"),
        ("HMP Chelmsford", "He is in prison."),
        ("HMP Chelmsford", "HMP Belmarsh"),
    ],
)
def test_ambiguous_bare_names_are_not_findings(prison: str, text: str) -> None:
    assert find_prisons(text, [prison]) == []


def test_one_check_for_everything() -> None:
    protected = Protected(
        dates=(ProtectedDate(date(2027, 8, 31)),),
        prisons=("HMP Chelmsford",),
        whereabouts=(Whereabouts(whose="the offender", place="release address", town="Colchester"),),
    )
    text = "He leaves Chelmsford prison on 31 Aug 2027 for Colchester; we will write in August 2027."
    findings = find_disclosures(text, protected)
    assert [f.kind for f in findings] == [Kind.PRISON, Kind.DATE, Kind.TOWN]
    assert len(refusals(findings)) == 2 and len(warnings(findings)) == 1


def test_a_prison_not_on_the_list_is_found_by_its_name_with_a_prison_word():
    """The case's own spelling ("HMP Testshire") was looked for with its "HMP" as part of the
    name, so "HMP Testshire" was never found."""
    assert [
        f.quoted for f in find_prisons("He is at HMP Testshire, not Testshire Road.", ["HMP Testshire"])
    ] == ["HMP Testshire"]
    assert [f.quoted for f in find_prisons("Testshire prison", ["HMP Testshire"])] == ["Testshire prison"]


def test_a_place_not_on_the_list_named_without_a_prison_word_is_found_as_written():
    [finding] = find_prisons("Report to Bedford Probation Office.", ["Bedford probation office"])
    assert finding.quoted == "Bedford Probation Office"
