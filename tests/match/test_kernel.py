"""The compiled scoring path (kernel.py) computes what the readable `align` computes.

`align` is the reference for one (query form, list form) pair; the matcher scores every
candidate pair through `kernel.score_forms`. Both must give the same feature values, pair by
pair, on real list names and on the hard cases (Korean keys, legal forms, parts written
joined, digits, short syllables, repeated parts).
"""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import pytest

from scrutiny.match import Matcher, kernel
from scrutiny.match.features import FOREIGN_FORM, NAME_FEATURES, align
from scrutiny.match.forms import name_forms
from scrutiny.match.query import Query

_WEAK_AT = NAME_FEATURES.index("weak_alias")

HARD_QUERIES = [
    "Kim Jong Un",
    "Abdurrahman Yasin",  # Arabic compounds written joined or apart (features._merge_joined)
    "Abdul Rahman Yasin",
    "Nasiruddin Haqqani",
    "ABDELMALEK DROUKDEL",
    "Kim Un Jong",  # a Korean given name's syllables the other way round (out_of_order)
    "Un Jong Kim",
    "Jong Un Kim",
    "KIM Jongun",
    "Gim Jeong-eun",
    "김정은",
    "金正恩",
    "朴成哲",  # a Korean name in Hanja: its Korean readings match Korean names only
    "Korea Kwangson Banking Corp",
    "Kwangson Bank LLC",
    "Foreign Trade Bank of the DPRK",
    "Ali Hassan al Majid",
    "Jian Hua Trading Co Ltd",
    "Jianhua Trading Company Limited",
    "Ocean Star No 7",
    "Chong Chon Gang",
    "Ri Ri",
    "Jing Li",
    "Владимир Путин",
    "Osama bin Laden",
    "Mohammed Mohammed",
    "KIM, Min Chl",  # short parts one typo away (features.short_typo) ...
    "Ri Chong Cho",  # ... and syllables one letter away, which are other names
    "Amn Industrial Cmplex Sj",
    "Valeria Petrova",  # Slavic surnames in the other gender's form (features.gender_form)
    "PERRIN",  # one-word names one typo from listed ones (features.typo_word) ...
    "BLUENOROF",
    "CHEM",  # ... and too short for it, or not (GENCO)
    "GENO",
    "NATIONAL LIBERATION ADMY",  # four-letter words one letter apart in longer names
    "IBDX SHIPPING INC",  # (features.typo_short_word) ...
    "KUM SANG 3",  # ... but not syllables
    "NIO PTE LTD",  # a four-letter word with a letter left out (NIOC PTE LTD)
    "BII MARITIME LIMITED",
    "لبانة مشوح",  # a reading of Arabic script meets Latin parts by skeleton (Form.arabic),
    "Lubana MOUCHAWEH",  # and a Latin query the list's Arabic-script names
    "Jurij Aleksandrovitj Petrov",  # two spellings of one name (features.same_name) ...
    "Pjotr Tolstoj",
    "Chang Ha Jang",  # ... but not syllables, which the name table leaves out
    "X",
]


def _check(matcher: Matcher, query: str, typed: bool = False, vessel: bool = False) -> int:
    forms = name_forms(query)
    if not forms:
        return 0
    names, _ = matcher.index.candidates(forms, 48)
    if not len(names):
        return 0
    table = matcher.forms
    form_ids = np.unique(np.concatenate([table.forms_of_name(int(n)) for n in names]))
    values = kernel.score_forms(
        table, forms, form_ids, matcher._weights_of, matcher.index.idf, typed, vessel
    )
    checked = 0
    for k, query_form in enumerate(forms):
        for c, form_id in enumerate(form_ids.tolist()):
            list_form = table.form(form_id)
            expected = align(
                query_form, list_form, matcher.index.idf, False, None, typed, vessel
            ).values
            assert values[k, c].tolist() == pytest.approx(expected, abs=1e-12), (
                query_form,
                list_form,
                [
                    (name, got, want)
                    for name, got, want in zip(NAME_FEATURES, values[k, c], expected, strict=True)
                    if abs(got - want) > 1e-12
                ],
            )
            checked += 1
    return checked


@pytest.mark.parametrize("query", HARD_QUERIES)
def test_kernel_equals_align_on_hard_cases(sdn_matcher: Matcher, query: str) -> None:
    # Every candidate form the index retrieves for the query, not a chosen few.
    assert _check(sdn_matcher, query) > 0 or query == "X"
    _check(sdn_matcher, query, typed=True)  # an organization query
    _check(sdn_matcher, query, typed=True, vessel=True)  # a vessel query


