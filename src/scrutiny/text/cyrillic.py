"""Latin readings of Cyrillic names, in the conventions sanctions lists and customers use.

ICU's ``Any-Latin`` gives ISO 9 (``Юрьевич`` → ``ûrʹevič`` → ``urevic`` once folded: the *ju*
is lost) and its ``Russian-Latin/BGN`` rule knows only Russian letters, so Belarusian and
Ukrainian names come out half Cyrillic (``Уладзіслаў`` → ``uladzіslaу``). The lists romanise
the same names in a few families of conventions, and a name reads well only in its own
language's rules. So the language is guessed from the letters (``ў`` is Belarusian, ``ї є ґ``
Ukrainian, ``і`` with ``ы``/``э`` Belarusian, ``ъ`` inside a word Bulgarian, ``ј љ њ ђ ћ џ``
Serbian, ``ѓ ќ ѕ`` Macedonian; else Russian) and each word gets two readings:

- ``"en"``: the English-style system the lists use for that language, BGN/PCGN for Russian
  (Yevgeniy Yuryevich Fyodorov, Shcherbakov), the Ukrainian and Belarusian systems of the
  passports and the UK/EU lists (Serhiy Hennadiyovych, Aliaksandr Ryhoravich Lukashenka),
  Bulgarian streamlined (Shtilianov), Serbian/Macedonian Latin (Đorđević → djordjevic);
- ``"j"``: the j-based spelling central and northern European lists share (Czech, Polish,
  German, Swedish: Jevgenij Jurjevic, Aljaksandr, Fjodorov), with č š ž folded to c s z;
- ``"sv"``: the same with the Swedish tj, sj, zj for ч, ш, ж (Aleksejevitj, Lukasjenko), which
  the EU list's Swedish name versions use. Russian, Ukrainian and Belarusian names of up to
  four words (persons) get this one instead of ``"j"``, longer ones (companies) ``"j"``: one
  j-based reading each, because every form costs index size and query time.

Russian, Ukrainian and Belarusian names with a given name or patronymic from
data/text_slavic_names.tsv are also read in the other languages' forms (Сергей Николаевич is
Serhiy Mykolayovych in Ukrainian and Siarhei Mikalaevich in Belarusian), English-style.

Both are table-driven (data/text_cyrillic.tsv), word by word, with the context rules the
systems have: iotated vowels (е ё ю я є ї) read with y/j at the start of a word and after a
vowel or a soft/hard sign, plain (or i-marked, in the Belarusian system) after a consonant.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from importlib.resources import files

from scrutiny.text.arabic import first_letter

_TABLE = "text_cyrillic.tsv"
_NAMES = "text_slavic_names.tsv"
SCHEMES = ("en", "j", "sv")
# "sv" is read for East Slavic names of at most this many words (persons), "j" for the others:
# one j-based reading per name.
_PERSON_ONLY = frozenset({"sv"})
_PERSON_WORDS = 4
_OTHER_ONLY = frozenset({"j"})
_EAST_SLAVIC = ("ru", "uk", "be")
# The other languages a name is also read in: Russian names in Ukrainian and Belarusian,
# Ukrainian and Belarusian ones in Russian (the lists' other forms are nearly always Russian).
_ALSO_READ_AS = {"ru": ("uk", "be"), "uk": ("ru",), "be": ("ru",)}

# Letters that only one language writes (lower case).
_SERBIAN = frozenset("ђћ")
_MACEDONIAN = frozenset("ѓќѕ")
_SOUTH_SLAVIC = frozenset("јљњџ")
_UKRAINIAN = frozenset("їєґ")
_BELARUSIAN_ONLY = frozenset("ў")
_RUSSIAN_BELARUSIAN = frozenset("ыэ")

# Latin letters that look like Cyrillic ones, for names typed with mixed keyboards
# ("Мiкалаевiч" with a Latin i): inside a Cyrillic word they are read as the Cyrillic letter.
HOMOGLYPHS = str.maketrans(
    {
        "a": "а",
        "e": "е",
        "o": "о",
        "p": "р",
        "c": "с",
        "y": "у",
        "x": "х",
        "i": "і",
        "A": "А",
        "B": "В",
        "E": "Е",
        "K": "К",
        "M": "М",
        "H": "Н",
        "O": "О",
        "P": "Р",
        "C": "С",
        "T": "Т",
        "X": "Х",
        "I": "І",
        "ĸ": "к",
    }
)


def language(text: str) -> str:
    """Guess the language of a Cyrillic name from its letters: ru, uk, be, bg, sr or mk."""
    letters = set(text.lower())
    if letters & _SERBIAN:
        return "sr"
    if letters & _MACEDONIAN:
        return "mk"
    if letters & _SOUTH_SLAVIC:
        return "sr"
    if letters & _BELARUSIAN_ONLY:
        return "be"
    if letters & _UKRAINIAN:
        return "uk"
    if "і" in letters:
        return "be" if letters & _RUSSIAN_BELARUSIAN or "и" not in letters else "uk"
    if letters & _RUSSIAN_BELARUSIAN or "ё" in letters:
        return "ru"
    # ъ inside a word is Bulgarian (България); Russian writes it only before е ё ю я.
    lowered = text.lower()
    if any("ъ" in word[:-1] for word in lowered.split()) and not any(
        f"ъ{v}" in lowered for v in "еёюя"
    ):
        return "bg"
    return "ru"


class _Rules:
    """One language's letter table for one scheme: plain and iotated readings."""

    __slots__ = ("endings", "initial", "plain")

    def __init__(self) -> None:
        self.plain: dict[str, str] = {}  # after a consonant (or for letters without context)
        self.initial: dict[str, str] = {}  # word start, after a vowel or a soft/hard sign
        self.endings: list[tuple[str, str]] = []  # word endings read as a whole, longest first


