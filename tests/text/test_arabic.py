"""Arabic-script names read in the spellings the lists use."""

from __future__ import annotations

import pytest

from scrutiny.text.arabic import arabic_forms, is_persian
from scrutiny.text.translit import latin_forms


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        ("محمد حسن", "mohammad hassan"),  # names from the table
        ("سید صادق حسینی", "seyed sadegh hosseini"),  # Persian spellings for a Persian text
        ("عبد الرحمن", "abdul rahman"),  # عبد + next word
        ("عبدالحکیم", "abdul hakim"),
        ("يوسف المداني", "yousef al madani"),  # the article apart
        ("عدنان", "adnan"),  # guessed vowels
        ("بركات", "barakat"),
        ("جابر", "jaber"),
        ("ناظم", "nazim"),  # fāʿil pattern: i after a long a
        ("ﺟﻌﻔﺮ اﺑﻮ ﻣﺤﻤﺪ", "jafar abu mohammad"),  # presentation forms
        ("قربان-حسینی", "gharban hosseini"),
        ("حمید الله", "hamidullah"),  # X + Allah spelt joined
        ("عزیزالله", "azizullah"),
        ("خسروی", "khasravi"),  # و before a final ی is v
        ("مفلح", "muflah"),  # participles: mu-
        ("مسعود", "masud"),  # mafʿūl: ma-
    ],
)
def test_readings(text: str, reading: str) -> None:
    assert arabic_forms(text) == [reading]


def test_persian_letters() -> None:
    assert is_persian("حسینی")
    assert not is_persian("حسين")


def test_latin_forms_use_the_arabic_reading() -> None:
    assert latin_forms("صدام حسين") == ["saddam hussein"]


def test_empty_and_punctuation() -> None:
    assert arabic_forms("") == []
    assert arabic_forms("،") == []


def test_zero_width_non_joiner_separates_persian_compound_parts() -> None:
    assert arabic_forms("احمدی\u200cمقدم") == ["ahmadi moghdam"]
