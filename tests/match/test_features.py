"""Name and entity features of one pair: what each means, checked on small hand-made names."""

from __future__ import annotations

import scrutiny
from scrutiny.match import features
from scrutiny.match.features import (
    FEATURES,
    NAME_FEATURES,
    align,
    dob_relation,
    part_weights,
)
from scrutiny.match.forms import joined_skeleton, name_forms
from scrutiny.match.query import Query


def _idf(token: str) -> float:
    # Flat rarity so that the tests look at alignment, not at list statistics.
    return 8.0


def _values(query: str, listed: str, weak: bool = False) -> dict[str, float]:
    alignment = align(name_forms(query)[0], name_forms(listed)[0], _idf, weak)
    assert len(alignment.values) == len(NAME_FEATURES)
    return dict(zip(NAME_FEATURES, alignment.values, strict=True))


def test_feature_names_are_unique() -> None:
    assert len(set(FEATURES)) == len(FEATURES)


def test_exact_name_any_order_is_full_two_sided_coverage() -> None:
    v = _values("Ahmad Rashid Karimi", "KARIMI, Ahmad Rashid")
    assert v["exact"] == 1.0
    assert v["min_coverage"] == 1.0
    assert v["strong_parts"] == 1.0
    assert v["unmatched_list"] == 0.0


def test_partial_match_of_a_long_list_name_has_low_min_coverage() -> None:
    v = _values("Ahmad Karimi", "Ahmad Rashid Mahmoud Hassan Karimi")
    assert v["query_coverage"] == 1.0
    assert v["min_coverage"] < 0.5
    assert v["unmatched_list"] > 0.0


def test_one_letter_apart_syllables_do_not_match() -> None:
    # jun/jin, fei/wei: different given names, not spelling variants.
    v = _values("Kim Jun", "Kim Jin")
    assert v["query_coverage"] == 0.5
    assert _values("Zhang Fei", "Zhang Wei")["query_coverage"] == 0.5


def test_phonetic_key_alone_does_not_make_unrelated_parts_similar() -> None:
    # "jie" and "zhu" share a coarse phonetic key but not a single letter in place.
    alignment = align(name_forms("Chen Jie")[0], name_forms("Chen Zhu")[0], _idf, False)
    similarity = {(q, c): s for q, c, s, _ in alignment.pairs}
    assert similarity.get(("jie", "zhu"), 0.0) == 0.0


def test_spelling_variants_of_long_parts_still_match() -> None:
    v = _values("Muhammad Hussein", "Mohammed Husayn")
    assert v["query_coverage"] > 0.5
    assert v["fuzzy_share"] == 1.0


def test_generic_transliterated_company_words_weigh_little() -> None:
    parts = ("fei", "hai", "ke", "ji", "you", "xian", "gong", "si")
    weights = part_weights(parts, _idf)
    assert weights[0] == weights[1] == 8.0
    assert max(weights[2:]) < 1.0
    v = _values("飞海科技有限公司", "武汉高新科技有限公司")
    assert v["min_coverage"] < 0.3


def test_syllabic_names_are_flagged() -> None:
    assert _values("Li Bin", "Li Bin")["syllabic"] == 1.0
    assert _values("Abdulrahman Karimi", "Abdulrahman Karimi")["syllabic"] == 0.0


def test_weak_alias_flag() -> None:
    assert _values("Abu Ahmad", "Abu Ahmad", weak=True)["weak_alias"] == 1.0


def test_dob_relations() -> None:
    listed = (("1984-01-08", None),)
    assert dob_relation("1984-01-08", listed) == "exact"
    assert dob_relation("1984", listed) == "partial"
    assert dob_relation("1985", listed) == "near"
    assert dob_relation("1990-05-05", listed) == "conflict"
    assert dob_relation(None, listed) is None
    assert dob_relation("1986", (("1983", "1987"),)) == "partial"


def test_korean_name_matched_exactly_is_not_penalised_but_near_namesakes_are() -> None:
    exact = _values("김정은", "KIM Jong Un")
    assert exact["exact"] == 1.0
    assert exact["korean_inexact"] == 0.0
    near = _values("Kim Jong Su", "Kim Jong Un")
    assert near["exact"] == 0.0
    assert near["korean_inexact"] == 1.0
    # A syllable left out, every other one exact: a dropped middle name, not a near namesake.
    dropped = _values("KIM Man", "KIM Jong Man")
    assert dropped["korean_inexact"] == 0.0
    assert dropped["query_contained"] == 1.0


def test_a_name_none_of_whose_parts_matched_near_exactly_is_flagged() -> None:
    assert _values("Simona Schmidtke", "SCHNEIDER, Simon")["all_fuzzy"] == 1.0
    assert _values("Ivan Petrpv", "Ivan Petrov")["all_fuzzy"] == 0.0  # Ivan is exact
    assert _values("Bluenorof", "BLUENOROFF")["all_fuzzy"] == 0.0  # one part: single_match's


