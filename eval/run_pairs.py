"""Score the evaluation sets with scrutiny and the peers, side by side.

    .venv/bin/python -m eval.build_sets          # once: writes eval/out/*.csv
    .venv/bin/python -m eval.run_pairs [--max-per-category N] [--skip-e2e]

Three measurements, all on the TEST split only (designees never seen by tuning):

1. Pairs (eval/out/pairs.csv): every pair scored with `scrutiny.compare(name1, name2,
   schema=...)` (the same function behind `scrutiny pairs`; token rarity from a matcher over every
   loaded list, installed with `set_default_matcher`), with nomenklatura logic-v2 and with the
   Watchman-like baseline. A pair is a match at each system's default threshold
   (scrutiny: `scrutiny.DEFAULT_THRESHOLD`; logic-v2: 0.70, yente's; Watchman-like: 0.85).
   Precision, recall and F1 per group (person / organization / vessel; same script / cross
   script; Korean; Chinese), plus the best F1 over all thresholds as a threshold-free check.
   Every TEST pair is scored; with --max-per-category N, categories bigger than N are sampled
   (each from its own seeded stream, so that one category's size does not reshuffle another's
   sample) to keep a run short.
2. Alerts per 1,000 clean names (eval/out/clean_names.csv, Faker, 10 locales): each name screened
   end to end against every list, with `scrutiny.screen`, and with the peer as yente runs it
   (token candidate retrieval, then logic-v2 on the top 30; see eval/peers.py).
3. End-to-end recall (eval/out/e2e_queries.csv): test designees written as customers would
   (variants, typos, birth year off by one), screened the same two ways; a query is found when any
   hit at the default threshold is one of the designee's entity ids. Candidate recall: share of
   queries whose designee is among the entities scrutiny's index hands to the scorer
   (`Matcher.candidate_rows`), and the same for the peer's token retrieval.

Writes eval/out/results.json and eval/out/results.md (the tables in docs/evaluation.md).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any

from eval import peers
from eval.lists import DEFAULT_LISTS, OUT, load_all_entities

SEED = 7


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def sample_test_pairs(
    rows: list[dict[str, str]], max_per_category: int, seed: int = SEED
) -> list[dict[str, str]]:
    """The TEST pairs, each generation category capped at `max_per_category` (seeded sample;
    0: no cap)."""
    by_category: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        if row["split"] == "test":
            by_category[row["category"]].append(row)
    out: list[dict[str, str]] = []
    for category in sorted(by_category):
        items = by_category[category]
        if 0 < max_per_category < len(items):
            rng = random.Random(f"{seed}:{category}")
            # Keep every cross-script pair: they are few and a category of their own.
            cross = [r for r in items if not _same_script(r)]
            same = [r for r in items if _same_script(r)]
            items = cross + rng.sample(same, max(0, max_per_category - len(cross)))
        out += items
    return out


def _same_script(row: dict[str, str]) -> bool:
    a, _, b = row["script_pair"].partition("-")
    return a == b


def groups_of(row: dict[str, str]) -> list[str]:
    """The report groups a pair belongs to."""
    groups = ["all", row["schema"], "same_script" if _same_script(row) else "cross_script"]
    if row["origin"] in ("korean", "ko_KR") or "Hang" in row["script_pair"]:
        groups.append("korean")
    if row["origin"] in ("chinese", "zh_CN") or "Hani" in row["script_pair"]:
        groups.append("chinese")
    return groups


def prf(labels: list[int], predicted: list[bool]) -> dict[str, float]:
    tp = sum(1 for y, p in zip(labels, predicted, strict=True) if y and p)
    fp = sum(1 for y, p in zip(labels, predicted, strict=True) if not y and p)
    fn = sum(1 for y, p in zip(labels, predicted, strict=True) if y and not p)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn}


def best_f1(labels: list[int], scores: list[float]) -> tuple[float, float]:
    """Best F1 over all thresholds and the threshold reaching it."""
    order = sorted(range(len(scores)), key=lambda i: -scores[i])
    positives = sum(labels)
    if not positives:
        return 0.0, 1.0
    tp = fp = 0
    best = (0.0, 1.0)
    for rank, i in enumerate(order):
        tp += labels[i]
        fp += 1 - labels[i]
        last_of_tie = rank + 1 == len(order) or scores[order[rank + 1]] != scores[i]
        if last_of_tie:
            f1 = 2 * tp / (tp + fp + positives)
            if f1 > best[0]:
                best = (f1, scores[i])
    return best


# --- scoring --------------------------------------------------------------------------------


def score_pairs(
    rows: list[dict[str, str]], systems: dict[str, Callable[[str, str, str], float]]
) -> dict[str, list[float]]:
    scores: dict[str, list[float]] = {}
    for name, func in systems.items():
        started = time.perf_counter()
        scores[name] = [func(r["schema"], r["name1"], r["name2"]) for r in rows]
        elapsed = time.perf_counter() - started
        print(
            f"  {name}: {len(rows)} pairs in {elapsed:.1f} s ({elapsed / max(len(rows), 1) * 1e6:.0f} µs/pair)",
            file=sys.stderr,
        )
    return scores


def pair_report(
    rows: list[dict[str, str]], scores: dict[str, list[float]], thresholds: dict[str, float]
) -> dict[str, Any]:
    members: dict[str, list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        for group in groups_of(row):
            members[group].append(i)
        members["gen:" + row["category"]].append(i)
    report: dict[str, Any] = {}
    for group, idx in sorted(members.items()):
        labels = [int(rows[i]["label"]) for i in idx]
        entry: dict[str, Any] = {"pairs": len(idx), "positives": sum(labels)}
        for system, values in scores.items():
            sub = [values[i] for i in idx]
            entry[system] = prf(labels, [v >= thresholds[system] for v in sub])
            entry[system]["best_f1"], entry[system]["best_threshold"] = best_f1(labels, sub)
        report[group] = entry
    return report


def _query_props(row: dict[str, str]) -> dict[str, list[str]]:
    props: dict[str, list[str]] = {}
    if row.get("birth_date"):
        props["birthDate"] = [row["birth_date"]]
    if row.get("countries"):
        key = "nationality" if row["schema"] == "person" else "country"
        props[key] = [c.lower() for c in row["countries"].split("|") if c]
    return props


def end_to_end(
    entities: list[Any],
    clean: list[dict[str, str]],
    queries: list[dict[str, str]],
    matcher: Any,
    untyped: bool = False,
) -> dict[str, Any]:
    """Alerts per 1,000 clean names and recall on customer-written test designees, both systems.
    `untyped`: scrutiny screens every name without its type, as `scrutiny screen` without
    --type does (logic-v2 needs a schema and keeps it)."""
    from scrutiny import screen
    from scrutiny.match.query import Query, check_query

    started = time.perf_counter()
    peer = peers.PeerIndex(entities)
    print(
        f"  peer index (proxies + token index): {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )
    row_of = {e.id: i for i, e in enumerate(matcher.index.entities)}
    result: dict[str, Any] = {"clean_names": len(clean), "queries": len(queries)}

    # Clean names twice: the name alone, and the customer record (name, date of birth,
    # country) as a customer file gives it, the way the designee queries below come.
    for label, facts in (("", False), ("_records", True)):
        alerts: dict[str, list[dict[str, Any]]] = {"scrutiny": [], "logic_v2": []}
        for record in clean:
            schema = None if untyped else record["schema"]
            query = Query(record["name"], schema=schema)
            props: dict[str, list[str]] = {}
            if facts:
                query = Query(
                    record["name"],
                    schema=schema,
                    birth_date=record.get("birth_date") or None,
                    countries=tuple(c for c in record.get("countries", "").split("|") if c),
                )
                props = _query_props(record)
            hits = screen(query)
            if hits:
                alerts["scrutiny"].append(
                    {
                        "name": record["name"],
                        "locale": record["locale"],
                        "hit": hits[0].name,
                        "score": round(hits[0].score, 3),
                    }
                )
            peer_hits = peer.screen(record["name"], record["schema"], props)
            if peer_hits:
                top = peer_hits[0]
                alerts["logic_v2"].append(
                    {
                        "name": record["name"],
                        "locale": record["locale"],
                        "hit": top.entity_id,
                        "score": round(top.score, 3),
                    }
                )
        result["alerts_per_1000" + label] = {
            k: 1000 * len(v) / max(len(clean), 1) for k, v in alerts.items()
        }
        result["alert_examples" + label] = {k: v[:10] for k, v in alerts.items()}

    found: dict[str, list[bool]] = {
        "scrutiny": [],
        "logic_v2": [],
        "scrutiny_candidates": [],
        "peer_candidates": [],
    }
    misses: list[dict[str, str]] = []
    for row in queries:
        expected = set(row["expected_ids"].split("|"))
        query = Query(
            row["name"],
            schema=None if untyped else row["schema"],
            birth_date=row["birth_date"] or None,
            countries=tuple(c for c in row["countries"].split("|") if c),
        )
        hits = screen(query)
        ok = any(h.entity_id in expected for h in hits)
        found["scrutiny"].append(ok)
        if not ok and len(misses) < 25:
            misses.append(
                {
                    "query": row["name"],
                    "expected": row["expected_ids"],
                    "transform": row["transform"],
                }
            )
        rows = set(matcher.candidate_rows(check_query(query)))
        found["scrutiny_candidates"].append(any(row_of.get(e) in rows for e in expected))
        peer_hits = peer.screen(row["name"], row["schema"], _query_props(row))
        found["logic_v2"].append(any(h.entity_id in expected for h in peer_hits))
        cands = {peer.entities[i].id for i in peer.candidate_ids(row["name"], row["schema"])}
        found["peer_candidates"].append(bool(cands & expected))
    by_group: dict[str, dict[str, float]] = {}
    keys: dict[str, list[int]] = defaultdict(list)
    for i, row in enumerate(queries):
        keys["all"].append(i)
        keys["transform:" + row["transform"]].append(i)
        keys["origin:" + row["origin"]].append(i)
        keys["schema:" + row["schema"]].append(i)
        keys["script:" + ("Latn" if row["script"] == "Latn" else "non-Latin")].append(i)
    for group, idx in sorted(keys.items()):
        by_group[group] = {"n": len(idx)} | {
            k: sum(v[i] for i in idx) / len(idx) for k, v in found.items()
        }
    result["recall"] = by_group
    result["scrutiny_misses"] = misses
    return result


# --- report ---------------------------------------------------------------------------------

GROUP_ORDER = [
    "all",
    "person",
    "organization",
    "vessel",
    "same_script",
    "cross_script",
    "korean",
    "chinese",
]


def markdown(results: dict[str, Any]) -> str:
    lines: list[str] = []
    pairs = results["pairs"]
    th = results["thresholds"]
    lines.append(
        f"Thresholds: scrutiny {th['scrutiny']:.3f}, logic-v2 {th['logic_v2']:.2f}, Watchman-like {th['watchman_like']:.2f}.\n"
    )
    header = "| group | pairs (pos) | scrutiny P / R / F1 | logic-v2 P / R / F1 | Watchman-like P / R / F1 | best F1 (scrutiny / logic-v2) |"
    lines += [header, "|---|---|---|---|---|---|"]

    def cell(entry: dict[str, float]) -> str:
        return f"{entry['precision']:.3f} / {entry['recall']:.3f} / **{entry['f1']:.3f}**"

    order = [g for g in GROUP_ORDER if g in pairs] + sorted(
        g for g in pairs if g.startswith("gen:")
    )
    for group in order:
        e = pairs[group]
        lines.append(
            f"| {group} | {e['pairs']} ({e['positives']}) | {cell(e['scrutiny'])} | {cell(e['logic_v2'])} | "
            f"{cell(e['watchman_like'])} | {e['scrutiny']['best_f1']:.3f} / {e['logic_v2']['best_f1']:.3f} |"
        )
    if "e2e" in results:
        e2e = results["e2e"]
        lines.append("")
        lines.append(
            f"Alerts per 1,000 clean names ({e2e['clean_names']} Faker names): scrutiny "
            f"{e2e['alerts_per_1000']['scrutiny']:.1f}, logic-v2 (yente-like) {e2e['alerts_per_1000']['logic_v2']:.1f} "
            "(the name alone); as customer records with a date of birth and a country: scrutiny "
            f"{e2e['alerts_per_1000_records']['scrutiny']:.1f}, logic-v2 {e2e['alerts_per_1000_records']['logic_v2']:.1f}.\n"
        )
        lines.append(
            "| queries | n | scrutiny recall | logic-v2 recall | scrutiny candidate recall | peer candidate recall |"
        )
        lines.append("|---|---|---|---|---|---|")
        for group, e in e2e["recall"].items():
            lines.append(
                f"| {group} | {e['n']} | {e['scrutiny']:.3f} | {e['logic_v2']:.3f} | "
                f"{e['scrutiny_candidates']:.3f} | {e['peer_candidates']:.3f} |"
            )
    return "\n".join(lines) + "\n"


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lists", type=Path, default=DEFAULT_LISTS)
    parser.add_argument("--max-per-category", type=int, default=0, help="0: every test pair")
    parser.add_argument("--skip-e2e", action="store_true")
    parser.add_argument(
        "--max-e2e", type=int, default=1000, help="customer queries screened end to end"
    )
    parser.add_argument(
        "--untyped",
        action="store_true",
        help="scrutiny screens the end-to-end names without their type (logic-v2 keeps it)",
    )
    args = parser.parse_args(list(argv) if argv is not None else None)

    import scrutiny
    from scrutiny.screening.names import set_default_matcher

    total_started = time.perf_counter()
    entities = load_all_entities(args.lists)
    started = time.perf_counter()
    matcher = scrutiny.Matcher.from_entities(entities)
    print(
        f"scrutiny index over {len(entities)} entities: {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )
    set_default_matcher(matcher)
    threshold = float(scrutiny.DEFAULT_THRESHOLD)
    thresholds = {
        "scrutiny": threshold,
        "logic_v2": peers.LOGIC_V2_THRESHOLD,
        "watchman_like": peers.WATCHMAN_THRESHOLD,
    }

    rows = sample_test_pairs(read_csv(OUT / "pairs.csv"), args.max_per_category)
    print(f"scoring {len(rows)} test pairs", file=sys.stderr)
    systems: dict[str, Callable[[str, str, str], float]] = {
        "scrutiny": lambda s, a, b: float(scrutiny.compare(a, b, schema=s).score),
        "logic_v2": peers.peer_score,
        "watchman_like": lambda s, a, b: peers.watchman_score(a, b),
    }
    scores = score_pairs(rows, systems)
    results: dict[str, Any] = {
        "date": date.today().isoformat(),
        "command": "python -m eval.run_pairs " + " ".join(sys.argv[1:]),
        "thresholds": thresholds,
        "pairs": pair_report(rows, scores, thresholds),
    }
    with (OUT / "scored_pairs.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=[*rows[0].keys(), *scores.keys()])
        writer.writeheader()
        for i, row in enumerate(rows):
            writer.writerow(row | {k: f"{v[i]:.4f}" for k, v in scores.items()})
    if not args.skip_e2e:
        clean = read_csv(OUT / "clean_names.csv")
        queries = read_csv(OUT / "e2e_queries.csv")[: args.max_e2e]
        started = time.perf_counter()
        results["e2e"] = end_to_end(entities, clean, queries, matcher, args.untyped)
        print(f"end to end: {time.perf_counter() - started:.1f} s", file=sys.stderr)
    results["runtime_s"] = round(time.perf_counter() - total_started, 1)
    (OUT / "results.json").write_text(
        json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (OUT / "results.md").write_text(markdown(results), encoding="utf-8")
    print(markdown(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
