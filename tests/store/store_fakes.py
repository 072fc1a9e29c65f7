"""Tiny hand-made lists for store tests (no parser needed)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from scrutiny.errors import ListParseError
from scrutiny.model import Entity, EntityType, Name, Provenance, entity_id, seal
from scrutiny.sources import ParsedList


def make_entity(
    list_id: str,
    record_id: str,
    name: str,
    *,
    programs: Sequence[str] = ("DPRK3",),
    schema: EntityType = EntityType.ORGANIZATION,
    remarks: str | None = None,
) -> Entity:
    return seal(
        Entity(
            id=entity_id(list_id, record_id),
            schema=schema,
            names=(Name(name),),
            provenance=Provenance(list_id, "fake.csv", record_id, "2024-01-01"),
            programs=tuple(programs),
            remarks=remarks,
        )
    )


def write_file(folder: Path, name: str, content: str) -> Path:
    path = folder / name
    path.write_text(content, encoding="utf-8")
    return path


def fake_list(
    folder: Path,
    entities: Sequence[Entity],
    *,
    list_id: str = "fake",
    file_content: str | None = None,
    fail_after: int | None = None,
) -> ParsedList:
    """A ParsedList over `entities`; its file content defaults to the entity ids + hashes so
    that different entity sets are different file contents. `fail_after` makes the entity
    iterator raise a ListParseError after that many entities, like a parser meeting a broken
    record halfway through a file."""
    content = file_content or "\n".join(f"{e.id},{e.provenance.content_hash}" for e in entities)
    path = write_file(folder, f"{list_id}-{abs(hash(content))}.csv", content)

    def stream() -> Iterator[Entity]:
        for index, entity in enumerate(entities):
            if fail_after is not None and index == fail_after:
                raise ListParseError(path.name, f"line {index + 1}", "wrong column count")
            yield entity

    return ParsedList(list_id, "2024-01-01", (path,), stream())