def test_a_joined_korean_name_reads_both_ways_at_an_n_g_boundary() -> None:
    def exact(query: str, listed: str) -> bool:  # as the matcher does: any pair of forms
        return any(
            align(q, n, _idf, False).values[NAME_FEATURES.index("exact")] == 1.0
            for q in name_forms(query)
            for n in name_forms(listed)
        )

    # Mangon is 만곤 (Man Gon) or 망온 (Mang On); written apart, the list says which.
    assert exact("LI Mangon", "RI, Man Gon")
    assert exact("Kim Jongun", "KIM Jong Un")
    assert exact("Kim Jongun", "KIM Jon Gun")
    assert not exact("Kim Jong Un", "KIM Jon Gun")  # written apart: one reading


def test_single_part_match_is_flagged_exact_or_not() -> None:
    assert _values("Denise", "DENISE")["single_match"] == 1.0
    assert _values("Denise Meyer", "Denise Meyer")["single_match"] == 0.0
    # A misspelt one-word name is flagged as the word itself is (it scored above it before).
    assert _values("Bluenorof", "BLUENOROFF")["single_match"] == 1.0
    assert _values("Bluenoroff", "BLUENOROFF GROUP")["single_match"] == 0.0
    # A person's fuller name meeting a one-word name (an alias of one word) is one word of
    # evidence too; a company's words are typed_features' (below); two parts a reading of
    # Arabic script writes as one are one part joined (NASER MALEKI / ناصرملکی).
    assert _values("Adele Marin", "Adel")["single_match"] == 1.0
    assert _values("Adele Marin", "Adele Marin")["single_match"] == 0.0
    assert _values("Naser MALEKI", "ناصرملکی")["single_match"] == 0.0
    company = align(
        name_forms("Bluenoroff Group")[0], name_forms("BLUENOROFF")[0], _idf, False, typed=True
    )
    assert company.values[NAME_FEATURES.index("single_match")] == 0.0

    # A query typed as a company, one word near-exactly a one-word list name, is strong
    # evidence; a merely similar word (Adams / IDIAMS, by sound) is not.
    def typed(query: str, listed: str, vessel: bool = False) -> float:
        q, c = name_forms(query)[0], name_forms(listed)[0]
        alignment = align(q, c, _idf, False, typed=True, vessel=vessel)
        return alignment.values[NAME_FEATURES.index("single_match_typed")]

    assert typed("Bluenorof", "BLUENOROFF") == 1.0
    assert typed("Adams PLC", "IDIAMS DMCC") == 0.0
    # One keystroke from a vessel's one-word name of 5+ letters is a typo (Jaro-Winkler: part
    # similarity 0.67 for BQSKAR); shorter words one letter apart are other words.
    assert typed("BQSKAR", "BASKAR", vessel=True) == 1.0
    assert typed("CHRM", "CHEM", vessel=True) == 0.0  # two four-letter words are two words ...
    assert typed("GENO", "GENCO", vessel=True) == 1.0  # ... but a five-letter one may lose one
    assert typed("BASKRA", "BASKAR", vessel=True) == 1.0  # a transposition
    assert typed("BQSKAT", "BASKAR", vessel=True) == 0.0  # two edits
    # A company's one word must be of 7+ letters (features._TYPO_ALONE): a customer's
    # one-word company of five or six letters is as often another name (Bärer / BAJER).
    assert typed("GEOPOLTICA", "GEOPOLITICA") == 1.0
    assert typed("BQSKAR", "BASKAR") == 0.0
    assert typed("GENO", "GENCO") == 0.0


def test_a_typed_names_word_one_typo_from_the_lists_is_near_exact() -> None:
    def part_sim(query: str, listed: str, typed: bool, vessel: bool = False) -> float:
        q, c = name_forms(query)[0], name_forms(listed)[0]
        pairs = align(q, c, _idf, False, typed=typed, vessel=vessel).pairs
        return min(s for _, _, s, _ in pairs)

    # RISEINIC is RISEONIC mistyped when the query says it is a company ...
    assert part_sim("RISEINIC HOLDINGS", "RISEONIC HOLDINGS", typed=True) == 0.9
    # ... and only Jaro-Winkler's similarity otherwise (Maria / Marta are two names).
    assert part_sim("RISEINIC HOLDINGS", "RISEONIC HOLDINGS", typed=False) < 0.9
    # Numbers stay exact: FU YUAN YU 78821 is another ship than FU YUAN YU 78822.
    assert part_sim("FU YUAN YU 78821", "FU YUAN YU 78822", typed=True) == 0.0
    # Four-letter words one substitution or transposition apart, where the names have
    # another part: the rest of the name says which word was meant ...
    assert part_sim("NATIONAL LIBERATION ADMY", "NATIONAL LIBERATION ARMY", typed=True) == 0.9
    assert part_sim("IBXE SHIPPING INC", "IBEX SHIPPING INC", typed=True) == 0.9
    # ... but not Korean or Mandarin syllables, which are other names (SONG / SANG) ...
    assert part_sim("KUM SANG 3", "KUM SONG 3", typed=True) < 0.9
    # ... nor one-word names (a four-letter word one letter from another is another word) ...
    assert part_sim("ELSW", "ELSA", typed=True) < 0.9
    assert part_sim("SATN", "STAN", typed=True) < 0.9
    # ... unless both give the same legal form, which stands for the other part (JSC LMOO,
    # a train-side query, was JSC LOMO); another legal form on each side does not.
    assert part_sim("SATN LLC", "STAN LLC", typed=True) == 0.9
    assert part_sim("JSC LMOO", "JSC LOMO", typed=True) == 0.9
    assert part_sim("SATN LLC", "STAN LTD", typed=True) < 0.9
    # A one-word company name a keystroke from the list's is another name when the words are
    # of five or six letters (Bärer / BAJER, a customer), a typo from seven (INTERCONSULY);
    # a vessel's one word is a typo at five (ORUEA / OUREA).
    assert part_sim("Barer", "BAJER", typed=True) < 0.9
    assert part_sim("Barer LLC", "BAJER LLC", typed=True) == 0.9
    assert part_sim("INTERCONSULY", "INTERCONSULT", typed=True) == 0.9
    assert part_sim("ORUEA", "OUREA", typed=True) < 0.9
    assert part_sim("ORUEA", "OUREA", typed=True, vessel=True) == 0.9


