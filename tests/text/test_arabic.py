"""Arabic-script names read in the spellings the lists use."""

from __future__ import annotations

import pytest

from scrutiny.text.arabic import arabic_forms, is_persian, join_compounds, skeleton
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


@pytest.mark.parametrize(
    ("latin", "reading"),
    [
        ("mouchaweh", "mashuh"),  # ou and w are what Latin spellings make of waw
        ("gerges", "jarjas"),  # g is jim in Egyptian and Levantine spellings
        ("moghaddam", "muqdam"),  # gh is qaf in Persian names
        ("khosravi", "khasrawi"),  # v is waw in Persian names
        ("seifeddine", "sifaddin"),
        ("alhamzi", "hamzi"),  # the article written joined
    ],
)
def test_a_spelling_and_a_reading_share_a_skeleton(latin: str, reading: str) -> None:
    assert skeleton(latin) == skeleton(reading)


def test_skeletons_keep_consonants_and_lose_vowels() -> None:
    assert skeleton("hamdan") != skeleton("hamid")
    assert skeleton("karim") != skeleton("kamal")
    # What the vowels told apart is lost (why the matcher reads it only against list names
    # in Arabic script): Mahmoud and Mohammed share "mhmd".
    assert skeleton("mahmoud") == skeleton("mohammed")


@pytest.mark.parametrize(
    ("spellings", "joined"),
    [
        (("abd al rahman", "abdul rahman", "abdurrahman", "abdel rahman"), "abdrahman"),
        (("abdul karim", "abdulkarim", "abd al karim"), "abdkarim"),
        (("abdullah", "abd allah", "abdallah", "abdollah"), "abdallah"),
        (("nasir al din", "nasir ud din", "nasiruddin", "nasir uddin"), "nasirdin"),
        (("saif al din", "saifeddine", "saif eddin"), "saifdin"),
        (("ehsan ullah", "ehsanullah", "ehsan allah"), "ehsanallah"),
    ],
)
def test_a_compound_name_is_one_part_however_spelt(spellings: tuple[str, ...], joined: str) -> None:
    for spelt in spellings:
        assert join_compounds(tuple(spelt.split())) == (joined,), spelt


def test_other_names_are_left_as_they_are() -> None:
    for name in ("abdi ali", "saladin", "borodin", "mohammad din", "mullah omar", "abu bakr"):
        assert join_compounds(tuple(name.split())) == tuple(name.split()), name
    # The rest of the name stays around the compound.
    assert join_compounds(("moussa", "abdul", "rahman", "al", "sadi")) == (
        "moussa",
        "abdrahman",
        "al",
        "sadi",
    )
