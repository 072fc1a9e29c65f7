"""The text functions matching uses, in one place, each cached by its input.

Matching calls the same few text functions for hundreds of thousands of names and tokens at
index build time and for every query; caching them here (by token or by name) is what keeps
both fast, because list names repeat tokens heavily.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from importlib.resources import files

from rapidfuzz import process
from rapidfuzz.distance import OSA

from scrutiny.text.chinese import korean_readings, pinyin_syllables
from scrutiny.text.korean import korean_name_keys as _korean_keys
from scrutiny.text.korean import syllables as _korean_syllables
from scrutiny.text.normalize import detect_script, tokenize_name
from scrutiny.text.orgforms import (
    legal_phrase_words,
    legal_phrases,
    one_word_forms,
    split_legal_forms,
    token_weight_class,
)
from scrutiny.text.phonetic import phonetic_key
from scrutiny.text.translit import latin_forms as _latin_forms

_MISSPELT_LEGAL_MIN = 7
_MISSPELT_PHRASE_MIN = 4


# A word with a number written on (KANG3, JEONG2, MIG29): the vessel's "KUM GANG 3" as a
# customer writes it. Three letters at least, so that codes such as A1 and IT1 stay whole.
_NUMBERED = re.compile(r"([a-z]{3,})([0-9]{1,4})")


@lru_cache(maxsize=200_000)
def tokenize(text: str) -> tuple[str, ...]:
    """Name tokens of `text`, folded; a number written on to a word is a token of its own."""
    tokens: list[str] = []
    for token in tokenize_name(text):
        numbered = _NUMBERED.fullmatch(token) if token[-1:].isdigit() else None
        if numbered:
            tokens += numbered.groups()
        elif token:
            tokens.append(token)
    return tuple(tokens)


@lru_cache(maxsize=200_000)
def script(text: str) -> str:
    """ISO 15924 code of the dominant script (Latn, Hang, Hani, Cyrl, Arab, ...)."""
    return detect_script(text)


@lru_cache(maxsize=100_000)
def latin_forms(text: str) -> tuple[str, ...]:
    """Latin renderings of a name (see `scrutiny.text.translit.latin_forms`)."""
    return tuple(_latin_forms(text))


@lru_cache(maxsize=200_000)
def korean_keys(tokens: tuple[str, ...]) -> tuple[str | None, ...]:
    """Spelling-independent keys of a romanised Korean name, (None,) if it is not one: the
    key as segmented, then other readings of joined tokens' syllable boundaries (Mangon, Chanil)."""
    return _korean_keys(list(tokens)) or (None,)