def test_a_latin_spelling_meets_an_arabic_script_list_name_by_consonant_skeleton() -> None:
    def part_sims(query: str, listed: str, typed: bool = False) -> list[float]:
        q, c = name_forms(query, person=not typed)[0], name_forms(listed, person=not typed)[0]
        return sorted(s for _, _, s, _ in align(q, c, _idf, False, typed=typed).pairs)

    # مشوح is read "mashuh", OFAC writes MOUCHAWEH: the consonants agree, the vowels do not.
    assert part_sims("Lubana MOUCHAWEH", "لبانة مشوح") == [0.9, 0.9]
    assert part_sims("Fawaz Mikhail GERGES", "فواز ميخائيل جرجس") == [0.9, 1.0, 1.0]
    # Only that way round: a query in Arabic script is all guessed vowels, and skeletons are
    # loose (Samuh / Usama, Hussein / Hassan) ...
    assert max(part_sims("لبانة مشوح", "Lubana MOUCHAWEH")) < 0.9
    # ... and a part that begins with a vowel does not meet one that does not.
    assert max(part_sims("Usama HAMID", "سموح")) < 0.9  # read "samuh"
    # Companies' words are not names read by their consonants.
    assert max(part_sims("MOUCHAWEH TRADING", "مشوح", typed=True)) < 0.9


def test_misspelt_legal_forms_are_still_legal_forms() -> None:
    from scrutiny.match.forms import name_forms as forms_of

    form = forms_of("Public Joint Stock Compnay Instrument Plant Signal")[0]
    assert form.core == ("instrument", "plant", "signal") and form.legal == ("pjsc",)
    assert forms_of("TRANSSTROY LIMIETD LIABILITY COMPANY")[0].legal == ("llc",)
    # A real name one letter from a short legal word stays a name part.
    assert forms_of("LIMITED LIABILITY COMPANY STORK")[0].core == ("stork",)
    assert "associated" in forms_of("GREEN PINE ASSOCIATED CORPORATOIN")[0].core
    # Words of multi-word forms are corrected only where they then complete the form.
    assert forms_of("PUBLIC JOINT STOC COMPANY OTKRITIE")[0].core == ("otkritie",)
    assert forms_of("LIMITED LIABILTY COMPANY AKROL")[0].legal == ("llc",)
    assert forms_of("sociead anónima pública Peleng")[0].core == ("publica", "peleng")
    assert forms_of("Hong Kong Stok Ltd")[0].core == ("hong", "kong", "stok")
    # A four-letter form with two letters swapped is the form, unless the swap is a word.
    assert forms_of("DISDROGAS LTAD.")[0].core == ("disdrogas",)
    assert forms_of("OJCS KEREMET BANK")[0].legal == ("ojsc",)
    assert forms_of("GLOBAL CROP")[0].core == ("global", "crop")
    assert forms_of("Kavan Electronics Behrad LLC")[0].core == ("kavan", "electronics", "behrad")
    # A corrected word that completes a longer form: CJSC, not its "joint stock company".
    cjsc = forms_of("SBERBANK TECHNOLOGIES COSED JOINT STOCK COMPANY")[0]
    assert cjsc.core == ("sberbank", "technologies") and cjsc.legal == ("cjsc",)
    # OFAC's own spelling of Russian forms (-oe, -oi), misspelt, is still the form.
    assert forms_of("OBSHCHESTVO S OYRANICHENNOI OTVETSTVENNOSTYU VALIDATA")[0].core == (
        "validata",
    )
    assert forms_of("AKTSIONERNOE OBSHCEHSTVO ZAVOD SELMASH")[0].legal == ("ao",)


def test_a_short_word_one_letter_off_in_a_longer_company_name_is_near_exact() -> None:
    from scrutiny.match.features import typo_short_word

    assert typo_short_word("ibdx", "ibex") and typo_short_word("nio", "nioc")
    assert typo_short_word("aemp", "amp")  # either way round
    assert not typo_short_word("uro", "euro")  # the first letter is how people know a word
    assert not typo_short_word("son", "song")  # two syllables are two names
    assert not typo_short_word("abc", "abcde")

    def sims(query: str, listed: str) -> list[float]:
        q, c = name_forms(query)[0], name_forms(listed)[0]
        return sorted(s for _, _, s, _ in align(q, c, _idf, False, typed=True).pairs)

    # In a company's name with other parts, NIO is NIOC; alone it is a word of its own.
    assert sims("NIO MARITIME", "NIOC MARITIME") == [0.9, 1.0]
    assert max(sims("NIO", "NIOC")) < 0.9


