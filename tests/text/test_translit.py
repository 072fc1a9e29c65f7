"""Latin forms of names in other scripts."""

from __future__ import annotations

import pytest

from scrutiny.text.korean import korean_key
from scrutiny.text.normalize import fold, tokenize_name
from scrutiny.text.translit import MAX_FORMS, latin_forms


def keys(text: str) -> set[str | None]:
    return {korean_key(tokenize_name(form)) for form in latin_forms(text)}


def test_latin_input_is_returned_as_is() -> None:
    assert latin_forms("Kim Jong-un") == ["Kim Jong-un"]


def test_kim_jong_un_in_every_script_shares_a_korean_key() -> None:
    target = korean_key(tokenize_name("KIM Jong Un"))
    assert target is not None
    for text in ("김정은", "金正恩", "KIM Jong Un", "Kim Jong-un", "Gim Jeong-eun"):
        assert target in keys(text), (text, latin_forms(text))


@pytest.mark.parametrize(
    ("hangul", "dprk", "rr"),
    [
        ("김정은", "Kim Jong Un", "Kim Jeong Eun"),
        ("리설주", "Ri Sol Ju", "Lee Seol Ju"),
        ("최룡해", "Choe Ryong Hae", "Choi Ryong Hae"),
        ("박봉주", "Pak Pong Ju", "Park Bong Ju"),
        ("김여정", "Kim Yo Jong", "Kim Yeo Jeong"),
        ("남궁민", "Namgung Min", "Namgoong Min"),
    ],
)
def test_hangul_names_in_dprk_style_and_revised_romanization(
    hangul: str, dprk: str, rr: str
) -> None:
    forms = latin_forms(hangul)
    assert forms[0] == dprk
    assert rr in forms


def test_han_names_get_mandarin_and_korean_readings() -> None:
    forms = latin_forms("金正恩")
    assert "Jin Zhengen" in forms  # pinyin
    assert "Kim Jong Un" in forms  # Sino-Korean, surname 金 read Kim, not 금
    forms = latin_forms("习近平")
    assert forms[0] == "Xi Jinping"
    assert "Hsi Chin Ping" in forms  # Wade-Giles


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Путин", "putin"),
        ("Щербаков", "shcherbakov"),  # BGN/PCGN as the lists write Russian names
        ("Ελληνική", "ellenike"),
    ],
)
def test_other_scripts_through_icu(text: str, expected: str) -> None:
    assert expected in {fold(f) for f in latin_forms(text)}


def test_mixed_script_keeps_latin_and_transliterates_the_rest() -> None:
    forms = latin_forms("Kim Jong Un (김정은)")
    assert forms[0] == "Kim Jong Un (Kim Jong Un)"
    assert len(forms) <= MAX_FORMS


def test_forms_are_bounded_and_non_empty() -> None:
    for text in ("조선광선은행", "金正恩", "محمد", "ООО Ромашка", "平壤 Pyongyang 평양"):
        forms = latin_forms(text)
        assert 1 <= len(forms) <= MAX_FORMS
        assert all(form.strip() for form in forms)
