"""The quality check's measure of the address (lines_too_wide) and the PDF's (address_font_pt)
agree: a letter that passes the check always prints, and one that would not print fails it."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from victims.letters.pdf import (
    ADDRESS_MAX_LINES,
    ADDRESS_MIN_LINES,
    AddressTooLong,
    address_font_pt,
    characters_that_fit,
    lines_too_wide,
    split_to_fit,
)

LINE = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=120
)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    lines=st.lists(LINE, min_size=ADDRESS_MIN_LINES, max_size=ADDRESS_MAX_LINES), large_print=st.booleans()
)
def test_the_check_and_the_pdf_agree_on_what_fits(lines, large_print):
    lines = [line.strip() or "x" for line in lines]
    too_wide = lines_too_wide(lines)
    if too_wide:
        with pytest.raises(AddressTooLong):
            address_font_pt(lines, large_print)
        for index, fits in too_wide.items():
            assert not lines_too_wide([lines[index][:fits]])  # what the check says to keep fits
    else:
        assert address_font_pt(lines, large_print) >= 8


def test_a_long_email_address_is_split_into_pieces_that_fit():
    email = "bartholomew.maximilian.wolstenholme-whitworth@a-very-long-domain-name.example.com"
    pieces = split_to_fit(email)
    assert "".join(pieces) == email and len(pieces) == 2
    assert lines_too_wide(pieces) == {}
    assert characters_that_fit(email) == len(pieces[0])
