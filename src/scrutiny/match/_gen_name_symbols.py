"""Regenerate data/match_name_symbols.tsv from rigour's person-name data (run by hand, not at
runtime).

    SCRUTINY_LISTS_DIR=../shared/lists .venv/bin/python -m scrutiny.match._gen_name_symbols

One given name is written in many ways that no spelling rule joins: Yury / Jurij / Yuri,
Pyotr / Pjotr / Peter, Mikhail / Michail / Mychajlo, Vladimir / Uladzimir, Ahmed / Ahmad,
Leyla / Layla. rigour (OpenSanctions, MIT; already scrutiny's source of legal forms) tags a
person's name parts with the Wikidata items of the given and family names they may be, and
nomenklatura's logic-v2 counts two parts that share an item as the same name. Loading that
tagger costs a screening process about 5 s and 400 MB (measured: its first call), more than
the whole index, so scrutiny reads a table made from it instead: for every folded name part
of a person on the lists (every list of the mirror) and of Faker's person names in many
locales, the Wikidata items rigour gives it, kept where at least two parts share an item (one
part alone can meet no other) and the part is spelt like another of them (`build`). Parts of
fewer than four letters and Korean or Mandarin syllables are left out: Li / Ri, Jin / Chun,
Soe / Swe share items and are other names. rigour and Faker are only needed to regenerate;
scrutiny reads the TSV.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

from rapidfuzz.distance import JaroWinkler

from scrutiny.match._gen_commonness import write_data_table

OUT_FILE = "match_name_symbols.tsv"
MIN_LETTERS = 4
SPELLING_FLOOR = 0.6
# Faker locales whose person names customers' names come in (the Latin readings of the
# non-Latin ones are taken, as scrutiny reads them).
FAKER_LOCALES = (
    "en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "es_MX", "it_IT", "pt_BR", "pl_PL", "cs_CZ",
    "ru_RU", "uk_UA", "tr_TR", "ar_AA", "fa_IR", "nl_NL", "sv_SE", "hu_HU", "ro_RO", "bg_BG",
    "el_GR", "he_IL", "hi_IN", "id_ID", "vi_VN",
)  # fmt: skip


def _list_person_names(lists_dir: Path) -> Iterator[str]:
    from scrutiny.sources.registry import discover

    for source in discover(lists_dir / "mirror", strict=False):
        for entity in source.read().entities:
            if entity.schema == "Person":
                yield from (name.full for name in entity.names)


def _faker_person_names() -> Iterator[str]:
    import importlib

    for locale in FAKER_LOCALES:
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        for attribute in ("first_names", "last_names", "first_names_male", "first_names_female"):
            yield from getattr(provider, attribute, ())


def part_tokens(names: Iterable[str]) -> set[str]:
    """Every folded name part scrutiny reads the names as (Form.core of every form)."""
    from scrutiny.match import _text
    from scrutiny.match.forms import name_forms

    tokens: set[str] = set()
    for text in names:
        for form in name_forms(text, person=True):
            tokens.update(
                t
                for t in form.core
                if len(t) >= MIN_LETTERS and t.isalpha() and not _text.is_syllable(t)
            )
    return tokens


def build(tokens: Iterable[str]) -> dict[str, list[int]]:
    """token -> the numbers of the Wikidata items (Q...) rigour tags it with, where another
    token shares the item."""
    from rigour.names import analyze_names
    from rigour.names.tag import NameTypeTag

    items: dict[str, set[int]] = {}
    for token in sorted(tokens):
        found = {
            int(symbol.id[1:])
            for name in analyze_names(NameTypeTag.PER, [token])
            for symbol in name.symbols
            if symbol.category.value == "NAME" and symbol.id[:1] == "Q" and symbol.id[1:].isdigit()
        }
        if found:
            items[token] = found
    holders: dict[int, set[str]] = defaultdict(set)
    for token, found in items.items():
        for item in found:
            holders[item].add(token)
    # An item also joins a few words that are no spellings of each other (Kristian / Nabi /
    # Ahmad, Jair / Shea, Chicken / Hakimi): a Latin word keeps an item only where it is
    # spelt like another Latin word holding it (Jaro-Winkler >= SPELLING_FLOOR; Jurij /
    # Yury 0.67, Jacob / James 0.60, Kristian / Nabi 0.46).
    kept: dict[int, set[str]] = {}
    for item, tokens in holders.items():
        latin = [t for t in tokens if t.isascii()]
        kept[item] = {
            t
            for t in tokens
            if not t.isascii()
            or any(
                u != t and JaroWinkler.normalized_similarity(t, u) >= SPELLING_FLOOR for u in latin
            )
        }
    table = {
        t: sorted(q for q in found if t in kept[q] and len(kept[q]) > 1)
        for t, found in items.items()
    }
    return {t: qs for t, qs in table.items() if qs}


def main() -> int:
    lists_dir = Path(os.environ.get("SCRUTINY_LISTS_DIR", "../shared/lists"))
    names = list(_list_person_names(lists_dir)) + list(_faker_person_names())
    table = build(part_tokens(names))
    out = write_data_table(
        OUT_FILE,
        [
            "Person name parts (folded) -> Wikidata items (Q numbers) of the given / family names",
            "rigour tags them with; two parts sharing an item are one name (features.same_name).",
            "Derived from rigour (https://github.com/opensanctions/rigour, MIT; name data from",
            "Wikidata, CC0). Regenerate: python -m scrutiny.match._gen_name_symbols",
        ],
        [f"{token}\t{','.join(map(str, qs))}" for token, qs in sorted(table.items())],
    )
    print(f"{out}: {len(table)} name parts")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
