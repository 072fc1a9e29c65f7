"""Customer-style name variants used to build the evaluation sets."""

from __future__ import annotations

import random

from eval import variants


def test_korean_romanization_changes_spelling_not_identity() -> None:
    rng = random.Random(0)
    outs = {variants.korean_romanization("KIM Jong Un", rng) for _ in range(30)}
    outs.discard(None)
    assert outs
    for out in outs:
        assert out is not None
        assert out.split()[0].lower() in ("kim", "gim")
        assert out.lower() != "kim jong un"
    assert variants.korean_romanization("John Smith", rng) is None


def test_keyboard_typo_is_one_edit_keeping_first_letter() -> None:
    rng = random.Random(3)
    for _ in range(50):
        out = variants.keyboard_typo("Alexander Petrov", rng)
        if out is None:
            continue
        assert out != "Alexander Petrov"
        assert out[0] == "A"
        assert abs(len(out) - len("Alexander Petrov")) <= 1


def test_reorder_and_drop_middle() -> None:
    rng = random.Random(1)
    assert variants.reorder("KIM, Jong Un", rng) == "Jong Un KIM"
    assert sorted(variants.reorder("Ivan Ivanovich Petrov", rng).split()) == sorted(  # type: ignore[union-attr]
        ["Ivan", "Ivanovich", "Petrov"]
    )
    assert variants.drop_middle_name("Ivan Ivanovich Petrov", rng) == "Ivan Petrov"
    assert variants.drop_middle_name("Ivan Petrov", rng) is None


def test_script_detection() -> None:
    assert variants.script_of("김정은") == "Hang"
    assert variants.script_of("金正恩") == "Hani"
    assert variants.script_of("山田 たろう") == "Jpan"
    assert variants.script_of("Иван") == "Cyrl"
    assert variants.script_pair("김정은", "Kim Jong Un") == "Hang-Latn"


def test_drop_middle_keeps_family_titles_and_particles() -> None:
    rng = random.Random(2)
    for _ in range(10):
        assert variants.drop_middle_name("ALI, Yassin Mohamed", rng) == "ALI, Yassin"
        assert variants.drop_middle_name("MIKLASHEVICH, Petr Petrovich", rng) == (
            "MIKLASHEVICH, Petr"
        )
        assert variants.drop_middle_name("Abdullah Khalil HUSSEIN", rng) == "Abdullah HUSSEIN"
        # Nothing to leave out: a title, a particle, the word after one, a family name.
        assert variants.drop_middle_name("Mullah Khairullah Khairkhwah", rng) is None
        assert variants.drop_middle_name("AL QARAWI, Saleh", rng) is None
        assert variants.drop_middle_name("Saleh AL QARAWI", rng) is None
        assert variants.drop_middle_name("Abu Bakr AL BAGHDADI", rng) is None
    outs = {variants.drop_middle_name("Yasin Ali Baynah Warsame", rng) for _ in range(20)}
    assert outs == {"Yasin Baynah Warsame", "Yasin Ali Warsame"}


def test_korean_romanization_finds_a_family_name_written_last() -> None:
    rng = random.Random(5)
    for _ in range(20):
        out = variants.korean_romanization("Rak Kyom KIM", rng)
        if out is None:
            continue
        assert out.split()[-1] in ("KIM", "GIM"), out
        assert "kim" not in out.split()[0].lower() and "gim" not in out.split()[0].lower(), out
