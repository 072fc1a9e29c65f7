"""Batch screening over Arrow batches, with bad rows reported and the rest screened."""

from __future__ import annotations

import pyarrow as pa
import pytest

from scrutiny.errors import QueryError
from scrutiny.match import Matcher
from scrutiny.screening.records import recognise_columns, results_table, screen_batch

pytestmark = pytest.mark.slow  # builds the SDN index once


def test_batch_in_order_with_bad_rows(sdn_loaded: Matcher) -> None:
    batch = pa.RecordBatch.from_pylist(
        [
            {"id": "c1", "first_name": "Jong Un", "last_name": "Kim", "dob": "1984"},
            {"id": "c2", "first_name": "", "last_name": "", "dob": None},
            {"id": "c3", "first_name": "Maria", "last_name": "Garcia", "dob": None},
            {"id": "c4", "first_name": "Jong Un", "last_name": "Kim", "dob": "31/31/1984"},
        ]
    )
    results = screen_batch(sdn_loaded, batch, first_row=10)
    assert [r.row for r in results] == [10, 11, 12, 13]
    assert [r.id for r in results] == ["c1", "c2", "c3", "c4"]
    assert results[0].hits and results[0].hits[0].entity_id == "ofac_sdn:20157"
    assert results[1].error is not None and "empty name" in results[1].error
    assert results[2].hits == [] and results[2].error is None
    assert results[3].error is not None and "invalid date" in results[3].error
    table = results_table(results)
    assert table.num_rows == 4 and table.column("error").null_count == 2


def test_matcher_screen_batch_accepts_tables(sdn_loaded: Matcher) -> None:
    table = pa.table({"full_name": ["KIM, Jong Un", "John Smith"], "type": ["person", "person"]})
    results = sdn_loaded.screen_batch(table)
    assert [bool(r.hits) for r in results] == [True, False]


def test_unrecognised_columns_say_what_is_expected() -> None:
    with pytest.raises(QueryError, match="no name column"):
        recognise_columns(["customer", "birthday"])