@cache
def _tables() -> dict[tuple[str, str], _Rules]:
    """(language, scheme) -> rules, from data/text_cyrillic.tsv."""
    raw = files("scrutiny.data").joinpath(_TABLE).read_text(encoding="utf-8")
    tables: dict[tuple[str, str], _Rules] = {}
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip() or line.startswith("#") or line.startswith("languages\t"):
            continue
        parts = line.split("\t")
        if len(parts) != 4:
            raise ValueError(f"{_TABLE}:{number}: expected 4 tab-separated columns, got {line!r}")
        languages, schemes, letter, reading = parts
        reading = reading.strip()
        if reading == "-":
            reading = ""
        for lang in languages.split(","):
            for scheme in schemes.split(","):
                rules = tables.setdefault((lang, scheme), _Rules())
                if letter.startswith("-"):
                    rules.endings.append((letter[1:], reading))
                elif letter.startswith("^"):
                    rules.initial[letter[1:]] = reading
                else:
                    if len(letter) != 1:
                        raise ValueError(f"{_TABLE}:{number}: expected one letter, got {letter!r}")
                    rules.plain[letter] = reading
    for rules in tables.values():
        rules.endings.sort(key=lambda e: -len(e[0]))
    return tables


_VOWELS = frozenset("аеёиоуыэюяіїєў")
_SIGNS = frozenset("ьъ'’ʼ")


@lru_cache(maxsize=1 << 16)
def _word(word: str, lang: str, scheme: str) -> str:
    rules = _tables()[(lang, scheme)]
    upper = word[:1].isupper()
    whole_upper = upper and word.isupper() and len(word) > 1
    word = word.lower()
    tail = ""
    for ending, reading in rules.endings:
        if word.endswith(ending) and len(word) > len(ending) + 1:
            word, tail = word[: -len(ending)], reading
            break
    out: list[str] = []
    previous = ""
    for ch in word:
        if ch in rules.initial and (not previous or previous in _VOWELS or previous in _SIGNS):
            out.append(rules.initial[ch])
        else:
            out.append(rules.plain.get(ch, ch))
        previous = ch
    reading = "".join(out) + tail
    if whole_upper:
        return reading.upper()
    return reading[:1].upper() + reading[1:] if upper else reading


def _name_key(word: str) -> str:
    return word.lower().replace("ё", "е").replace("’", "'").replace("ʼ", "'").strip('.,;:()«»„“”"')


@cache
def _equivalents() -> dict[tuple[str, str], tuple[tuple[str, ...], int]]:
    """(language, name key) -> (the table row, column kind 0 name / 1 male / 2 female)."""
    raw = files("scrutiny.data").joinpath(_NAMES).read_text(encoding="utf-8")
    table: dict[tuple[str, str], tuple[tuple[str, ...], int]] = {}
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip() or line.startswith("#") or line.startswith("ru\t"):
            continue
        row = tuple(cell.strip() for cell in line.split("\t"))
        if len(row) != 9:
            raise ValueError(f"{_NAMES}:{number}: expected 9 tab-separated columns, got {line!r}")
        for li, lang in enumerate(_EAST_SLAVIC):
            for kind in range(3):
                word = row[li * 3 + kind]
                if word:
                    table.setdefault((lang, _name_key(word)), (row, kind))
    return table