def test_a_legal_phrase_one_word_off_is_read_as_the_phrase_and_as_written() -> None:
    from scrutiny.match.forms import name_forms as forms_of

    def splits(name: str) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
        return [(f.core, f.legal) for f in forms_of(name)]

    # OBSHCESTVO is one edit from two spellings of the table; the phrase decides which.
    assert splits("OBSHCESTVO S OGRANICHENNOI OTVETSTVENNOSTYU A1")[0] == (("a1",), ("ooo",))
    assert splits("OPE JOINT-STOCK COMPANY ROSNEFT OIL COMPANY")[0] == (
        ("rosneft", "oil"),
        ("ojsc", "co"),
    )
    # Read as written too: a list's own spelling one edit from the table, and a customer's
    # typo on top of it, still meet as written.
    listed = splits("PUBLICHNOE AKTSIONERNOE OBSCHESTVO SOLLERS")
    assert listed == [
        (("sollers",), ("pao",)),
        (("publichnoe", "aktsionernoe", "obschestvo", "sollers"), ()),
    ]
    assert splits("PUBLICHNOE AKTSIONERNOE OBSCHETVO SOLLERS") == [
        (("publichnoe", "aktsionernoe", "obschetvo", "sollers"), ())
    ]
    # Words more than one off, or short ones, are left alone.
    assert len(splits("OBSHESTVO S OGRANICHENNOJ OTVETSTVENNOSTYU NIPIGAZ")) == 1
    assert splits("OBSHCHESTVO Z OGRANICHENNOI OTVETSTVENNOSTYU X")[0][1] == ()


def test_patronymics_and_common_words_weigh_less() -> None:
    from scrutiny.match.features import commonness

    weights = part_weights(("murat", "krymgerijevitj", "chapsirokov"), _idf)
    assert weights[1] < weights[0] == weights[2]
    weights = part_weights(("ihar", "viktaravitj", "kurylovitj"), _idf)  # Belarusian
    assert weights[1] < weights[0]
    # Serbian surnames in -ovic are surnames, not patronymics.
    assert part_weights(("slobodan", "milosevic", "x"), _idf)[1] == 8.0
    assert commonness("bluenoroff") == 0.0
    assert 0.4 < commonness("drake") < commonness("kim") <= 1.0


def test_common_words_feature_is_the_rarest_matched_part() -> None:
    assert _values("Bluenoroff", "BLUENOROFF")["common_words"] == 0.0
    assert _values("Denise", "DENISE")["common_words"] > 0.4
    # One rare part matched is enough to make the match uncommon.
    assert _values("Denise Bluenoroff", "BLUENOROFF Denise")["common_words"] == 0.0


def test_vessel_match_only_when_both_are_vessels() -> None:
    from scrutiny.match.features import ENTITY_FEATURES, entity_features
    from scrutiny.match.index import EntityRecord

    def record(schema: str) -> EntityRecord:
        return EntityRecord("x", "l", schema, "N", (), (), (), None, (), None, "", "")

    at = ENTITY_FEATURES.index("vessel_match")
    assert entity_features(record("Vessel"), None, (), None, "Vessel")[at] == 1.0
    assert entity_features(record("Vessel"), None, (), None, None)[at] == 0.0
    assert entity_features(record("Organization"), None, (), None, "Vessel")[at] == 0.0


def test_short_parts_one_typo_apart_match_unless_both_are_syllables() -> None:
    from scrutiny.match.features import short_typo

    assert short_typo("amn", "amin") and short_typo("chl", "chol") and short_typo("sj", "su")
    assert short_typo("kmi", "kim")  # adjacent letters swapped
    # Korean and Mandarin syllables a letter apart are other names.
    assert not short_typo("cho", "chol") and not short_typo("bin", "bing")
    assert not short_typo("su", "si")
    assert not short_typo("mn", "amn")  # the first letter is kept by whoever types
    assert not short_typo("amn", "amino")  # longer words go through Jaro-Winkler
    assert _values("AMN INDUSTRIAL COMPLEX", "AMIN INDUSTRIAL COMPLEX")["query_coverage"] > 0.8


def _best(query: str, listed: str, feature: str) -> float:
    """The largest value of a feature over every form pair of the two names."""
    at = NAME_FEATURES.index(feature)
    return max(
        align(q, c, _idf, False).values[at] for q in name_forms(query) for c in name_forms(listed)
    )


