"""Cyrillic names read in the lists' conventions, per language."""

from __future__ import annotations

import pytest

from scrutiny.text.cyrillic import (
    cyrillic_forms,
    fix_homoglyphs,
    language,
    looks_slavic_surname,
    skeleton,
    spelling_key,
)
from scrutiny.text.normalize import fold
from scrutiny.text.translit import latin_forms


def readings(text: str) -> list[str]:
    return [fold(f) for f in cyrillic_forms(text)]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Владимир Путин", "ru"),
        ("Сергій Геннадійович ЦИПЛАКОВ", "uk"),
        ("Уладзіслаў МАНДРЫК", "be"),
        ("Радован Караџић", "sr"),
        ("Държавно предприятие", "bg"),
    ],
)
def test_language_from_letters(text: str, lang: str) -> None:
    assert language(text) == lang


@pytest.mark.parametrize(
    ("text", "english", "swedish"),
    [
        (
            "Евгений Юрьевич Пригожин",
            "yevgeniy yuryevich prigozhin",
            "jevgenij jurjevitj prigozjin",
        ),
        (
            "Юрий Фёдорович Щербаков",
            "yuriy fedorovich shcherbakov",
            "jurij fjodorovitj sjtjerbakov",
        ),
        (
            "Сергій Геннадійович ЦИПЛАКОВ",
            "serhiy hennadiyovych tsyplakov",
            "serhij hennadijovytj tsyplakov",
        ),
        (
            "Аляксандр Рыгоравіч ЛУКАШЭНКА",
            "aliaksandr ryhoravich lukashenka",
            "aljaksandr ryhoravitj lukasjenka",
        ),
    ],
)
def test_person_names_english_style_and_swedish(text: str, english: str, swedish: str) -> None:
    assert readings(text)[:2] == [english, swedish]


def test_longer_names_english_style_and_j_based() -> None:
    text = "Государственное унитарное предприятие Республики Крым Черноморнефтегаз"
    assert readings(text) == [
        "gosudarstvennoye unitarnoye predpriyatiye respubliki krym chernomorneftegaz",
        "gosudarstvennoje unitarnoje predprijatije respubliki krym cernomorneftegaz",
    ]


def test_no_cyrillic_left_in_belarusian_or_ukrainian_readings() -> None:
    for text in ("Уладзіслаў Аляксеевіч", "Наталля Іванаўна", "Ґалаґан Євгенія Ї"):
        for form in latin_forms(text):
            assert form.isascii(), form


def test_latin_look_alikes_inside_cyrillic_words() -> None:
    assert fix_homoglyphs("Мiкалаевiч ГУТНIК") == "Мікалаевіч ГУТНІК"
    assert "mikalayevich hutnik" in {fold(f) for f in latin_forms("Мiкалаевiч ГУТНIК")}


def test_serbian_in_its_latin_alphabet() -> None:
    assert readings("Радован Караџић") == ["radovan karadzic"]


def test_east_slavic_names_also_read_in_the_other_languages() -> None:
    assert readings("Сергей Николаевич ХОМЕНКО")[2:4] == [
        "serhiy mykolayovych khomenko",
        "siarhei mikalayevich khomenko",
    ]
    assert "aleksandr grigoryevich lukashenko" in readings("Аляксандр Рыгоравіч ЛУКАШЭНКА")
    assert "sergey gennadyevich tsyplakov" in readings("Сергій Геннадійович ЦИПЛАКОВ")


def test_no_other_language_reading_without_a_known_name() -> None:
    assert len(readings("Прилепин Захар")) == 2  # no ч ш ж: the Swedish spelling is the j one


def test_swedish_spelling_only_for_person_length_names() -> None:
    assert readings("Сергей Николаевич ХОМЕНКО")[1] == "sergej nikolajevitj chomenko"
    company = "Общество с ограниченной ответственностью Научно Производственное Объединение"
    assert not any("nautjno" in r for r in readings(company))
    assert any("naucno" in r for r in readings(company))


@pytest.mark.parametrize(
    ("spelt", "listed"),
    [
        ("zaitsau", "zaytsev"),  # Belarusian system, Russian form (ЗАЙЦЕВ)
        ("marozau", "morozov"),  # akanye: the unstressed o written a
        ("sakalouski", "sokolovskiy"),
        ("fiodarava", "fedorova"),
        ("tscheresow", "cherezov"),  # German
        ("havrylchuk", "gavrilchuk"),  # Ukrainian h for г
        ("shautsou", "shvetsov"),
        ("damarnacki", "domarnatskiy"),  # Polish c
    ],
)
def test_one_surname_in_many_systems_has_one_skeleton(spelt: str, listed: str) -> None:
    assert looks_slavic_surname(spelt) and looks_slavic_surname(listed)
    assert skeleton(spelt) == skeleton(listed)


def test_other_names_keep_their_consonants() -> None:
    assert skeleton("petrov") != skeleton("pavlov")
    assert skeleton("ivanov") != skeleton("ivashov")
    # Given names and names that are no Slavic surnames get no skeleton at all.
    for word in ("sandro", "mayer", "yevgeniy", "aleksey", "kim"):
        assert not looks_slavic_surname(word), word


@pytest.mark.parametrize(
    ("read", "english"),
    [
        ("khamas", "hamas"),  # х as kh; English h
        ("yevraz", "evraz"),  # е at the start
        ("rosoboroneksport", "rosoboronexport"),  # кс / x
        ("promtekhnologiya", "promtechnology"),  # -ия / -y, тех / tech
        ("tsiti", "citi"),  # ц
        ("beltekheksport", "beltechexport"),
        ("ivanoff", "ivanov"),
        ("mikhail", "michail"),
    ],
)
def test_one_word_in_two_romanisations_has_one_spelling_key(read: str, english: str) -> None:
    assert spelling_key(read) == spelling_key(english) != ""


def test_spelling_keys_keep_the_vowels_and_skip_short_words() -> None:
    assert spelling_key("ivanov") != spelling_key("ivanova")
    assert spelling_key("hamas") != spelling_key("hamad")
    assert spelling_key("petrov") != spelling_key("patrov")
    assert spelling_key("kim") == "" and spelling_key("ooo2") == ""