def test_kernel_equals_align_on_real_list_names_with_typos(sdn_matcher: Matcher) -> None:
    rng = random.Random(7)
    names = rng.sample(sdn_matcher.index.name_text, 150)
    checked = 0
    for name in names:
        checked += _check(sdn_matcher, name)
        chars = list(name)
        if len(chars) > 5:
            i = rng.randrange(1, len(chars) - 1)
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
            checked += _check(sdn_matcher, "".join(chars))
            # One-word company names with a typo: features._TYPO_ALONE's case.
            checked += _check(sdn_matcher, "".join(chars).split()[-1], typed=True)
    assert checked > 5000


def test_screen_scores_are_the_scores_of_the_reference_alignment(sdn_matcher: Matcher) -> None:
    # End to end: a hit's score equals the model applied to `align`'s values of the pair the
    # explanation names, so the kernel path and the explanation cannot disagree.
    model = sdn_matcher.model
    for query in ["Kim Jong Un", "Korea Kwangson Banking", "CHONG CHON GANG", "Kim Jong-un"]:
        hits = sdn_matcher.screen(query, threshold=0.2)
        assert hits
        for hit in hits:
            contributions = hit.explanation["contributions"]
            logit = model.bias + sum(contributions.values())
            # Contributions are rounded to 3 decimals for display.
            assert abs(model.probability_of_logit(logit) - hit.score) < 1e-3 * len(contributions)


def _matcher_of(listed: list[str], schema: Any) -> Matcher:
    """A matcher over one entity per name, entity ids t:0, t:1 ... in order."""
    from scrutiny.model import Entity, Name, NameKind, Provenance, seal

    entities = [
        seal(
            Entity(
                id=f"t:{i}",
                schema=schema,
                names=(Name(full=name, kind=NameKind.PRIMARY),),
                provenance=Provenance(list_id="t", source_file="t", source_record_id=str(i)),
            )
        )
        for i, name in enumerate(listed)
    ]
    return Matcher.from_entities(entities)


def test_table_columns_are_the_forms_one_by_one(sdn_matcher: Matcher) -> None:
    """The table is built column by column (`form_columns`, `part_weights_table`); form by
    form, `decode_forms` and `part_weights` give the same parts, weights and flags."""
    from scrutiny.match.features import form_translation_bits, part_weights, skeleton_kind
    from scrutiny.match.forms import decode_forms

    table = sdn_matcher.forms
    idf = sdn_matcher.index.idf
    generic = 0
    compounds = 0
    for f, line in enumerate(table.form_lines):
        form = decode_forms(line)[0]
        lo, hi = int(table.off[f]), int(table.off[f + 1])
        assert tuple(table.vocab[v] for v in table.tok[lo:hi].tolist()) == form.core
        expected = part_weights(form.core, idf)
        assert table.weight[lo:hi].tolist() == expected, line
        generic += sum(w < idf(t) for w, t in zip(expected, form.core, strict=True))
        legal = table.legal_tok[table.legal_off[f] : table.legal_off[f + 1]].tolist()
        assert len(legal) == len(set(form.legal))
        assert (table.korean[f] >= 0) == (form.korean is not None)
        assert (table.sino[f], table.reading[f], table.skel_kind[f]) == (
            form.sino,
            form.reading,
            skeleton_kind(form),
        )
        assert table.form_trans[f] == form_translation_bits(form), line
        # Neighbours written together first, then any Arabic compound's hashes.
        joined = table.joined[table.joined_off[f] : table.joined_off[f + 1]].tolist()
        pairs = [hash(a + b) for a, b in zip(form.core, form.core[1:], strict=False)]
        assert joined[: len(pairs)] == pairs
        compounds += len(joined) > len(pairs)
    assert generic > 1000  # the lowered weights (generic words, phrases, patronymics) were seen
    assert compounds > 100  # Abdul Rahman, Nasir al-Din


def test_a_query_token_reads_as_the_tables_own_token(sdn_matcher: Matcher) -> None:
    """`FormTable.row_of` takes a vocabulary token's values from the table's columns: the
    same values its word tests give a token the table does not hold."""
    table = sdn_matcher.forms
    for token in random.Random(5).sample(table.vocab, 2000):
        table.row_cache.clear()
        from_columns = table.row_of(token)
        vid = table.vocab_ids.pop(token)
        try:
            table.row_cache.clear()
            computed = table.row_of(token)
        finally:
            table.vocab_ids[token] = vid
            table.row_cache.clear()
        assert from_columns[0] == vid and computed[0] == -1
        assert tuple(map(float, from_columns[1:])) == tuple(map(float, computed[1:])), token


