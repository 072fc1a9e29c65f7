"""Korean names in Latin letters: syllable segmentation and romanisation-independent keys.

North Korean designees reach a bank as ``Kim Jong Un``, ``KIM Jong-un``, ``Kim Jongun``,
``Gim Jeong-eun`` or ``Kim Chŏng-ŭn``. :func:`korean_key` maps each of these to one string, so
the matcher can treat equal keys as a transliteration match.

How: every token is segmented into Korean syllables (a dynamic programme over an inventory of
romanised syllables built from ``data/text_korean_latin.tsv`` and ``text_korean_syllables.tsv``);
each syllable becomes a sound class ``onset + vowel + coda`` in which the distinctions that
romanisation systems disagree about are merged (k/g, ch/j, ŏ/o/eo/u, Ri/Lee/Yi ...). Token
boundaries do not count, so joined, hyphenated and separate given names give one key.

No library does this: the romanisers (``ko_pron``, ``hangul-romanize``) go from Hangul to Latin,
while lists and customers give us only the Latin side.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache, lru_cache
from importlib.resources import files
from itertools import product

# Longest syllable spelling in the inventory ("chwaeng" is 7); set when the inventory loads.
_MAX_SYLLABLE = 8
# Letters that no Korean romanisation uses: a token holding one is not Korean (fast reject).
_NON_KOREAN = frozenset("fqvxz")
# Consonants a joined name may double at a syllable boundary (Rakkyom: rak-kyom or ra-kkyom).
_DOUBLED = "kpts"
_DOUBLED_PAIRS = frozenset(c + c for c in _DOUBLED)
# Vowel classes that begin with a y-glide or are i: before them an initial ㄹ or ㄴ is silent in
# the South (리 → 이, 룡 → 용, 녀 → 여), so Ri/Yi/Lee and Ryong/Yong are one class.
_IOTA = frozenset({"i", "ya", "ye", "yo"})


def _rows(name: str) -> list[list[str]]:
    raw = files("scrutiny.data").joinpath(name).read_text(encoding="utf-8")
    rows = []
    for line in raw.splitlines():
        if not line or line.startswith("#"):
            continue
        rows.append(line.split("\t"))
    return rows[1:]  # header


@cache
def _parts() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """(onset spelling → class, vowel spelling → class, coda spelling → class)."""
    parts: dict[str, dict[str, str]] = {"onset": {"": ""}, "vowel": {}, "coda": {"": ""}}
    for part, spelling, cls in _rows("text_korean_latin.tsv"):
        parts[part][spelling] = cls
    return parts["onset"], parts["vowel"], parts["coda"]


def _syllable_class(onset: str, vowel: str, coda: str) -> str:
    """The sound class of one syllable, with the initial sound law applied to ㄹ and ㄴ."""
    if onset in ("r", "n") and vowel in _IOTA:
        onset = ""
    elif onset == "r":
        onset = "n"
    return f"{onset}{vowel}{coda}"


@cache
def _inventory() -> dict[str, str]:
    """Every romanised syllable spelling → its sound class."""
    onsets, vowels, codas = _parts()
    inventory: dict[str, str] = {}
    for (os_, oc), (vs, vc), (cs, cc) in product(onsets.items(), vowels.items(), codas.items()):
        spelling = os_ + vs + cs
        # First spelling wins; the tables are ordered so that regular readings come first.
        inventory.setdefault(spelling, _syllable_class(oc, vc, cc))
    for spelling, regular in _rows("text_korean_syllables.tsv"):
        if regular not in inventory:
            raise ValueError(
                f"text_korean_syllables.tsv: {spelling!r} stands for {regular!r}, "
                "which is not a regular syllable spelling"
            )
        inventory[spelling] = inventory[regular]
    global _MAX_SYLLABLE
    _MAX_SYLLABLE = max(len(s) for s in inventory)
    return inventory


@lru_cache(maxsize=1 << 17)
def _segment(token: str) -> tuple[str, ...] | None:
    inventory = _inventory()
    n = len(token)
    if n == 0 or n > 40 or not token.isascii() or not token.isalpha():
        return None
    if not _NON_KOREAN.isdisjoint(token):
        return None
    # Forward DP. best[i] = (syllable count, boundary penalty, start of last syllable) for
    # token[:i]; positions no syllable reaches are skipped, so a non-Korean token fails fast.
    inf = (1 << 30, 0, -1)
    best: list[tuple[int, int, int]] = [inf] * (n + 1)
    best[0] = (0, 0, -1)
    longest = _MAX_SYLLABLE
    for start in range(n):
        prev = best[start]
        if prev[0] == inf[0]:
            if start and all(
                best[j][0] == inf[0] for j in range(max(0, start - longest), start + 1)
            ):
                return None  # no syllable can bridge this gap
            continue
        # "jongun" is jong-un, not jon-gun: MR writes the latter n'g, so an n|g boundary is
        # the less likely reading.
        penalty = prev[1] + (1 if start and token[start - 1] == "n" and token[start] == "g" else 0)
        count = prev[0] + 1
        for end in range(start + 1, min(n, start + longest) + 1):
            if token[start:end] in inventory:
                current = best[end]
                if count < current[0] or (count == current[0] and penalty < current[1]):
                    best[end] = (count, penalty, start)
    if best[n][0] == inf[0]:
        return None
    out: list[str] = []
    end = n
    while end > 0:
        start = best[end][2]
        out.append(token[start:end])
        end = start
    out.reverse()
    return tuple(out)


def syllables(token: str) -> list[str] | None:
    """Split a romanised Korean token into syllables, or None when it cannot be Korean.

    ``"jongun"`` → ``["jong", "un"]``, ``"kwangson"`` → ``["kwang", "son"]``. ``token`` is a
    folded token (lower case ASCII, as :func:`scrutiny.text.normalize.tokenize_name` gives).
    """
    seg = _segment(token)
    return list(seg) if seg is not None else None


@lru_cache(maxsize=1 << 17)
def _token_key(token: str) -> str | None:
    if token.isdigit():
        return token  # vessel names: RA NAM 2 and RA NAM 3 are different ships
    seg = _segment(token)
    if seg is None:
        return None
    inventory = _inventory()
    return ".".join(inventory[s] for s in seg)


def korean_key(tokens: Sequence[str] | Iterable[str]) -> str | None:
    """A key equal for every romanisation of the same Korean name, or None if not Korean.

    ``["kim", "jong", "un"]``, ``["kim", "jong-un"]`` split as ``["kim", "jong", "un"]``,
    ``["gim", "jeong", "eun"]`` and ``["kim", "jongun"]`` all give ``"kim.cong.on"``. Order is
    kept (a surname-last form gives another key). None as soon as one token is not segmentable.
    """
    keys = []
    for token in tokens:
        key = _token_key(token)
        if key is None:
            return None
        keys.append(key)
    if not keys:
        return None
    return ".".join(keys)


def korean_name_key(tokens: Sequence[str]) -> str | None:
    """:func:`korean_key` with the surname first: ``"Hak Chol RI"`` and ``"RI Hak Chul"`` give
    one key. The name is rotated only when its last token is a Korean surname and its first
    is not (lists and customers put the surname last; two surnames leave the order alone)."""
    tokens = list(tokens)
    if (
        len(tokens) >= 2
        and _token_key(tokens[-1]) in _surname_classes()
        and _token_key(tokens[0]) not in _surname_classes()
    ):
        tokens = [tokens[-1], *tokens[:-1]]
    return korean_key(tokens)


def _regrouped(seg: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Other readings of a joined token where a syllable's final n, l or ng may begin the next
    syllable instead: "mang-on" is also "man-gon", "ji-nyeong" also "jin-yeong", "cha-nil"
    also "chan-il" (and the other way round).

    A joined Korean given name hides where its syllables meet (Mangon: 만곤 or 망온; Jinyeong:
    진영 or 지녕; Chanil: 찬일 or 차닐); the segmenter picks one reading, and a name written
    apart says another. Only these consonants move: the other finals are rare in names, and
    letting every consonant move gives Saddam Hussein al-Tikriti a second Korean key. A
    consonant written twice where syllables meet belongs to either (Rakkyom: rak-kyom, 락겸,
    or ra-kkyom).
    """
    inventory = _inventory()
    out: list[tuple[str, ...]] = []
    for i in range(len(seg) - 1):
        left, right = seg[i], seg[i + 1]
        if left.endswith("ng") and right[0] in "aeiouwy":
            pair = (left[:-1], "g" + right)
        elif left.endswith("n") and right.startswith("g"):
            pair = (left + "g", right[1:])
        elif left[-1] in "nl" and right[0] in "aeiouwy":
            pair = (left[:-1], left[-1] + right)
        elif left[-1] in "aeiouwy" and right[0] in "nl" and right[1:] and right[1] in "aeiouwy":
            pair = (left + right[0], right[1:])
        elif left[-1] in _DOUBLED and right[:1] == left[-1]:
            pair = (left[:-1], left[-1] + right)  # rak-kyom, also ra-kkyom
        elif left[-1] in "aeiouwy" and right[:2] in _DOUBLED_PAIRS:
            pair = (left + right[0], right[1:])  # ra-kkyom, also rak-kyom
        else:
            continue
        if pair[0] in inventory and pair[1] in inventory:
            out.append((*seg[:i], *pair, *seg[i + 2 :]))
    return out


