"""Deltas on real history: the seven archived SDN.CSV versions and the mirror's 2024-05-03 file.

SOURCES.md gives the step deltas by entity number (added/removed/changed rows). Our `changed`
compares parsed entities rather than CSV rows; on these files both counts agree, step by step.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scrutiny.model import Entity
from scrutiny.sources import ParsedList
from scrutiny.sources.ofac_csv import read_sdn_csv
from scrutiny.store import Store

# (added, removed, changed) into each version after the first, from SOURCES.md
EXPECTED_STEPS = [
    (715, 110, 37),
    (1163, 164, 30),
    (251, 7, 18),
    (0, 2, 0),
    (298, 0, 0),
    (7, 0, 0),
    (0, 8, 0),
]
EXPECTED_SIZES = [12822, 13427, 14426, 14670, 14668, 14966, 14973, 14965]

History = list[tuple[str, Path, list[Entity], list[str]]]


@pytest.fixture(scope="module")
def history(lists_dir: Path) -> History:
    """Each version parsed once, then loaded into every database backend."""
    folder = lists_dir / "archive" / "ofac" / "history"
    files = [(p.name.removeprefix("ofac_sdn_")[:10], p) for p in sorted(folder.glob("*.csv.gz"))]
    files.append(("2024-05-03", lists_dir / "mirror" / "ofac" / "SDN.CSV"))
    assert len(files) == 8
    parsed = []
    for date, path in files:
        # OFAC CSVs carry no date; for these files the date is in the file name.
        result = read_sdn_csv(path, publisher_date=date)
        entities = list(result.entities)
        parsed.append((date, path, entities, list(result.warnings)))
    return parsed


@pytest.mark.slow
def test_step_deltas_match_the_published_counts(store: Store, history: History) -> None:
    for date, path, entities, warnings in history:
        result = store.load_list(ParsedList("ofac_sdn", date, (path,), iter(entities), warnings))
        assert result.created
    versions = store.versions("ofac_sdn")
    assert [v.publisher_date for v in versions] == [date for date, *_ in history]
    assert [v.entity_count for v in versions] == EXPECTED_SIZES
    assert [v.is_current for v in versions] == [False] * 7 + [True]

    steps = []
    for number in range(2, 9):
        delta = store.diff("ofac_sdn", number - 1, number)
        steps.append((len(delta.added), len(delta.removed), len(delta.changed)))
        # every changed entity names real Entity fields that differ
        for _entity_id, fields in delta.changed:
            assert fields and "<content hash>" not in fields
    assert steps == EXPECTED_STEPS

    # The default diff is previous -> current: the 8 removals of 2024-05-03.
    last = store.diff("ofac_sdn")
    assert last.summary.removed == 8 and not last.added and not last.changed
    current_ids = {e.id for e in store.iter_current_entities(["ofac_sdn"])}
    assert not current_ids & set(last.removed)
    # A removed entity is still on record, with the versions it was in.
    _entity, seen_in = store.get_entity(last.removed[0])
    assert seen_in[-1].number == 7
