"""Screening a Spark DataFrame: `screen_batch` on every Arrow batch of every partition.

Each Python worker loads the persisted `Matcher` index once (cached in a module global keyed
by path; Spark reuses Python workers between tasks by default) and screens the Arrow record
batches Spark hands it with `scrutiny.screening.records.screen_batch`, the same function the
in-process `screen-file` path uses, so a row screens the same on one laptop or a thousand
executors.

The index reaches the executors by path. On a cluster that path must be on storage every
executor sees (NFS, a mounted bucket), or pass `ship_index=True` to copy the folder to every
node with `SparkContext.addFile` (resolved there with `SparkFiles.get`).

Output rows: `row` (0-based position in the DataFrame's partition order), `id` (the input id
column as text), `hits` (JSON array of `Hit.to_dict()`), `error` (why the row could not be
screened, else null). Spark orders the splits of a multi-file input by size, not by file name,
so join results back to the input on the id column, not on `row`.

    python -m scrutiny.scale.spark customers.parquet hits.parquet --index-dir idx/
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa

from scrutiny.match.matcher import Matcher
from scrutiny.screening.records import recognise_columns, results_table, screen_batch

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

__all__ = ["RESULT_SCHEMA", "dense_row", "load_matcher", "main", "screen_dataframe"]

# The Spark DDL twin of `scrutiny.screening.records.results_table`.
RESULT_SCHEMA = "row long, id string, hits string, error string"

# Spark's monotonically_increasing_id puts the partition index in the upper 31 bits and the
# record number inside the partition in the lower 33.
_PARTITION_SHIFT = 33
_RECORD_MASK = (1 << _PARTITION_SHIFT) - 1
_ROW_COLUMN = "__scrutiny_row"

_MATCHERS: dict[str, Matcher] = {}
_MATCHERS_LOCK = threading.Lock()


def load_matcher(index_dir: str) -> Matcher:
    """The Matcher for `index_dir`, loaded once per process (Python worker) and then reused."""
    matcher = _MATCHERS.get(index_dir)
    if matcher is None:
        # A worker may run several tasks on threads; load once, not once per thread.
        with _MATCHERS_LOCK:
            matcher = _MATCHERS.get(index_dir)
            if matcher is None:
                matcher = Matcher.load(index_dir)
                _MATCHERS[index_dir] = matcher
    return matcher


def dense_row(increasing_id: int, offsets: Mapping[int, int]) -> int:
    """The 0-based input position of a row from its monotonically_increasing_id.

    `offsets` maps each partition index to the number of rows in the partitions before it.
    """
    return offsets[increasing_id >> _PARTITION_SHIFT] + (increasing_id & _RECORD_MASK)


def partition_offsets(counts: Mapping[int, int]) -> dict[int, int]:
    """Rows before each partition, from the row count of each (non-empty) partition."""
    offsets: dict[int, int] = {}
    total = 0
    for partition in sorted(counts):
        offsets[partition] = total
        total += counts[partition]
    return offsets


def _index_resolver(index_dir: str, shipped: bool) -> Callable[[], str]:
    if not shipped:
        return lambda: index_dir
    name = Path(index_dir).name

    def resolve() -> str:
        from pyspark import SparkFiles

        return SparkFiles.get(name)

    return resolve


def _screen_partition(
    resolve_index: Callable[[], str],
    offsets: Mapping[int, int] | None,
    threshold: float | None,
    limit: int,
) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    def screen(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        matcher = load_matcher(resolve_index())
        for batch in batches:
            if batch.num_rows == 0:
                continue
            ids = batch.column(_ROW_COLUMN).to_pylist()
            records = batch.drop_columns([_ROW_COLUMN])
            results = screen_batch(matcher, records, threshold=threshold, limit=limit)
            for result, increasing_id in zip(results, ids, strict=True):
                result.row = (
                    dense_row(increasing_id, offsets) if offsets is not None else increasing_id
                )
            yield from results_table(results).to_batches()

    return screen


def screen_dataframe(
    df: DataFrame,
    *,
    index_dir: str | Path,
    threshold: float | None = None,
    limit: int = 10,
    ship_index: bool = False,
    dense_rows: bool = True,
) -> DataFrame:
    """Screen every row of `df` against the index at `index_dir`; one result row per input row.

    Columns are recognised as in `scrutiny.screening.records`. `ship_index` copies the index
    folder to every executor (SparkFiles) instead of relying on shared storage. With
    `dense_rows` the `row` column numbers rows 0..n-1 in partition order, which costs one
    extra pass counting rows per partition; without it `row` is Spark's
    monotonically_increasing_id (unique, with gaps between partitions). Both assume the input
    is read deterministically (files, not a non-deterministic query).
    """
    from pyspark.sql import functions as F

    recognise_columns(df.columns)  # fail on the driver, not in every task
    index_path = str(Path(index_dir).resolve())
    if not (Path(index_path) / "manifest.json").is_file():
        raise FileNotFoundError(f"{index_path}: no scrutiny index (manifest.json missing)")
    if ship_index:
        df.sparkSession.sparkContext.addFile(index_path, recursive=True)
    numbered = df.withColumn(_ROW_COLUMN, F.monotonically_increasing_id())
    offsets: dict[int, int] | None = None
    if dense_rows:
        partition = F.shiftright(F.col(_ROW_COLUMN), _PARTITION_SHIFT).alias("partition")
        counts = numbered.select(partition).groupBy("partition").count().collect()
        offsets = partition_offsets({int(r["partition"]): int(r["count"]) for r in counts})
    screen = _screen_partition(_index_resolver(index_path, ship_index), offsets, threshold, limit)
    return numbered.mapInArrow(screen, RESULT_SCHEMA)


def read_input(spark: SparkSession, path: str) -> DataFrame:
    """A Parquet file/folder, or a CSV with a header row (every column read as text)."""
    if path.lower().endswith((".csv", ".csv.gz", ".tsv")):
        separator = "\t" if path.lower().endswith(".tsv") else ","
        return spark.read.csv(path, header=True, sep=separator, inferSchema=False)
    return spark.read.parquet(path)


def main(argv: Sequence[str] | None = None) -> int:
    """Screen a Parquet/CSV file with Spark and write the results as Parquet."""
    parser = argparse.ArgumentParser(
        prog="python -m scrutiny.scale.spark", description=main.__doc__
    )
    parser.add_argument("input", help="Parquet file or folder, or .csv/.tsv with a header row")
    parser.add_argument("output", help="Parquet folder to write (overwritten)")
    parser.add_argument("--index-dir", required=True, help="folder written by Matcher.save")
    parser.add_argument("--threshold", type=float, default=None)
    parser.add_argument("--limit", type=int, default=10, help="hits per row at most")
    parser.add_argument("--master", default=None, help="Spark master (default: spark-submit's)")
    parser.add_argument(
        "--ship-index",
        action="store_true",
        help="copy the index to every executor (SparkFiles) instead of shared storage",
    )
    args = parser.parse_args(argv)

    from pyspark.sql import SparkSession

    # Reuse a session the caller already runs (a notebook, a test) and leave it running.
    owned = SparkSession.getActiveSession() is None
    builder = SparkSession.builder.appName("scrutiny-screen")
    if args.master:
        builder = builder.master(args.master)
        if args.master.startswith("local"):
            # Local workers must run this interpreter (the one scrutiny is installed in), not
            # whatever `python3` is first on PATH; on a cluster the deployment sets it.
            # (pyspark reads PYSPARK_PYTHON when the context starts.)
            os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    spark = builder.getOrCreate()
    try:
        results = screen_dataframe(
            read_input(spark, args.input),
            index_dir=args.index_dir,
            threshold=args.threshold,
            limit=args.limit,
            ship_index=args.ship_index,
        )
        results.write.mode("overwrite").parquet(args.output)
    finally:
        if owned:
            spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
