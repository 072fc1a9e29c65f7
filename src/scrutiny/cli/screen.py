"""CLI commands: screen (one name), screen-file (a batch file), pairs (name pairs)."""

from __future__ import annotations

import csv
import multiprocessing
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer

from scrutiny.cli._common import console, reports_errors
from scrutiny.errors import QueryError
from scrutiny.match.matcher import Matcher
from scrutiny.match.query import Query

BATCH_ROWS = 500
_IndexOption = Annotated[
    Path | None,
    typer.Option(
        "--index",
        help="Use the persisted index in this folder instead of the store's lists.",
    ),
]
_ThresholdOption = Annotated[
    float | None, typer.Option("--threshold", help="Alert threshold (default: calibrated).")
]


def _matcher(index: Path | None) -> Matcher:
    if index is not None:
        if not (index / "manifest.json").is_file():
            raise QueryError(f"{index}: no scrutiny index here (manifest.json missing)")
        return Matcher.load(index)
    from scrutiny.screening.names import default_matcher

    return default_matcher()


def register(app: typer.Typer) -> None:
    """Add this module's commands to the main app."""
    app.command("screen")(screen_command)
    app.command("screen-file")(screen_file_command)
    app.command("pairs")(pairs_command)


@reports_errors
def screen_command(
    name: Annotated[str, typer.Argument(help="Name to screen, in any script.")],
    entity_type: Annotated[
        str, typer.Option("--type", help="person, organization, vessel or any.")
    ] = "any",
    dob: Annotated[str | None, typer.Option("--dob", help="Date of birth: YYYY[-MM[-DD]].")] = None,
    country: Annotated[
        list[str] | None, typer.Option("--country", help="Nationality/country (repeatable).")
    ] = None,
    identifier: Annotated[
        list[str] | None, typer.Option("--id", help="IMO, BIC, passport, crypto address ...")
    ] = None,
    threshold: _ThresholdOption = None,
    limit: Annotated[int, typer.Option("--limit", help="Most hits to show.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    index: _IndexOption = None,
) -> None:
    """Screen one name against every loaded list."""
    matcher = _matcher(index)
    query = Query(
        name,
        schema=entity_type,
        birth_date=dob,
        countries=tuple(country or ()),
        identifiers=tuple(identifier or ()),
    )
    hits = matcher.screen(query, threshold=threshold, limit=limit)
    if as_json:
        typer.echo(orjson.dumps([h.to_dict() for h in hits], option=orjson.OPT_INDENT_2))
        return
    if not hits:
        console.print(f"No hits at or above {threshold or matcher.threshold:.2f}.")
        return
    from rich.table import Table

    table = Table(title=f"Hits for {name!r}")
    for column in ("score", "entity", "list name", "matched", "list", "programs", "why"):
        table.add_column(column)
    for hit in hits:
        why = hit.explanation
        table.add_row(
            f"{hit.score:.3f}",
            hit.entity_id,
            hit.name,
            f"{why.get('matched_name') or ''} ({why.get('name_kind') or 'identifier'})",
            hit.list_id,
            ", ".join(hit.programs),
            "; ".join(why.get("agreeing", []) + [f"-{c}" for c in why.get("conflicting", [])]),
        )
    console.print(table)


# --- screen-file ---------------------------------------------------------------------------


def _read_rows(path: Path) -> Iterator[dict[str, Any] | str]:
    """Rows of a CSV, JSON-lines or Parquet file; a string stands for an unreadable row."""
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".pq"):
        import pyarrow.parquet as pq

        for batch in pq.ParquetFile(path).iter_batches(batch_size=BATCH_ROWS):
            yield from batch.to_pylist()
    elif suffix in (".jsonl", ".ndjson", ".json"):
        with path.open("rb") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    row = orjson.loads(line)
                except orjson.JSONDecodeError as exc:
                    yield f"line {number}: not valid JSON ({exc})"
                    continue
                yield row if isinstance(row, dict) else f"line {number}: not a JSON object"
    else:
        with path.open(newline="", encoding="utf-8-sig", errors="replace") as handle:
            reader = csv.DictReader(handle)
            for row in reader:
                if None in row:  # more fields than the header
                    yield f"line {reader.line_num}: {len(row) - 1 + len(row[None])} fields, header has {len(reader.fieldnames or [])}"
                    continue
                yield row


def _batches(path: Path) -> Iterator[tuple[int, list[dict[str, Any] | str]]]:
    batch: list[dict[str, Any] | str] = []
    start = 0
    for number, row in enumerate(_read_rows(path)):
        if not batch:
            start = number
        batch.append(row)
        if len(batch) >= BATCH_ROWS:
            yield start, batch
            batch = []
    if batch:
        yield start, batch


_worker_matcher: Matcher | None = None
_worker_threshold: float | None = None


def _init_worker(index_dir: str, threshold: float | None) -> None:
    global _worker_matcher, _worker_threshold
    _worker_matcher = Matcher.load(Path(index_dir))
    _worker_threshold = threshold


def _screen_rows(job: tuple[int, list[dict[str, Any] | str]]) -> list[bytes]:
    from scrutiny.screening.records import RowResult, recognise_columns, row_query

    assert _worker_matcher is not None
    start, rows = job
    out = []
    roles: dict[str, str] | None = None
    for offset, row in enumerate(rows):
        number = start + offset
        if isinstance(row, str):
            out.append(orjson.dumps(RowResult(number, None, error=row).to_dict()))
            continue
        try:
            if roles is None:
                roles = recognise_columns(list(row.keys()))
            result = RowResult(
                number,
                row.get(roles["id"]) if "id" in roles else None,
                _worker_matcher.screen(row_query(row, roles), threshold=_worker_threshold),
            )
        except QueryError as exc:
            result = RowResult(number, row.get("id"), error=str(exc))
        out.append(orjson.dumps(result.to_dict(), default=str))
    return out


@reports_errors
def screen_file_command(
    source: Annotated[Path, typer.Argument(help="CSV, JSON lines or Parquet file.", exists=True)],
    out: Annotated[Path, typer.Option("--out", help="Output JSON lines file.")],
    threshold: _ThresholdOption = None,
    workers: Annotated[int, typer.Option("--workers", help="Processes (default: all cores).")] = 0,
    index: _IndexOption = None,
) -> None:
    """Screen every row of a file; one JSON object per input row, in input order."""
    from rich.progress import Progress

    global _worker_matcher, _worker_threshold
    matcher = _matcher(index)
    index_dir = index
    if index_dir is None:
        from scrutiny.settings import load_settings

        index_dir = load_settings().index_dir
    workers = workers or os.cpu_count() or 1
    errors = rows = 0
    with out.open("wb") as sink, Progress(console=console, transient=True) as progress:
        task = progress.add_task("screening", total=None)
        if workers == 1:
            _worker_matcher, _worker_threshold = matcher, threshold
            results: Iterator[list[bytes]] = map(_screen_rows, _batches(source))
            pool = None
        else:
            context = multiprocessing.get_context("spawn")
            pool = context.Pool(workers, _init_worker, (str(index_dir), threshold))
            results = pool.imap(_screen_rows, _batches(source))
        try:
            for lines in results:
                for line in lines:
                    sink.write(line + b"\n")
                    errors += b'"error"' in line
                rows += len(lines)
                progress.update(task, advance=len(lines))
        finally:
            if pool is not None:
                pool.close()
                pool.join()
    console.print(
        f"screened {rows} rows into {out}" + (f"; {errors} rows had errors" if errors else "")
    )


# --- pairs ---------------------------------------------------------------------------------


@reports_errors
def pairs_command(
    source: Annotated[
        Path, typer.Argument(help="CSV with columns schema,name1,name2.", exists=True)
    ],
    out: Annotated[Path, typer.Option("--out", help="Output CSV (input columns + score, match).")],
    index: _IndexOption = None,
) -> None:
    """Score name pairs: adds `score` and `match` (at the default threshold) to each row."""
    from scrutiny.screening.names import compare

    matcher = Matcher.load(index) if index is not None else None
    count = 0
    with source.open(newline="", encoding="utf-8-sig") as handle, out.open("w", newline="") as sink:
        reader = csv.DictReader(handle)
        fields = list(reader.fieldnames or [])
        missing = {"name1", "name2"} - set(fields)
        if missing:
            raise QueryError(
                f"{source}: missing column(s) {sorted(missing)}; need schema,name1,name2"
            )
        writer = csv.DictWriter(sink, [*fields, "score", "match"], extrasaction="ignore")
        writer.writeheader()
        for row in reader:
            schema = (row.get("schema") or "").strip() or None
            try:
                if matcher is not None:
                    result = matcher.compare(row["name1"] or "", row["name2"] or "", schema=schema)
                else:
                    result = compare(row["name1"] or "", row["name2"] or "", schema=schema)
                row["score"], row["match"] = f"{result.score:.4f}", str(result.match).lower()
            except QueryError as exc:
                row["score"], row["match"] = "", f"error: {exc}"
            writer.writerow(row)
            count += 1
    console.print(f"scored {count} pairs into {out}")
