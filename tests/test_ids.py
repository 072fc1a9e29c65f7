"""IMO check digit and MMSI shape (scrutiny.ids)."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from scrutiny.ids import (
    imo_check_digit,
    imo_company_valid,
    imo_valid,
    mmsi_valid,
    normalize_imo,
    normalize_mmsi,
)


@pytest.mark.parametrize(
    "value",
    ["9074729", "IMO 9074729", "imo9074729", " IMO: 9074729 ", "8909575", "9191773", "8514306"],
)
def test_real_ship_imo_numbers_are_valid(value: str) -> None:
    assert imo_valid(value)


@pytest.mark.parametrize(
    "value", ["9074728", "5571322", "907472", "90747290", "IMO", "", None, "ABCDEFG"]
)
def test_wrong_check_digit_or_shape_is_invalid(value: str | None) -> None:
    assert not imo_valid(value)


def test_check_digit_worked_example() -> None:
    # 9*7 + 0*6 + 7*5 + 4*4 + 7*3 + 2*2 = 139 -> 9
    assert imo_check_digit("907472") == 9
    with pytest.raises(ValueError, match="six digits"):
        imo_check_digit("90747")


def test_normalize_imo_keeps_company_numbers() -> None:
    assert normalize_imo("IMO number 5571322") is None  # words other than the prefix
    assert normalize_imo("IMO 5571322") == "5571322"
    assert normalize_imo("12345678") is None


def test_company_numbers_use_their_own_check_digit() -> None:
    # IMO company numbers printed for DPRK shipping companies on the UN and EU lists.
    for number in ("5571322", "5963351", "5342883", "5434358"):
        assert imo_company_valid(number)
        assert not imo_valid(number)
    assert not imo_company_valid("5571323")
    assert not imo_company_valid("0000000")


@settings(deadline=None)
@given(st.from_regex(r"\A[0-9]{6}\Z"))
def test_exactly_one_check_digit_fits(first_six: str) -> None:
    assume(first_six != "000000")  # "0000000" is not a ship number although its sum fits
    fits = [d for d in range(10) if imo_valid(first_six + str(d))]
    assert fits == [imo_check_digit(first_six)]


@settings(deadline=None)
@given(st.from_regex(r"\A[0-9]{7}\Z"))
def test_agrees_with_rigour(number: str) -> None:
    rigour_imo = pytest.importorskip("rigour.ids").IMO
    assert imo_valid(number) == rigour_imo.is_valid_vessel(f"IMO{number}")
    assert imo_company_valid(number) == rigour_imo.is_valid_company(f"IMO{number}")


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("445114000", True),  # DPRK (MID 445)
        ("667003342", True),  # Sierra Leone
        ("44511400", False),
        ("111445114", False),  # SAR aircraft, not a ship station
        ("970123456", False),  # AIS-SART
        ("4451140000", False),
        (None, False),
    ],
)
def test_mmsi(value: str | None, valid: bool) -> None:
    assert mmsi_valid(value) is valid


def test_normalize_mmsi_strips_spaces() -> None:
    assert normalize_mmsi(" 445 114 000 ") == "445114000"
