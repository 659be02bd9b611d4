"""Feedback tokens, their expiry, and the figures with small numbers hidden (pure rules)."""

from __future__ import annotations

import hashlib
import math
from datetime import date

from victims.domain import feedback as rules
from victims.domain.oversight import Answer

KEY = b"a test key"


def test_a_token_is_ten_characters_of_an_unambiguous_alphabet_fifty_bits():
    assert len(rules.ALPHABET) == 32 and not set("ILOU") & set(rules.ALPHABET)
    assert rules.TOKEN_BITS == rules.TOKEN_LENGTH * math.log2(len(rules.ALPHABET)) == 50
    tokens = {rules.token_from(KEY, f"reference-{n}") for n in range(2000)}
    assert len(tokens) == 2000  # 2000 letters, 2000 tokens
    for token in tokens:
        assert len(token) == 10 and set(token) <= set(rules.ALPHABET)
    # Every symbol turns up in every position: the bits are spread, not a few characters reused.
    for position in range(10):
        assert {token[position] for token in tokens} == set(rules.ALPHABET)


def test_the_same_letter_gives_the_same_token_and_another_key_another():
    assert rules.token_from(KEY, "ref-1") == rules.token_from(KEY, "ref-1")
    assert rules.token_from(KEY, "ref-1") != rules.token_from(KEY, "ref-2")
    assert rules.token_from(KEY, "ref-1") != rules.token_from(b"another key", "ref-1")


def test_a_token_is_shown_in_two_groups_and_read_back_however_it_is_typed():
    token = "K7M2QX9PAB"
    assert rules.grouped(token) == "K7M2Q-X9PAB"
    for typed in ("K7M2Q-X9PAB", "k7m2q x9pab", " K7M2QX9PAB ", "k7m2q-x9pab"):
        assert rules.normalise(typed) == token
    # O is read as 0, I and L as 1 (Crockford): what a person copying from paper may type.
    assert rules.normalise("OOOOO-IIIII") == "0000011111"
    assert rules.normalise("0000L-11111") == "0000111111"
    for nonsense in ("", "K7M2Q", "K7M2Q-X9PAB-1", "K7M2Q-X9PA!", "K7M2Q-X9PAU", "K7M2Q–X9PAB"):
        assert rules.normalise(nonsense) is None


def test_only_the_sha256_of_the_normalised_token_is_kept():
    token = rules.normalise("k7m2q-x9pab")
    assert rules.token_hash(token) == hashlib.sha256(b"K7M2QX9PAB").hexdigest()
    assert "K7M2QX9PAB" not in rules.token_hash(token)


def test_a_link_works_to_day_90_and_not_on_day_91():
    made = date(2026, 11, 25)
    expiry = rules.expires_on(made)
    assert expiry == date(2027, 2, 23)  # 90 days on
    assert rules.works_on(expiry, date(2027, 2, 23))
    assert not rules.works_on(expiry, date(2027, 2, 24))
    assert rules.works_on(expiry, made)


def answers(*given):
    return rules.tally(given)


def test_four_responses_are_fewer_than_five_and_show_no_number():
    four = answers(*[(5, Answer.YES, Answer.YES)] * 4)
    shown = rules.figures(four)
    assert shown.hidden and shown.average_satisfaction is None and shown.kept_informed_percent is None


def test_five_responses_show_their_figures():
    five = answers(
        (5, Answer.YES, Answer.YES),
        (4, Answer.YES, Answer.NO),
        (3, Answer.PARTLY, Answer.NOT_SURE),
        (2, Answer.NO, None),
        (1, None, Answer.YES),
    )
    shown = rules.figures(five)
    assert not shown.hidden and shown.responses == 5
    assert shown.average_satisfaction == 3.0
    assert shown.kept_informed_percent == 50  # 2 "Yes" of the 4 who answered
    assert shown.felt_safer_percent == 50  # 2 "Yes" of 4 (Not sure counts as an answer)


def test_no_responses_are_none_not_hidden():
    assert rules.figures(rules.Tally()) == rules.Figures(0, hidden=False)


def test_one_small_group_beside_a_shown_total_hides_the_next_smallest_too():
    # Total 3 + 6 + 9 = 18 shown: with only the 3 hidden, 18 - 6 - 9 would give it away.
    assert rules.complementary([3, 6, 9]) == {0, 1}
    # Two small groups already hide each other: nothing more.
    assert rules.complementary([3, 2, 9]) == {0, 1}
    # No small group: nothing hidden. An empty group reveals nothing and is not used to pair.
    assert rules.complementary([5, 6, 9]) == set()
    assert rules.complementary([3, 0, 9]) == {0, 2}
