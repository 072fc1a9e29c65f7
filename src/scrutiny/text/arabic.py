"""Latin readings of Arabic-script names in the spellings the lists use (Mohammad, Hussein, Khalid).

Arabic script leaves short vowels unwritten, so ICU's Any-Latin gives bare consonants
("محمد" → "mhmd", "عدنان" → "ʿdnan") that no string similarity brings close to "Mohammad" or
"Adnan". This module reads a name word by word:

1. Common given names and name words (Mohammad, Abdullah, Hossein, Reza, bin, Abu ...) come
   from a table of their usual English list spellings, data/text_arabic_names.tsv, with an
   Arabic and a Persian column: the same letters are "Hussein" in an Arab name and "Hossein"
   in an Iranian one. A text is read as Persian when it has Persian letters (پ چ ژ گ ک ی).
2. The article is written apart ("الأسد" → "al assad", as the lists write AL-ASSAD), "عبد" +
   the next word becomes "abdul" + that word (عبد الرحمن → "abdul rahman"; the matcher joins
   neighbouring parts, so Abdulrahman meets it too).
3. Other words letter by letter, with the short vowels the script does not write guessed the way
   names are mostly vocalised: "a" where two consonants would otherwise start a word or end
   it (بركات → "barkat", حسن → "hasan"), "i" after a long a in the fāʿil pattern
   (خالد → "khalid", طاهر → "tahir"); و and ي are read as vowels between consonants.

Guessed vowels are often wrong in detail (Barakat, Hassan); what they give is a spelling with
the right consonants and about the right length, which is what the matcher's part similarity
and phonetic key need.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from importlib.resources import files

_NAMES = "text_arabic_names.tsv"

_PERSIAN = frozenset("پچژگکیۀ")

# Letter -> (Arabic reading, Persian reading). "" = silent consonant (carries a guessed vowel).
_CONSONANTS: dict[str, tuple[str, str]] = {
    "ب": ("b", "b"),
    "پ": ("p", "p"),
    "ت": ("t", "t"),
    "ث": ("th", "s"),
    "ج": ("j", "j"),
    "چ": ("ch", "ch"),
    "ح": ("h", "h"),
    "خ": ("kh", "kh"),
    "د": ("d", "d"),
    "ذ": ("dh", "z"),
    "ر": ("r", "r"),
    "ز": ("z", "z"),
    "ژ": ("zh", "zh"),
    "س": ("s", "s"),
    "ش": ("sh", "sh"),
    "ص": ("s", "s"),
    "ض": ("d", "z"),
    "ط": ("t", "t"),
    "ظ": ("z", "z"),
    "ع": ("", ""),
    "غ": ("gh", "gh"),
    "ف": ("f", "f"),
    "ق": ("q", "gh"),
    "ك": ("k", "k"),
    "ک": ("k", "k"),
    "گ": ("g", "g"),
    "ل": ("l", "l"),
    "م": ("m", "m"),
    "ن": ("n", "n"),
    "ه": ("h", "h"),
    "ء": ("", ""),
    "ؤ": ("", ""),
    "ئ": ("", ""),
    "ڤ": ("v", "v"),
}
_ALIFS = frozenset("اأإآٱ")
_WAW = "و"
_YEHS = frozenset("يیى")
_TA_MARBUTA = "ة"
_KEY = str.maketrans(
    {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ی": "ي", "ى": "ي", "ک": "ك", "ة": "ه"}
)
_ARTICLE = "ال"
_ABD = "عبد"
_ALLAH = "الله"


def is_persian(text: str) -> bool:
    """True when the text has letters only Persian (and Dari, Urdu) write."""
    return not _PERSIAN.isdisjoint(text)


@cache
def _names() -> dict[str, tuple[str, str]]:
    """Normalised Arabic-script word -> (Arabic-name spelling, Persian-name spelling)."""
    raw = files("scrutiny.data").joinpath(_NAMES).read_text(encoding="utf-8")
    table: dict[str, tuple[str, str]] = {}
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip() or line.startswith("#") or line.startswith("word\t"):
            continue
        parts = line.split("\t")
        if len(parts) not in (2, 3):
            raise ValueError(f"{_NAMES}:{number}: expected 2 or 3 tab-separated columns")
        arabic = parts[1].strip()
        persian = parts[2].strip() if len(parts) == 3 and parts[2].strip() else arabic
        table[_key(parts[0].strip())] = (arabic, persian)
    return table


def _key(word: str) -> str:
    return word.translate(_KEY)


def _clean(word: str) -> str:
    """NFKC (presentation forms → letters), without harakat, tatweel or joiners."""
    word = unicodedata.normalize("NFKC", word)
    return "".join(
        ch
        for ch in word
        if ch.isalpha() and not ("\u064b" <= ch <= "\u065f" or ch in "\u0670\u0640")
    )


def _spell(word: str, persian: bool) -> str:
    """Letter-by-letter reading with guessed short vowels (see the module docstring)."""
    col = 1 if persian else 0
    items: list[tuple[bool, str]] = []  # (is_vowel, latin)
    n = len(word)
    for i, ch in enumerate(word):
        prev_vowel = bool(items) and items[-1][0]
        at_start = not items
        if ch in _ALIFS:
            if at_start:
                items.append((True, "i" if ch == "إ" else "a"))
            elif not prev_vowel:
                items.append((True, "a"))
            continue
        if ch == _WAW or ch in _YEHS:
            next_is_vowel = i + 1 < n and (
                word[i + 1] in _ALIFS
                or word[i + 1] == _TA_MARBUTA
                or (i + 2 == n and ch == _WAW and word[i + 1] in _YEHS)  # Khosravi, Fadavi
            )
            if at_start or prev_vowel or next_is_vowel:
                glide = "y" if ch in _YEHS else ("v" if persian else "w")
                items.append((False, glide))
            elif ch == "ى" and i == n - 1 and not persian:
                items.append((True, "a"))  # alif maqsura: Mustafa, Yahya
            else:
                items.append((True, "i" if ch in _YEHS else ("o" if persian else "u")))
            continue
        if ch == _TA_MARBUTA:
            items.append((True, "a"))
            continue
        if ch == "ه" and i == n - 1 and i > 0 and persian:
            items.append((True, "eh"))  # Persian final he: Fatemeh, Zadeh
            continue
        readings = _CONSONANTS.get(ch)
        if readings is None:
            continue
        items.append((False, readings[col]))
    # Names starting with م and two consonants are mostly participles (Mufleh, Munajjid,
    # Mutmaen: mu-, mo- in Persian spellings); with و before the last letter they are the
    # mafʿūl pattern (Mansour, Makhlouf, Mazloom: ma-).
    first_vowel = "a"
    if (
        len(items) >= 4
        and word[0] == "م"
        and not items[1][0]
        and not items[2][0]
        and not items[3][0]
        and not (n >= 4 and word[-2] == _WAW)
    ):
        first_vowel = "o" if persian else "u"
    out: list[str] = []
    after_vowel = False
    for i, (vowel, latin) in enumerate(items):
        out.append(latin)
        if vowel:
            after_vowel = True
            continue
        if i + 1 == len(items) or items[i + 1][0]:
            after_vowel = False
            continue
        final_pair = i + 2 == len(items)
        if not after_vowel:
            out.append(first_vowel if i == 0 else "a")
            after_vowel = True
        elif final_pair:
            long_a = i > 0 and items[i - 1] == (True, "a")
            out.append("i" if long_a else "a")
            after_vowel = True
        else:
            after_vowel = False
    return "".join(out)


@lru_cache(maxsize=1 << 16)
def _word_reading(word: str, persian: bool) -> str:
    """One Arabic-script word in Latin: the name table, else article split and spelling."""
    word = _clean(word)
    if not word:
        return ""
    col = 1 if persian else 0
    known = _names().get(_key(word))
    if known:
        return known[col]
    if word.endswith(_ALLAH) and len(word) > len(_ALLAH) + 1:
        # Hamidullah, Azizullah, Fathollah: written joined or apart, spelt joined in Latin.
        return _word_reading(word[: -len(_ALLAH)], persian).replace(" ", "") + "ullah"
    if word.startswith(_ABD) and len(word) > len(_ABD) + 1:
        rest = word[len(_ABD) :]
        return "abdul " + _word_reading(rest[2:] if rest.startswith(_ARTICLE) else rest, persian)
    if word.startswith(_ARTICLE) and len(word) > 3:
        return "al " + _word_reading(word[2:], persian)
    return _spell(word, persian)


def arabic_forms(text: str) -> list[str]:
    """The Latin reading of an Arabic-script run (one form): ``"محمد حسن"`` → ``["mohammad hassan"]``."""
    words = text.replace("-", " ").replace("\u200c", " ").split()  # ZWNJ: Persian compounds
    if not words:
        return []
    persian = is_persian(text)
    out: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        if _clean(word) == _ABD and i + 1 < len(words):
            # "عبد الله" / "عبد الرحمن": the compound written apart.
            joined = _word_reading(_ABD + words[i + 1], persian)
            out.append(joined)
            i += 2
            continue
        if i + 1 < len(words) and _clean(words[i + 1]) == _ALLAH and _clean(word):
            out.append(_word_reading(_clean(word) + _ALLAH, persian))  # "حمید الله"
            i += 2
            continue
        reading = _word_reading(word, persian)
        if reading:
            out.append(reading)
        elif not any("\u0600" <= ch <= "\u06ff" for ch in word):
            out.append(word)  # punctuation and digits in the run
        i += 1
    reading = " ".join(out)
    return [reading] if reading.strip() else []


# --- consonant skeletons ----------------------------------------------------------------------
# A reading above guesses the short vowels, and the guess is often not the list's (مشوح is read
# "mashuh", OFAC writes MOUCHAWEH; جرجس "jarjas", the list GERGES). What both spellings keep is
# the consonants, so the matcher also compares a reading of Arabic script with a Latin name part
# by consonant skeleton: vowels and the letters Latin spellings make of waw and ya (w, y, v, ou)
# dropped, digraphs folded to one class each (kh, sh/ch, th, dh, gh), the letter classes
# transliterations confuse (q/k/c/gh, g/j, p/b) merged, the article and doubled letters dropped.
# What is lost with the vowels is lost: Hussein and Hassan share "hsn", so an equal skeleton
# is evidence that the matcher weighs like a near-exact part, and only for names read from
# Arabic script (forms.Form.arabic). No library does this: romanisation libraries go from Latin
# to Arabic script or give ICU's bare consonants, which carry no classes.
_DIGRAPHS = (
    ("kh", "X"),
    ("sh", "C"),
    ("ch", "C"),  # French spelling of ش (CHAOUI, CHEHARMAHALI)
    ("th", "t"),
    ("dh", "z"),
    ("gh", "k"),  # غ, and ق in Persian names (MOGHADDAM / مقدم)
    ("ph", "f"),
    ("ou", ""),
    ("ee", ""),
    ("oo", ""),
)
# g is ج in Egyptian and Levantine spellings (Gamal, Gerges); gh is taken above.
_SINGLE = str.maketrans(
    {"q": "k", "c": "k", "g": "j", "p": "b", "x": "ks"} | dict.fromkeys("aeiouywv'`", "")
)
_DOUBLE = re.compile(r"(.)\1+")


def first_letter(match: re.Match[str]) -> str:
    """A run of one letter as one (`_DOUBLE.sub(first_letter, ...)`): a function, not the
    template r"\1", which `re` expands at three times the cost on these hot paths."""
    return match.group(1)


def skeleton(token: str) -> str:  # cached by its caller, features.skeleton_key
    """Consonant skeleton of one folded Latin name part: "mouchaweh" and "mashuh" -> "mC",
    "gerges" and "jarjas" -> "jrjs"; "" for a part with no letters."""
    if token.startswith(("al", "el")) and len(token) > 4 and token[2] not in "aeiou":
        token = token[2:]  # the article written joined: alhamzi, elsayed
    token = _DOUBLE.sub(first_letter, token)
    for digraph, value in _DIGRAPHS:
        token = token.replace(digraph, value)
    # X and C (kh, sh) are capitals until the letters are mapped, so c -> k leaves them.
    token = token.translate(_SINGLE).lower()
    if not token.isalpha():
        token = "".join(filter(str.isalpha, token))
    token = _DOUBLE.sub(first_letter, token)
    # A final h is ta marbuta or a Latin "-ah" (Sarah, Abdullah): written on one side only.
    return token[:-1] if len(token) > 1 and token.endswith("h") else token


# --- compound names in Latin spellings ---------------------------------------------------------

# Written by hand: the lists and customers write one Arabic compound name joined, hyphenated
# or apart, with the article as spoken or as written (Abdul Rahman, Abd al-Rahman,
# Abdurrahman, Abderrahmane; Nasir al-Din, Nasiruddin, Nasreddine; Ehsan Ullah, Ehsanullah),
# and no library folds those spellings together.
_ABD_APART = frozenset(
    {"abd", "abdul", "abdel", "abdal", "abdol", "abdil", "abdur", "abder", "abdus", "abdes",
     "abdoul"}
)  # fmt: skip
_LATIN_ARTICLES = frozenset(
    {"al", "el", "ul", "ol", "il", "ad", "ed", "ud", "od", "ar", "er", "ur", "as", "es", "us",
     "ash", "esh", "ush", "an", "en", "un", "az", "ez", "uz", "at", "et", "ut"}
)  # fmt: skip
_DIN = frozenset({"din", "deen", "dine", "dien", "ddin", "ddine"})
_ALLAH_LATIN = frozenset({"allah", "ullah", "ollah", "illah", "ellah"})
_ABD_ALLAH = _ALLAH_LATIN | {"alla", "ulla", "olla"}  # Abdulla, Abdalla
# The din or Allah ending of a compound, written as a part of its own (Nasir uddin, Salah
# eddine) or joined to the name before it: Nasiruddin, Seifeddine, Ezzedine; Ehsanullah,
# Fadlallah, Hezbollah. That name has three letters or more, and the article is written
# (Borodin and Saladin are left alone).
DIN_SUFFIX = re.compile(r"(?:[aeiou][ld]d|ed)(?:i|ee|ie)ne?")
_ALLAH_SUFFIX = r"[aeiou]ll?ah"
_JOINED_DIN = re.compile(r"([a-z]{3,}?)" + DIN_SUFFIX.pattern)
_JOINED_ALLAH_LATIN = re.compile(r"([a-z]{3,}?)" + _ALLAH_SUFFIX)
_ENDS_ALLAH = re.compile(r"[a-z]*?" + _ALLAH_SUFFIX)  # after Abd: Abdullah, Abdoullah
# Every ending these patterns can match: the quick test before them.
_JOINED_ENDINGS = ("din", "dine", "deen", "deene", "dien", "diene", "lah")
# After Abd, joined: the article's vowel and l (Abdulkarim), or its vowel with the sun letter
# it became (Abdurrahman, Abdessalam), or a vowel alone (Abdurahim).
_ABD_JOINED = re.compile(
    r"abd(?:[aeiou]l(?=[^aeiou])|[aeiou]l(?=[aeiou])|[aeiou](?=(.)\1)(.)|[aeiou])?([a-z]{3,})"
)


def _abd_element(rest: str) -> str:
    return "allah" if rest in _ABD_ALLAH else rest


def join_compounds(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """Arabic compound names as one part each, the same however they were spelt:
    ``abd al rahman``, ``abdul rahman``, ``abdurrahman`` → ``abdrahman``; ``nasir al din``,
    ``nasir ud din``, ``nasiruddin`` → ``nasirdin``; ``ehsan ullah``, ``ehsanullah`` →
    ``ehsanallah``; ``abdullah``, ``abd allah`` → ``abdallah``. Other parts are left as they
    are."""
    out: list[str] = []
    i = 0
    n = len(tokens)
    while i < n:
        token = tokens[i]
        nxt = tokens[i + 1] if i + 1 < n else ""
        # Abd, an article or none, then the element: three parts or two.
        if token in _ABD_APART and nxt:
            j = i + 1
            if token == "abd" and nxt in _LATIN_ARTICLES and i + 2 < n:
                j = i + 2
            element = tokens[j]
            if (
                len(element) >= 3
                and element not in _LATIN_ARTICLES
                and element not in ("bin", "ibn")
            ):
                out.append("abd" + _abd_element(element))
                i = j + 1
                continue
        # A name, an article or none, then din or Allah.
        if out and len(out[-1]) >= 3 and not out[-1].startswith("abd"):
            if token in _LATIN_ARTICLES and nxt in _DIN:
                out[-1] += "din"
                i += 2
                continue
            if DIN_SUFFIX.fullmatch(token):  # Nasir uddin, Salah eddine
                out[-1] += "din"
                i += 1
                continue
            if token in _ALLAH_LATIN:
                out[-1] += "allah"
                i += 1
                continue
        out.append(compound_key(token) or token)
        i += 1
    return tuple(out)


@lru_cache(maxsize=1 << 16)
def compound_key(token: str) -> str | None:
    """The one-part spelling `join_compounds` gives a compound written as one part
    (``abdurrahman`` → ``abdrahman``, ``abdullah`` → ``abdallah``, ``abdallah`` → itself,
    ``nasiruddin`` → ``nasirdin``), or None for a part that is none."""
    if not token.startswith("abd") and not token.endswith(_JOINED_ENDINGS):
        return None  # most parts: no pattern to try
    if len(token) > 5 and token.startswith("abd"):
        if token[3:] in _ABD_ALLAH or _ENDS_ALLAH.fullmatch(token[3:]):
            return "abdallah"  # Abdullah, Abdallah, Abdollah, Abdulla
        joined = _ABD_JOINED.fullmatch(token)
        if joined:
            return "abd" + _abd_element(joined.group(3))
    din = _JOINED_DIN.fullmatch(token)
    if din:
        return din.group(1) + "din"
    allah = _JOINED_ALLAH_LATIN.fullmatch(token)
    if allah:
        return allah.group(1) + "allah"
    return None


# Parts that may begin or continue a compound (`join_compounds`), to skip the rest quickly.
COMPOUND_STARTS = _ABD_APART
COMPOUND_MIDDLES = _LATIN_ARTICLES | _DIN | _ALLAH_LATIN


# Any part that may begin, continue or be a compound (a quick test on a whole name).
MAY_HOLD_COMPOUND = re.compile(
    r"\babd|(?:^| )(?:"
    + "|".join(sorted(COMPOUND_MIDDLES))
    + r")(?: |$)|(?:"
    + "|".join(_JOINED_ENDINGS)
    + r")(?: |$)"
)


def may_continue(part: str) -> bool:
    """Whether `part` may continue a compound begun by the part before it (an article, din,
    Allah, or an ending such as uddin)."""
    return part in COMPOUND_MIDDLES or DIN_SUFFIX.fullmatch(part) is not None


def may_join(part: str, following: str) -> bool:
    """Whether a compound may begin at `part` (a quick test before `window_key`)."""
    return part in COMPOUND_STARTS or may_continue(following)


@lru_cache(maxsize=1 << 16)
def window_key(parts: tuple[str, ...]) -> str | None:
    """The one-part spelling of two or three parts that make one compound (``abdul
    rahman`` → ``abdrahman``), or None."""
    joined = join_compounds(parts)
    return joined[0] if len(joined) == 1 else None
