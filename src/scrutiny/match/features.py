"""Features of a (query, list entity) pair; score.py combines them with fitted weights.

Name features come from aligning the query's name parts with the list name's parts: a
token-similarity matrix (Jaro-Winkler, raised to phonetic equality), greedy one-to-one
assignment in order of similarity (names have at most a dozen parts, where greedy and the
optimal assignment almost never differ and greedy costs a fraction), and IDF weights so that
rare parts count and "Trading", "Co", "Ltd" barely do.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib.resources import files
from typing import Any

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA, JaroWinkler

from scrutiny.match import _text
from scrutiny.match.forms import Form, joined_skeleton, joined_skeletons
from scrutiny.match.index import EntityRecord
from scrutiny.text import arabic, cyrillic
from scrutiny.text.orgforms import one_word_forms, token_weight_class

NAME_FEATURES = (
    "query_coverage",  # IDF-weighted share of the query's name parts matched
    "list_coverage",  # IDF-weighted share of the list name's parts matched
    "coverage_product",
    "exact",  # same parts (any order), or the same Korean name however romanised
    "information",  # summed IDF of matched query parts / 10, capped: rare parts are evidence
    "single_part",  # the query has one identifying part
    "weak_alias",  # the list name is a weak alias (OFAC weak a.k.a., UN low quality)
    "legal_mismatch",  # both sides carry legal forms and they differ
    "min_coverage",  # the lesser coverage: both names must be mostly explained by the other
    "strong_parts",  # distinct informative parts matched (near-)exactly, /3, capped at 1
    "fuzzy_share",  # share of the query's matched weight that came from inexact part pairs
    "syllabic",  # every query part is a short syllable (Li Bin, Kim Un): little information
    "unmatched_list",  # IDF of the list name's parts left unmatched / 10, capped at 1
    "rarest_part",  # IDF of the rarest part matched near-exactly / 10: one rare part is evidence
    "korean_inexact",  # two Korean names matched inexactly: few syllables, so near ones are others
    "matched_letters",  # letters in informative parts matched near-exactly / 20, capped at 1.5
    "single_match",  # a one-part query aligned with a one-part name (Ian, John, Denise),
    # however closely: a misspelt one-word name is no stronger evidence than the word itself;
    # and a person's query of 2+ parts aligned with a one-part name (one word of evidence)
    "common_words",  # commonness (wordfreq) of the rarest query part matched near-exactly
    "single_match_typed",  # single_match, near-exact, where the query is an organization or
    # a vessel (for which a part one typo from the list's is near-exact: `typo_word`)
    "query_contained",  # every part of a 2+ part query is in the longer list name, exactly
    "gender_forms",  # a Slavic surname matched in its other gender's form (Petrova / Petrov)
    "all_fuzzy",  # a 2+ part query none of whose parts matched near-exactly (Simona Schmidtke)
)
ENTITY_FEATURES = (
    "dob_exact",
    "dob_partial",  # same year (or within a listed range) at the precision both sides have
    "dob_near",  # one year apart
    "dob_conflict",
    "country_match",
    "country_conflict",
    "gender_conflict",
    "schema_conflict",
    "vessel_match",  # the query is a vessel and so is the entry: few vessels, names are short
    "dob_far",  # dob_conflict with every listed date 5+ years away: another person, not a typo
)
FEATURES = NAME_FEATURES + ENTITY_FEATURES
# Entity features that only ever count against a match.
AGAINST = ("dob_conflict", "dob_far", "country_conflict", "gender_conflict", "schema_conflict")
_SIM_FLOOR = 0.7  # Jaro-Winkler below this is noise between unrelated name parts
_PHONETIC_MIN_RAW = 0.75  # phonetic keys are coarse: only spellings already close get the boost
_SHORT_PART = 3  # parts this short (Chinese/Korean syllables, Ali, Bin) must match exactly
_STRONG_SIM = 0.9
_SHORT_TYPO_SIM = 0.75  # a short part one typo from the other (short_typo)
_TYPO_WORD = 5  # a word this long and one a letter shorter or as long, one edit apart: a typo
# ... but where it is the query's only word, the longer word must be this long: five- and
# six-letter words a keystroke apart are other names as often (Bärer / BAJER, Mahe / MAHER).
_TYPO_ALONE = 7
_SKELETON_RAW = 0.95  # where `align` ranks two parts of one consonant skeleton (Form.arabic)
_GENERIC_FACTOR = 0.1  # weight of a transliterated generic company phrase ("you xian gong si")
_GENERIC_WORD_FACTOR = 0.3  # weight of a generic company word (trading, group) in the core name
_GENERIC_FILE = "match_generic_phrases.tsv"
_COMMONNESS_FILE = "match_commonness.tsv"
_FOREIGN_FILE = "match_foreign_words.tsv"
# Two spellings of one name (same_name) pair as near-exact, not exact: at 1.0 the train pairs
# gained 51 more positives for 8 more negatives and 2 more clean-name alerts (Adèle / Adel).
SAME_NAME_RAW = 0.97
_MISSPELT_MIN = 5  # shorter legal words (ltd, corp, bank) have too many one-letter neighbours
_PATRONYMIC_FACTOR = 0.3
_PATRONYMIC_ENDINGS = (
    "ovich", "evich", "ovych", "evych", "ovitj", "evitj", "ovitch", "evitch",
    "ovna", "evna", "ivna", "ichna", "ovitsj", "evitsj",
    # Belarusian (Viktaravich, Viktaravitj, Ramualdavych, Uladzimirauna, Siarhieeuna):
    "avich", "avych", "avitj", "avitsj", "avna", "auna", "ouna", "euna",
    # as other languages write them, folded: Leonidovytj (Swedish), Mykolayvych (Ukrainian):
    "ovytj", "evytj", "ivych", "yvych", "owna", "ewna",
)  # fmt: skip


# Endings that are patronymics as other languages write them (Mussajevič, Nikolajevitš,
# Wladimirwitsch, Nikołajewicz) and surnames as often (Milošević, Sienkiewicz): a surname
# weighs fully, so these count only where a patronymic may not pair with another name
# (`patronymic_apart`).
_PATRONYMIC_LIKE = (
    *_PATRONYMIC_ENDINGS, "ovic", "evic", "avic", "ovits", "evits", "witsch", "owicz", "ewicz",
)  # fmt: skip


@dataclass
class NameAlignment:
    """How one query form lines up with one list-name form."""

    values: list[float]
    pairs: list[tuple[str, str, float, float]] = field(default_factory=list)
    # (query part, list part, similarity 0..1, weight) for the explanation


def _part_similarity(a: str, b: str, raw: float) -> float:
    """Similarity of two name parts in [0, 1] from their Jaro-Winkler similarity."""
    if a == b:
        return 1.0
    if a.isdigit() or b.isdigit():
        return 0.0  # numbers in names (vessel "No. 2", "7") must match exactly
    if min(len(a), len(b)) <= _SHORT_PART:
        # One letter apart is another name for syllables (jun/jin, fei/wei, cho/chol); the
        # spelling variants that matter (Ri/Li, Pak/Bak) are equal through the Korean key.
        return _SHORT_TYPO_SIM if short_typo(a, b) else 0.0
    if _PHONETIC_MIN_RAW <= raw < 0.9:
        code = _text.phonetic(a)
        if code and code == _text.phonetic(b):
            raw = 0.9
    return max(0.0, (raw - _SIM_FLOOR) / (1.0 - _SIM_FLOOR))


def short_typo(a: str, b: str) -> bool:
    """Two short parts one typo apart: AMIN / AMN, POST / POS, Chol / Chl, Su / Sj.

    One edit (optimal string alignment) after the same first letter, at most 4 letters, and
    not two syllables: between two Korean or Mandarin syllables (Cho / Chol, Bin / Bing, Su /
    Si) one letter is another name, so only a part that is no syllable can be a typo.
    Jaro-Winkler cannot tell these apart on two or three letters. (`kernel._short_typo` is the
    same test on code points.)
    """
    if max(len(a), len(b)) > _SHORT_PART + 1 or min(len(a), len(b)) < 2 or a[0] != b[0]:
        return False
    if OSA.distance(a, b, score_cutoff=1) != 1:
        return False
    return not (_text.is_syllable(a) and _text.is_syllable(b))


def typo_word(a: str, b: str) -> bool:
    """Two words one substitution, insertion, deletion or adjacent transposition apart, the
    longer of 5+ letters and the shorter of 4+ (BASKAR / BQSKAR, BARENTS / BARENFS, RISEONIC /
    RISEINIC, GENCO / GENO); never numbers. Two four-letter words one letter apart are two
    words (CHEM / CHRM, STEK / Stey).

    Jaro-Winkler puts one substitution in a six-letter word at 0.90 (part similarity 0.67),
    below near-exact, although a word of a typed company or vessel name one keystroke from
    the list's is most likely that word mistyped; `align` then counts it as near-exact
    (where it is a company query's only word, from seven letters: `_TYPO_ALONE`).
    Persons are left to Jaro-Winkler: one letter tells many first names apart (Maria /
    Marta, Karim / Karam). (`kernel.score_gathered` computes the same test with rapidfuzz's
    OSA over the matrix.)
    """
    return (
        a.isalpha()
        and b.isalpha()
        and bool(typo_lengths(len(a), len(b)))
        and OSA.distance(a, b, score_cutoff=1) == 1
    )


# Scripts whose readings a Latin query's parts also meet by consonant skeleton (Form.arabic,
# Form.cyrillic): 0 none.
ARABIC_SKELETON = 1
CYRILLIC_SKELETON = 2
# Not a skeleton but a key of the same kind of use (`cyrillic.spelling_key`): a word read from
# Cyrillic and a Latin one of one key are the same word however romanised, any name type.
CYRILLIC_SPELLING = 3


def skeleton_kind(form: Form) -> int:
    """Which consonant skeleton a list form's parts are met by (0: none)."""
    return ARABIC_SKELETON if form.arabic else CYRILLIC_SKELETON if form.cyrillic else 0


@lru_cache(maxsize=1 << 17)
def skeleton_key(token: str, kind: int = ARABIC_SKELETON) -> str:
    """The consonant skeleton of a name part (text.arabic.skeleton, or text.cyrillic.skeleton
    for the Latin spellings of East Slavic names) when it has 2+ letters, else "": one
    consonant (Ali, "l") says too little to meet another part by. An Arabic name part that
    begins with a vowel keeps a mark of it: Usama is not Samuh, nor Asmar Samir. A Slavic
    one has a skeleton only if it ends as a surname (`cyrillic.looks_slavic_surname`)."""
    if not token.isalpha():
        return ""
    if kind == CYRILLIC_SPELLING:
        return cyrillic.spelling_key(token)
    if kind == CYRILLIC_SKELETON:
        # Surnames only: a Latin name that is no Slavic one met Cyrillic names by consonants
        # too often (train side, 10,000 Faker customers: Sandra Vaughn / Евгений Сандро,
        # Marie David / Давид Майер).
        key = cyrillic.skeleton(token) if cyrillic.looks_slavic_surname(token) else ""
        return key if len(key) >= 2 else ""
    key = arabic.skeleton(token)
    if len(key) < 2:
        return ""
    return "V" + key if token[0] in "aeiou" else key


def _same_skeleton(a: str, b: str, kind: int) -> bool:
    key = skeleton_key(a, kind)
    return bool(key) and key == skeleton_key(b, kind)


def typo_short_word(a: str, b: str) -> bool:
    """Two four-letter words one substitution or adjacent transposition apart (IBEX / IBDX,
    ARMY / ADMY, LTDA / LTAD), or a four-letter word and the same word with a letter left out
    after its first (NIOC / NIO, ELEM / EEM), neither a Korean or Mandarin syllable (SONG /
    SANG, SONG / SON are two names). `align` counts them as near-exact only where both names
    have another part: alone, two short words one letter apart are two names (STEK / Stey,
    ELSA / ELSW), but in "NATIONAL LIBERATION ADMY" the rest of the name says which word was
    meant, and a legal form both names give counts as such a part (SATN LLC / STAN LLC, JSC
    LMOO / JSC LOMO). (`kernel.score_gathered` computes the same test over the matrix.)
    """
    return (
        short_word_lengths(len(a), len(b), a[:1] == b[:1])
        and a.isalpha()
        and b.isalpha()
        and not _text.is_syllable(a)
        and not _text.is_syllable(b)
        and OSA.distance(a, b, score_cutoff=1) == 1
    )


def short_word_lengths(a: Any, b: Any, same_first: Any) -> Any:
    """`typo_short_word`'s lengths: both four letters, or four and three with the same first
    letter. Elementwise on arrays, as the kernel uses it."""
    four = _TYPO_WORD - 1
    return ((a == four) & (b == four)) | (
        (np.minimum(a, b) == four - 1) & (np.maximum(a, b) == four) & same_first
    )


def typo_lengths(a: Any, b: Any) -> Any:
    """`typo_word`'s lengths: the longer word 5+ letters, the shorter 4+. Elementwise on
    arrays of lengths, as the kernel uses it."""
    return (np.minimum(a, b) >= _TYPO_WORD - 1) & (np.maximum(a, b) >= _TYPO_WORD)


@cache
def _generic_phrases() -> dict[int, frozenset[tuple[str, ...]]]:
    """Generic transliterated company phrases by length (see data/match_generic_phrases.tsv)."""
    by_length: dict[int, set[tuple[str, ...]]] = {}
    text = files("scrutiny.data").joinpath(_GENERIC_FILE).read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        phrase = tuple(line.split("\t")[0].split())
        by_length.setdefault(len(phrase), set()).add(phrase)
    return {n: frozenset(p) for n, p in sorted(by_length.items(), reverse=True)}


@cache
def _is_generic_word(token: str) -> bool:
    """A generic company word (trading, group), or a legal-form / generic word misspelt by one
    letter (compant, limtied, corporatoin): misspelt, it is no longer split off as a legal form
    and would otherwise count as a rare, unmatched part."""
    if token_weight_class(token) == "generic":
        return True
    if len(token) < _MISSPELT_MIN or not token.isalpha() or token_weight_class(token):
        return False
    found = process.extractOne(token, _company_words(), scorer=OSA.distance, score_cutoff=1)
    return found is not None


@cache
def _company_words() -> tuple[str, ...]:
    """One-word legal forms and generic words of 5+ letters (text.orgforms)."""
    return tuple(w for w in one_word_forms() if len(w) >= _MISSPELT_MIN)


# Slavic surnames take a form per gender (Petrov / Petrova, Tolstoy / Tolstaya, Kowalski /
# Kowalska, Belarusian Piatrou / Piatrova): (family, male endings, female endings), longest
# endings first across families. A pair matched across the two forms of a family is two
# people of one family name, not one person's name misspelt.
_GENDER_FORMS = (
    (4, ("skiy", "skii", "skyi", "sky", "ski"), ("skaya", "skaja", "ska")),
    (5, ("iy", "yy", "oy"), ("aya", "aja")),
    # ov and ev are one family: Селезнёв is Seleznyov, Селезнева Selezneva (ё written е)
    (1, ("yov", "yev", "ov", "ev", "ow", "ew", "ou"), ("yova", "yeva", "ova", "eva", "owa", "ewa")),
    (3, ("yn", "in"), ("yna", "ina")),
)
_GENDER_MIN = 5  # shorter words ending so (Ivan, Lev, Anna) are first names, not surnames


# Each ending's code (no ending is in two families), and the endings' lengths, longest first.
_GENDER_ENDINGS = {
    ending: sign * family
    for family, male, female in _GENDER_FORMS
    for sign, endings in ((1, male), (-1, female))
    for ending in endings
}
_GENDER_LENGTHS = sorted({len(e) for e in _GENDER_ENDINGS}, reverse=True)


@lru_cache(maxsize=100_000)
def gender_form(token: str) -> int:
    """+family for a male Slavic surname form, -family for a female one, 0 for neither (by
    the longest ending the word has)."""
    if len(token) < _GENDER_MIN or not token.isalpha():
        return 0
    for n in _GENDER_LENGTHS:
        code = _GENDER_ENDINGS.get(token[-n:])
        if code is not None:
            return code
    return 0


def _is_patronymic(token: str) -> bool:
    """An East Slavic or Turkic patronymic (Vladimirovich, Ivanovna, Gerijevitj, ogly)."""
    if token in ("ogly", "oglu", "kyzy"):
        return True
    return len(token) >= 6 and token.endswith(_PATRONYMIC_ENDINGS)


def looks_patronymic(token: str) -> bool:
    """`_is_patronymic`, or a word ending as a patronymic in another language's spelling."""
    return _is_patronymic(token) or (len(token) >= 6 and token.endswith(_PATRONYMIC_LIKE))


def patronymic_apart(a: str, b: str) -> bool:
    """A patronymic and a name part that is none, more than two edits apart: Vasiliy is not
    Vasilievich (the son of a Vasiliy), nor Lukashev Lukashevich, however alike they look to
    Jaro-Winkler. A patronymic mistyped (Vasilievih) is one edit from itself and still pairs.
    Such parts are not paired, in `align` and the kernel alike."""
    apart = looks_patronymic(a) != looks_patronymic(b)
    return apart and OSA.distance(a, b, score_cutoff=2) > 2


@cache
def _zipf_table(file_name: str) -> tuple[np.ndarray, np.ndarray]:
    """(sorted hashes of common words, their Zipf frequency) from a wordfreq-derived table
    (data/match_commonness.tsv, data/match_foreign_words.tsv; see _gen_commonness.py).

    Hashes in a numpy array rather than a dict of 200,000 strings: 2 MB instead of 27 MB.
    Python's string hash is per process, which is all this table needs.
    """
    text = files("scrutiny.data").joinpath(file_name).read_text(encoding="utf-8")
    while text.startswith("#"):  # the header
        text = text[text.index("\n") + 1 :]
    # Words hold no space: one split gives word, value, word, value ... (a third faster
    # than a loop over lines: 0.10 s against 0.15 s for the 276,134 foreign words)
    parts = text.split()
    keys = np.fromiter(map(hash, parts[0::2]), np.int64, len(parts) // 2)
    order = np.argsort(keys)
    return keys[order], np.asarray(parts[1::2], np.float32)[order]


def _table_zipf(file_name: str, token: str) -> float:
    """A word's Zipf frequency in a `_zipf_table`, 0 when it is not there."""
    keys, zipf = _zipf_table(file_name)
    h = hash(token)
    at = int(np.searchsorted(keys, h))
    return float(zipf[at]) if at < len(keys) and keys[at] == h else 0.0


def same_name(a: str, b: str) -> bool:
    """Two spellings of one person's name that no spelling rule joins (Yury / Jurij, Pyotr /
    Pjotr, Vladimir / Uladzimir, Ahmed / Ahmad): they share a name item. Persons' parts only
    (`align`, kernel.score_gathered); the table holds no syllable and no part under four
    letters."""
    items = _text.name_items(a)
    return bool(items) and a != b and not items.isdisjoint(_text.name_items(b))


_COMMONNESS_CACHE: dict[str, float] = {}


def commonness(token: str) -> float:
    """How common a name part is as a word of everyday text: Zipf frequency / 7, in [0, 1].

    0 for words rarer than one per million (or not in the table): "bluenoroff" 0,
    "drake" 0.57, "kim" 0.82. See _gen_commonness.py for the source (wordfreq).
    """
    found = _COMMONNESS_CACHE.get(token)
    if found is None:
        found = min(1.0, _table_zipf(_COMMONNESS_FILE, token) / 7.0)
        if len(_COMMONNESS_CACHE) >= 500_000:
            _COMMONNESS_CACHE.clear()
        _COMMONNESS_CACHE[token] = found
    return found


@lru_cache(maxsize=200_000)
def foreign_zipf(token: str) -> float:
    """Zipf frequency of a word of Russian, Ukrainian, Bulgarian, Greek, Arabic or Persian as
    read in Latin letters (zavod 4.8, nauchno 4.9), 0 for rarer words and every other token
    (data/match_foreign_words.tsv, from wordfreq; `translated_pair`)."""
    return _table_zipf(_FOREIGN_FILE, token)


# A name read from another alphabet (Form.foreign) is often a translation of a Latin list
# name, not its transliteration: the EU publishes its names in Bulgarian and Greek too, and
# Russian companies' names are translated into English (Научно-производствена асоциация
# „Квант“ / Research and Production Association Kvant; Отворено акционерно дружество
# „Naftan“ / Open Joint Stock Company Naftan). Where the two share a distinctive word, the
# translated words (each side's common words that met nothing) count for little.
_TRANSLATED_FACTOR = 0.05
# A shared word this common in either table (Zvezda, star; Signal; Kombinat) is no evidence
# that the rest is a translation: other companies are named so.
_DISTINCT_ZIPF = 4.0
_DISTINCT_LETTERS = 4  # nor is a shared syllable (QAI, MTS) or initials


def translated_pair(query: Form, name: Form) -> bool:
    """One name read from another alphabet (Form.foreign), the other written in Latin
    letters: the one may be the other translated (`translation_met` says whether it is)."""
    if query.foreign == name.foreign:
        return False
    latin = name if query.foreign else query
    return not latin.reading


def translation_met(
    q: Sequence[str],
    q_sim: Sequence[float],
    c: Sequence[str],
    c_sim: Sequence[float],
    query_foreign: bool,
) -> bool:
    """A `translated_pair` aligned as a translation: a distinctive word of 4+ letters shared
    as written (a translation carries the name over; a word one letter off is another
    company's: Mejia-Patel / Гатэль), and no word of the Latin name that met nothing a word
    of the other's languages. A Latin name holding such a word (MAGNITOGORSKIY
    METALLURGICHESKIY KOMBINAT / Челябинский металлургический комбинат) is the other
    language transliterated, whose words left over are other words, not translations."""
    latin, latin_sim = (c, c_sim) if query_foreign else (q, q_sim)
    return any(
        s == 1.0 and len(t) >= _DISTINCT_LETTERS and distinct_word(t)
        for t, s in zip(q, q_sim, strict=True)
    ) and not any(s == 0.0 and foreign_only(t) for t, s in zip(latin, latin_sim, strict=True))


def foreign_only(token: str) -> bool:
    """A word of another alphabet's languages (`foreign_zipf`) that is no common Latin word."""
    return foreign_zipf(token) > 0.0 and commonness(token) == 0.0


def distinct_word(token: str) -> bool:
    """A word rare enough in both tables that sharing it says which company is meant, and
    no person's name: companies named after people (Яковлев Групп / Design Bureau named
    after A.S. YAKOVLEV, Крылов Жукова / KRYLOV STATE SCIENTIFIC CENTER) are many."""
    return max(foreign_zipf(token), commonness(token) * 7.0) < _DISTINCT_ZIPF and not (
        _text.name_items(token)
    )


def translation_word(token: str, foreign: bool) -> bool:
    """A common word of its side's languages: `foreign_zipf` for a name read from another
    alphabet, `commonness` for a Latin one."""
    return foreign_zipf(token) > 0.0 if foreign else commonness(token) > 0.0


def _translation_weights(
    parts: tuple[str, ...], weights: list[float], sims: list[float], foreign: bool
) -> list[float]:
    """The weights a translated pair's coverage divides by: unmatched common words lowered."""
    return [
        w * _TRANSLATED_FACTOR if s == 0.0 and translation_word(t, foreign) else w
        for t, w, s in zip(parts, weights, sims, strict=True)
    ]


# The same tests as bits, for the kernel (kernel.FormTable.tok_trans, .form_trans).
FOREIGN_COMMON = 1  # translation_word(token, foreign=True)
LATIN_COMMON = 2  # translation_word(token, foreign=False)
DISTINCT = 4  # distinct_word
FOREIGN_ONLY = 8  # foreign_only
FOREIGN_FORM = 1  # Form.foreign
LATIN_OWN = 2  # the Latin side `translated_pair` allows: not a reading


def translation_bits(token: str) -> int:
    """A token's `translation_word`, `distinct_word` and `foreign_only` tests as bits."""
    return (
        (FOREIGN_COMMON if translation_word(token, True) else 0)
        | (LATIN_COMMON if translation_word(token, False) else 0)
        | (DISTINCT if distinct_word(token) else 0)
        | (FOREIGN_ONLY if foreign_only(token) else 0)
    )


def form_translation_bits(form: Form) -> int:
    """FOREIGN_FORM for a name read from another alphabet; LATIN_OWN for a Latin one that
    `translated_pair` would pair with it."""
    if form.foreign:
        return FOREIGN_FORM
    return 0 if form.reading else LATIN_OWN


def part_weights(parts: tuple[str, ...], idf: Callable[[str], float]) -> list[float]:
    """Evidence weight of each name part: its rarity, lowered for generic company words.

    Rarity alone is not enough: "gong si" (公司, company) is rare on the lists, which write
    companies in English, yet it is in every Chinese company name a customer file holds.
    """
    weights = [idf(t) for t in parts]
    generic = _generic_flags(parts)
    for i, part in enumerate(parts):
        if generic[i]:
            weights[i] *= _GENERIC_FACTOR
        elif len(parts) > 1 and _is_generic_word(part):
            weights[i] *= _GENERIC_WORD_FACTOR
        elif len(parts) > 2 and _is_patronymic(part):
            # Customers and other lists often leave the patronymic out.
            weights[i] *= _PATRONYMIC_FACTOR
    return weights


def _generic_flags(parts: tuple[str, ...]) -> list[bool]:
    """Which parts belong to a generic company phrase, longest phrases first."""
    generic = [False] * len(parts)
    for n, known in _generic_phrases().items():
        for i in range(len(parts) - n + 1):
            if not any(generic[i : i + n]) and parts[i : i + n] in known:
                generic[i : i + n] = [True] * n
    return generic


def part_weights_table(
    vocab: list[str], tok: np.ndarray, off: np.ndarray, idf: Callable[[str], float]
) -> np.ndarray:
    """`part_weights` of every form of a table at once: form f's parts are the vocabulary
    ids tok[off[f]:off[f + 1]]; the result is their weights, end to end.

    The same numbers as calling `part_weights` form by form (a test holds them equal), with
    the per-word tests done once per vocabulary word and the phrase scan only in the forms
    holding a phrase's first word: form by form, the calls took about 0.5 s of the form
    table's 1.9 s build (docs/benchmarks.md, eighth session).
    """
    counts = np.diff(off)
    parts_of = np.repeat(counts, counts)  # each part's form's number of parts
    weights = np.fromiter((idf(t) for t in vocab), np.float64, len(vocab))[tok]
    factor = np.ones(len(tok))
    # Generic words count in forms of 2+ parts, patronymics in forms of 3+: test only the
    # vocabulary words that appear so (`_is_generic_word` searches a word list).
    in_two = np.zeros(len(vocab), bool)
    in_two[tok[parts_of > 1]] = True
    in_three = np.zeros(len(vocab), bool)
    in_three[tok[parts_of > 2]] = True
    generic_word = np.zeros(len(vocab), bool)
    patronymic = np.zeros(len(vocab), bool)
    for vid in np.flatnonzero(in_two | in_three).tolist():
        generic_word[vid] = bool(in_two[vid]) and _is_generic_word(vocab[vid])
        patronymic[vid] = bool(in_three[vid]) and _is_patronymic(vocab[vid])
    factor[(parts_of > 2) & patronymic[tok]] = _PATRONYMIC_FACTOR
    factor[(parts_of > 1) & generic_word[tok]] = _GENERIC_WORD_FACTOR
    first_words = {phrase[0] for known in _generic_phrases().values() for phrase in known}
    starts = np.fromiter((t in first_words for t in vocab), bool, len(vocab))
    for f in np.unique(np.repeat(np.arange(len(counts)), counts)[starts[tok]]).tolist():
        lo, hi = int(off[f]), int(off[f + 1])
        parts = tuple(vocab[v] for v in tok[lo:hi].tolist())
        for i, flag in enumerate(_generic_flags(parts)):
            if flag:
                factor[lo + i] = _GENERIC_FACTOR
    # One multiplication per part, as part_weights does, so the floats are the same.
    changed = factor != 1.0
    weights[changed] *= factor[changed]
    return weights


_KOREAN_PARTS = 3  # surname and two given-name syllables (out_of_order)


def out_of_order(partner: Sequence[int]) -> list[int]:
    """The parts of a three-part Korean name paired out of order: indices whose partner
    (`partner[i]`: the other name's part paired with part i) is out of place under the
    rotation that keeps most in place; [] when the pairing is a rotation.

    A Korean name is a surname and a given name of two syllables, written with the surname
    first or last; the syllables of the given name keep their order. KIM Jong Un and Jong Un
    KIM are one name, but 김은정 (Kim Eun-jeong) is not 김정은 (Kim Jong Un), nor 김수광
    김광수, though their parts are the same."""
    n = len(partner)
    best: list[int] = []
    for shift in range(n):
        off = [i for i in range(n) if partner[i] != (i + shift) % n]
        if not off:
            return []
        if not best or len(off) < len(best):
            best = off
    return best


def _merge_joined(
    left: tuple[str, ...], right: tuple[str, ...], loose: bool = False
) -> tuple[str, ...]:
    """Join neighbouring parts of `left` that `right` writes as one ("jong un" vs "jongun"),
    and two or three that make one Arabic compound `right` writes joined ("abdul rahman" vs
    "abdurrahman", "nasir al din" vs "nasiruddin": text.arabic.join_compounds), as
    `right` writes it. `loose`: one side is a Latin query and the other a reading of Arabic
    script, whose compound may differ in its guessed vowels (seifeddine / sif al din): it is
    joined as read, where the consonant skeletons agree; and two neighbouring parts are
    joined where together they have the skeleton of a long part of `right`
    (`joined_skeleton`: mohammad hossein / mohmadhasin)."""
    if len(left) < 2:
        return left
    right_set = set(right)
    compounds = _compound_map(right)
    long_parts = joined_skeletons(right) if loose else frozenset()
    merged: list[str] = []
    i = 0
    while i < len(left):
        if i + 1 < len(left) and (
            left[i] + left[i + 1] in right_set
            or (long_parts and joined_skeleton(left[i], left[i + 1]) in long_parts)
        ):
            merged.append(left[i] + left[i + 1])
            i += 2
            continue
        if compounds:
            found = _compound_at(left, i, compounds, loose)
            if found:
                merged.append(found[1])
                i += found[0]
                continue
        merged.append(left[i])
        i += 1
    return tuple(merged)


def same_compound(a: str, b: str) -> bool:
    """Two spellings of one Arabic compound written joined (Abdullah / Abdallah / Abdollah,
    Nasiruddin / Nasir-uddin): one part, paired as if equal (kernel.score_gathered too)."""
    key = arabic.compound_key(a)
    return key is not None and key == arabic.compound_key(b)


@lru_cache(maxsize=1 << 16)
def _compound_map(parts: tuple[str, ...]) -> dict[str, str]:
    """Key -> part, of the parts that are Arabic compounds written joined (not to be
    changed: it is cached)."""
    return {key: part for part in parts if (key := arabic.compound_key(part))}


def _compound_at(
    left: tuple[str, ...], i: int, compounds: dict[str, str], loose: bool
) -> tuple[int, str] | None:
    """(width, part) of the compound of `left` starting at `i` that `compounds` (key -> the
    other side's part) has, if any."""
    for width in (3, 2):
        if i + width > len(left):
            continue
        key = arabic.window_key(left[i : i + width])
        if key is None:
            continue
        if key in compounds:
            return width, compounds[key]
        if loose:
            skeleton = arabic.skeleton(key)
            if any(arabic.skeleton(other) == skeleton for other in compounds):
                return width, key
    return None


@dataclass
class _Assignment:
    """`align`'s one-to-one pairing of a query form's parts with a list form's parts."""

    q: tuple[str, ...]  # query parts (neighbours the other side writes joined, merged)
    c: tuple[str, ...]  # list-name parts, likewise
    q_sim: list[float]  # similarity of each query part to its partner (0: none)
    c_sim: list[float]
    pairs: list[tuple[str, str, float]]  # (query part, list part, similarity), paired first
    korean_equal: bool
    opposite: bool  # Slavic surname forms of the two genders paired (gender_form)


def _assign(query: Form, name: Form, typed: bool, vessel: bool = False) -> _Assignment | None:
    """Pair the parts of two forms, most similar first; None where they may not be compared
    (a Sino-Korean reading, see `sino_allowed`, or a reading whose parts do not all pair)."""
    korean_equal = query.korean is not None and query.korean == name.korean
    if (query.sino or name.sino) and not sino_allowed(query, name, korean_equal):
        return None
    # A list name in Arabic script is read with guessed short vowels (Form.arabic): a part of
    # a Latin spelling with the same consonant skeleton is near-exact (MOUCHAWEH / مشوح, read
    # "mashuh"). Only that way round, and for persons: the lists write a designee's name in
    # Latin too, and skeletons are loose (Hussein / Hassan), so a query in Arabic script,
    # whose every part is such a guess, met too many listed names by them (train side, 1,000
    # Arabic-script Faker customers: 12 more alerts), and a company's words too. A list name
    # in Cyrillic likewise (Form.cyrillic): one reading of it is no guide to the systems the
    # customer's spelling may follow (ZAITSAU, Belarusian, for ЗАЙЦЕВ; TSCHERESOW, German, for
    # ЧЕРЕЗОВ; HAVRYLCHUK, Ukrainian, for Гаврилчук).
    kind = 0 if typed or skeleton_kind(query) else skeleton_kind(name)
    # One side read from Cyrillic, the other written in Latin: a word of one spelling key is
    # the same word (Хамас, read "khamas" / Hamas; Рособоронэкспорт / Rosoboronexport).
    spelled = query.cyrillic != name.cyrillic
    q = _merge_joined(query.core, name.core, kind == ARABIC_SKELETON)
    c = _merge_joined(name.core, q, kind == ARABIC_SKELETON)
    # A legal form both names give stands for a second part in typo_short_word's test.
    legal_shared = bool(set(query.legal) & set(name.legal))
    q_sim = [0.0] * len(q)
    c_sim = [0.0] * len(c)
    pairs: list[tuple[str, str, float]] = []
    used_q: set[int] = set()
    partner = [-1] * len(q)  # the list part paired with each query part
    order: list[int] = []  # query parts in the order they were paired
    opposite = False
    if q == c or korean_equal:  # the common case of an exact or Korean-equivalent name
        q_sim = [1.0] * len(q)
        c_sim = [1.0] * len(c)
        used_q = set(range(len(q)))
        pairs = [(a, b, 1.0) for a, b in zip(q, c, strict=False)]
    elif q and c:
        matrix = process.cdist(q, c, scorer=JaroWinkler.normalized_similarity).tolist()
        if any(map(looks_patronymic, q + c)):
            for i, row in enumerate(matrix):
                for j in range(len(c)):
                    if row[j] > 0.0 and patronymic_apart(q[i], c[j]):
                        row[j] = 0.0
        if _compound_map(q):
            for i, row in enumerate(matrix):
                for j in range(len(c)):
                    if same_compound(q[i], c[j]):
                        row[j] = 1.0
        if kind:
            for i, row in enumerate(matrix):
                for j in range(len(c)):
                    if row[j] < _SKELETON_RAW and _same_skeleton(q[i], c[j], kind):
                        row[j] = _SKELETON_RAW
        if spelled:
            for i, row in enumerate(matrix):
                for j in range(len(c)):
                    if row[j] < 1.0 and _same_skeleton(q[i], c[j], CYRILLIC_SPELLING):
                        row[j] = 1.0
        if not typed and any(map(_text.name_items, q)):
            for i, row in enumerate(matrix):
                for j in range(len(c)):
                    if row[j] < SAME_NAME_RAW and same_name(q[i], c[j]):
                        row[j] = SAME_NAME_RAW
        # Greedy one-to-one assignment, most similar parts first.
        ranked = sorted(
            ((row[j], i, j) for i, row in enumerate(matrix) for j in range(len(c))),
            reverse=True,
        )
        used_c: set[int] = set()
        for raw, i, j in ranked:
            if i in used_q or j in used_c:
                continue
            if query.reading or name.reading:  # Form.reading: exact parts only
                sim = 1.0 if q[i] == c[j] else 0.0
            else:
                sim = _part_similarity(q[i], c[j], raw)
                if (
                    typed
                    and sim < _STRONG_SIM
                    and (
                        (
                            (
                                len(q) > 1
                                or vessel
                                or legal_shared
                                or max(len(q[i]), len(c[j])) >= _TYPO_ALONE
                            )
                            and typo_word(q[i], c[j])
                        )
                        or (
                            ((len(q) > 1 and len(c) > 1) or legal_shared)
                            and typo_short_word(q[i], c[j])
                        )
                    )
                ):
                    sim = _STRONG_SIM
                if kind and sim < _STRONG_SIM and _same_skeleton(q[i], c[j], kind):
                    sim = _STRONG_SIM
                if spelled and sim < 1.0 and _same_skeleton(q[i], c[j], CYRILLIC_SPELLING):
                    sim = 1.0
            used_q.add(i)
            used_c.add(j)
            partner[i] = j
            q_sim[i] = c_sim[j] = sim
            order.append(i)
            # Slavic surname forms of the two genders aligned with each other (gender_form).
            if sim > 0.0 and gender_form(q[i]) == -gender_form(c[j]) != 0:
                opposite = True
            if len(used_q) == len(q) or len(used_c) == len(c):
                break
        if (
            query.korean is not None
            and name.korean is not None
            and len(q) == len(c) == _KOREAN_PARTS
            and all(q_sim)
        ):
            for i in out_of_order(partner):  # a given name's syllables the other way round
                q_sim[i] = c_sim[partner[i]] = 0.0
        pairs = [(q[i], c[partner[i]], q_sim[i]) for i in order]
    if query.reading and not (all(q_sim) and all(c_sim)):  # Form.reading: parts 1:1
        return None
    # Query parts left unpaired close the list, with an empty partner.
    pairs += [(part, "", 0.0) for i, part in enumerate(q) if i not in used_q]
    return _Assignment(q, c, q_sim, c_sim, pairs, korean_equal, opposite)


def _weighted_pairs(
    assignment: _Assignment, q_w: list[float]
) -> list[tuple[str, str, float, float]]:
    """The assignment's pairs with each query part's weight, for explanations."""
    q_index = {part: i for i, part in enumerate(assignment.q)}
    return [(a, b, sim, q_w[q_index[a]]) for a, b, sim in assignment.pairs]


def align_pairs(
    query: Form,
    name: Form,
    weights_of: Callable[[tuple[str, ...]], list[float]],
    typed: bool = False,
    vessel: bool = False,
) -> list[tuple[str, str, float, float]]:
    """`align`'s pairs alone: what a hit's explanation shows when the kernel has already
    computed the features (half of `align`'s time is the features)."""
    assignment = _assign(query, name, typed, vessel)
    if assignment is None:
        return []
    return _weighted_pairs(assignment, weights_of(assignment.q))


def align(
    query: Form,
    name: Form,
    idf: Callable[[str], float],
    weak: bool,
    weights_of: Callable[[tuple[str, ...]], list[float]] | None = None,
    typed: bool = False,
    vessel: bool = False,
) -> NameAlignment:
    """Name features of one query form against one list-name form.

    `weights_of` (parts -> `part_weights(parts, idf)`) lets a caller reuse the weights of
    names it aligns often. `typed`: the query says it is an organization or a vessel, whose
    one-word names (BLUENOROFF, PARTIZAN) identify more than a one-word person name does;
    `vessel`: a vessel's, whose one-word name one keystroke off is still a typo (ORUEA / OUREA),
    where a one-word company's of five or six letters is not (`_TYPO_ALONE`).
    """
    assignment = _assign(query, name, typed, vessel)
    if assignment is None:
        return NameAlignment([0.0] * len(NAME_FEATURES))
    q, c, q_sim, c_sim = assignment.q, assignment.c, assignment.q_sim, assignment.c_sim
    korean_equal, opposite = assignment.korean_equal, assignment.opposite
    if weights_of is None:
        q_w = part_weights(q, idf)
        c_w = part_weights(c, idf)
    else:
        q_w = weights_of(q)
        c_w = weights_of(c)
    matched = sum(w * s for w, s in zip(q_w, q_sim, strict=True))
    q_tw, c_tw = q_w, c_w
    # Companies' names are translated, persons' are not (Ростислав / Sergei): typed only.
    if (
        typed
        and translated_pair(query, name)
        and translation_met(q, q_sim, c, c_sim, query.foreign)
    ):
        q_tw = _translation_weights(q, q_w, q_sim, query.foreign)
        c_tw = _translation_weights(c, c_w, c_sim, name.foreign)
    q_cov = matched / (sum(q_tw) or 1.0)
    c_cov = sum(w * s for w, s in zip(c_w, c_sim, strict=True)) / (sum(c_tw) or 1.0)
    info = min(2.0, matched / 10.0)
    # Parts that carry evidence: not generic, matched near-exactly, each counted once.
    strong = {q[i] for i in range(len(q)) if q_sim[i] >= _STRONG_SIM and q_w[i] >= 3.0}
    letters = sum(len(q[i]) for i in range(len(q)) if q_sim[i] >= _STRONG_SIM and q_w[i] >= 3.0)
    rarest = max((q_w[i] for i in range(len(q)) if q_sim[i] >= _STRONG_SIM), default=0.0)
    common = min((commonness(q[i]) for i in range(len(q)) if q_sim[i] >= _STRONG_SIM), default=0.0)
    fuzzy = sum(w * s for w, s in zip(q_w, q_sim, strict=True) if 0.0 < s < 1.0)
    unmatched_list = sum(w for w, s in zip(c_tw, c_sim, strict=True) if s == 0.0)
    # Parts the same but paired out of order (`out_of_order`) are not the same name.
    exact = korean_equal or (sorted(q) == sorted(c) and all(q_sim))
    legal_mismatch = bool(query.legal and name.legal and not set(query.legal) & set(name.legal))
    contained = len(q) >= 2 and len(c) > len(q) and all(s == 1.0 for s in q_sim)
    # A one-part name met by a person's query is one word of evidence, however many parts the
    # query has (Adèle Marin / Adel, Jabir Humaidah / 'Hamida': a listed alias of one word).
    one_word = len(query.core) == 1 or (not typed and len(q) >= 2)
    single_match = one_word and len(c) == 1 and matched > 0.0
    values = [
        q_cov,
        c_cov,
        q_cov * c_cov,
        1.0 if exact else 0.0,
        info,
        1.0 if len(query.core) == 1 else 0.0,
        1.0 if weak else 0.0,
        1.0 if legal_mismatch else 0.0,
        min(q_cov, c_cov),
        min(1.0, len(strong) / 3.0),
        fuzzy / matched if matched else 0.0,
        1.0 if q and all(len(t) <= _SHORT_PART + 1 for t in q) else 0.0,
        min(1.0, unmatched_list / 10.0),
        min(1.5, rarest / 10.0),
        # A Korean name spelt otherwise than the key allows is another name; one that drops
        # a syllable of the list name is `query_contained`'s case (KIM Man, KIM Jong Man).
        # One word that happens to read as Korean syllables (GENCO, OUREA) is not a name, and
        # a name the other side cannot be read as Korean says nothing about Korean spellings
        # (NI Gaobin, a Chinese name that reads as Korean syllables, and NI Gaobih, its typo).
        1.0
        if query.korean is not None
        and name.korean is not None
        and not exact
        and not contained
        and len(q) >= 2
        else 0.0,
        min(1.5, letters / 20.0),
        1.0 if single_match else 0.0,
        common,
        1.0 if typed and single_match and q_sim[0] >= _STRONG_SIM else 0.0,
        1.0 if contained else 0.0,
        1.0 if opposite else 0.0,
        1.0 if len(q) >= 2 and not exact and all(s < _STRONG_SIM for s in q_sim) else 0.0,
    ]
    return NameAlignment(values, _weighted_pairs(assignment, q_w))


def sino_allowed(query: Form, name: Form, korean_equal: bool) -> bool:
    """Whether a Sino-Korean reading (Form.sino) may be compared with the other form at all:
    only with a form that is no such reading, and only as the same Korean name (the same
    Korean key, or the same parts in any order as written)."""
    if query.sino and name.sino:
        return False
    return korean_equal or sorted(query.core) == sorted(name.core)


# --- entity features -------------------------------------------------------------------------


def _year(value: str) -> int:
    return int(value[:4])


def dob_relation(query_dob: str | None, listed: tuple[tuple[str, str | None], ...]) -> str | None:
    """The best relation between a query date of birth and the listed ones.

    'exact' (same full date), 'partial' (agree at the precision both give, or inside a
    listed range), 'near' (one year apart: lists and customers often disagree by a year),
    'conflict', or None when either side has no date.
    """
    if not query_dob or not listed:
        return None
    rank = {"exact": 3, "partial": 2, "near": 1, "conflict": 0}
    best = "conflict"
    qy = _year(query_dob)
    for start, until in listed:
        if not start[:4].isdigit():
            continue
        if until and until[:4].isdigit():
            if _year(start) <= qy <= _year(until):
                relation = "partial"
            elif _year(start) - 1 <= qy <= _year(until) + 1:
                relation = "near"
            else:
                relation = "conflict"
        elif start == query_dob and len(start) == 10:
            relation = "exact"
        elif _year(start) == qy:
            shared = min(len(start), len(query_dob))
            relation = "partial" if start[:shared] == query_dob[:shared] or shared == 4 else "near"
        elif abs(_year(start) - qy) == 1:
            relation = "near"
        else:
            relation = "conflict"
        if rank[relation] > rank[best]:
            best = relation
    return best


_FAR_YEARS = 5


def _dob_far(query_dob: str | None, listed: tuple[tuple[str, str | None], ...]) -> bool:
    """Every listed birth year (or range) is `_FAR_YEARS` or more from the query's."""
    if not query_dob or not listed:
        return False
    qy = _year(query_dob)
    gaps = [
        max(0, _year(start) - qy, qy - _year(until if until and until[:4].isdigit() else start))
        for start, until in listed
        if start[:4].isdigit()
    ]
    return bool(gaps) and min(gaps) >= _FAR_YEARS


# A date of birth agreeing counts only where the names agree on at least this share of
# their weight both ways (min_coverage): a customer born on a designee's birthday with only
# a first name in common is another person (Петр Самсонов, Петр АКОПОВ, both 1968-10-07).
_DATE_NAME_MIN = 0.5
_MIN_COVERAGE_AT = NAME_FEATURES.index("min_coverage")
_DATE_AGREES = tuple(ENTITY_FEATURES.index(f) for f in ("dob_exact", "dob_partial", "dob_near"))


def gate_dates(extra: list[float], name_values: Sequence[float]) -> list[float]:
    """`entity_features` with the dates' agreement dropped when the names agree too little
    (`_DATE_NAME_MIN`); conflicts count whatever the names."""
    if name_values[_MIN_COVERAGE_AT] >= _DATE_NAME_MIN or not any(extra[i] for i in _DATE_AGREES):
        return extra
    return [0.0 if i in _DATE_AGREES else x for i, x in enumerate(extra)]


def entity_features(
    entity: EntityRecord,
    birth_date: str | None,
    countries: tuple[str, ...],
    gender: str | None,
    schema: str | None,
) -> list[float]:
    """Features of the query's other facts against the entity's."""
    relation = dob_relation(birth_date, entity.birth_dates)
    shared = set(countries) & set(entity.countries)
    country_conflict = bool(countries and entity.countries and not shared)
    gender_conflict = bool(gender and entity.gender and gender != entity.gender)
    schema_conflict = bool(schema and schema != entity.schema)
    vessel_match = schema == "Vessel" == entity.schema
    return [
        1.0 if relation == "exact" else 0.0,
        1.0 if relation == "partial" else 0.0,
        1.0 if relation == "near" else 0.0,
        1.0 if relation == "conflict" else 0.0,
        1.0 if shared else 0.0,
        1.0 if country_conflict else 0.0,
        1.0 if gender_conflict else 0.0,
        1.0 if schema_conflict else 0.0,
        1.0 if vessel_match else 0.0,
        1.0 if relation == "conflict" and _dob_far(birth_date, entity.birth_dates) else 0.0,
    ]
