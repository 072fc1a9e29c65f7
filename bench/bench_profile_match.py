"""Speed/memory profile of scrutiny's matching engine, and a before/after identity check.

    .venv/bin/python -m bench.bench_profile_match [--queries 600] [--save top.json]
                     [--compare top.json] [--profile build|query]

Over every list of the mirror (eval.lists.load_all_entities, cached parse), measures:
index build time, save + load time, a first batch pass over names never seen (CPU time),
single-query latency p50 / p99 (pinned to one core, after a warm-up), batch throughput on one
core (`screen_batch`, names already seen), peak RSS of this process
(entities + build) and of a fresh child that only loads the saved index and screens.

Queries are eval/out/clean_names.csv (Faker names, many scripts) and e2e_queries.csv (list
names with typos, reorderings, transliterations), interleaved. `--save` writes every query's
hits (entity id, score) so a later `--compare` against the same file asserts that an
optimisation changed no result (scores equal to 1e-9). While features.py / score.py change
under you, make the reference from HEAD's engine files over today's scorer:

    R=$(mktemp -d); cp -r src $R/; for f in src/scrutiny/match/{index,forms,_text,matcher}.py; do
      git show HEAD:$f > $R/$f; done
    PYTHONPATH=$R/src .venv/bin/python -m bench.bench_profile_match --top-only --save ref.json
    .venv/bin/python -m bench.bench_profile_match --top-only --compare ref.json `--profile` runs pyinstrument over the
build or the query loop and prints the top frames.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import orjson

from bench.bench_match import load_queries

ROOT = Path(__file__).resolve().parents[1]


def _query(row: dict[str, str]) -> Any:
    from scrutiny.match import Query

    return Query(row["name"], schema=row["schema"] or None, birth_date=row["birth_date"] or None)


def top_hits(matcher: Any, rows: list[dict[str, str]]) -> list[list[tuple[str, float]]]:
    """Every query's hits down to a low threshold (so near-misses are compared too)."""
    return [
        [(h.entity_id, h.score) for h in matcher.screen(_query(r), threshold=0.05, limit=10)]
        for r in rows
    ]


def compare_hits(before: list[Any], after: list[Any], rows: list[dict[str, str]]) -> int:
    """Number of queries whose hits differ (ids, order, or score beyond 1e-9)."""
    differ = 0
    for row, a, b in zip(rows, before, after, strict=True):
        same = len(a) == len(b) and all(
            x[0] == y[0] and abs(x[1] - y[1]) < 1e-9 for x, y in zip(a, b, strict=True)
        )
        if not same:
            differ += 1
            if differ <= 10:
                print(f"DIFF {row['name']!r}\n  before {a[:4]}\n  after  {b[:4]}", file=sys.stderr)
    return differ


def child_rss(index_dir: Path, queries: int) -> float:
    """Peak RSS (MB) of a fresh process that loads the saved index and screens `queries`."""
    code = (
        "import sys\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "from bench.bench_match import load_queries\nfrom bench.bench_profile_match import _query\n"
        "from scrutiny.match import Matcher\n"
        f"m = Matcher.load({str(index_dir)!r})\n"
        f"for r in load_queries({queries}): m.screen(_query(r))\n"
        # VmHWM, not ru_maxrss: the latter keeps the parent's peak across fork + exec.
        "print([l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')][0])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    return int(out.split()[-1]) / 1024


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--queries", type=int, default=600)
    parser.add_argument("--save", type=Path)
    parser.add_argument("--compare", type=Path)
    parser.add_argument("--profile", choices=["build", "query"])
    parser.add_argument(
        "--top-only", action="store_true", help="build and record hits only (no timings)"
    )
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    from eval.lists import load_all_entities
    from scrutiny.match import Matcher
    from scrutiny.screening.records import screen_batch

    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    print(f"load average {os.getloadavg()}", file=sys.stderr)
    entities = load_all_entities()
    rows = load_queries(args.queries)
    result: dict[str, Any] = {"entities": len(entities)}

    profiler = None
    if args.profile == "build":
        from pyinstrument import Profiler

        profiler = Profiler()
        profiler.start()
    started = time.perf_counter()
    matcher = Matcher.from_entities(entities)
    result["build_s"] = round(time.perf_counter() - started, 2)
    if profiler is not None:
        profiler.stop()
        print(profiler.output_text(unicode=False, color=False, show_all=False), file=sys.stderr)
    result["names"] = len(matcher.index.name_text)
    if args.top_only:
        hits = top_hits(matcher, rows)
        if args.save:
            args.save.write_bytes(orjson.dumps(hits))
        if args.compare:
            before = orjson.loads(args.compare.read_bytes())
            result["queries_differing"] = compare_hits(before, hits, rows)
        print(orjson.dumps(result).decode())
        return 1 if result.get("queries_differing") else 0
    result["rss_after_build_mb"] = round(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
    )
    index_dir = Path(tempfile.mkdtemp(prefix="scrutiny-prof-"))
    started = time.perf_counter()
    matcher.save(index_dir)
    result["save_s"] = round(time.perf_counter() - started, 2)
    started = time.perf_counter()
    matcher = Matcher.load(index_dir)
    result["load_s"] = round(time.perf_counter() - started, 2)

    matcher.screen("warm up")  # loads the compiled kernels (start-up, not per query)
    # First pass over names never seen by this process (a customer file of distinct names):
    # each is transliterated and its unknown words' typo neighbours looked up once. CPU time,
    # so other jobs on the machine do not count.
    started = time.process_time()
    screen_batch(matcher, rows)
    result["first_pass_names_per_cpu_s"] = round(len(rows) / (time.process_time() - started), 1)
    for row in rows[:50]:  # warm-up
        matcher.screen(_query(row))
    if args.profile == "query":
        from pyinstrument import Profiler

        profiler = Profiler()
        profiler.start()
    times = []
    for row in rows:
        query = _query(row)
        started = time.perf_counter()
        matcher.screen(query)
        times.append((time.perf_counter() - started) * 1000)
    if args.profile == "query" and profiler is not None:
        profiler.stop()
        print(profiler.output_text(unicode=False, color=False, show_all=False), file=sys.stderr)
    times.sort()
    result["p50_ms"] = round(statistics.median(times), 2)
    result["p99_ms"] = round(times[int(0.99 * (len(times) - 1))], 2)
    result["mean_ms"] = round(statistics.fmean(times), 2)

    started = time.perf_counter()
    screen_batch(matcher, rows)
    result["batch_names_per_s"] = round(len(rows) / (time.perf_counter() - started), 1)

    hits = top_hits(matcher, rows)
    if args.save:
        args.save.write_bytes(orjson.dumps(hits))
    if args.compare:
        before = orjson.loads(args.compare.read_bytes())
        result["queries_differing"] = compare_hits(before, hits, rows)
    result["child_rss_mb"] = round(child_rss(index_dir, 50), 1)
    result["load_average_end"] = os.getloadavg()
    print(orjson.dumps(result, option=orjson.OPT_INDENT_2).decode())
    return 1 if result.get("queries_differing") else 0


if __name__ == "__main__":
    raise SystemExit(main())