# Belarusian surname endings and letters in their Russian form (ЛУКАШЭНКА -> ЛУКАШЕНКО).
_BE_RU_ENDINGS: tuple[tuple[str, str], ...] = (
    ("енка", "енко"),
    ("вски", "вский"),
    ("ски", "ский"),
    ("цки", "цкий"),
)
_BE_RU_ENDINGS += (("ав", "ов"), ("ов", "ов"), ("ев", "ев"))
_BE_RU_LETTERS = str.maketrans({"ў": "в", "і": "и", "э": "е", "Ў": "В", "І": "И", "Э": "Е"})


def _belarusian_surname_in_russian(word: str) -> str:
    word = word.translate(_BE_RU_LETTERS)
    lower = word.lower()
    for ending, russian in _BE_RU_ENDINGS:
        if lower.endswith(ending) and len(lower) > len(ending) + 2:
            tail = russian.upper() if word.isupper() else russian
            return word[: -len(ending)] + tail
    return word


def _read_as(words: list[str], lang: str, target: str) -> str | None:
    """The name with its given name and patronymic in `target`'s form, English-style; None
    when no word of it is in the names table."""
    table = _equivalents()
    column = _EAST_SLAVIC.index(target) * 3
    out: list[str] = []
    found = False
    for word in words:
        entry = table.get((lang, _name_key(word)))
        other = entry[0][column + entry[1]] if entry else ""
        if other:
            found = True
            out.append(_word(other, target, "en"))
        elif lang == "be" and target == "ru":
            out.append(_word(_belarusian_surname_in_russian(word), "ru", "en"))
        else:
            out.append(_word(word, lang, "en"))
    return " ".join(out) if found else None


def fix_homoglyphs(text: str) -> str:
    """Latin look-alike letters inside Cyrillic words read as Cyrillic ("ГУТНIК" with a Latin I)."""
    words = text.split(" ")
    for i, word in enumerate(words):
        if not word.isascii() and any("\u0400" <= ch <= "\u04ff" for ch in word):
            words[i] = word.translate(HOMOGLYPHS)
    return " ".join(words)


def cyrillic_forms(text: str) -> list[str]:
    """Latin readings of a Cyrillic run, English-style first (see the module docstring).

    ``"Юрий Фёдорович"`` → ``["yuriy fyodorovich", "jurij fjodorovic"]``.
    """
    words = text.split()
    if not words:
        return []
    lang = language(text)
    out: list[str] = []
    for scheme in SCHEMES:
        if scheme in _PERSON_ONLY and len(words) > _PERSON_WORDS:
            continue
        if scheme in _OTHER_ONLY and len(words) <= _PERSON_WORDS and lang in _ALSO_READ_AS:
            continue
        reading = " ".join(_word(w, lang, scheme) for w in words)
        if reading.strip() and reading not in out:
            out.append(reading)
    for target in _ALSO_READ_AS.get(lang, ()):
        other = _read_as(words, lang, target)
        if other and other not in out:
            out.append(other)
    return out


# --- consonant skeletons of Latin spellings of East Slavic names ------------------------------

# Written by hand: the lists spell one Cyrillic name in English, German, French, Polish, Czech
# and Belarusian or Ukrainian national systems (TSCHERESOW / CHEREZOV, SAKALOUSKI /
# SOKOLOVSKIY, HAVRYLCHUK / GAVRILCHUK), and no library maps those spellings onto each other.
# Longest first; upper-case letters are classes the later steps leave alone.
_SLAVIC_DIGRAPHS = (
    ("shch", "S"),  # щ
    ("tsch", "C"),  # German ч
    ("dzh", "J"),  # дж
    ("sch", "S"),  # German ш, and щ
    ("tch", "C"),  # French ч
    ("ch", "C"),
    ("cz", "C"),  # Polish
    ("sh", "S"),
    ("sz", "S"),
    ("zh", "Z"),
    ("rz", "Z"),
    ("kh", "H"),  # х; г is h in Ukrainian and Belarusian spellings, g in Russian ones
    ("ts", "T"),  # ц
    ("tz", "T"),
    ("ph", "f"),
    ("dz", "d"),  # Belarusian дз for a Russian д (Dzmitry / Dmitry)
)
_SLAVIC_SINGLE = str.maketrans(
    {"g": "H", "h": "H", "w": "v", "x": "ks", "q": "k", "z": "s"}  # German s for з (-ESOW)
    | dict.fromkeys("aeiouyj'`", "")
)
# c is ц before e, i, y and k (Polish, Czech: Cyganov, Damarnacki), ч at the end of a part
# (Milošević folded: milosevic) and к elsewhere (Romanian, English: Neculiti, Nicolai).
_C_SOFT = re.compile(r"c(?=[eiyk])")
_C_FINAL = re.compile(r"c$")
# Belarusian ў written u after a vowel, before a consonant or at the end (ZAITSAU, KRAEUSKY):
# the v of the Russian form (ЗАЙЦЕВ, КРАЕВСКИЙ).
_SHORT_U = re.compile(r"(?<=[aeiouy])u(?=[^aeiouy]|$)")
_REPEATED = re.compile(r"(.)\1+")


