"""Han readings and Chinese commercial (telegraph) codes."""

from __future__ import annotations

import pytest

from scrutiny.text.chinese import han_readings, han_to_telegraph, sino_korean, telegraph_to_han


def test_han_readings_of_a_chinese_name() -> None:
    readings = han_readings("习近平")
    assert readings[0] == "Xi Jinping"
    assert "Xi Jin Ping" in readings


def test_surname_readings_override_the_word_reading() -> None:
    # 曾 is read zeng as a surname (ceng as an adverb); 单 is shan, not dan.
    assert han_readings("曾庆红")[0] == "Zeng Qinghong"
    assert han_readings("单雄信")[0].startswith("Shan ")


def test_sino_korean_keeps_the_original_reading() -> None:
    assert sino_korean("崔龍海") == "최룡해"  # 龍 stays 룡 (the North does not drop ㄹ)


@pytest.mark.parametrize(
    ("codes", "expected"),
    [
        ("6855 2973 1869", "金正恩"),
        ("7115 2973", "陈正"),
        (["7115", "2973"], "陈正"),
        ("0022,2429", "中文"),
    ],
)
def test_telegraph_to_han(codes: str | list[str], expected: str) -> None:
    assert telegraph_to_han(codes) == expected


def test_telegraph_books_differ_for_simplified_and_traditional() -> None:
    assert telegraph_to_han("7115", encoding="mainland") == "陈"
    assert telegraph_to_han("7115", encoding="taiwan") == "陳"


@pytest.mark.parametrize("codes", ["", "12ab", "123", "12345", "0000", "Kim 6855"])
def test_bad_telegraph_codes_give_none(codes: str) -> None:
    assert telegraph_to_han(codes) is None


def test_telegraph_round_trip() -> None:
    codes = han_to_telegraph("金正恩")
    assert codes == ["6855", "2973", "1869"]
    assert telegraph_to_han(codes) == "金正恩"
