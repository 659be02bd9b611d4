"""Addresses, telephone numbers and email addresses the disclosure check must find (issue 12)."""

from __future__ import annotations

import pytest

from victims.domain.disclosure import Kind, Severity, Whereabouts, find_whereabouts

VICTIM = Whereabouts(
    lines=("Studio 52a",),
    town="Marshallberg",
    postcode="L7K 9WN",
    phones=("+44(0)114 496 0622",),
    emails=("Jo.Bloggs@example.org",),
)


def test_the_marshallberg_zone_description_is_refused() -> None:
    text = (
        "Not to enter Marshallberg, in particular the area around L7K9WN (the studio flat, no. 52A), "
        "or call 01144960622"
    )
    findings = find_whereabouts(text, [VICTIM])
    assert {(f.kind, f.quoted) for f in findings} == {
        (Kind.TOWN, "Marshallberg"),
        (Kind.POSTCODE, "L7K9WN"),
        (Kind.HOUSE_NUMBER, "no. 52A"),
        (Kind.PHONE, "01144960622"),
    }
    assert all(f.severity is Severity.REFUSAL for f in findings)
    assert findings[0].message == (
        "“Marshallberg” is the town of the victim’s address (Marshallberg), named with other details "
        "of it. Remove them."
    )


def test_a_town_alone_is_a_warning() -> None:
    [finding] = find_whereabouts("Not to enter Marshallberg town centre.", [VICTIM])
    assert finding.severity is Severity.WARNING
    assert "senior probation officer must confirm" in finding.message


def test_an_address_with_an_apostrophe_or_ampersand_is_found_in_escaped_text() -> None:
    victim = Whereabouts(lines=("Flat 3", "12 St Mary's Road"), town="Stow & Ridge", postcode="ST4 1AA")
    text = "Not to enter St Mary&#39;s Rd or Stow &amp; Ridge, especially flat 3 at number 12."
    kinds = {f.kind for f in find_whereabouts(text, [victim])}
    assert kinds == {Kind.STREET, Kind.TOWN, Kind.HOUSE_NUMBER}


def test_the_release_address_says_whose_it_is() -> None:
    release = Whereabouts(whose="the offender", place="release address", lines=("4 Canal Walk",))
    number, street = find_whereabouts("He will live at 4 Canal Wk.", [release])
    assert number.kind is Kind.HOUSE_NUMBER and number.quoted == "4"
    assert street.message.startswith("“Canal Wk” is the street of the offender’s release address")


@pytest.mark.parametrize(
    "text",
    [
        "+44(0)114 496 0622",
        "+44 114 496 0622",
        "0044 114 496 0622",
        "(0114) 496 0622",
        "0114-496-0622",
        "0114 4960622",
        "01144960622",
        "+441144960622",
    ],
)
def test_a_telephone_number_is_found_however_it_is_spaced(text: str) -> None:
    [finding] = find_whereabouts(f"Call {text} today.", [VICTIM])
    assert finding.kind is Kind.PHONE and finding.quoted == text


@pytest.mark.parametrize(
    "text", ["jo.bloggs@example.org", "JO.BLOGGS@EXAMPLE.ORG", "jo.bloggs&#64;example.org"]
)
def test_an_email_address_is_found_in_any_case(text: str) -> None:
    [finding] = find_whereabouts(f"Write to {text}.", [VICTIM])
    assert finding.kind is Kind.EMAIL


@pytest.mark.parametrize(
    "text",
    [
        "Call 0114 496 0623.",  # another number
        "Call 0114 496 06221.",
        "Write to bo.bloggs@example.org or jo.bloggs@example.org.uk.",
        "Case 52A/2027, room 52.",  # a 52a with no street, postcode or town near it
        "Your reference is L7K 9WX.",
        "The offender must live at an approved address.",
        "August 2027",
    ],
)
def test_other_details_are_not_findings(text: str) -> None:
    assert find_whereabouts(text, [VICTIM]) == []
