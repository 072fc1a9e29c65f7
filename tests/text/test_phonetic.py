"""Romanisation-robust phonetic key."""

from __future__ import annotations

import pytest

from scrutiny.text.phonetic import phonetic_key


@pytest.mark.parametrize(
    "group",
    [
        ["mohammed", "muhammad", "mohamad", "mohamed", "muhamed"],
        ["husayn", "hussein", "husain", "hussain"],
        ["qaddafi", "gadhafi", "kadafi", "gaddafi"],
        ["yusuf", "yousef", "yusif"],
        ["kim", "gim"],
        ["ahmed", "ahmad"],
    ],
)
def test_spellings_share_a_key(group: list[str]) -> None:
    assert len({phonetic_key(t) for t in group}) == 1


@pytest.mark.parametrize(("a", "b"), [("kim", "lim"), ("karim", "kamal"), ("ali", "ari")])
def test_different_names_differ(a: str, b: str) -> None:
    assert phonetic_key(a) != phonetic_key(b)


def test_non_latin_tokens_pass_through() -> None:
    assert phonetic_key("김정은") == "김정은"
    assert phonetic_key("") == ""
