"""name_forms of names in other scripts line up token by token with the lists' Latin spellings."""

from __future__ import annotations

import pytest

from scrutiny.match.forms import decode_forms, encode_forms, name_forms


def cores(text: str) -> set[tuple[str, ...]]:
    return {form.core for form in name_forms(text)}


@pytest.mark.parametrize(
    ("text", "latin"),
    [
        ("Евгений Юрьевич Пригожин", "yevgeniy yuryevich prigozhin"),  # BGN/PCGN
        ("Вячеслав Юрьевич", "vjatjeslav jurjevitj"),  # Swedish
        ("Сергій Геннадійович ЦИПЛАКОВ", "serhiy hennadiyovych tsyplakov"),  # Ukrainian
        ("Аляксандр Рыгоравіч ЛУКАШЭНКА", "aliaksandr ryhoravich lukashenka"),  # Belarusian
        ("Аляксандр Рыгоравіч ЛУКАШЭНКА", "aleksandr grigoryevich lukashenko"),  # in Russian
        ("Сергей Николаевич ХОМЕНКО", "siarhei mikalayevich khomenko"),  # in Belarusian
        ("صدام حسين التكريتي", "saddam hussein al takriti"),
        ("سید صادق حسینی", "seyed sadegh hosseini"),
    ],
)
def test_cross_script_readings(text: str, latin: str) -> None:
    assert tuple(latin.split()) in cores(text), name_forms(text)


def test_companies_read_j_based() -> None:
    text = "Научно Исследовательский Институт Поиск Северо Запад"  # six words: not a person
    assert ("naucno", "issledovatelskij", "institut", "poisk", "severo", "zapad") in cores(text)


def test_no_reading_drops_the_patronymic() -> None:
    # A two-word reading of a three-word name matched Faker customers ("Олег Петрова") with
    # designees ("Олег Владимирович ПЕТРОВ") at 0.93: the patronymic is left to the scorer.
    assert all(len(core) == 3 for core in cores("Олег Владимирович ПЕТРОВ"))


def test_latin_names_get_one_form() -> None:
    for text in ("Yevgeniy PRIGOZHIN", "Saddam Hussein al-Tikriti", "Kim Jong Un", "Łukaszenka"):
        assert len(name_forms(text)) == 1


def test_forms_are_bounded_deterministic_and_round_trip() -> None:
    for text in (
        "Сергей Николаевич ХОМЕНКО",
        "ООО “Научно Производственное Объединение ‘ПОИСК’”",
        "عبد الرحمن ولد محمد الحسين",
        "Аляксандр Рыгоравіч ЛУКАШЭНКА",
    ):
        forms = name_forms(text)
        assert 1 <= len(forms) <= 6
        name_forms.cache_clear()
        assert name_forms(text) == forms
        assert decode_forms(encode_forms(forms)) == forms
        assert all(token.isascii() for form in forms for token in form.tokens)


def test_cyrillic_legal_form_split_off() -> None:
    for form in name_forms("ООО “Ромашка”"):
        assert form.legal == ("ooo",)


def test_russian_legal_forms_written_out_are_legal_forms_in_every_reading() -> None:
    for text, legal in (
        ("Открытое акционерное общество «Поиск»", ("oao",)),
        ("Общество с ограниченной ответственностью “Ромашка”", ("ooo",)),
        ("Акционерное общество Научно Производственное Объединение Поиск", ("ao", "npo")),
        ("Федеральное государственное унитарное предприятие «Поиск»", ("fgup",)),
        ("Республиканское унитарное предприятие «Поиск»", ("rup",)),
    ):
        assert all(form.legal == legal for form in name_forms(text)), name_forms(text)


def test_state_enterprises_the_lists_translate_are_one_legal_form() -> None:
    # The lists write ФГУП / ГУП / НПО / НПП in English as FSUE / SUE / NPO / NPP, or spelt
    # out: both sides leave the name's core as the same word.
    for russian, english, legal in (
        ("ФГУП «Авангард»", "Federal State Unitary Enterprise Avangard", "fgup"),
        ("Государственное унитарное предприятие ДНР «Комтел»", "SUE DNR KOMTEL", "gup"),
        ("НПП «Искра»", "Research and Production Enterprise Iskra", "npp"),
        ("Научно-производственное объединение «Импульс»", "NPO Impuls", "npo"),
    ):
        for text in (russian, english):
            forms = name_forms(text)
            assert all(legal in form.legal for form in forms), forms
            assert not any(legal in form.core for form in forms), forms


def test_a_reading_of_arabic_script_is_flagged_and_explained() -> None:
    import scrutiny

    (form,) = name_forms("لبانة مشوح", person=True)
    assert form.arabic and decode_forms(encode_forms((form,))) == (form,)
    assert not any(f.arabic for f in name_forms("Lubana MOUCHAWEH", person=True))
    comparison = scrutiny.compare("Lubana MOUCHAWEH", "لبانة مشوح", schema="person")
    explanation = comparison.explanation
    assert explanation["list_name_read_from_arabic_script"] is True
    skeletons = {p["query"]: p.get("consonant_skeleton") for p in explanation["parts"]}
    assert skeletons == {"mouchaweh": "mc", "lubana": "lbn"}
    assert comparison.score > 0.9
