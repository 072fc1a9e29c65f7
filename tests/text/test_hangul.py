"""Hangul names read as Korean personal names (scrutiny.text.hangul)."""

from __future__ import annotations

from scrutiny.match.forms import name_forms
from scrutiny.text.hangul import split_name


def test_a_three_syllable_name_splits_after_its_first_syllable_even_with_an_unknown_surname() -> (
    None
):
    assert split_name("최찬일") == ("최", "찬일")  # a surname of the table
    # 촤 is no common surname (the EU list writes 촤찬일), yet the name has the shape of one:
    # read whole, it was the one word CHWACHANIL and did not even match itself.
    assert split_name("촤찬일") == ("촤", "찬일")
    assert name_forms("촤찬일", person=True)[0].core == ("chwa", "chan", "il")
    # Other lengths keep needing a surname the table knows: a word of two or four
    # syllables without one is a word, not a name.
    assert split_name("촤찬") is None
    assert split_name("촤찬일호") is None
    assert split_name("김정은") == ("김", "정은")
