"""The Spark runner screens exactly like the in-process batch path, row for row."""

from __future__ import annotations

import csv
import importlib.util
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pytest

from scrutiny.match import Matcher
from scrutiny.scale.spark import dense_row, load_matcher, partition_offsets
from scrutiny.screening.records import results_table, screen_batch

_SPARK_PROBLEM = (
    "pyspark is not installed (optional extra `spark`: pip install 'scrutiny[spark]')"
    if importlib.util.find_spec("pyspark") is None
    else "no Java runtime on PATH (Spark needs Java 17+)"
    if shutil.which("java") is None
    else None
)
# CI sets SCRUTINY_REQUIRE_SPARK=1: there a missing Spark fails the tests instead of skipping.
needs_spark = pytest.mark.skipif(
    _SPARK_PROBLEM is not None and os.environ.get("SCRUTINY_REQUIRE_SPARK") != "1",
    reason=_SPARK_PROBLEM or "",
)


@pytest.fixture(scope="module")
def un_index(mirror_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from scrutiny.sources.un import read_un_xml

    matcher = Matcher.from_entities(read_un_xml(mirror_dir / "un" / "consolidated.xml").entities)
    folder = tmp_path_factory.mktemp("un_index")
    matcher.save(folder)
    return folder


@pytest.fixture(scope="module")
def customers(mirror_dir: Path) -> list[dict[str, Any]]:
    """Real UN designee names (as listed, and reordered) mixed with clean names and bad rows."""
    from scrutiny.sources.un import read_un_xml

    rows: list[dict[str, Any]] = []
    entities = read_un_xml(mirror_dir / "un" / "consolidated.xml").entities
    for number, entity in enumerate(entities):
        if number >= 40:
            break
        name = entity.names[0].full
        if number % 2:
            name = " ".join(reversed(name.split()))
        rows.append({"id": f"u{number}", "name": name, "dob": None})
    clean = ["Maria Garcia", "John Smith", "Anna Kowalska", "Ahmed Hassan", "Li Wei"]
    rows += [{"id": f"c{n}", "name": name, "dob": "1970"} for n, name in enumerate(clean)]
    rows.append({"id": "bad-empty", "name": "  ", "dob": None})
    rows.append({"id": "bad-date", "name": "Eric Badege", "dob": "31/31/1984"})
    return rows


def _in_process(index: Path, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    table = pa.Table.from_pylist(rows)
    return _decoded(results_table(screen_batch(Matcher.load(index), table)).to_pylist())


def _decoded(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**row, "hits": orjson.loads(row["hits"])} for row in rows]


# --- without Spark ---------------------------------------------------------------------------


def test_dense_rows_from_increasing_ids() -> None:
    counts = {0: 3, 2: 5, 5: 1}  # partitions 1, 3 and 4 were empty
    offsets = partition_offsets(counts)
    ids = [(p << 33) + i for p in sorted(counts) for i in range(counts[p])]
    assert [dense_row(i, offsets) for i in ids] == list(range(sum(counts.values())))


def test_matcher_loaded_once_per_path(un_index: Path) -> None:
    first = load_matcher(str(un_index))
    assert load_matcher(str(un_index)) is first
    assert len(first) > 900  # the UN list holds about a thousand designations


# --- local Spark -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    from pyspark.sql import SparkSession

    # Workers must run this interpreter (scrutiny is installed in it), not `python3` on PATH.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    session = (
        SparkSession.builder.master("local[2]")
        .appName("scrutiny-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        # Several Arrow batches per partition, so batch boundaries are exercised too.
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "7")
        .getOrCreate()
    )
    yield session
    session.stop()


def _frame(spark: Any, rows: list[dict[str, Any]], partitions: int) -> Any:
    schema = "id string, name string, dob string"
    tuples = [(r["id"], r["name"], r["dob"]) for r in rows]
    # parallelize keeps input order across partitions (repartition would shuffle it).
    return spark.createDataFrame(spark.sparkContext.parallelize(tuples, partitions), schema)


@needs_spark
@pytest.mark.slow
def test_spark_equals_in_process_row_for_row(
    spark: Any, un_index: Path, customers: list[dict[str, Any]]
) -> None:
    from scrutiny.scale.spark import screen_dataframe

    frame = _frame(spark, customers, partitions=3)
    assert frame.rdd.getNumPartitions() == 3
    result = screen_dataframe(frame, index_dir=un_index)
    got = _decoded(sorted((r.asDict() for r in result.collect()), key=lambda r: r["row"]))
    expected = _in_process(un_index, customers)
    assert got == expected
    assert [r["row"] for r in got] == list(range(len(customers)))
    assert sum(1 for r in got if r["hits"]) >= 30  # the listed names are found
    assert {r["id"] for r in got if r["error"]} == {"bad-empty", "bad-date"}


@needs_spark
@pytest.mark.slow
def test_shipped_index_and_threshold(
    spark: Any, un_index: Path, customers: list[dict[str, Any]]
) -> None:
    from scrutiny.scale.spark import screen_dataframe

    frame = _frame(spark, customers[:20], partitions=2)
    result = screen_dataframe(frame, index_dir=un_index, ship_index=True, threshold=0.95, limit=2)
    got = _decoded(sorted((r.asDict() for r in result.collect()), key=lambda r: r["row"]))
    table = pa.Table.from_pylist(customers[:20])
    expected = results_table(
        screen_batch(Matcher.load(un_index), table, threshold=0.95, limit=2)
    ).to_pylist()
    assert got == _decoded(expected)
    assert all(len(r["hits"]) <= 2 for r in got)


@needs_spark
@pytest.mark.slow
def test_module_entry_csv_to_parquet(
    spark: Any, un_index: Path, customers: list[dict[str, Any]], tmp_path: Path
) -> None:
    from scrutiny.scale.spark import main

    source = tmp_path / "customers.csv"
    with source.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["id", "name", "dob"])
        writer.writeheader()
        writer.writerows(customers)
    out = tmp_path / "hits.parquet"
    assert main([str(source), str(out), "--index-dir", str(un_index)]) == 0
    import pyarrow.parquet as pq

    written = pq.read_table(out).sort_by("row").to_pylist()
    # CSV has no nulls: empty cells read back as null, so compare against the same rows.
    assert _decoded(written) == _in_process(un_index, customers)


@needs_spark
@pytest.mark.slow
def test_no_name_column_fails_before_screening(spark: Any, un_index: Path) -> None:
    from scrutiny.errors import QueryError
    from scrutiny.scale.spark import screen_dataframe

    frame = spark.createDataFrame([("x", "1990")], "customer string, birthday string")
    with pytest.raises(QueryError, match="no name column"):
        screen_dataframe(frame, index_dir=un_index)
