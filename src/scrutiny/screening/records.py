"""Screening record batches: one function over an Arrow RecordBatch/Table or pandas DataFrame.

Columns are recognised by name (case-insensitive): `name`/`full_name`, or
`first_name`/`middle_name`/`last_name`; `date_of_birth`/`birth_date`/`dob`;
`nationality`/`country`; `gender`; `schema`/`type`; `id`; `identifier`/`imo`/`bic`.
A bad row (no name, an invalid date, an unknown country ...) becomes a result with an
`error` and the rest of the batch is still screened. The distributed runner calls
`screen_batch` unchanged on each partition.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from scrutiny.errors import QueryError
from scrutiny.match.matcher import Matcher
from scrutiny.match.query import Hit, Query

_ALIASES = {
    "name": ("name", "full_name", "fullname"),
    "first_name": ("first_name", "given_name", "firstname"),
    "middle_name": ("middle_name", "middlename"),
    "last_name": ("last_name", "family_name", "surname", "lastname"),
    "birth_date": ("date_of_birth", "birth_date", "dob", "birthdate"),
    "country": ("nationality", "country", "citizenship"),
    "gender": ("gender", "sex"),
    "schema": ("schema", "type", "entity_type"),
    "id": ("id", "customer_id", "record_id"),
    "identifier": ("identifier", "imo", "bic", "swift", "passport"),
}


@dataclass
class RowResult:
    """The outcome of screening one input row."""

    row: int
    id: Any
    hits: list[Hit] = field(default_factory=list)
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The `screen-file` output object for this row."""
        result: dict[str, Any] = {
            "row": self.row,
            "id": self.id,
            "hits": [h.to_dict() for h in self.hits],
        }
        if self.error is not None:
            result["error"] = self.error
        return result


def recognise_columns(columns: Sequence[str]) -> dict[str, str]:
    """Map each recognised role (name, birth_date, ...) to the input column playing it."""
    lowered = {c.strip().lower(): c for c in columns}
    found: dict[str, str] = {}
    for role, names in _ALIASES.items():
        for name in names:
            if name in lowered:
                found[role] = lowered[name]
                break
    if "name" not in found and not ({"first_name", "last_name"} & found.keys()):
        raise QueryError(
            f"no name column among {list(columns)}: expected name, full_name, "
            "or first_name/last_name"
        )
    return found


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value != value:  # pandas NaN
        return None
    text = str(value).strip()
    return text or None


def row_query(row: Mapping[str, Any], columns: Mapping[str, str]) -> Query:
    """The query one input row stands for."""

    def get(role: str) -> str | None:
        column = columns.get(role)
        return _text(row.get(column)) if column else None

    name = get("name")
    if not name:
        parts = [get("first_name"), get("middle_name"), get("last_name")]
        name = " ".join(p for p in parts if p)
    country = get("country")
    identifier = get("identifier")
    return Query(
        name=name or "",
        schema=get("schema"),
        birth_date=get("birth_date"),
        countries=(country,) if country else (),
        gender=get("gender"),
        identifiers=(identifier,) if identifier else (),
    )


def _rows(records: Any) -> tuple[list[str], Iterator[dict[str, Any]]]:
    if isinstance(records, pa.RecordBatch | pa.Table):
        return list(records.schema.names), iter(records.to_pylist())
    if hasattr(records, "to_dict") and hasattr(records, "columns"):  # pandas DataFrame
        return [str(c) for c in records.columns], iter(records.to_dict("records"))
    rows = list(records)
    columns = list(rows[0].keys()) if rows else []
    return columns, iter(rows)


def screen_batch(
    matcher: Matcher,
    records: Any,
    *,
    threshold: float | None = None,
    limit: int = 10,
    first_row: int = 0,
) -> list[RowResult]:
    """Screen every row of a batch; results in input order, row numbers from `first_row`."""
    columns, rows = _rows(records)
    roles = recognise_columns(columns) if columns else {}
    results: list[RowResult] = []
    id_column = roles.get("id")
    for offset, row in enumerate(rows):
        number = first_row + offset
        row_id = row.get(id_column) if id_column else None
        try:
            hits = matcher.screen(row_query(row, roles), threshold=threshold, limit=limit)
        except QueryError as exc:
            results.append(RowResult(number, row_id, error=str(exc)))
            continue
        results.append(RowResult(number, row_id, hits))
    return results


def results_table(results: Sequence[RowResult]) -> pa.Table:
    """Results as an Arrow table (one row per input row; hits as JSON text)."""
    import orjson

    return pa.table(
        {
            "row": pa.array([r.row for r in results], pa.int64()),
            "id": pa.array([None if r.id is None else str(r.id) for r in results], pa.string()),
            "hits": pa.array(
                [orjson.dumps([h.to_dict() for h in r.hits]).decode() for r in results],
                pa.string(),
            ),
            "error": pa.array([r.error for r in results], pa.string()),
        }
    )
