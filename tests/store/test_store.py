"""The version store on SQLite and PostgreSQL: versions, idempotent loads, atomicity, deltas."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from store_fakes import fake_list, make_entity

from scrutiny.errors import ListParseError, StoreError
from scrutiny.model import EntityType
from scrutiny.store import EntityNotFoundError, Store, connect
from scrutiny.store.schema import entity_records, list_versions, version_entities


def _row_counts(store: Store) -> tuple[int, int, int]:
    with store.transaction() as conn:
        return tuple(  # type: ignore[return-value]
            conn.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (list_versions, entity_records, version_entities)
        )


def test_first_load_creates_current_version_with_counts(store: Store, tmp_path: Path) -> None:
    entities = [
        make_entity("fake", "1", "KOREA KWANGSON BANKING CORP", programs=("DPRK", "NPWMD")),
        make_entity("fake", "2", "KIM Jong Un", schema=EntityType.PERSON, programs=("DPRK",)),
        make_entity("fake", "3", "OCEAN SKY", schema=EntityType.VESSEL, programs=("SDGT",)),
    ]
    result = store.load_list(fake_list(tmp_path, entities))
    assert result.created
    version = result.version
    assert (version.list_id, version.number, version.is_current) == ("fake", 1, True)
    assert version.entity_count == 3
    assert version.counts["by_schema"] == {"Organization": 1, "Person": 1, "Vessel": 1}
    assert version.counts["by_program"] == {"DPRK": 2, "NPWMD": 1, "SDGT": 1}
    assert result.delta is not None and str(result.delta.summary) == "+3/-0/~0"
    assert [v.number for v in store.current_versions()] == [1]
    stored = sorted(store.iter_current_entities(), key=lambda e: e.id)
    assert stored == sorted(entities, key=lambda e: e.id)


def test_same_content_twice_creates_no_version(store: Store, tmp_path: Path) -> None:
    entities = [make_entity("fake", "1", "A"), make_entity("fake", "2", "B")]
    first = store.load_list(fake_list(tmp_path, entities))
    before = _row_counts(store)
    again = store.load_list(fake_list(tmp_path, entities))
    assert not again.created
    assert again.version.id == first.version.id
    assert _row_counts(store) == before


def test_reloading_an_older_file_keeps_the_current_version(store: Store, tmp_path: Path) -> None:
    old = [make_entity("fake", "1", "A")]
    new = [make_entity("fake", "1", "A"), make_entity("fake", "2", "B")]
    store.load_list(fake_list(tmp_path, old))
    store.load_list(fake_list(tmp_path, new))
    result = store.load_list(fake_list(tmp_path, old))
    assert not result.created
    assert result.version.number == 1
    assert result.warnings and "not current" in result.warnings[0]
    current = store.current_version("fake")
    assert current is not None and current.number == 2


def test_unchanged_records_are_stored_once(store: Store, tmp_path: Path) -> None:
    base = [make_entity("fake", str(i), f"NAME {i}") for i in range(50)]
    store.load_list(fake_list(tmp_path, base))
    # Second version: one changed, one added, one removed; 48 records shared.
    second = [*base[1:49], make_entity("fake", "49", "NAME 49", remarks="new remark")]
    second.append(make_entity("fake", "50", "NAME 50"))
    store.load_list(fake_list(tmp_path, second))
    versions, records, members = _row_counts(store)
    assert (versions, records, members) == (2, 52, 100)


@pytest.mark.parametrize("fail_after", [0, 3, 2500])
def test_parser_failure_midway_leaves_previous_version(
    store: Store, tmp_path: Path, fail_after: int
) -> None:
    first = [make_entity("fake", str(i), f"FIRST {i}") for i in range(5)]
    store.load_list(fake_list(tmp_path, first))
    before = _row_counts(store)
    # 3000 entities so that the 2500 case fails after a chunk was already written.
    second = [make_entity("fake", str(i), f"SECOND {i}") for i in range(3000)]
    with pytest.raises(ListParseError, match="wrong column count"):
        store.load_list(fake_list(tmp_path, second, fail_after=fail_after))
    assert _row_counts(store) == before
    current = store.current_version("fake")
    assert current is not None and current.number == 1
    assert {e.primary_name for e in store.iter_current_entities()} == {
        f"FIRST {i}" for i in range(5)
    }
    # And the store still works: the same list loads cleanly afterwards.
    assert store.load_list(fake_list(tmp_path, second)).version.number == 2


def test_duplicate_entity_ids_are_reported(store: Store, tmp_path: Path) -> None:
    entities = [make_entity("fake", "1", "A"), make_entity("fake", "1", "A PRIME")]
    result = store.load_list(fake_list(tmp_path, entities))
    assert result.version.entity_count == 1
    assert any("appears twice" in w for w in result.version.warnings)


def test_parser_warnings_are_kept_with_the_version(store: Store, tmp_path: Path) -> None:
    parsed = fake_list(tmp_path, [make_entity("fake", "1", "A")])
    parsed.warnings.append("ADD.CSV:12: entity 999 is not in SDN.CSV")
    result = store.load_list(parsed)
    assert result.version.warnings == ("ADD.CSV:12: entity 999 is not in SDN.CSV",)


def test_diff_names_changed_fields(store: Store, tmp_path: Path) -> None:
    store.load_list(
        fake_list(tmp_path, [make_entity("fake", "1", "A"), make_entity("fake", "2", "B")])
    )
    store.load_list(
        fake_list(
            tmp_path,
            [
                make_entity("fake", "1", "A", programs=("DPRK3", "NPWMD"), remarks="x"),
                make_entity("fake", "3", "C"),
            ],
        )
    )
    delta = store.diff("fake")
    assert (
        delta.from_version and delta.from_version.number,
        delta.to_version and delta.to_version.number,
    ) == (1, 2)
    assert delta.added == ["fake:3"]
    assert delta.removed == ["fake:2"]
    assert delta.changed == [("fake:1", ["programs", "remarks"])]
    reverse = store.diff("fake", from_version=2, to_version=1)
    assert (reverse.added, reverse.removed) == (["fake:2"], ["fake:3"])
    first = store.diff("fake", to_version=1)
    assert first.from_version is None and first.added == ["fake:1", "fake:2"]
    with pytest.raises(StoreError, match="no version 7"):
        store.diff("fake", from_version=7)
    with pytest.raises(StoreError, match="no current version"):
        store.diff("other")


def test_get_entity_returns_latest_content_and_versions(store: Store, tmp_path: Path) -> None:
    store.load_list(fake_list(tmp_path, [make_entity("fake", "1", "A")]))
    store.load_list(fake_list(tmp_path, [make_entity("fake", "1", "A", remarks="later")]))
    store.load_list(fake_list(tmp_path, [make_entity("fake", "2", "B")]))
    entity, versions = store.get_entity("fake:1")
    assert entity.remarks == "later"
    assert [v.number for v in versions] == [1, 2]
    with pytest.raises(EntityNotFoundError, match="fake:9"):
        store.get_entity("fake:9")


def test_lists_are_independent(store: Store, tmp_path: Path) -> None:
    store.load_list(fake_list(tmp_path, [make_entity("one", "1", "A")], list_id="one"))
    store.load_list(fake_list(tmp_path, [make_entity("two", "1", "B")], list_id="two"))
    assert [v.list_id for v in store.current_versions()] == ["one", "two"]
    assert [e.id for e in store.iter_current_entities(["two"])] == ["two:1"]


def test_entity_of_another_list_is_refused(store: Store, tmp_path: Path) -> None:
    with pytest.raises(ListParseError, match="entity of list 'other'"):
        store.load_list(fake_list(tmp_path, [make_entity("other", "1", "A")]))
    assert store.current_versions() == []


def test_reconnect_keeps_data_and_skips_migrations(db_url: str, tmp_path: Path) -> None:
    with connect(db_url) as first:
        first.load_list(fake_list(tmp_path, [make_entity("fake", "1", "A")]))
    with connect(db_url) as second:
        assert [e.id for e in second.iter_current_entities()] == ["fake:1"]


def test_unreachable_database_is_a_store_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(StoreError, match="cannot open the store"):
        connect(f"sqlite:///{blocker}/sub/scrutiny.db")


def test_unreachable_postgres_is_a_store_error() -> None:
    with pytest.raises(StoreError, match="cannot open the store at postgresql"):
        connect("postgresql+psycopg://postgres@127.0.0.1:1/none?connect_timeout=2")