def test_sino_korean_readings_match_only_korean_names() -> None:
    # 金正恩 read in Korean is Kim Jong Un however the Latin side writes it ...
    for latin in ("Kim Jong Un", "Jong Un KIM", "Gim Jeong-eun", "KIM Jongun"):
        assert _best("金正恩", latin, "exact") == 1.0, latin
    assert any(f.sino for f in name_forms("金正恩"))
    # ... but two Han names do not meet through their Korean readings (朱 and 周 both read
    # Ju), nor does a reading meet a Latin name of another origin.
    assert not any(f.sino for f in name_forms("周海燕"))  # 周: no Korean surname as written
    assert _best("朱海燕", "朱海仑", "exact") == 0.0
    assert _best("朱海仑", "Ju Hae Ryun", "exact") == 1.0
    assert _best("朴成哲", "Haji Karim", "query_coverage") == 0.0
    # Chinese and Japanese surnames get no Korean reading at all.
    assert not any(f.sino for f in name_forms("贾琳") + name_forms("阿部稔"))


def test_readings_of_han_and_hangul_match_part_by_part_exactly() -> None:
    # A letter more or less in a machine reading is another character, not a typo.
    assert all(f.reading for f in name_forms("张淑兰"))
    assert _best("张淑兰", "ZHANG Shilong", "query_coverage") < 0.6
    assert _best("김영희", "KIM Kyong Hui", "exact") == 0.0
    assert _best("刘桂英", "LIU Gui Ying", "exact") == 1.0  # written apart: merged, exact
    # Latin written by the customer keeps its typo tolerance.
    assert not any(f.reading for f in name_forms("Zhang Shulan"))
    assert _best("Zhang Shulan", "ZHANG Shulna", "query_coverage") > 0.8


def test_a_reading_meets_a_name_only_character_for_part() -> None:
    # A part left over on either side is a character the customer did or did not write.
    assert _best("张萍", "CHANG, Ping Yun", "query_coverage") == 0.0
    assert _best("王玉珍", "WANG, Chen", "query_coverage") == 0.0
    assert _best("马利", "KHAN, Mali", "query_coverage") == 0.0
    assert _best("周海燕", "Haiyan ZHOU", "exact") == 1.0  # joined, reordered: all parts met
    assert _best("김정은", "KIM Jongun", "exact") == 1.0  # the Korean key spans the join


def test_a_mandarin_reading_is_no_korean_name() -> None:
    # Read as Korean, Li Bo (李波) had the key of the Korean name P'U LI (Pu, Li: surname first).
    assert all(f.korean is None for f in name_forms("李波") if not f.sino)
    assert _best("李波", "P'U LI", "query_coverage") == 0.0
    assert any(f.korean for f in name_forms("김정은"))  # a Hangul reading is Korean


def test_korean_inexact_needs_two_korean_names() -> None:
    at = NAME_FEATURES.index("korean_inexact")
    # Two Korean names one letter apart are two names ...
    assert _best("RI Chong Chol", "RI Chong Chul", "korean_inexact") == 0.0  # one key
    assert (
        max(
            align(q, c, _idf, False).values[at]
            for q in name_forms("KIM Man Chun", person=True)
            for c in name_forms("KIM Man Chu", person=True)
        )
        == 1.0
    )
    # ... but a typo that leaves no Korean reading says nothing about Korean spellings.
    assert _best("NI, Gaobin", "NI, Gaobih", "korean_inexact") == 0.0


def test_a_birth_date_years_away_is_a_far_conflict() -> None:
    from scrutiny.match.features import ENTITY_FEATURES, entity_features
    from scrutiny.match.index import EntityRecord

    far, conflict = ENTITY_FEATURES.index("dob_far"), ENTITY_FEATURES.index("dob_conflict")
    record = EntityRecord(
        "x", "l", "Person", "X", (), (("1945-03-01", None),), ("KP",), None, (), None, "", ""
    )
    values = entity_features(record, "1975-04-18", (), None, None)
    assert values[far] == values[conflict] == 1.0
    values = entity_features(record, "1947", (), None, None)  # two years: a conflict, not far
    assert values[conflict] == 1.0 and values[far] == 0.0
    assert entity_features(record, "1946", (), None, None)[conflict] == 0.0  # near


def test_slavic_surnames_in_the_other_gender_form_are_flagged() -> None:
    from scrutiny.match.features import gender_form

    assert gender_form("petrov") == -gender_form("petrova") != 0
    assert gender_form("seleznyov") == -gender_form("selezneva") != 0  # ё written е
    assert gender_form("kowalski") == -gender_form("kowalska") != 0
    assert gender_form("ivan") == gender_form("hassan") == 0
    assert _values("Ivan Petrova", "Ivan PETROV")["gender_forms"] == 1.0
    assert _values("Ivan Petrov", "Ivan PETROV")["gender_forms"] == 0.0


def test_legal_forms_in_other_languages_leave_the_core() -> None:
    # EU lists write legal forms in every EU language (rigour's organisation types).
    assert name_forms("Sociedad limitada por acciones abierta “Belaruskali”")[0].core == (
        "belaruskali",
    )
    assert name_forms("„Shvabe” részvénytársaság")[0].core == ("shvabe",)
    assert name_forms("Infoteks Rt.")[0].core == ("infoteks",)
    # A customer's typo in the phrase is read as the list's spelling is.
    written = name_forms("L-INMO, SICIEDAD ANONIMA DE CAPITAL VARIABLE")[0].core
    assert written == name_forms("L-INMO, SOCIEDAD ANONIMA DE CAPITAL VARIABLE")[0].core
    # Only at either end of a name.
    assert name_forms("Alfa Akciová společnost Beta")[0].core == (
        "alfa", "akciova", "spolecnost", "beta",
    )  # fmt: skip


