"""Latin forms of a name in any script, for indexing and comparing across scripts.

- Latin text comes back as it is.
- Hangul: personal names syllable by syllable in the DPRK list style and in Revised
  Romanization (``scrutiny.text.hangul``); other words whole through ko_pron.
- Han: pinyin, Wade-Giles and the Sino-Korean readings (``scrutiny.text.chinese``).
- Cyrillic: per language (Russian, Ukrainian, Belarusian, Bulgarian, Serbian, Macedonian) in the
  English-style system the lists use and in the j-based central European one
  (``scrutiny.text.cyrillic``).
- Arabic script (Arabic, Persian): common names from a table of their list spellings, other
  words with guessed short vowels (``scrutiny.text.arabic``).
- Everything else (Greek, Hebrew, Thai, Kana ...): ICU ``Any-Latin; Latin-ASCII``. Without
  PyICU the ``anyascii`` tables are used instead.

A text that mixes scripts is cut into runs; each non-Latin run is transliterated on its own and
the forms are combined, at most :data:`MAX_FORMS` of them.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, lru_cache
from itertools import product

from scrutiny.text import arabic, chinese, cyrillic, hangul
from scrutiny.text.normalize import MAX_NAME_CHARS, char_script, is_latin

MAX_FORMS = 6
"""Most Latin forms returned for one text."""

# Scripts with their own readings here; ICU's Any-Latin does the rest.
_OWN: dict[str, Callable[[str], list[str]]] = {
    "Hang": hangul.hangul_forms,
    "Hani": chinese.han_readings,
    "Cyrl": cyrillic.cyrillic_forms,
    "Arab": arabic.arabic_forms,
}


@cache
def _icu(rule: str) -> Callable[[str], str] | None:
    try:
        import icu
    except ImportError:
        return None
    transliterator = icu.Transliterator.createInstance(rule)
    return transliterator.transliterate


@lru_cache(maxsize=1 << 16)
def _word_latin(word: str, rule: str) -> str:
    """One word through an ICU rule (anyascii without ICU); cached because names share words
    (Vladimirovich, Mohammed) and an ICU call costs about 50 µs."""
    translit = _icu(rule)
    if translit is not None:
        return translit(word)
    from anyascii import anyascii

    return anyascii(word)


def _any_latin(text: str, rule: str = "Any-Latin; Latin-ASCII") -> str:
    return " ".join(_word_latin(word, rule) for word in text.split())


def _run_forms(run: str, script: str) -> list[str]:
    own = _OWN.get(script)
    if own is not None:
        return own(run)
    return [_any_latin(run)]


def _runs(text: str) -> list[tuple[str, str]]:
    """Cut text into (run, script) where script is "Latn" for Latin and common characters."""
    runs: list[tuple[str, str]] = []
    current: list[str] = []
    current_script = "Latn"
    for ch in text:
        script = char_script(ch)
        if script in ("Zyyy", "Zinh"):
            # Spaces and punctuation join the run they sit in; a space inside a Hangul name
            # ("김 정은") stays with it.
            current.append(ch)
            continue
        if script in ("Hira", "Kana"):
            script = "Jpan"
        if script != current_script and current:
            runs.append(("".join(current), current_script))
            current = []
        current_script = script
        current.append(ch)
    if current:
        runs.append(("".join(current), current_script))
    # Punctuation at the edges of a non-Latin run ("(김정은)") belongs outside it.
    out: list[tuple[str, str]] = []
    for run, script in runs:
        if script == "Latn":
            out.append((run, script))
            continue
        start, end = 0, len(run)
        while start < end and char_script(run[start]) in ("Zyyy", "Zinh"):
            start += 1
        while end > start and char_script(run[end - 1]) in ("Zyyy", "Zinh"):
            end -= 1
        if start:
            out.append((run[:start], "Latn"))
        out.append((run[start:end], script))
        if end < len(run):
            out.append((run[end:], "Latn"))
    return out


@lru_cache(maxsize=1 << 16)
def _latin_forms(text: str) -> tuple[str, ...]:
    if is_latin(text):
        return (text,)
    choices: list[list[str]] = []
    if max(text) >= "\u0400" and any("\u0400" <= ch <= "\u04ff" for ch in text):
        text = cyrillic.fix_homoglyphs(text)
    for run, script in _runs(text):
        if script == "Latn":
            choices.append([run])
            continue
        forms = [f for f in _run_forms(run, script) if f.strip()] or [_any_latin(run)]
        choices.append(forms)
    out: list[str] = []
    for combo in product(*choices):
        form = " ".join("".join(combo).split())
        if form and form not in out:
            out.append(form)
        if len(out) >= MAX_FORMS:
            break
    return tuple(out)


def latin_forms(text: str) -> list[str]:
    """Latin spellings of ``text``, most conventional first; ``[text]`` for Latin text.

    ``"김정은"`` → ``["Kim Jong Un", "Kim Jeong Eun", "Gim Jeong Eun"]``;
    ``"金正恩"`` → pinyin, Wade-Giles and the Korean readings; ``"Путин"`` → ``["Putin"]``.
    Input is cut at :data:`scrutiny.text.normalize.MAX_NAME_CHARS` characters.
    """
    return list(_latin_forms(text[:MAX_NAME_CHARS]))
