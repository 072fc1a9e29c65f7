"""Train-side pair diagnosis: where scrutiny and logic-v2 disagree, on pairs tuning may look at.

    .venv/bin/python -m eval.diagnose_pairs [--max-per-category 2000] [--out disagreements.tsv]
        [--curve]

The same labelled pairs as eval.run_pairs, but from the TRAIN split (eval/split.py), so that
matcher work can be steered without looking at test designees. Prints F1 per report group for
both systems at their default thresholds and writes the pairs they disagree on (label,
category, schema, report groups, scores, names) to a TSV, positives logic-v2 finds and
scrutiny misses first.
With --curve it also prints scrutiny's F1 per report group over thresholds (the peer's F1 at
its own threshold alongside), to see what a threshold costs pairs scored by name alone.
"""

from __future__ import annotations

import argparse
import csv
import random
from collections import defaultdict
from pathlib import Path

from eval import peers
from eval.lists import OUT, load_all_entities
from eval.run_pairs import groups_of, prf, read_csv


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--max-per-category", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--out", type=Path, default=OUT / "train_disagreements.tsv")
    parser.add_argument("--curve", action="store_true", help="F1 per group over thresholds")
    args = parser.parse_args(argv)

    import scrutiny
    from scrutiny.errors import QueryError
    from scrutiny.screening.names import set_default_matcher

    set_default_matcher(scrutiny.Matcher.from_entities(load_all_entities()))  # as run_pairs

    def score(row: dict[str, str]) -> float:
        try:
            return float(scrutiny.compare(row["name1"], row["name2"], schema=row["schema"]).score)
        except QueryError:  # a name of only titles ("Général"): no score, no match
            return 0.0

    rng = random.Random(args.seed)
    by_category: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in read_csv(OUT / "pairs.csv"):
        if row["split"] == "train":
            by_category[row["category"]].append(row)
    rows = []
    for category in sorted(by_category):
        items = by_category[category]
        rows += rng.sample(items, min(len(items), args.max_per_category))
    threshold = float(scrutiny.DEFAULT_THRESHOLD)
    ours = [score(r) for r in rows]
    theirs = [peers.peer_score(r["schema"], r["name1"], r["name2"]) for r in rows]
    members: dict[str, list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        for group in [*groups_of(row), "gen:" + row["category"]]:
            members[group].append(i)
    print(f"TRAIN pairs: {len(rows)}; thresholds scrutiny {threshold}, logic-v2 0.70")
    print(f"{'group':24} {'pairs':>6}  scrutiny P/R/F1     logic-v2 P/R/F1")
    for group, idx in sorted(members.items()):
        labels = [int(rows[i]["label"]) for i in idx]
        a = prf(labels, [ours[i] >= threshold for i in idx])
        b = prf(labels, [theirs[i] >= peers.LOGIC_V2_THRESHOLD for i in idx])
        print(
            f"{group:24} {len(idx):6}  {a['precision']:.3f}/{a['recall']:.3f}/{a['f1']:.3f}"
            f"   {b['precision']:.3f}/{b['recall']:.3f}/{b['f1']:.3f}"
        )
    if args.curve:
        cuts = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
        print(f"{'group':24} " + " ".join(f"{t:>5}" for t in cuts) + "  logic-v2")
        for group, idx in sorted(members.items()):
            labels = [int(rows[i]["label"]) for i in idx]
            if not any(labels):
                continue
            f1s = [prf(labels, [ours[i] >= t for i in idx])["f1"] for t in cuts]
            peer = prf(labels, [theirs[i] >= peers.LOGIC_V2_THRESHOLD for i in idx])["f1"]
            print(f"{group:24} " + " ".join(f"{f:5.3f}" for f in f1s) + f"  {peer:8.3f}")
    disagree = [
        i
        for i in range(len(rows))
        if (ours[i] >= threshold) != (theirs[i] >= peers.LOGIC_V2_THRESHOLD)
    ]
    # Positives the peer finds and scrutiny misses first, then false alerts scrutiny raises.
    disagree.sort(key=lambda i: (-int(rows[i]["label"]), rows[i]["schema"], rows[i]["category"]))
    with args.out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter="\t")
        writer.writerow(
            ["label", "category", "schema", "groups", "scrutiny", "logic_v2", "name1", "name2"]
        )
        for i in disagree:
            r = rows[i]
            writer.writerow(
                [r["label"], r["category"], r["schema"], ",".join(groups_of(r)),
                 f"{ours[i]:.3f}", f"{theirs[i]:.3f}", r["name1"], r["name2"]]
            )  # fmt: skip
    print(f"{len(disagree)} disagreements -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