def test_a_persons_name_has_no_legal_forms() -> None:
    from scrutiny.match.forms import query_forms
    from scrutiny.model import EntityType

    # PAO is the surname 鮑 of PAO Yu Liang, not ПАО (a Russian joint-stock company).
    assert name_forms("PAO, Yu Liang", person=True)[0].core == ("pao", "yu", "liang")
    assert name_forms("PAO, Yu Liang")[0].core == ("yu", "liang")
    assert query_forms("Pao Yu Liang", EntityType.PERSON)[0].core == ("pao", "yu", "liang")
    # Of unknown type, such a name is read both ways; a company's name only as a company's.
    assert {f.core for f in query_forms("Pao Yu Liang", None)} == {
        ("yu", "liang"), ("pao", "yu", "liang"),
    }  # fmt: skip
    assert [f.core for f in query_forms("OOO Romashka", None)] == [("romashka",)]


def test_a_shared_birthday_counts_only_where_the_names_agree() -> None:
    """Петр Самсонов and Петр АКОПОВ, both born 1968-10-07 (a train-side clean customer that
    alerted at 0.99 on the date alone): the date counts for Petr Akopov, not for him."""
    from scrutiny.match.features import ENTITY_FEATURES, gate_dates
    from scrutiny.screening.names import compare

    born = "1968-10-07"
    other = compare(Query("Petr Samsonov", birth_date=born), Query("Petr AKOPOV", birth_date=born))
    same = compare(Query("Petr Akopov", birth_date=born), Query("Petr AKOPOV", birth_date=born))
    assert "dob_exact" not in other.explanation["contributions"] and not other.match
    assert same.explanation["contributions"]["dob_exact"] > 0 and same.match
    # Only agreement is dropped; a conflict counts whatever the names.
    conflict = [0.0] * len(ENTITY_FEATURES)
    conflict[ENTITY_FEATURES.index("dob_conflict")] = 1.0
    weak_names = [0.0] * len(NAME_FEATURES)
    assert gate_dates(conflict, weak_names) == conflict


def test_a_patronymic_does_not_pair_with_a_name_that_is_none() -> None:
    # Father and son, both designated: SECHIN, Igor Ivanovich and SECHIN, Ivan Igorevich.
    assert features.patronymic_apart("ivan", "ivanovich")
    assert features.patronymic_apart("vasilii", "vasilievich")
    assert features.patronymic_apart("lukashev", "lukashevich")
    # Patronymics as other languages write them are patronymics too ...
    for written in ("mussajevic", "nikolajevits", "wladimirwitsch", "uladzimirauna"):
        assert features.looks_patronymic(written), written
        assert not features.patronymic_apart(written, "ivanovich")
    # ... and a mistyped patronymic still pairs with itself.
    assert not features.patronymic_apart("vasilievih", "vasilievich")
    assert not features.patronymic_apart("ivan", "ivanov")
    # In an alignment: the son's given name meets the father's, not the father's patronymic.
    son = _values("SECHIN Ivan Igorevich", "SECHIN Igor Ivanovich")
    assert son["query_coverage"] < _values("SECHIN Igor", "SECHIN Igor Ivanovich")["query_coverage"]


def test_a_korean_given_name_keeps_the_order_of_its_syllables() -> None:
    # The surname first or last is one name; the given name's syllables swapped is another.
    assert features.out_of_order([1, 2, 0]) == []  # Jong Un KIM / KIM Jong Un
    assert features.out_of_order([0, 2, 1]) == [1, 2]  # KIM Un Jong / KIM Jong Un
    assert features.out_of_order([2, 1, 0]) != []  # Un Jong KIM / KIM Jong Un
    same = _values("Jong Un Kim", "KIM Jong Un")
    swapped = _values("Kim Un Jong", "KIM Jong Un")
    assert same["exact"] == 1.0 and swapped["exact"] == 0.0
    assert swapped["query_coverage"] < 0.5 < same["query_coverage"]
    # 김은정 (Kim Eun-jeong) is not 김정은, nor 김수광 김광수.
    assert scrutiny.compare("김은정", "KIM, Jong Un", schema="person").score < 0.1
    assert scrutiny.compare("김수광", "김광수", schema="person").score < 0.1
    assert scrutiny.compare("Song Jin Ri", "RI Song Jin", schema="person").match
    # Names that are not Korean keep any order.
    assert _values("Maria Anna Lopez", "Anna Maria Lopez")["exact"] == 1.0


