"""Regenerate data/match_commonness.tsv from wordfreq (run by hand, not at runtime).

    .venv/bin/pip install wordfreq
    .venv/bin/python -m scrutiny.match._gen_commonness

How common a word is in everyday text says how much a name part that is that word tells: a
customer called "Drake Inc" or "Denise" shares a common word with a list name, one called
"Bluenoroff" does not. The lists' own token rarity cannot tell these apart (both are rare on
the lists). wordfreq (Robyn Speer et al., https://github.com/rspeer/wordfreq) estimates word
frequencies from Wikipedia, subtitles, news, books, web text and more in many languages; its
data is licensed CC BY-SA 4.0, and the table derived here carries that notice in its header.

For every word among each language's most frequent ones, the table keeps the highest Zipf
frequency (log10 of occurrences per billion words) over the languages, after folding the word
the way scrutiny folds name parts. Only words at Zipf >= 3 (one per million words) are
kept: rarer ones count as rare. wordfreq is only needed to regenerate; scrutiny reads the TSV.

A second table, data/match_foreign_words.tsv, holds the common words of languages written in
other alphabets (Russian, Ukrainian, Bulgarian, Greek, Arabic, Persian) as scrutiny reads
them in Latin letters (every reading `forms.name_forms` gives: zavod, nauchno, etairia,
sherkat). A list name in one of those alphabets is often the translation of a Latin one
(Научно-производствено обединение „Квант“ / Research and Production Association Kvant):
its common words are the translated ones, and `features.align` counts them for little where
they meet no part of a Latin name. Parts of person names (`_text.name_items_table`: Vera,
Nadezhda, Lyubov) and words under four letters are left out.
"""

from __future__ import annotations

from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path

# Languages whose Latin spellings customers' names and company words come in, plus the
# romanised forms of names from other scripts as they appear in English text.
LANGUAGES = ("en", "de", "fr", "es", "it", "pt", "tr")
TOP_WORDS = 200_000
MIN_ZIPF = 3.0
OUT_FILE = "match_commonness.tsv"
FOREIGN_LANGUAGES = ("ru", "uk", "bg", "el", "ar", "fa")
FOREIGN_FILE = "match_foreign_words.tsv"
FOREIGN_MIN_LETTERS = 4


def build() -> dict[str, float]:
    from scrutiny.match import _text

    best: dict[str, float] = {}
    for word, zipf in _frequent_words(LANGUAGES):
        tokens = _text.tokenize(word)
        if len(tokens) != 1 or not tokens[0].isascii() or not tokens[0].isalpha():
            continue
        token = tokens[0]
        if zipf > best.get(token, 0.0):
            best[token] = zipf
    return best


def _frequent_words(languages: tuple[str, ...]) -> Iterator[tuple[str, float]]:
    """(word, Zipf frequency) of each language's words at MIN_ZIPF or more."""
    import wordfreq

    for language in languages:
        for word in wordfreq.top_n_list(language, TOP_WORDS):
            zipf = wordfreq.zipf_frequency(word, language)
            if zipf < MIN_ZIPF:
                break  # the list is in frequency order
            yield word, zipf


def build_foreign() -> dict[str, float]:
    from scrutiny.match import _text
    from scrutiny.match.forms import name_forms

    names = _text.name_items_table()
    best: dict[str, float] = {}
    for word, zipf in _frequent_words(FOREIGN_LANGUAGES):
        if word.isascii() or len(_text.tokenize(word)) != 1:
            continue
        for form in name_forms(word):
            for token in form.tokens:
                if len(token) < FOREIGN_MIN_LETTERS or not token.isalpha() or token in names:
                    continue
                if zipf > best.get(token, 0.0):
                    best[token] = zipf
    return best


def write_data_table(file_name: str, header: list[str], rows: list[str]) -> Path:
    """Write a generated table into scrutiny/data: its "# " header lines, then its rows."""
    out = Path(str(files("scrutiny.data"))) / file_name
    out.write_text("\n".join([f"# {line}" for line in header] + rows) + "\n", encoding="utf-8")
    return out


def main() -> int:
    table = build()
    out = write_data_table(
        OUT_FILE,
        [
            "Zipf frequency (log10 per billion words) of common words, folded; max over "
            + ",".join(LANGUAGES),
            "Derived from wordfreq (https://github.com/rspeer/wordfreq), data CC BY-SA 4.0.",
            "Regenerate: python -m scrutiny.match._gen_commonness",
        ],
        [f"{token}\t{zipf:.2f}" for token, zipf in sorted(table.items())],
    )
    print(f"{out}: {len(table)} words")
    foreign = build_foreign()
    out = write_data_table(
        FOREIGN_FILE,
        [
            "Zipf frequency of common words of other alphabets as read in Latin letters; max "
            "over " + ",".join(FOREIGN_LANGUAGES),
            "Derived from wordfreq (https://github.com/rspeer/wordfreq), data CC BY-SA 4.0.",
            "Regenerate: python -m scrutiny.match._gen_commonness",
        ],
        [f"{token}\t{zipf:.1f}" for token, zipf in sorted(foreign.items())],
    )
    print(f"{out}: {len(foreign)} words")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