def test_kernel_equals_align_on_names_read_from_other_scripts() -> None:
    """Skeletons of both kinds (features.skeleton_kind) and Korean syllable order, on list
    names written in Cyrillic, Arabic script and Hangul, against Latin spellings."""
    from scrutiny.model import EntityType

    listed = [
        "Александр Николаевич ЗАЙЦЕВ",
        "Андрей Владимирович ЧЕРЕЗОВ",
        "Сергей Гаврилчук",
        "Алена Мікалаеўна ДМУХАЙЛА",
        "فيصل بوغانمي",
        "محمد ناذر جمال الدين",
        "محمد سيف الدين",
        "Abdul Rahman Yasin",
        "Abdullah Yasin",
        "김정은",
        "김광수",
        "Хамас",
        "ЗАО Рособоронэкспорт",
        "محمدحسین سپهر",
        "ناصرملکی",
        "Mohammadreza Naseri",
    ]
    matcher = _matcher_of(listed, EntityType.PERSON)
    assert matcher.forms.skel_kind.max() == 2  # Cyrillic readings are flagged
    checked = 0
    for query in (
        "Aliaksandr Mikalaevich ZAITSAU",
        "Andrey Vladimirovich TSCHERESOW",
        "Serhii HAVRYLCHUK",
        "Elena Nikolaevna DMUHAILO",
        "FAYCAL BOUGHANEMI",
        "Nazir Mohammed JAMALEDDINE",
        "Mohammad SEIFEDDINE",
        "Abdurrahman Yasin",
        "Kim Un Jong",
        "Su Gwang Kim",
        "Gwang Su Kim",
        "Hamas",
        "JSC Rosoboronexport",
        "Mohammad Hossein SEPEHR",
        "Naser MALEKI",
        "محمد رضا ناصری",
    ):
        checked += _check(matcher, query)
        _check(matcher, query, typed=True)
    assert checked > 20
    assert matcher.screen("Mohammad SEIFEDDINE")[0].entity_id == "t:6"
    assert matcher.screen("Abdurrahman Yasin")[0].entity_id == "t:7"
    # A word read from Cyrillic and its English spelling are one word (cyrillic.spelling_key),
    # found by the index's spelling keys (forms.spelling_keys); this index is too small for
    # the words' weights to mean much, so the hits are read at any score.
    for query, entity_id in (("Hamas", "t:11"), ("Rosoboronexport", "t:12")):
        hit = matcher.screen(query, threshold=0.0)[0]
        assert hit.entity_id == entity_id, query
        assert [p["similarity"] for p in hit.explanation["parts"]] == [1.0], query
    # Two parts written apart meet one written joined by skeleton (features.joined_skeleton).
    assert matcher.screen("Naser MALEKI", threshold=0.0)[0].entity_id == "t:14"
    hit = matcher.screen("Aliaksandr Mikalaevich ZAITSAU")[0]
    assert hit.explanation["list_name_read_from_cyrillic_script"]
    assert any(p.get("consonant_skeleton") == "sTv" for p in hit.explanation["parts"])


def test_kernel_equals_align_on_translated_names() -> None:
    """features.translated_pair: list names in Bulgarian, Russian and Greek against English
    ones and the other way round, in the kernel as in `align`."""
    from scrutiny.model import EntityType

    listed = [
        "Научно-производствена асоциация „Квант“",
        "Отворено акционерно дружество „Naftan“",
        "Челябинский металлургический комбинат",
        "АО ЗВЕЗДА",
        "Ανοικτή συμμετοχική εταιρεία “Belavia Belarusian Airlines”",
        "Research and Production Association Kvant",
        "Bryansk Automobile Plant",
        "Yantar Shipyard",
    ]
    matcher = _matcher_of(listed, EntityType.ORGANIZATION)
    assert (matcher.forms.form_trans & FOREIGN_FORM).sum() >= 4
    checked = 0
    for query in (
        "JSC Research and Production Association Kvant",
        "Open Joint Stock Company Naftan",
        "MAGNITOGORSKIY METALLURGICHESKIY KOMBINAT",
        "Shipbuilding Complex Zvezda",
        "Belavia Belarusian Airlines",
        "Научно-производственное объединение Квант",
        "Брянский автомобильный завод",
        "Верфь Янтарь",
    ):
        checked += _check(matcher, query)
        _check(matcher, query, typed=True)
    assert checked > 10
    # Screening takes the kernel's path: the translated words are named in the hit. (This
    # index is too small for the words' weights to mean much: read at any score.)
    hit = matcher.screen(Query("Верфь Янтарь", schema="Organization"), threshold=0.0)[0]
    assert hit.entity_id == "t:7"
    assert hit.explanation["translation_words"] == {"query": ["verf"], "list": ["shipyard"]}