def korean_name_keys(tokens: Sequence[str], limit: int = 4) -> tuple[str, ...]:
    """:func:`korean_name_key`, then the keys of the other readings of joined tokens at the
    boundaries `_regrouped` reads both ways (``["li", "mangon"]`` → ``"i.mang.on"``,
    ``"i.man.kon"``: the second equals ``["ri", "man", "gon"]``'s key). At most `limit` keys;
    () if not Korean."""
    first = korean_name_key(tokens)
    if first is None:
        return ()
    keys = [first]
    tokens = list(tokens)
    for i, token in enumerate(tokens):
        seg = _segment(token)
        if seg is None or len(seg) < 2:
            continue
        for other in _regrouped(seg):
            spelled = [*tokens[:i], *other, *tokens[i + 1 :]]  # the token split as read
            key = korean_name_key(spelled)
            if key is not None and key not in keys:
                keys.append(key)
            if len(keys) >= limit:
                return tuple(keys)
    return tuple(keys)


def korean_token_key(token: str) -> str | None:
    """The key of one token (``"jongun"`` → ``"cong.on"``), for token-by-token comparison of
    names that mix Korean and English words (``"Kwangson Banking Corp"``)."""
    return _token_key(token)


@cache
def _surname_classes() -> frozenset[str]:
    """Keys of the Korean surnames in every spelling data/text_korean_surnames.tsv gives."""
    raw = files("scrutiny.data").joinpath("text_korean_surnames.tsv").read_text(encoding="utf-8")
    keys: set[str] = set()
    for line in raw.splitlines()[1:]:
        if not line or line.startswith("#") or line.startswith("hangul\t"):
            continue
        for spelling in line.split("\t")[2:]:
            key = _token_key(spelling.lower())
            if key is not None:
                keys.add(key)
    return frozenset(keys)