def test_a_latin_spelling_meets_a_cyrillic_surname_by_its_consonants() -> None:
    # The list writes the Russian form in Cyrillic; the customer, another system's spelling.
    for spelt, listed in (
        ("Aliaksandr Mikalaevich ZAITSAU", "Александр Николаевич ЗАЙЦЕВ"),
        ("Andrey Vladimirovich TSCHERESOW", "Андрей Владимирович ЧЕРЕЗОВ"),
        ("Uladzimir Mikhailavich MAROZAU", "Владимир Михайлович МОРОЗОВ"),
    ):
        assert scrutiny.compare(spelt, listed, schema="person").match, spelt
    # Only surnames, only persons, and only a list name read from Cyrillic.
    assert not scrutiny.compare("Sandra Vaughn", "Евгений Сандро", schema="person").match
    assert _values("Andrey TSCHERESOW", "Andrey CHEREZOV")["query_coverage"] < 0.9
    assert not scrutiny.compare("TSCHERESOW", "ЧЕРЕЗОВ", schema="organization").match


def test_an_arabic_compound_is_one_part_however_it_is_spelt() -> None:
    # Written joined on one side and apart on the other (features._merge_joined) ...
    for spelt, listed in (
        ("Abdurrahman YASIN", "Abdul Rahman YASIN"),
        ("Nasiruddin HAQQANI", "Nasir al-Din HAQQANI"),
        ("Ehsanullah SARFIDA", "Ehsan Ullah SARFIDA"),
        ("AZIZ, Abdul", "Abdul AZIZ"),  # and apart on both sides, in another order
    ):
        assert scrutiny.compare(spelt, listed, schema="person").match, spelt
    # ... or joined on both sides with other vowels (features.same_compound).
    assert features.same_compound("abdullah", "abdallah")
    assert not features.same_compound("abdullah", "abdulkarim")
    assert scrutiny.compare("Abdulla YASIN", "Abdallah YASIN", schema="person").match
    # Another compound is another name.
    assert not scrutiny.compare("Abdul Karim YASIN", "Abdul Rahman YASIN", schema="person").match


def test_a_word_read_from_cyrillic_meets_its_english_spelling() -> None:
    # The list writes the name in Cyrillic only; the customer, as the English lists do.
    for spelt, listed, schema in (
        ("Hamas", "Хамас", "organization"),
        ("JSC ROSOBORONEXPORT", "AO Рособоронэкспорт", "organization"),
        ("LLC Promtechnology", "ООО “Промтехнология”", "organization"),
        ("FSUE Avangard", "ФГУП «Авангард»", "organization"),  # and its legal form
    ):
        result = scrutiny.compare(spelt, listed, schema=schema)
        assert result.match, spelt
        assert all(p["similarity"] == 1.0 for p in result.explanation["parts"]), spelt
    hit = scrutiny.compare("Hamas", "Хамас", schema="organization").explanation
    assert hit["parts"][0]["spelling_key"] == "hamas"
    # Only across scripts: two Latin spellings stay two words.
    assert _values("Karl SCHMIDT", "Carl SCHMIDT")["exact"] == 0.0


def test_parts_a_reading_of_arabic_script_writes_joined() -> None:
    assert scrutiny.compare("Naser MALEKI", "ناصرملکی", schema="person").match
    assert scrutiny.compare("Ali Akbar TABATABAEI", "علی اکبرطباطبایی", schema="person").match
    # Each part must add to the skeleton, and it must be long: GHOLAMREZA ZIAEI joined keeps
    # gholamreza's, Sol Aleman joined is Salman's (slmn).
    assert joined_skeleton("gholamreza", "ziaei") == ""
    assert joined_skeleton("sol", "aleman") == ""
    assert not scrutiny.compare("Sol Aleman", "سلمان", schema="person").match


def test_two_spellings_of_one_given_name_are_one_name() -> None:
    # rigour's name data (data/match_name_symbols.tsv): spellings no transliteration rule
    # joins (j / y, Belarusian u- / v-) are one person's name.
    for spelt, listed in (
        ("Jurij Aleksandrovitj PETROV", "Yury Aleksandrovich PETROV"),
        ("Pjotr Olegovitj TOLSTOJ", "Pyotr Olegovych TOLSTOY"),
        ("Uladzimir DAVYDOV", "Vladimir DAVYDOV"),
    ):
        assert scrutiny.compare(spelt, listed, schema="person").match, spelt
    assert features.same_name("jurij", "yury")
    assert features.same_name("ahmed", "ahmad")
    # Near-exact, not exact: the name is the same, the spelling is not.
    values = _values("Jurij PETROV", "Yury PETROV")
    assert values["exact"] == 0.0 and values["query_coverage"] > 0.9
    # The explanation names the Wikidata items the two spellings share.
    parts = scrutiny.compare("Jurij PETROV", "Yury PETROV", schema="person").explanation["parts"]
    jurij = next(p for p in parts if p["query"] == "jurij")
    assert jurij["similarity"] == 0.9 and jurij["same_name_wikidata"]
    # Other names stay other names, however close their letters (Stanislav / Rostislav),
    # and syllables are never read so (Chang / Jang are two Korean surnames).
    assert not features.same_name("stanislav", "rostislav")
    assert not features.same_name("chang", "jang")
    assert not features.same_name("yury", "yury")
    # A company's words are not persons' names.
    org = scrutiny.compare("Jurij Trading LLC", "Yury Trading LLC", schema="organization")
    assert all(p["similarity"] < 0.9 for p in org.explanation["parts"] if p["query"] == "jurij")


