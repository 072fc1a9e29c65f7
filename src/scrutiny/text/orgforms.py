"""Company legal forms (LLC, OOO, GmbH, 有限公司, 주식회사 ...) and weak generic words.

Legal forms say how a company is incorporated, not which company it is: "Kwangson Banking Corp"
and "Kwangson Banking Corporation Ltd" are the same designee. They are split off the core name
and canonicalised (limited → ltd, company → co), so the matcher can use them as weak evidence
rather than drop them blindly. Generic words (Trading, International, Group, Bank) stay in the
core name but are marked so the matcher can weight them low. The word lists are in
data/text_orgforms.tsv.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import files
from typing import Literal

WeightClass = Literal["legal_form", "generic"]


@dataclass(frozen=True, slots=True)
class _Forms:
    phrases: dict[tuple[str, ...], tuple[str, WeightClass]]
    longest: int
    first_tokens: frozenset[str]  # first token of every legal-form phrase (fast skip)
    cjk_legal: tuple[str, ...]  # unsegmented CJK / Hangul legal forms, longest first


@cache
def _forms() -> _Forms:
    raw = files("scrutiny.data").joinpath("text_orgforms.tsv").read_text(encoding="utf-8")
    phrases: dict[tuple[str, ...], tuple[str, WeightClass]] = {}
    cjk: set[str] = set()
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line or line.startswith("#") or line.startswith("variants\t"):
            continue
        try:
            variants, canonical, cls = line.split("\t")
        except ValueError:
            raise ValueError(
                f"text_orgforms.tsv:{number}: expected 3 tab-separated columns, got {line!r}"
            ) from None
        if cls not in ("legal_form", "generic"):
            raise ValueError(f"text_orgforms.tsv:{number}: unknown class {cls!r}")
        weight: WeightClass = "legal_form" if cls == "legal_form" else "generic"
        for variant in variants.split("|"):
            key = tuple(variant.split())
            phrases.setdefault(key, (canonical, weight))
            # Unsegmented scripts (Han, Kana, Hangul) write the form inside the name token.
            if (
                weight == "legal_form"
                and len(variant) > 1
                and not variant.isascii()
                and not any("\u0400" <= ch <= "\u04ff" for ch in variant)
            ):
                cjk.add(variant)
    longest = max(len(k) for k in phrases)
    first = frozenset(k[0] for k, v in phrases.items() if v[1] == "legal_form")
    return _Forms(phrases, longest, first, tuple(sorted(cjk, key=len, reverse=True)))


@lru_cache(maxsize=1 << 16)
def token_weight_class(token: str) -> WeightClass | None:
    """``"legal_form"`` (ltd, gmbh, 有限公司), ``"generic"`` (trading, group, bank) or None."""
    entry = _forms().phrases.get((token,))
    return entry[1] if entry else None


@cache
def one_word_forms(weight_class: WeightClass | None = None) -> tuple[str, ...]:
    """Every one-word Latin legal form / generic word as written in the table (sorted), or
    only those of `weight_class`: the words a misspelling can be checked against."""
    return tuple(
        sorted(
            key[0]
            for key, (_, cls) in _forms().phrases.items()
            if len(key) == 1
            and key[0].isascii()
            and key[0].isalpha()
            and (weight_class is None or cls == weight_class)
        )
    )


def legal_phrases() -> tuple[tuple[str, ...], ...]:
    """Every multi-word legal form of the table, as its words (in the table's order)."""
    return tuple(
        key for key, (_, cls) in _forms().phrases.items() if len(key) > 1 and cls == "legal_form"
    )


def legal_phrase_words() -> frozenset[str]:
    """Every alphabetic word of a multi-word legal form (joint, stock, liability, anonima ...)."""
    return frozenset(word for key in legal_phrases() for word in key if word.isalpha())


def canonical_form(token: str) -> str | None:
    """Canonical spelling of a one-token legal form or generic word (limited → ltd), or None."""
    entry = _forms().phrases.get((token,))
    return entry[0] if entry else None


def _split_cjk(token: str, forms: _Forms) -> tuple[str, str | None]:
    """(rest, form) for a CJK or Hangul token that starts or ends with a legal form."""
    for form in forms.cjk_legal:
        if len(token) > len(form):
            if token.endswith(form):
                return token[: -len(form)], forms.phrases[(form,)][0]
            if token.startswith(form):
                return token[len(form) :], forms.phrases[(form,)][0]
    return token, None


@lru_cache(maxsize=1 << 16)
def _split(tokens: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    forms = _forms()
    phrases = forms.phrases
    core: list[str] = []
    found: list[str] = []
    i, n = 0, len(tokens)
    while i < n:
        matched = 0
        token = tokens[i]
        if token not in forms.first_tokens and len(token) > 1:
            if not token.isascii() and forms.cjk_legal:
                rest, form = _split_cjk(token, forms)
                if form:
                    found.append(form)
                    token = rest
            core.append(token)
            i += 1
            continue
        for length in range(min(forms.longest, n - i), 0, -1):
            entry = phrases.get(tokens[i : i + length])
            if entry and entry[1] == "legal_form":
                found.append(entry[0])
                matched = length
                break
        if not matched and len(tokens[i]) == 1:
            # "L.L.C." folds to l l c: join a run of single letters and look that up.
            j = i
            while j < n and len(tokens[j]) == 1:
                j += 1
            for end in range(j, i + 1, -1):
                entry = phrases.get(("".join(tokens[i:end]),))
                if entry and entry[1] == "legal_form":
                    found.append(entry[0])
                    matched = end - i
                    break
        if matched:
            i += matched
            continue
        token = tokens[i]
        if not token.isascii() and forms.cjk_legal:
            rest, form = _split_cjk(token, forms)
            if form:
                found.append(form)
                token = rest
        core.append(token)
        i += 1
    if not core:
        # A name made only of legal forms ("Company Limited") keeps them as its name.
        return tokens, ()
    return tuple(core), tuple(found)


def split_legal_forms(tokens: Sequence[str]) -> tuple[list[str], list[str]]:
    """Split folded name tokens into (core, canonical legal forms found).

    ``["korea", "kwangson", "banking", "corporation"]`` → ``(["korea", "kwangson", "banking"],
    ["corp"])``; ``["ooo", "romashka"]`` → ``(["romashka"], ["ooo"])``;
    ``["朝鲜光鲜银行有限公司"]`` → ``(["朝鲜光鲜银行"], ["有限公司"])``. Generic words stay in
    the core (see :func:`token_weight_class`). A name made only of legal forms is returned whole
    as its core with no forms.
    """
    core, found = _split(tuple(tokens))
    return list(core), list(found)
