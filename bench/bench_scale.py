"""Distributed screening benchmark: Spark local[N] vs the in-process batch path, same input.

    .venv/bin/python -m eval.build_sets            # once, for the query set (eval/out/)
    .venv/bin/python -m bench.bench_scale [--rows 4000] [--master local[2]] [--index-dir DIR]

Input: the customer names of eval/out/clean_names.csv and the customer-written designees of
eval/out/e2e_queries.csv, interleaved and repeated up to `--rows`, written as 4 Parquet files
(so Spark reads several partitions). Index: every list of the mirror (eval.lists), built once
and saved (or `--index-dir` to reuse one).

Measured:
- in-process: `scrutiny.screening.records.screen_batch` over the whole table in this process
  (one core), names/s;
- Spark: `scrutiny.scale.spark.screen_dataframe` reading the Parquet input and writing Parquet
  results, names/s end to end, twice: cold (Python workers start and each loads the index)
  and warm (workers reused, index cached in the worker), plus session start-up;
- both outputs are compared row for row, matched by input id (they must be equal).

Results go to bench/out/bench_scale.json and are printed as markdown.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"


def input_rows(rows: int) -> list[dict[str, str]]:
    """The bench_match query mix, repeated to `rows` with unique ids."""
    from bench.bench_match import load_queries

    base = load_queries(10**9)
    return [
        {"id": f"q{n}", **base[n % len(base)]}  # name, schema, birth_date
        for n in range(rows)
    ]


def build_index(folder: Path) -> dict[str, Any]:
    from eval.lists import load_all_entities
    from scrutiny.match import Matcher

    entities = load_all_entities()
    Matcher.from_entities(entities).save(folder)
    return {"entities": len(entities), "names": sum(len(e.names) for e in entities)}


def in_process(index_dir: Path, table: pa.Table) -> tuple[float, list[dict[str, Any]]]:
    from scrutiny.match import Matcher
    from scrutiny.screening.records import results_table, screen_batch

    matcher = Matcher.load(index_dir)
    started = time.perf_counter()
    results = screen_batch(matcher, table)
    seconds = time.perf_counter() - started
    return seconds, results_table(results).to_pylist()


def spark_runs(
    master: str, index_dir: Path, source: Path, work: Path
) -> tuple[dict[str, float], list[dict[str, Any]]]:
    from pyspark.sql import SparkSession

    from scrutiny.scale.spark import screen_dataframe

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    started = time.perf_counter()
    spark = (
        SparkSession.builder.master(master)
        .appName("scrutiny-bench")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    timings = {"session_start_s": time.perf_counter() - started}
    try:
        for run in ("cold", "warm"):
            target = work / f"out-{run}"
            started = time.perf_counter()
            frame = spark.read.parquet(str(source))
            timings["partitions"] = frame.rdd.getNumPartitions()
            screen_dataframe(frame, index_dir=index_dir).write.mode("overwrite").parquet(
                str(target)
            )
            timings[f"{run}_s"] = time.perf_counter() - started
    finally:
        spark.stop()
    return timings, pq.read_table(work / "out-warm").sort_by("row").to_pylist()


def run(args: argparse.Namespace) -> dict[str, Any]:
    result: dict[str, Any] = {
        "date": date.today().isoformat(),
        "command": "python -m bench.bench_scale " + " ".join(sys.argv[1:]),
        "cpus": len(os.sched_getaffinity(0)),
        "load_average_start": os.getloadavg(),
        "rows": args.rows,
        "master": args.master,
    }
    work = Path(tempfile.mkdtemp(prefix="scrutiny-bench-scale-"))
    try:
        index_dir = args.index_dir
        if index_dir is None:
            index_dir = work / "index"
            result.update(build_index(index_dir))
        table = pa.Table.from_pylist(input_rows(args.rows))
        source = work / "input"
        source.mkdir()
        step = -(-table.num_rows // 4)
        for part in range(4):
            pq.write_table(table.slice(part * step, step), source / f"part-{part}.parquet")

        seconds, expected = in_process(index_dir, table)
        result["in_process_s"] = seconds
        result["in_process_names_per_s"] = args.rows / seconds
        print(f"in-process: {seconds:.1f} s", file=sys.stderr)

        timings, got = spark_runs(args.master, index_dir, source, work)
        result.update(timings)
        result["spark_cold_names_per_s"] = args.rows / timings["cold_s"]
        result["spark_warm_names_per_s"] = args.rows / timings["warm_s"]
        # Spark orders the splits of a multi-file input by size, not by name, so `row` follows
        # Spark's order; match results by the input id instead.
        by_id = {r["id"]: {**r, "row": None} for r in expected}
        result["equal_row_for_row"] = len(got) == len(expected) and all(
            by_id.get(r["id"]) == {**r, "row": None} for r in got
        )
        result["rows_with_hits"] = sum(1 for r in expected if r["hits"] != "[]")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result["load_average_end"] = os.getloadavg()
    return result


def markdown(result: dict[str, Any]) -> str:
    lines = [
        f"Command: `{result['command']}` ({result['date']}, {result['cpus']} cpus, load average "
        f"{result['load_average_start'][0]:.1f} → {result['load_average_end'][0]:.1f})",
        "",
        f"{result['rows']:,} rows, {result.get('partitions', '?')} Spark partitions, "
        f"results equal row for row: {result['equal_row_for_row']}",
        "",
        "| path | seconds | names/s |",
        "|---|---|---|",
        f"| in-process `screen_batch`, 1 core | {result['in_process_s']:.1f} | "
        f"{result['in_process_names_per_s']:.0f} |",
        f"| Spark {result['master']}, cold (worker start + index load) | {result['cold_s']:.1f} | "
        f"{result['spark_cold_names_per_s']:.0f} |",
        f"| Spark {result['master']}, warm (workers and index reused) | {result['warm_s']:.1f} | "
        f"{result['spark_warm_names_per_s']:.0f} |",
        "",
        f"Spark session start-up: {result['session_start_s']:.1f} s (not counted above).",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=4000)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--index-dir", type=Path, help="a saved index to reuse")
    args = parser.parse_args(argv)
    result = run(args)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "bench_scale.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    text = markdown(result)
    (OUT / "bench_scale.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
