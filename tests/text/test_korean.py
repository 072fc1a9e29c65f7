"""Korean syllable segmentation and romanisation-independent keys."""

from __future__ import annotations

import pytest

from scrutiny.text.korean import (
    korean_key,
    korean_keys,
    korean_name_key,
    korean_name_keys,
    korean_token_key,
    korean_variants,
    syllables,
)
from scrutiny.text.normalize import tokenize_name


def key(name: str) -> str | None:
    return korean_key(tokenize_name(name))


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("jongun", ["jong", "un"]),
        ("kwangson", ["kwang", "son"]),
        ("jeongeun", ["jeong", "eun"]),
        ("pyongyang", ["pyong", "yang"]),
        ("kimjongun", ["kim", "jong", "un"]),
        ("ryeong", ["ryeong"]),
        ("rhee", ["rhee"]),
        ("smith", None),
        ("xavier", None),
        ("", None),
    ],
)
def test_syllables(token: str, expected: list[str] | None) -> None:
    assert syllables(token) == expected


@pytest.mark.parametrize(
    "variants",
    [
        ["Kim Jong Un", "KIM, Jong-un", "Gim Jeong-eun", "Kim Jongun", "Kim Chŏng-ŭn"],
        ["Ri Sol Ju", "Lee Seol-ju", "Yi Sol Ju", "Rhee Sol Ju", "Li Sol Ju", "I Sol Ju"],
        ["Pak Pong Ju", "Park Bong-ju", "Bak Bong Ju"],
        ["Choe Ryong Hae", "Choi Ryong-hae", "Chwe Yong Hae", "Choe Ryeong Hae", "Choe Lyong Hae"],
        ["Hyon Yong Chol", "Hyun Young-chul", "Hyeon Yeong Cheol"],
        ["Kim Kyong Hui", "Kim Kyung-hee", "Gim Gyeong Hui"],
        ["Song Il", "Seong Il", "Sung Il"],
        ["Kwang Hyok", "Gwang Hyeok", "Kwang Hyuk"],
        ["Myong Chol", "Myeong Cheol", "Myung Chul"],
        ["Jong Un", "Chong Un", "Jeong Eun", "Cheong Un", "Jong Ŭn"],
    ],
)
def test_romanisations_share_a_key(variants: list[str]) -> None:
    keys = {key(v) for v in variants}
    assert len(keys) == 1 and None not in keys, dict(zip(variants, map(key, variants), strict=True))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Kim Jong Un", "Kim Jong Il"),
        ("Kim Jong Un", "Kim Jong Nam"),
        ("Ri Sol Ju", "Rim Sol Ju"),  # 리 and 림 are different surnames
        # 박 (Pak) and 백 (Paek) are different surnames; the ae/a distinction is written in every
        # system, so merging them would only add false alerts.
        ("Pak Pong Ju", "Paek Pong Ju"),
        ("Kim Yo Jong", "Kim Yong Jo"),
    ],
)
def test_different_names_do_not_collide(a: str, b: str) -> None:
    assert key(a) != key(b)


def test_non_korean_names_have_no_key() -> None:
    assert key("John Smith") is None
    assert key("Vladimir Putin") is None
    assert korean_key([]) is None


def test_variants_share_the_key() -> None:
    variants = korean_variants("jongun")
    assert "jeongeun" in variants and "jongun" in variants
    assert {korean_key([v]) for v in variants} == {korean_key(["jongun"])}
    assert korean_variants("smith") == set()


def test_vessel_numbers_stay_in_the_key() -> None:
    assert key("RA NAM 2") is not None
    assert key("RA NAM 2") != key("RA NAM 3")


def test_surname_last_order_also_gives_the_surname_first_key() -> None:
    assert key("Kim Jong Un") in korean_keys(tokenize_name("Jong-un Kim"))
    assert korean_keys(tokenize_name("Kim Jong Un")) == [key("Kim Jong Un")]
    assert korean_keys(tokenize_name("John Smith")) == []


def test_token_keys_compare_mixed_names_word_by_word() -> None:
    assert korean_token_key("kwangson") == korean_token_key("gwangseon")
    assert korean_token_key("trading") is None


def test_joined_names_have_a_key_per_reading_of_an_n_g_boundary() -> None:
    keys = korean_name_keys(tokenize_name("LI Mangon"))
    assert keys[0] == key("Ri Mang On")  # the segmenter's reading first
    assert key("Ri Man Gon") in keys
    assert korean_name_keys(tokenize_name("Kim Jong Un")) == (key("Kim Jong Un"),)
    assert korean_name_keys(tokenize_name("John Smith")) == ()


def test_joined_names_have_a_key_per_reading_of_a_final_n_or_l() -> None:
    # The segmenter reads Jinyeong ji-nyeong and Chanil cha-nil; the names written apart say
    # jin-yeong (Jin Yong) and chan-il (Chan Il).
    assert key("JON Jin Yong") in korean_name_keys(tokenize_name("JON Jinyeong"))
    assert key("CHOE Chan Il") in korean_name_keys(tokenize_name("CHOI Chanil"))
    assert key("Kim Jong Un") in korean_name_keys(tokenize_name("Gim Jeongeun"))


def test_a_doubled_consonant_is_read_at_either_side_of_the_boundary() -> None:
    # Rak Kyom KIM (a DPRK designee) written with his given name joined, Rakkyom GIM: the
    # segmenter reads ra-kkyom, the name written apart says rak-kyom.
    assert korean_name_key(["rak", "kyom", "kim"]) in korean_name_keys(["rakkyom", "gim"])
    assert korean_name_key(["ra", "kkyom"]) in korean_name_keys(["rakkyom"])
