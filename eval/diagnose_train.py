"""Train-side end-to-end diagnosis: where screening misses, on designees tuning may look at.

    .venv/bin/python -m eval.diagnose_train [--queries 1500] [--misses misses.tsv]

The same customer-written queries as eval's end-to-end set (`build_sets.e2e_queries`: a listed
name, often with a typo, reordering, dropped middle name, Korean romanization or joined given
name, a birth year off by one, the first nationality) but drawn from TRAIN designees, with
another seed, so that matcher work can be checked and steered without looking at the test
split. Prints recall at the default threshold per transform, type and origin, and writes each
miss (transform, type, query, birth year, best score of the right entity, its matched name,
the score's contributions) to a TSV. Then screens Faker customer names drawn with seed 99
(eval's clean set uses another seed) and counts the alerts and how many are namesakes.
"""

from __future__ import annotations

import argparse
import collections
import random
from pathlib import Path

from eval import build_sets
from eval.lists import load_all_entities
from scrutiny.match import Matcher, Query
from scrutiny.match.explain import names_equal


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--queries", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=4242)
    parser.add_argument("--misses", type=Path, default=build_sets.OUT / "train_misses.tsv")
    parser.add_argument("--alerts", type=Path, default=build_sets.OUT / "train_clean_alerts.tsv")
    parser.add_argument(
        "--clean-per-locale", type=int, default=300, help="Faker names per locale (seed 99)"
    )
    parser.add_argument(
        "--untyped",
        action="store_true",
        help="screen every query and customer without its type (as `scrutiny screen` without"
        " --type does)",
    )
    parser.add_argument(
        "--curve",
        action="store_true",
        help="also print recall and clean alerts per 1,000 over thresholds 0.3-0.9",
    )
    args = parser.parse_args(argv)

    entities = load_all_entities()
    designees = build_sets.build_designees(entities)
    for designee in designees:  # e2e_queries draws the "test" side: swap the labels
        designee.split = "test" if designee.split == "train" else "train"
    rows = build_sets.e2e_queries(designees, random.Random(args.seed), args.queries)
    clean = list(build_sets.faker_names(args.clean_per_locale, 99, company_share=0.2))
    if args.untyped:
        for row in rows + clean:
            row["schema"] = ""
    matcher = Matcher.from_entities(entities)
    total: collections.Counter[str] = collections.Counter()
    found: collections.Counter[str] = collections.Counter()
    misses = []
    for row in rows:
        query = _query(row)
        expected = set(row["expected_ids"].split("|"))
        hit = any(h.entity_id in expected for h in matcher.screen(query))
        for group in ("all", f"transform:{row['transform']}", f"schema:{row['schema']}"):
            total[group] += 1
            found[group] += hit
        total[f"origin:{row['origin']}"] += 1
        found[f"origin:{row['origin']}"] += hit
        if not hit:
            best = [
                h for h in matcher.screen(query, threshold=0.0, limit=50) if h.entity_id in expected
            ]
            top = best[0] if best else None
            misses.append(
                [
                    row["transform"],
                    row["schema"],
                    row["name"],
                    row["birth_date"],
                    f"{top.score:.3f}" if top else "",
                    str(top.explanation.get("matched_name")) if top else "",
                    str(top.explanation.get("contributions")) if top else "",
                ]
            )
    print(f"TRAIN designees, {len(rows)} queries, threshold {matcher.threshold:.3f}")
    for group in sorted(total):
        print(f"{group:28s} {total[group]:5d} {found[group] / total[group]:.3f}")
    args.misses.parent.mkdir(parents=True, exist_ok=True)
    args.misses.write_text("\n".join("\t".join(m) for m in misses) + "\n", encoding="utf-8")
    print(f"{len(misses)} misses -> {args.misses}")
    # Clean customer names drawn with a seed of their own (eval's clean set uses another).
    alerts = namesakes = names = 0
    alerted = []
    for row in clean:
        names += 1
        hits = matcher.screen(Query(row["name"], schema=row["schema"] or None))
        if hits:
            alerts += 1
            explanation = hits[0].explanation
            contributions = explanation.get("contributions", {})
            # A namesake: the whole (multi-part) name is a listed name.
            parts = str(explanation.get("query_form") or "").split()
            namesake = len(parts) > 1 and names_equal(explanation)
            namesakes += namesake
            top = hits[0]
            alerted.append(
                [row["locale"], row["schema"], row["name"], "namesake" if namesake else "",
                 f"{top.score:.3f}", str(top.explanation.get("matched_name")), str(contributions)]
            )  # fmt: skip
    args.alerts.write_text("\n".join("\t".join(a) for a in alerted) + "\n", encoding="utf-8")
    print(f"clean Faker names (seed 99): {alerts} of {names} alert, {namesakes} of them namesakes")
    records = sum(bool(matcher.screen(_query(row))) for row in clean)
    print(f"the same as customer records (date of birth, country): {records} of {names} alert")
    if args.curve:
        _curve(matcher, rows, clean)
    print(f"alerts -> {args.alerts}")
    return 0


def _query(row: dict[str, str]) -> Query:
    """The query of an e2e row or a Faker customer record: name, type, date of birth and
    countries as the row gives them."""
    return Query(
        row["name"],
        schema=row["schema"] or None,
        birth_date=row["birth_date"] or None,
        countries=[c for c in row["countries"].split("|") if c],
    )


def _curve(matcher: Matcher, rows: list[dict[str, str]], clean: list[dict[str, str]]) -> None:
    """Recall of the queries and clean alerts per 1,000 (records, names) by threshold: the
    trade-off a threshold choice moves along, comparable between fits whose calibrated
    scales differ."""
    best = []
    for row in rows:
        expected = set(row["expected_ids"].split("|"))
        hits = matcher.screen(_query(row), threshold=0.0, limit=50)
        best.append(max((h.score for h in hits if h.entity_id in expected), default=0.0))
    records, names = [], []
    for row in clean:
        top = matcher.screen(_query(row), threshold=0.0, limit=1)
        records.append(top[0].score if top else 0.0)
        top = matcher.screen(
            Query(row["name"], schema=row["schema"] or None), threshold=0.0, limit=1
        )
        names.append(top[0].score if top else 0.0)
    print("threshold  recall  clean records/1000  clean names/1000")
    for t in (0.3, 0.4, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9):
        recall = sum(b >= t for b in best) / len(best)
        rec = 1000 * sum(r >= t for r in records) / len(records)
        nam = 1000 * sum(n >= t for n in names) / len(names)
        print(f"{t:9.2f}  {recall:6.3f}  {rec:18.1f}  {nam:16.1f}")


if __name__ == "__main__":
    raise SystemExit(main())