def korean_keys(tokens: Sequence[str]) -> list[str]:
    """:func:`korean_key` of the name as written and, when the last token is a Korean surname,
    of the surname moved first (``"Jong Un Kim"`` → also the key of ``"Kim Jong Un"``)."""
    key = korean_key(tokens)
    if key is None:
        return []
    keys = [key]
    if len(tokens) >= 2 and _token_key(tokens[-1]) in _surname_classes():
        rotated = korean_key([tokens[-1], *tokens[:-1]])
        if rotated is not None and rotated != key:
            keys.append(rotated)
    return keys


def syllable_class(syllable: str) -> str | None:
    """Sound class of one romanised syllable (``"jeong"`` → ``"cong"``), None if not one."""
    return _inventory().get(syllable)


@cache
def _class_spellings() -> dict[str, tuple[str, ...]]:
    """Sound class → spellings the lists and passports use, most common first."""
    by_class: dict[str, list[str]] = {}
    onsets, vowels, codas = _parts()
    # Only the spellings of the three systems (DPRK, RR, MR folded), not every ad-hoc one.
    common_onsets = ["", "k", "g", "n", "t", "d", "r", "m", "p", "b", "s", "j", "ch", "h", "l"]
    common_vowels = ["a", "ae", "e", "ya", "yae", "ye", "o", "eo", "u", "eu", "yo", "yeo", "yu"]
    common_vowels += ["wa", "wae", "oe", "we", "wo", "wi", "ui", "i"]
    common_codas = ["", "k", "n", "t", "l", "m", "p", "ng"]
    for o, v, c in product(common_onsets, common_vowels, common_codas):
        cls = _syllable_class(onsets[o], vowels[v], codas[c])
        by_class.setdefault(cls, []).append(o + v + c)
    return {k: tuple(v) for k, v in by_class.items()}


def korean_variants(token: str, limit: int = 32) -> set[str]:
    """Other romanisations of a Korean token, written joined (``"jongun"`` → ``"jeongeun"`` ...).

    At most ``limit`` variants; empty when the token is not Korean. The matcher normally needs
    only :func:`korean_key`; this is for indexes that want explicit spellings.
    """
    seg = _segment(token)
    if seg is None:
        return set()
    inventory = _inventory()
    spellings = _class_spellings()
    choices = [spellings.get(inventory[s], (s,))[:4] for s in seg]
    out: set[str] = set()
    for combo in product(*choices):
        out.add("".join(combo))
        if len(out) >= limit:
            break
    return out
