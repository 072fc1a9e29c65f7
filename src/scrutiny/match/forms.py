"""A name as matching sees it: its Latin token forms, legal forms apart, Korean key."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from itertools import pairwise
from typing import NamedTuple

from scrutiny.match import _text
from scrutiny.model import EntityType
from scrutiny.text import arabic, cyrillic

MAX_TOKENS = 12
_READ_SCRIPTS = frozenset({"Hani", "Hang", "Hira", "Kana"})


class Form(NamedTuple):
    """One Latin reading of a name, split into identifying tokens and legal-form tokens."""

    core: tuple[str, ...]
    legal: tuple[str, ...]
    korean: str | None  # spelling-independent key when the form reads as a Korean name
    # A Sino-Korean reading of Han characters (周海燕 read 주해연, Ju Hae Yon). It stands for
    # the characters only as a Korean name: it matches a Korean name through the Korean key
    # and nothing else (features.align), so Chinese and Japanese names written in Han do not
    # meet other names through a reading their bearers never use.
    sino: bool = False
    # A machine reading of Han, Hangul or Kana: the customer wrote characters, so a letter
    # more or less in the reading is another character, not a typo; its parts match exactly
    # or not at all (Zhang Shulan is not Zhang Shilong, Kim Yong Hui not Kim Kyong Hui), and
    # each part of the list name meets one of them: a part left over on either side is a
    # character more or less (张萍 is not CHANG Ping Yun, 王玉珍 not WANG Chen; features.align).
    reading: bool = False
    # A reading of Arabic script, whose short vowels are guessed: as a list name, a Latin
    # query's parts also meet it by consonant skeleton (features.align, text.arabic.skeleton;
    # MOUCHAWEH / مشوح read "mashuh").
    arabic: bool = False
    # A reading of Cyrillic script: as a list name, a Latin query's parts also meet it by the
    # consonant skeleton of East Slavic spellings (text.cyrillic.skeleton; ZAITSAU / ЗАЙЦЕВ).
    cyrillic: bool = False
    # A reading of an alphabet other than Latin (Cyrillic, Greek, Arabic, Hebrew ...): as
    # against a name written in Latin, it may be the other's translation (features.align).
    foreign: bool = False

    @property
    def tokens(self) -> tuple[str, ...]:
        return self.core + self.legal


@lru_cache(maxsize=200_000)
def name_forms(text: str, person: bool = False) -> tuple[Form, ...]:
    """Every Latin token form of a name (the name itself, plus transliterations).

    `person`: the name is a person's, so no word of it is a company's legal form (PAO is the
    Chinese surname 鮑 there, not ПАО, a Russian joint-stock company; Ag the Tuareg "son of").
    """
    readings: list[tuple[str, ...]] = []
    tokens = _text.tokenize(text)
    if tokens and all(t.isascii() for t in tokens):
        readings.append(tokens)
    else:
        if tokens and _text.script(text) == "Latn":
            readings.append(tokens)
        for latin in _text.latin_forms(text):
            latin_tokens = _text.tokenize(latin)
            if latin_tokens and latin_tokens not in readings:
                readings.append(latin_tokens)
        if not readings and tokens:
            readings.append(tokens)
    transliterated = bool(readings) and readings[0] != tokens
    sino = _text.sino_korean_readings(text) if transliterated else frozenset()
    script = _text.script(text)
    read = transliterated and script in _READ_SCRIPTS
    arabic = transliterated and script == "Arab"
    cyrillic = transliterated and script == "Cyrl"
    foreign = transliterated and script not in _READ_SCRIPTS and script != "Latn"
    forms: list[Form] = []
    seen: set[tuple[tuple[str, ...], tuple[str, ...], str | None]] = set()
    for reading in readings:
        is_reading = read and reading != tokens
        reading = reading[:MAX_TOKENS]
        source = text if reading == tokens else " ".join(reading)
        splits: list[tuple[tuple[str, ...], tuple[str, ...]]]
        if person:
            splits = [(reading, ())]
        else:
            splits = [_text.split_legal(reading, _text.org_type_spans(source))]
            # A multi-word legal form with a word one edit off, read as the form too.
            fixed = _text.phrase_typos(reading)
            if fixed != reading:
                fixed_spans = _text.org_type_spans(" ".join(fixed))
                splits.insert(0, _text.split_legal(fixed, fixed_spans))
        # A Mandarin or Japanese reading of characters is no Korean romanisation: read as one,
        # 李波 (Li Bo) was the Korean name P'U LI. The Sino-Korean reading speaks for the
        # characters as a Korean name.
        mandarin = is_reading and script != "Hang" and reading not in sino
        keys = (None,) if mandarin else _text.korean_keys(reading)
        for core, legal in splits:
            if not core:  # a name made only of legal-form words is still a name on the list
                core, legal = legal, ()
            for korean in keys:  # one form per reading of a joined name
                if (core, legal, korean) in seen:  # the first of equal forms keeps its flags
                    continue
                seen.add((core, legal, korean))
                forms.append(
                    Form(
                        core,
                        legal,
                        korean,
                        reading in sino and korean is not None,
                        is_reading,
                        arabic and reading != tokens,
                        cyrillic and reading != tokens,
                        foreign and reading != tokens,
                    )
                )
    return tuple(forms)


def query_forms(
    text: str, schema: EntityType | None, known: Callable[[str], bool] | None = None
) -> tuple[Form, ...]:
    """The forms of a query's name, read as its type says: a person's name has no legal
    forms; a name of unknown type that holds a word both a legal form and a person's name part
    (`BOTH`) is read both ways. Given the lists' words (`known`), a company's mistyped legal
    form is read as the form too (`legal_typo_forms`), as screening and `compare` read it."""
    if schema is EntityType.PERSON:
        return name_forms(text, person=True)
    forms = name_forms(text)
    if schema is None and any(word in BOTH for form in forms for word in form.legal):
        forms = tuple(dict.fromkeys(forms + name_forms(text, person=True)))
    return forms if known is None else legal_typo_forms(forms, known)


def legal_typo_forms(forms: tuple[Form, ...], known: Callable[[str], bool]) -> tuple[Form, ...]:
    """`forms`, and for each whose first or last word is a four-letter legal form mistyped
    (VISCAYA LTA. for LTDA., CATALINA HOLDINGS COFP. for CORP.) a form with that word read
    as the legal form.

    For a query's name only: the word must be none of the lists' own words (`known`), nor a
    word of everyday text (CORE is no CORP), so the lists' acronyms (CSSC, CASC) and names
    stay as written. One edit after the same first letter, from a legal form of four
    letters: shorter ones are a letter from too many words (IND / INC), and longer ones are
    corrected when a name is read (`_text.split_legal`).
    """
    more: list[Form] = []
    for form in forms:
        if form.legal or len(form.core) < 2 or form.reading or form.sino:
            continue
        for at in (0, len(form.core) - 1):
            fixed = _text.legal_typo(form.core[at])
            if fixed and not known(form.core[at]):
                core = form.core[:at] + form.core[at + 1 :]
                more.append(form._replace(core=core, legal=(fixed,)))
                break
    return forms + tuple(dict.fromkeys(f for f in more if f not in forms))


# Canonical legal forms that are also person name parts on the lists: Chinese surname Pao
# (ПАО), Tuareg Ag, Arabic Ab, As (the article), Sa. Found by splitting every person name of
# the mirror's lists (33 names lost a part; docs/evaluation.md).
BOTH = frozenset({"pao", "ag", "ab", "as", "sa", "co"})


def encode_forms(forms: tuple[Form, ...]) -> str:
    """Compact text form for persisting (forms by newline; core, legal, key, flags by tab)."""
    return "\n".join(
        f"{' '.join(f.core)}\t{' '.join(f.legal)}\t{f.korean or ''}\t"
        f"{'s' if f.sino else ''}{'r' if f.reading else ''}{'a' if f.arabic else ''}"
        f"{'c' if f.cyrillic else ''}{'f' if f.foreign else ''}"
        for f in forms
    )


@lru_cache(maxsize=100_000)
def decode_forms(raw: str) -> tuple[Form, ...]:
    """Inverse of `encode_forms`."""
    forms = []
    for line in raw.split("\n"):
        core, legal, key, flags = line.split("\t")
        forms.append(
            Form(
                tuple(core.split()),
                tuple(legal.split()),
                key or None,
                "s" in flags,
                "r" in flags,
                "a" in flags,
                "c" in flags,
                "f" in flags,
            )
        )
    return tuple(forms)


class FormColumns(NamedTuple):
    """Many encoded forms (`encode_forms` lines) as columns, for building arrays at once."""

    core: list[str]  # the core parts, space-separated
    legal: list[str]
    korean: list[str]  # "" for no Korean key
    sino: list[bool]
    reading: list[bool]
    arabic: list[bool]
    cyrillic: list[bool]
    foreign: list[bool]


def form_columns(lines: list[str]) -> FormColumns:
    """`decode_forms` of one-form lines, by column: no Form object per line."""
    fields = [line.split("\t") for line in lines]
    return FormColumns(
        [f[0] for f in fields],
        [f[1] for f in fields],
        [f[2] for f in fields],
        ["s" in f[3] for f in fields],
        ["r" in f[3] for f in fields],
        ["a" in f[3] for f in fields],
        ["c" in f[3] for f in fields],
        ["f" in f[3] for f in fields],
    )


def index_keys(forms: tuple[Form, ...]) -> set[str]:
    """Retrieval keys of a name: tokens, joined neighbours, phonetic keys, Korean key, name
    items.

    Joined neighbours ("jong"+"un" -> "jongun") make "Jong Un", "Jong-un" and "Jongun" meet in
    one key whichever way the list or the customer wrote the given name; Arabic compounds
    (`compound_keys`) likewise.
    """
    keys: set[str] = set()
    for form in forms:
        tokens = form.tokens
        for i, token in enumerate(tokens):
            keys.add("t:" + token)
            code = _text.phonetic(token)
            if code:
                keys.add("p:" + code)
            if i + 1 < len(tokens):
                keys.add("t:" + token + tokens[i + 1])
        if form.korean:
            keys.add("k:" + form.korean)
        keys.update("c:" + key for key in compound_keys(form.core))
        if form.cyrillic:
            keys.update(spelling_keys(tokens))
        if form.arabic:  # parts a Latin query may write as two (index.NameIndex.query_keys)
            keys.update("j:" + key for key in joined_skeletons(form.core))
        # The Wikidata name items of its parts: another spelling of one name (Jurij for Yury,
        # Iwanow for Ivanov) meets it (features.same_name).
        keys.update(f"n:{item}" for token in form.core for item in _text.name_items(token))
    return keys


@lru_cache(maxsize=1 << 16)
def query_spelling_keys(form: Form, person: bool) -> tuple[str, ...]:
    """The keys a query form looks up besides its `index_keys`: a Latin word's "s:" key
    meets the words of Cyrillic readings that spell it alike (`spelling_keys`), a Cyrillic
    reading's word the Latin word its key is ("t:"); and, for a query that may be a
    person's, two Latin parts meet a part of a reading of Arabic script that writes them
    as one ("j:", `joined_skeleton`)."""
    keys = []
    for token in form.tokens:
        spelt = cyrillic.spelling_key(token)
        if spelt and not (form.cyrillic and spelt == token):
            keys.append(("t:" if form.cyrillic else "s:") + spelt)
    if person and form.korean is None and not (form.arabic or form.cyrillic):
        keys.extend("j:" + key for a, b in pairwise(form.core) if (key := joined_skeleton(a, b)))
    return tuple(keys)


@lru_cache(maxsize=1 << 16)
def spelling_keys(tokens: tuple[str, ...]) -> frozenset[str]:
    """The "s:" keys of the words of a reading of Cyrillic whose `cyrillic.spelling_key` is not
    the word as read (khamas -> "s:hamas"), which a Latin query's words look up
    (`NameIndex.query_keys`): Hamas finds Хамас, Rosoboronexport Рособоронэкспорт."""
    return frozenset("s:" + key for t in tokens if (key := cyrillic.spelling_key(t)) and key != t)


def joined_compounds(core: tuple[str, ...]) -> tuple[str, ...]:
    """The `text.arabic.compound_key` of each part that is an Arabic compound written joined
    (Abdurrahman)."""
    return _compounds(core)[0]


def apart_compounds(core: tuple[str, ...]) -> tuple[str, ...]:
    """The `text.arabic.window_key` of two or three neighbouring parts that are an Arabic
    compound written apart (Abdul Rahman, Nasir al Din)."""
    return _compounds(core)[1]


@lru_cache(maxsize=1 << 16)
def _compounds(core: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if not arabic.MAY_HOLD_COMPOUND.search(" ".join(core)):
        return (), ()  # most names: one search instead of a test per part
    joined = tuple(key for t in core if (key := arabic.compound_key(t)))
    apart = []
    for i in range(len(core) - 1):
        if arabic.may_join(core[i], core[i + 1]):
            for width in (2, 3):
                if i + width <= len(core) and (key := arabic.window_key(core[i : i + width])):
                    apart.append(key)
    return joined, tuple(apart)


@lru_cache(maxsize=1 << 16)
def compound_keys(core: tuple[str, ...]) -> frozenset[str]:
    """One spelling of each Arabic compound in the parts, written joined or apart: a
    retrieval key, so that a name meets its compounds spelt the other way."""
    return frozenset((*joined_compounds(core), *apart_compounds(core)))


JOINED_SKELETON_MIN = 5  # consonants: Sol Aleman joined is Salman (slmn), too short to be two names


@lru_cache(maxsize=1 << 17)
def joined_skeleton(a: str, b: str) -> str:
    """The consonant skeleton of two neighbouring parts written as one, if long enough to
    meet a part of a name read from Arabic script that writes them joined (MOHAMMAD HOSSEIN /
    محمدحسین, read "mohmadhasin"; NASER MALEKI / ناصرملکی), else ""."""
    key = _skeleton(a + b)
    # Each part must add to it: GHOLAMREZA ZIAEI joined keeps gholamreza's skeleton (klmrz).
    if len(key) < JOINED_SKELETON_MIN or key in (_skeleton(a), _skeleton(b)):
        return ""
    return key


@lru_cache(maxsize=1 << 17)
def _skeleton(token: str) -> str:
    return arabic.skeleton(token)


@lru_cache(maxsize=1 << 16)
def joined_skeletons(parts: tuple[str, ...]) -> frozenset[str]:
    """Skeletons of the parts of a name read from Arabic script long enough to be two joined
    (`joined_skeleton`)."""
    return frozenset(key for part in parts if len(key := _skeleton(part)) >= JOINED_SKELETON_MIN)
