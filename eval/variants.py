"""Name variants as customers write them: typos, reorderings, Korean romanizations, joined names.

Every function takes a `random.Random` so that sets are reproducible from one seed, and returns
None when it cannot produce a variant that differs from its input.
"""

from __future__ import annotations

import random
import re
import unicodedata
from functools import cache
from pathlib import Path

_DATA = Path(__file__).with_name("data")
_QWERTY_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")


@cache
def _adjacent_keys() -> dict[str, str]:
    """Keys next to each letter on a QWERTY keyboard (same row and the rows above/below)."""
    positions = {ch: (r, c) for r, row in enumerate(_QWERTY_ROWS) for c, ch in enumerate(row)}
    adjacent: dict[str, str] = {}
    for ch, (r, c) in positions.items():
        near = [
            other
            for other, (r2, c2) in positions.items()
            if other != ch and abs(r - r2) <= 1 and abs(c - c2) <= 1
        ]
        adjacent[ch] = "".join(sorted(near))
    return adjacent


@cache
def korean_variant_classes() -> dict[str, tuple[str, ...]]:
    """Lower-case romanized syllable -> its alternatives (from data/korean_variants.tsv)."""
    classes: dict[str, tuple[str, ...]] = {}
    for line in (_DATA / "korean_variants.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        forms = tuple(dict.fromkeys(f.strip().lower() for f in line.split("\t") if f.strip()))
        for form in forms:
            classes.setdefault(form, forms)
    return classes


def _match_case(template: str, word: str) -> str:
    if template.isupper() and len(template) > 1:
        return word.upper()
    if template[:1].isupper():
        return word.capitalize()
    return word


def _tokens(name: str) -> list[str]:
    return [t for t in re.split(r"\s+", name.strip()) if t]


def keyboard_typo(name: str, rng: random.Random) -> str | None:
    """One realistic typing error in a token of 4+ letters: adjacent key, swap or dropped letter."""
    tokens = _tokens(name)
    eligible = [i for i, t in enumerate(tokens) if sum(ch.isalpha() for ch in t) >= 4]
    if not eligible:
        return None
    index = rng.choice(eligible)
    token = tokens[index]
    letters = [i for i, ch in enumerate(token) if ch.isascii() and ch.isalpha()]
    if len(letters) < 4:
        return None
    kind = rng.choice(("substitute", "transpose", "delete"))
    # Typists rarely get the first letter wrong; keep it, as screening tools' first-letter
    # filters assume (this is the realistic case, not the adversarial one).
    pos = rng.choice(letters[1:])
    chars = list(token)
    if kind == "substitute":
        near = _adjacent_keys().get(chars[pos].lower(), "")
        if not near:
            return None
        chars[pos] = _match_case(chars[pos], rng.choice(near))
    elif kind == "transpose":
        if pos + 1 >= len(chars) or not chars[pos + 1].isalpha() or chars[pos] == chars[pos + 1]:
            return None
        chars[pos], chars[pos + 1] = chars[pos + 1], chars[pos]
    else:
        del chars[pos]
    tokens[index] = "".join(chars)
    result = " ".join(tokens)
    return result if result != name else None


# Words that are no name on their own. A customer who leaves out a middle name keeps a title
# before the names ("Mullah Khairullah Khairkhwah" is not "Mullah Khairkhwah") and a particle
# with the name it belongs to ("Saleh AL QARAWI" is not "Saleh AL")...
_TITLES = frozenset((
    "mullah", "maulavi", "mawlawi", "maulana", "haji", "hajji", "sheikh", "shaikh", "sheik",
    "qari", "mufti", "imam", "dr", "mr", "mrs",
))  # fmt: skip
_PARTICLES = frozenset((
    "al", "el", "ul", "ad", "ar", "as", "at", "an", "ash", "abu", "abou", "bou", "abd", "abdul",
    "abdel", "bin", "ben", "ibn", "bint", "ould", "van", "von", "der", "den", "de", "da", "di",
    "du", "la", "le", "del", "dos", "das",
))  # fmt: skip
# ... and with the name before them (Hayat Ullah, Salah Uddin).
_SUFFIXES = frozenset(("ullah", "allah", "uddin", "ud-din", "din", "deen"))


def drop_middle_name(name: str, rng: random.Random) -> str | None:
    """'John Fitzgerald Kennedy' -> 'John Kennedy' (persons with three or more tokens).

    A middle name is a given name after the first: in "FAMILY, Given Middle" the family name
    before the comma stays whole ("ALI, Yassin Mohamed" -> "ALI, Yassin"; "MIKLASHEVICH, Petr
    Petrovich" -> "MIKLASHEVICH, Petr"). Titles and particles are no middle names, and the
    word after a particle is none either. None when the name has no middle name.
    """
    tokens = _tokens(name)
    if len(tokens) < 3:
        return None
    # One draw over the same range as ever, whatever the name: every later variant of the
    # set comes from the same random stream as before.
    pick = rng.randrange(1, len(tokens) - 1) - 1
    family, comma, given = name.partition(",")
    words = _tokens(given) if comma else tokens
    last = len(words) if comma else len(words) - 1  # without a comma the last word is family
    first = 0
    while first < len(words) and words[first].lower().strip(".") in _TITLES:
        first += 1
    middle = [
        i
        for i in range(first + 1, last)
        if words[i].lower() not in _PARTICLES
        and words[i - 1].lower().rstrip("-") not in _PARTICLES
        and words[i].lower() not in _SUFFIXES
        and (i + 1 >= len(words) or words[i + 1].lower() not in _SUFFIXES)
    ]
    if not middle:
        return None
    drop = middle[pick % len(middle)]
    kept = " ".join(words[:drop] + words[drop + 1 :])
    return f"{family.strip()}, {kept}" if comma else kept


def reorder(name: str, rng: random.Random) -> str | None:
    """Family name moved: 'KIM Jong Un' -> 'Jong Un KIM' or 'KIM, Jong Un' -> 'Jong Un Kim'."""
    if "," in name:
        family, _, given = name.partition(",")
        if family.strip() and given.strip():
            return f"{given.strip()} {family.strip()}"
    tokens = _tokens(name)
    if len(tokens) < 2:
        return None
    if rng.random() < 0.5:
        result = " ".join(tokens[1:] + tokens[:1])
    else:
        result = " ".join(tokens[-1:] + tokens[:-1])
    return result if result != name else None


def korean_romanization(name: str, rng: random.Random) -> str | None:
    """A South-Korean style spelling of a North Korean Latin name: Kim Jong Un -> Gim Jeong-eun.

    Each syllable token with known variants is swapped with probability 0.7; the given name
    (tokens after the family name) is then written hyphenated, joined or apart.
    """
    tokens = _tokens(name.replace(",", " "))
    classes = korean_variant_classes()
    if len(tokens) < 2 or not any(t.lower() in classes for t in tokens):
        return None
    changed: list[str] = []
    for token in tokens:
        forms = classes.get(token.lower())
        if forms and len(forms) > 1 and rng.random() < 0.7:
            choice = rng.choice([f for f in forms if f != token.lower()])
            changed.append(_match_case(token, choice))
        else:
            changed.append(token)
    # The family name comes first (KIM Jong Un, "KIM, Jong Un"), or last where it alone is
    # written in capitals (Rak Kyom KIM, the UK's order): the given name is the rest.
    at = 0
    if "," not in name:
        caps = [i for i, t in enumerate(tokens) if t.isupper() and len(t) > 1]
        if len(caps) == 1 and caps[0] == len(tokens) - 1:
            at = caps[0]
    family, given = changed[at], changed[:at] + changed[at + 1 :]
    style = rng.choice(("apart", "hyphen", "joined"))
    if len(given) >= 2 and style != "apart":
        glue = "-" if style == "hyphen" else ""
        head = given[0].capitalize() if not given[0].isupper() else given[0]
        tail = [g.lower() for g in given[1:]]
        given = [head + glue + glue.join(tail)]
    result = " ".join([*given, family] if at else [family, *given])
    return result if result.lower() != name.lower() else None


def join_given_names(name: str, rng: random.Random) -> str | None:
    """Given names written joined or hyphenated: 'Li Xiao Ming' -> 'Li Xiaoming' / 'Li Xiao-Ming'."""
    tokens = _tokens(name)
    if len(tokens) < 3:
        return None
    glue = rng.choice(("", "-"))
    given = tokens[1] + glue + (tokens[2].lower() if glue == "" else tokens[2])
    return " ".join([tokens[0], given, *tokens[3:]])


def script_of(text: str) -> str:
    """The dominant script of `text` as an ISO 15924 code (Latn, Hang, Hani, Cyrl, Arab ...).

    A small, independent detector so that the labels of the evaluation set do not depend on the
    code under test.
    """
    counts: dict[str, int] = {}
    for ch in text:
        if not ch.isalpha():
            continue
        uname = unicodedata.name(ch, "")
        if uname.startswith("HANGUL"):
            code = "Hang"
        elif uname.startswith("CJK") or uname.startswith("KANGXI"):
            code = "Hani"
        elif uname.startswith(("HIRAGANA", "KATAKANA")):
            code = "Jpan"
        elif uname.startswith("CYRILLIC"):
            code = "Cyrl"
        elif uname.startswith("ARABIC"):
            code = "Arab"
        elif uname.startswith("GREEK"):
            code = "Grek"
        elif uname.startswith("LATIN"):
            code = "Latn"
        elif uname.startswith("HEBREW"):
            code = "Hebr"
        elif uname.startswith("THAI"):
            code = "Thai"
        else:
            code = uname.split(" ", 1)[0].title()[:4] or "Zyyy"
        counts[code] = counts.get(code, 0) + 1
    if not counts:
        return "Zyyy"
    # Japanese names mix kanji with kana; any kana makes it Japanese.
    if "Jpan" in counts:
        return "Jpan"
    return max(counts, key=lambda code: counts[code])


def script_pair(name1: str, name2: str) -> str:
    """'Latn-Latn', 'Hang-Latn' ... (sorted, so a pair and its mirror share a label)."""
    return "-".join(sorted((script_of(name1), script_of(name2))))


def simple_fold(text: str) -> str:
    """Case-fold, strip accents and punctuation: used only to drop trivially identical pairs."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^\w]+", " ", kept).split())