def test_the_name_table_holds_no_syllable_and_no_short_part() -> None:
    from scrutiny.match import _text

    table = _text.name_items_table()
    assert len(table) > 1000
    for part, items in table.items():
        assert len(part) >= 4 and part.isalpha() and not _text.is_syllable(part), part
        assert items


def _org_values(query: str, listed: str) -> dict[str, float]:
    """`_values` of a query that says it is a company's name (`align`'s typed)."""
    alignment = align(name_forms(query)[0], name_forms(listed)[0], _idf, False, typed=True)
    return dict(zip(NAME_FEATURES, alignment.values, strict=True))


def test_a_translated_name_counts_its_unmatched_common_words_for_little() -> None:
    """A Bulgarian or Russian list name is often an English one translated (features.
    translated_pair): the words that met nothing and are common in their language weigh
    little beside the distinctive word both share."""
    assert features.foreign_zipf("nauchno") > 3.0 and features.foreign_zipf("kvant") > 0.0
    assert features.foreign_zipf("naftan") == 0.0
    latin = name_forms("Research and Production Association Kvant")[0]
    bulgarian = name_forms("Научно-производствена асоциация „Квант“")[0]
    assert bulgarian.foreign and not latin.foreign
    assert features.translated_pair(latin, bulgarian)
    assert features.translated_pair(bulgarian, latin)
    v = _org_values(
        "Research and Production Association Kvant", "Научно-производствена асоциация „Квант“"
    )
    assert v["query_coverage"] > 0.8 and v["list_coverage"] > 0.8
    # Read from Greek too; a Latin word the Greek name also holds (Naftan) is shared.
    v = _org_values("Naftan Open Company", "Ανοικτή εταιρεία Naftan")
    assert v["query_coverage"] > 0.8
    # Without a translation the same unmatched words count in full: both names in Latin.
    v = _org_values("Research and Production Association Kvant", "Nauchno proizvodstvena Kvant")
    assert v["list_coverage"] <= 0.5  # half its weight, not its translation's nearly all


def test_a_transliterated_name_or_a_common_shared_word_is_no_translation() -> None:
    # A Latin name in the other's language is its transliteration: Magnitogorskiy and
    # Chelyabinskiy are two towns' works, not one name translated.
    latin = name_forms("MAGNITOGORSKIY METALLURGICHESKIY KOMBINAT")[0]
    russian = name_forms("Челябинский металлургический комбинат")[0]
    assert features.translated_pair(latin, russian)  # one Latin, one Cyrillic ...
    assert features.foreign_only("magnitogorskiy")  # ... but this Latin word is Russian
    v = _org_values(
        "MAGNITOGORSKIY METALLURGICHESKIY KOMBINAT", "Челябинский металлургический комбинат"
    )
    assert v["list_coverage"] < 0.8
    # Zvezda (star) names many companies: sharing it is no sign the rest is translated.
    assert not features.distinct_word("zvezda") and features.distinct_word("kvant")
    v = _org_values("Shipbuilding Complex Zvezda", "ЗВЕЗДА Судостроительный")
    assert v["list_coverage"] <= 0.5  # half its weight, not its translation's nearly all
    # A person's name is not translated (Ростислав Богданов / Sergei BOGDANOV).
    assert _values("Ростислав Богданов", "Sergei BOGDANOV")["list_coverage"] <= 0.5
    # Two names read from other alphabets, or a Han reading, are never a translated pair.
    assert not features.translated_pair(name_forms("Квант")[0], name_forms("Κβαντ")[0])
    assert not features.translated_pair(name_forms("量子公司")[0], name_forms("Квант")[0])


def test_translated_pairs_match_in_comparison() -> None:
    yantar = scrutiny.compare("Yantar Shipyard", "Ναυπηγείο Yantar", schema="Organization")
    assert yantar.score >= 0.506, yantar.explanation
    assert yantar.explanation["translation_words"] == {"query": ["shipyard"], "list": ["naupegeio"]}
    belaero = scrutiny.compare(
        "Belaeronavigatsia State-owned enterprise",
        "Държавно предприятие Belaeronavigatsia",
        schema="Organization",
    )
    assert belaero.explanation["translation_words"] == {
        "query": ["state", "owned", "enterprise"],
        "list": ["darzhavno"],
    }
    # The legal form in Bulgarian is the English one (text_orgforms.tsv): no word left over.
    naftan = scrutiny.compare(
        "Open Joint Stock Company “Naftan”",
        "Отворено акционерно дружество „Naftan“",
        schema="Organization",
    )
    assert naftan.explanation["list_form"] == naftan.explanation["query_form"] == "naftan ojsc"
    assert naftan.score >= 0.506
    other = scrutiny.compare(
        "PAO MAGNITOGORSKIY METALLURGICHESKIY KOMBINAT",
        "Челябинский металлургический комбинат",
        schema="Organization",
    )
    assert other.score < 0.506
    assert "translation_words" not in other.explanation
    # Untyped, a name may be a person's, whose names are not translated.
    untyped = scrutiny.compare("Yantar Shipyard", "Ναυπηγείο Yantar")
    assert "translation_words" not in untyped.explanation
