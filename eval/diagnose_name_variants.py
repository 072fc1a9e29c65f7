"""Train-side check of screening a person under another spelling of one of their names.

    .venv/bin/python -m eval.diagnose_name_variants [--queries 1500] [--seed 5] [--every-part]
        [--table src/scrutiny/data/match_name_symbols.tsv]

Customers write a designee's given name the way their own language does: Jurij for Yury,
Pjotr for Pyotr, Uladzimir for Vladimir, Maxamed for Muhammad. The end-to-end set has no such
queries (its transforms are typos, reorderings, dropped names and romanizations), so this
draws them from TRAIN persons: the primary name with one part replaced by another spelling of
the same name from data/match_name_symbols.tsv (rigour's Wikidata name items, the table
`features.same_name` reads) that none of the designee's listed names uses, screened with
every list loaded; with --every-part, every part of the name so replaced (Iwanow Uladzimir
for IVANOV, Vladimir), which only the index's name-item keys retrieve. It measures that
screening retrieves and scores such spellings end to end, not the table's quality: the
spellings come from the table itself. Prints recall at the default threshold and candidate
recall, and the misses.

A tree from before the table is measured on the same queries by giving this checkout's
table and the older tree's code (a worktree at /tmp/old):

    PYTHONPATH=/tmp/old/src:. .venv/bin/python -m eval.diagnose_name_variants \
        --table src/scrutiny/data/match_name_symbols.tsv
"""

from __future__ import annotations

import argparse
import random
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from eval.lists import load_all_entities
from eval.split import is_test_entity
from scrutiny.match import Matcher, Query
from scrutiny.match.forms import name_forms
from scrutiny.model import Entity


def _name_table(path: Path | None = None) -> dict[str, frozenset[int]]:
    """The name table, from `path` or scrutiny's own. Read here rather than through
    `_text.name_items_table`, which a tree from before the table lacks."""
    if path is None:
        from importlib.resources import files

        text = files("scrutiny.data").joinpath("match_name_symbols.tsv").read_text("utf-8")
    else:
        text = path.read_text(encoding="utf-8")
    table: dict[str, frozenset[int]] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            part, items = line.split("\t")
            table[part] = frozenset(map(int, items.split(",")))
    return table


def variant_queries(
    entities: Sequence[Entity],
    n: int,
    seed: int,
    every_part: bool = False,
    table: dict[str, frozenset[int]] | None = None,
) -> list[tuple[str, str, str]]:
    """(query, listed primary name, entity id) for up to n TRAIN persons of `entities`: one
    part spelt otherwise, or with `every_part` every part (of names whose every part has
    another spelling); `table`: the name table (`_name_table`'s by default)."""
    table = table if table is not None else _name_table()
    spellings: dict[int, set[str]] = defaultdict(set)
    for part, items in table.items():
        for item in items:
            spellings[item].add(part)
    rng = random.Random(seed)
    persons = [e for e in entities if e.schema == "Person" and not is_test_entity(e.id)]
    rng.shuffle(persons)
    out: list[tuple[str, str, str]] = []
    for entity in persons:
        if len(out) >= n:
            break
        listed = entity.names[0].full
        forms = name_forms(listed, True)
        if not forms or len(forms[0].core) < 2:
            continue
        parts = list(forms[0].core)
        own = {t for name in entity.names for f in name_forms(name.full, True) for t in f.core}
        places = [i for i, part in enumerate(parts) if part in table]
        rng.shuffle(places)
        changed = 0
        for i in places:
            others = sorted(
                {s for item in table[parts[i]] for s in spellings[item]} - own - {parts[i]}
            )
            if others:
                parts[i] = rng.choice(others)
                changed += 1
                if not every_part:
                    break
        if changed and (not every_part or changed == len(parts)):
            out.append((" ".join(parts), listed, entity.id))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--queries", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument(
        "--every-part", action="store_true", help="spell every part otherwise, not one"
    )
    parser.add_argument("--table", type=Path, help="the name table's file (default scrutiny's)")
    args = parser.parse_args(argv)
    entities = load_all_entities()
    queries = variant_queries(
        entities, args.queries, args.seed, args.every_part, _name_table(args.table)
    )
    matcher = Matcher.from_entities(entities)
    found = retrieved = 0
    misses: list[tuple[str, str, float]] = []
    for query, listed, entity_id in queries:
        hits = matcher.screen(Query(query, schema="Person"), threshold=0.0, limit=50)
        score = max((h.score for h in hits if h.entity_id == entity_id), default=None)
        retrieved += score is not None
        if score is not None and score >= matcher.model.threshold:
            found += 1
        else:
            misses.append((query, listed, score or 0.0))
    n = max(len(queries), 1)
    print(f"{len(queries)} queries: recall {found / n:.3f}, candidate recall {retrieved / n:.3f}")
    for query, listed, score in misses:
        print(f"  {query!r} for {listed!r}: {score:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