@lru_cache(maxsize=200_000)
def split_legal(
    tokens: tuple[str, ...], spans: tuple[tuple[tuple[str, ...], str], ...] = ()
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(core tokens, legal-form tokens); legal-form words misspelt by one letter count too.

    "Public Joint Stock Compnay" and "LIMIETD LIABILITY COMPANY" are how customer files write
    PJSC and LLC often enough: left in the core, the misspelt words would be rare, unmatched
    parts. One-word forms are corrected from 7 letters (company, limited, corporation,
    aktsionernoe ...): shorter ones have real names one letter away (stock / stork); a
    four-letter form only for two letters swapped (LTAD, `_swapped_legal_word`). Words of
    multi-word forms are corrected from 4 letters, but only where the correction completes
    the form. `spans` are the forms of other languages found in the name as written
    (`org_type_spans`), taken off either end first.
    """
    # Legal forms in other languages (`org_type_spans`) at either end of the name first,
    # found in the name as written and, so that a customer's typo in them ("siciedad anonima
    # de capital variable") is read as the list's spelling is, with misspelt legal words
    # corrected (an ASCII view; the phrases compared on it, `view`, run alongside `rest`).
    rest = list(tokens)
    spelt = [_legal_spelling(t) for t in tokens]  # one-word forms corrected
    view = [_phrase_spelling(t) for t in spelt]  # and words of multi-word forms
    if view != rest:
        spans = spans + org_type_spans(" ".join(view))
    front: list[str] = []

    def at_head(span: tuple[str, ...]) -> bool:
        n = len(span)
        return tuple(rest[:n]) == span or tuple(view[:n]) == span

    def at_tail(span: tuple[str, ...]) -> bool:
        n = len(span)
        return tuple(rest[-n:]) == span or tuple(view[-n:]) == span

    for span, canonical in spans:
        n = len(span)
        if len(rest) <= n:
            continue
        short = n == 1 and len(span[0]) < _ORG_TYPE_MIN
        # A longer form at the same end is the form, and its turn comes: "closed joint stock
        # company" (CJSC, found once "cosed" reads as "closed"), not its "joint stock company".
        longer = [o for o, _ in spans if len(o) > n and len(rest) > len(o)]
        head = at_head(span) and not any(o[:n] == span and at_head(o) for o in longer)
        tail = at_tail(span) and not any(o[-n:] == span and at_tail(o) for o in longer)
        if n >= 2 and head:
            del rest[:n], spelt[:n], view[:n]
        elif tail and not (short and is_syllable(span[0])):
            del rest[-n:], spelt[-n:], view[-n:]
        else:
            continue
        # Our table's canonical form where it knows the whole phrase (ОАО is oao, not ao).
        # (A stand-in core word: a name made only of legal forms keeps them as its core.)
        ours_core, ours = split_legal((*span, "_"))
        front.extend(ours if ours and ours_core == ("_",) else [canonical])
    tokens = tuple(rest)
    fixed = tuple(spelt)
    phrased = tuple(view)
    core, legal = split_legal_forms(spelt)
    if not legal:  # nothing was a legal form: keep the tokens as written
        core, legal = split_legal_forms(rest)
        fixed = tokens
        phrased = tuple(_phrase_spelling(t) for t in tokens)
    # Words of multi-word forms (joint STOCK company, limited LIABILITY company, sociedad
    # ANONIMA) misspelt by one edit: corrected only when the corrected words then leave the
    # core inside a legal form, so "LLC STORK" keeps its stork.
    if phrased != fixed:
        core2, _ = split_legal_forms(list(phrased))
        left = set(core2)  # a corrected word still in the core was not a legal form's
        phrased = tuple(
            b if a == b or a in left else a for a, b in zip(phrased, fixed, strict=True)
        )
        core2, legal2 = split_legal_forms(list(phrased))
        if phrased != fixed and len(core2) < len(core):
            core, legal = core2, legal2
    return tuple(core), tuple(front + list(legal))


@lru_cache(maxsize=200_000)
def phrase_typos(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """`tokens` with a multi-word legal form of our table at the head or the tail written as
    the table does, where the name writes one of its words of 4+ letters one edit away and
    the rest as written (OPE JOINT STOCK COMPANY, OBSHCESTVO S OGRANICHENNOI
    OTVETSTVENNOSTYU).

    Word by word (`_phrase_spelling`), OBSHCESTVO is one edit from two spellings of the
    table, and the first in order, OBSCESTVO, belongs to the other transliteration's phrase;
    here the phrase decides. One word only: list names write these forms in spellings of
    their own (OBSHESTVO S OGRANICHENNOJ, three words from the table's nearest). A name read
    so is read as written too (`forms.name_forms`): a list's own spelling one edit from the
    table, with a customer's typo on top, is two edits from it (OBSCHESTVO, OBSCHETVO).
    """
    by_letters = _phrases_by_letters()
    for n in _phrase_lengths():  # longest first
        if len(tokens) <= n:
            continue
        for start in (0, len(tokens) - n):
            part = tokens[start : start + n]
            for phrase in by_letters.get("".join(t[0] for t in part), ()):
                if part != phrase and _near_phrase(part, phrase):
                    return tokens[:start] + phrase + tokens[start + n :]
    return tokens


def _near_phrase(part: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    """One word of 4+ letters one edit from the phrase's, the others as written."""
    different = [(a, b) for a, b in zip(part, phrase, strict=True) if a != b]
    if len(different) != 1:
        return False
    a, b = different[0]
    return len(b) >= _MISSPELT_PHRASE_MIN and OSA.distance(a, b, score_cutoff=1) == 1


@cache
def _phrase_lengths() -> tuple[int, ...]:
    return tuple(sorted({len(phrase) for phrase in legal_phrases()}, reverse=True))


@cache
def _phrases_by_letters() -> dict[str, tuple[tuple[str, ...], ...]]:
    """Multi-word legal forms of our table (text.orgforms) by their words' first letters."""
    found: dict[str, list[tuple[str, ...]]] = {}
    for phrase in legal_phrases():
        found.setdefault("".join(w[0] for w in phrase), []).append(phrase)
    return {k: tuple(v) for k, v in found.items()}


_ORG_TYPE_MIN = 5  # one-word forms shorter than this (sa, as, ag) are also name parts (Sa Hyon)


@lru_cache(maxsize=200_000)
def org_type_spans(text: str) -> tuple[tuple[tuple[str, ...], str], ...]:
    """Legal forms of many languages in `text`, as (folded token span, canonical form).

    rigour's organisation-type database (OpenSanctions; from OCCRP's list, ISO 20275 legal
    forms and Wikipedia) knows the forms EU lists write in every EU language ("sociedad
    limitada por acciones abierta", "akciová společnost", "részvénytársaság"), which the
    table in data/text_orgforms.tsv does not. It matches on the text with its accents, so it
    reads the name before folding. `split_legal` takes a phrase at either end of the name and a
    one-word form only at the end (a leading word may start a misspelt phrase our own table
    corrects), a one-word form under 5 letters only when it is no Korean or Mandarin syllable.
    """
    from rigour.names.org_types import extract_org_types

    found = []
    for matched, canonical in extract_org_types(text.casefold()):
        span = tokenize(matched)
        if span:
            found.append((span, "".join(tokenize(canonical)) or span[-1]))
    return tuple(found)


@lru_cache(maxsize=200_000)
def _legal_spelling(token: str) -> str:
    if len(token) < _MISSPELT_LEGAL_MIN:
        return _swapped_legal_word(token)
    if not token.isalpha() or token_weight_class(token):
        return token
    found = process.extractOne(token, _legal_words(), scorer=OSA.distance, score_cutoff=1)
    return found[0] if found is not None else token


def _swapped_legal_word(token: str) -> str:
    """A four-letter legal form with two neighbouring letters swapped (LTAD, GMHB, OJCS),
    which is how customer files mistype them; a swap that makes a word of everyday text is
    left as written (CROP is no CORP, PART no PRAT), and longer words are names as often
    (BEHRAD is a Persian name, not BERHAD)."""
    from scrutiny.match.features import commonness  # features reads this module

    if len(token) != 4 or not token.isalpha() or token_weight_class(token) or commonness(token):
        return token
    letters = sorted(token)
    for word in _legal_words_short():
        if sorted(word) == letters and OSA.distance(token, word, score_cutoff=1) == 1:
            return word
    return token


@lru_cache(maxsize=100_000)
def legal_typo(token: str) -> str:
    """The canonical legal form a word of 3-5 letters is one edit from, after the same first
    letter, among the four-letter ones (LTA -> ltd, COFP -> corp, GMBG -> gmbh); "" for none,
    for a word of everyday text (CORE, SARA) and for a legal form itself. Of two forms one
    edit away, the first in order (`forms.legal_typo_forms` reads a query's words with it)."""
    from scrutiny.match.features import commonness  # features reads this module

    if not 3 <= len(token) <= 5 or not token.isalpha() or token_weight_class(token):
        return ""
    if commonness(token):
        return ""
    for word in _legal_words_short():
        if word[0] == token[0] and OSA.distance(token, word, score_cutoff=1) == 1:
            _, legal = split_legal_forms(["_", word])
            return legal[0] if legal else word
    return ""


@cache
def _legal_words_short() -> tuple[str, ...]:
    """One-word legal-form spellings of four letters (ltda, gmbh, corp, sarl), sorted."""
    return tuple(sorted(w for w in one_word_forms("legal_form") if len(w) == 4))


@lru_cache(maxsize=200_000)
def _phrase_spelling(token: str) -> str:
    if len(token) < _MISSPELT_PHRASE_MIN or not token.isalpha() or token_weight_class(token):
        return token
    if token in _phrase_word_set():
        return token
    # Sorted: of two words one edit away the first in order wins, whatever the hash seed.
    found = process.extractOne(token, _phrase_words(), scorer=OSA.distance, score_cutoff=1)
    return found[0] if found is not None else token


@cache
def _phrase_words() -> tuple[str, ...]:
    """Latin words of 4+ letters inside multi-word legal forms (text.orgforms), sorted."""
    return tuple(
        sorted(w for w in legal_phrase_words() if len(w) >= _MISSPELT_PHRASE_MIN and w.isascii())
    )


@cache
def _phrase_word_set() -> frozenset[str]:
    return frozenset(_phrase_words())


@cache
def _legal_words() -> tuple[str, ...]:
    """One-word legal-form spellings of 7+ letters (text.orgforms)."""
    return tuple(w for w in one_word_forms("legal_form") if len(w) >= _MISSPELT_LEGAL_MIN)


@lru_cache(maxsize=300_000)
def phonetic(token: str) -> str:
    """Phonetic key of one token ('' when the token has none)."""
    return phonetic_key(token) or ""


@lru_cache(maxsize=100_000)
def is_syllable(token: str) -> bool:
    """One Korean or Mandarin syllable (chol, yong, bing, hsin): the name parts for which a
    letter more or less is another name (Cho / Chol, Bin / Bing), not a typo."""
    if token in pinyin_syllables():
        return True
    found = _korean_syllables(token)
    return found is not None and len(found) == 1


@lru_cache(maxsize=100_000)
def sino_korean_readings(text: str) -> frozenset[tuple[str, ...]]:
    """Tokens of each Sino-Korean reading of the Han characters in `text` (forms.Form.sino)."""
    return frozenset(tokenize(r) for r in korean_readings(text))


_NAME_SYMBOLS_FILE = "match_name_symbols.tsv"
_NO_ITEMS: frozenset[int] = frozenset()


@cache
def name_items_table() -> dict[str, frozenset[int]]:
    """data/match_name_symbols.tsv: name part -> Wikidata items of the names it may be
    (generated by `_gen_name_symbols` from rigour's name data)."""
    text = files("scrutiny.data").joinpath(_NAME_SYMBOLS_FILE).read_text(encoding="utf-8")
    table: dict[str, frozenset[int]] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            part, items = line.split("\t")
            table[part] = frozenset(map(int, items.split(",")))
    return table


def name_items(part: str) -> frozenset[int]:
    """The Wikidata items of the given or family names a folded person-name part may be
    (empty for most parts; features.same_name)."""
    return name_items_table().get(part, _NO_ITEMS)
