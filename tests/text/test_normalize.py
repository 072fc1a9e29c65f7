"""Folding, tokenising, titles, name order, vessel prefixes, former names, scripts."""

from __future__ import annotations

import pytest

from scrutiny.text.normalize import (
    MAX_NAME_CHARS,
    cap_length,
    detect_script,
    fold,
    fold_keep_marks,
    split_former_names,
    tokenize_name,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kim Jŏng-ŭn", "kim jong un"),
        ("  MÜLLER,   Hans-Peter ", "muller hans peter"),
        ("Ch'oe Ryong Hae", "choe ryong hae"),
        ("Straße", "strasse"),
        ("ＫＩＭ", "kim"),  # full-width letters (NFKC)
        ("Łukasz Øster", "lukasz oster"),
        ("김정은", "김정은"),  # Hangul syllables survive the NFD/NFC round trip
        ("محمّد", "محمد"),  # Arabic shadda removed
        ("สมชาย", "สมชาย"),  # Thai vowel signs are letters, not accents
    ],
)
def test_fold(text: str, expected: str) -> None:
    assert fold(text) == expected


def test_fold_keep_marks_keeps_breves() -> None:
    assert fold_keep_marks("Kim Jŏng-ŭn") == "kim jŏng ŭn"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("KIM, Jong Un", ["kim", "jong", "un"]),
        ("Kim Jong-un", ["kim", "jong", "un"]),
        ("Mr. John SMITH", ["john", "smith"]),
        ("Sheikh Mohammed bin Rashid", ["mohammed", "bin", "rashid"]),
        ("Gen. Col. Ri Yong Ho", ["ri", "yong", "ho"]),
        ("Haji Abdul Basir", ["abdul", "basir"]),
        # A title after the comma heads the given names: dropped as at the front.
        ("TAYSIR, Hajji", ["taysir"]),
        ("AL ZAWAHIRI, Dr. Ayman", ["al", "zawahiri", "ayman"]),
        ("Hajji, Ali", ["ali"]),
        ("HAJJI, Dr.", ["hajji"]),  # a name of titles only keeps one
        ("M/V WISE HONEST", ["wise", "honest"]),
        ("M.V. Wise Honest", ["wise", "honest"]),
        ("MV Wise Honest", ["wise", "honest"]),
        ("MT Chon Ma San", ["chon", "ma", "san"]),
        ("HONG KONG (ex-BO TAI)", ["hong", "kong"]),
        ("金正恩同志", ["金正恩"]),
        ("Sheikh", ["sheikh"]),  # a title alone is kept: the name would be empty otherwise
        ("MV", ["mv"]),
    ],
)
def test_tokenize_name(text: str, expected: list[str]) -> None:
    assert tokenize_name(text) == expected


@pytest.mark.parametrize(
    ("text", "name", "formers"),
    [
        ("HONG KONG (ex-BO TAI)", "HONG KONG", ["BO TAI"]),
        ("Grand Star f.k.a. Lucky Star", "Grand Star", ["Lucky Star"]),
        ("Acme Ltd, formerly known as Roadrunner Ltd", "Acme Ltd", ["Roadrunner Ltd"]),
        ("Sea Breeze (ex Ocean Pearl)", "Sea Breeze", ["Ocean Pearl"]),
        # A leading "EX-" is part of the name (real OFAC entries EX-CLE ..., EX-301).
        ("EX-CLE SOLUCIONES BIOMETRICAS C.A.", "EX-CLE SOLUCIONES BIOMETRICAS C.A.", []),
        ("Alex Export Trading", "Alex Export Trading", []),
    ],
)
def test_split_former_names(text: str, name: str, formers: list[str]) -> None:
    assert split_former_names(text) == (name, formers)


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("Kim Jong Un", "Latn"),
        ("김정은", "Hang"),
        ("金正恩", "Hani"),
        ("Путин", "Cyrl"),
        ("محمد", "Arab"),
        ("Ελληνική", "Grek"),
        ("אברהם", "Hebr"),
        ("สมชาย", "Thai"),
        ("Kim 김정은", "Hang"),  # mixed: the dominant script
        ("12-34", "Zyyy"),
    ],
)
def test_detect_script(text: str, script: str) -> None:
    assert detect_script(text) == script


def test_long_input_is_capped() -> None:
    text = "Abc " * 1000
    capped, was_cut = cap_length(text)
    assert was_cut and len(capped) == MAX_NAME_CHARS
    assert cap_length("Kim") == ("Kim", False)
    assert len(tokenize_name(text)) <= MAX_NAME_CHARS // 4 + 1


@pytest.mark.parametrize("text", ["", "   ", "!!!", "---"])
def test_empty_names_give_no_tokens(text: str) -> None:
    assert tokenize_name(text) == []