# Endings of East Slavic surnames as the lists' systems spell them (-ov, -ow, -off, -au, ...).
_SURNAME_ENDINGS = (
    "ov", "ow", "off", "ev", "ew", "eff", "yov", "au", "ou", "eu", "aw",
    "ova", "owa", "ava", "eva", "ewa", "in", "yn", "ina", "yna",
    "ski", "sky", "skiy", "skij", "skii", "skyi", "skaya", "ska", "tski", "tsky", "cki", "cky",
    "enko", "enka", "uk", "yuk", "iuk", "chuk", "ich", "ic", "itch", "itsch", "icz", "ych",
)  # fmt: skip


def looks_slavic_surname(token: str) -> bool:
    """A folded Latin name part ending as East Slavic surnames do in some system (Zaitsau,
    Zaytsev, Tscheresow, Sakalouski, Havrylchuk); given names are read through
    data/text_slavic_names.tsv instead."""
    return len(token) >= 4 and token.endswith(_SURNAME_ENDINGS)


def skeleton(token: str) -> str:  # cached by its caller, features.skeleton_key
    """Consonant skeleton of one folded Latin part of an East Slavic name, whatever system
    spelt it: "zaitsau" and "zaytsev" -> "sTv", "tscheresow" and "cherezov" -> "Crsv",
    "havrylchuk" and "gavrilchuk" -> "HvrlCk"; "" for a part with no letters.

    Vowels are left out: the lists' Belarusian forms write the unstressed o as a (MAROZAU /
    МОРОЗОВ) and their systems write the soft vowels in many ways (Fiodarava / Fedorova)."""
    token = _SHORT_U.sub("v", token)
    for digraph, value in _SLAVIC_DIGRAPHS:
        token = token.replace(digraph, value)
    token = _C_FINAL.sub("C", _C_SOFT.sub("T", token)).replace("c", "k")
    token = token.translate(_SLAVIC_SINGLE)
    if not token.isalpha():
        token = "".join(filter(str.isalpha, token))
    return _REPEATED.sub(first_letter, token)


# What the romanisation systems write differently for one Cyrillic letter, and English for
# its own words' sounds, folded to one letter (longest first): х is kh, ch, h; ч ch, tch,
# tsch (they share the key, a loose one); ш sh, sch, sj; ж zh, zj; ц ts, tz, c; кс x.
_SPELLING_DIGRAPHS = (
    ("shch", "s"), ("tsch", "h"), ("sch", "s"), ("tch", "h"), ("sh", "s"), ("sj", "s"),
    ("zh", "z"), ("zj", "z"), ("kh", "h"), ("ch", "h"), ("ts", "k"), ("tz", "k"), ("ck", "k"),
    ("ph", "f"), ("th", "t"),
)  # fmt: skip
_SPELLING_SINGLE = str.maketrans({"c": "k", "q": "k", "x": "ks", "w": "v", "y": "i", "j": "i"})
SPELLING_MIN = 4  # letters: a shorter part says too little to be met loosely


@lru_cache(maxsize=1 << 17)
def spelling_key(token: str) -> str:
    """One folded Latin word of a name as any romanisation of its Cyrillic would give it, vowels
    kept: "khamas" and "hamas" -> "hamas", "yevraz" and "evraz" -> "evraz",
    "rosoboroneksport" and "rosoboronexport" -> "rosoboroneksport", "promtekhnologiya" and
    "promtechnology" -> "promtehnologi", "tsiti" and "citi" -> "kiti"; "" for a word of fewer
    than SPELLING_MIN letters or not only letters.

    Stricter than `skeleton`: every vowel but an iotation is kept, so that it may stand for
    an exact match of a word read from Cyrillic (a company's or a person's) with the spelling
    its English list name or a customer gives."""
    if len(token) < SPELLING_MIN or not token.isalpha():
        return ""
    for digraph, value in _SPELLING_DIGRAPHS:
        token = token.replace(digraph, value)
    token = _REPEATED.sub(first_letter, token.translate(_SPELLING_SINGLE))
    if token.startswith("ie"):  # е at the start: Yevraz / Evraz, Yelena / Elena
        token = token[1:]
    if token.endswith("ia") and len(token) > SPELLING_MIN:  # -ия, -ija: tekhnologiya / technology
        token = token[:-1]
    if token.endswith("of"):  # -off: Ivanoff / Ivanov
        token = token[:-1] + "v"
    return token
