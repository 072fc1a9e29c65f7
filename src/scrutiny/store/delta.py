"""What changed between two versions of a list: entities added, removed and changed (which
fields), computed from the stored records' content hashes and their JSON documents."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import orjson
from sqlalchemy import Connection, select

from scrutiny.store.schema import entity_records, version_entities

if TYPE_CHECKING:
    from scrutiny.store.versions import ListVersion


@dataclass(frozen=True)
class Delta:
    """Entities added, removed and changed from one version of a list to another.

    `changed` holds (entity_id, [names of the top-level Entity fields that differ]); provenance
    is not compared, since it names the file and date rather than the designation.
    """

    list_id: str
    from_version: ListVersion | None
    to_version: ListVersion | None
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[tuple[str, list[str]]] = field(default_factory=list)

    @property
    def summary(self) -> DeltaSummary:
        return DeltaSummary(len(self.added), len(self.removed), len(self.changed))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (for `scrutiny lists diff --json` and the API)."""
        return {
            "list_id": self.list_id,
            "from_version": self.from_version.number if self.from_version else None,
            "to_version": self.to_version.number if self.to_version else None,
            "added": self.added,
            "removed": self.removed,
            "changed": [{"entity_id": eid, "fields": fields} for eid, fields in self.changed],
        }


@dataclass(frozen=True)
class DeltaSummary:
    added: int
    removed: int
    changed: int

    def __str__(self) -> str:
        return f"+{self.added}/-{self.removed}/~{self.changed}"


def changed_fields(old_document: str, new_document: str) -> list[str]:
    """Names of the top-level entity fields whose values differ between two JSON documents."""
    old = orjson.loads(old_document)
    new = orjson.loads(new_document)
    keys = (set(old) | set(new)) - {"provenance"}
    return sorted(key for key in keys if old.get(key) != new.get(key))


def _members(conn: Connection, version_id: int | None) -> dict[str, tuple[str, int]]:
    """entity_id -> (content_hash, record id) for one version (empty for no version)."""
    if version_id is None:
        return {}
    query = (
        select(entity_records.c.entity_id, entity_records.c.content_hash, entity_records.c.id)
        .join(version_entities, version_entities.c.record_id == entity_records.c.id)
        .where(version_entities.c.version_id == version_id)
    )
    return {row[0]: (row[1], row[2]) for row in conn.execute(query)}


def _documents(conn: Connection, record_ids: list[int]) -> dict[int, str]:
    documents: dict[int, str] = {}
    for start in range(0, len(record_ids), 500):
        chunk = record_ids[start : start + 500]
        query = select(entity_records.c.id, entity_records.c.document).where(
            entity_records.c.id.in_(chunk)
        )
        documents.update({row[0]: row[1] for row in conn.execute(query)})
    return documents


def compute_delta(
    conn: Connection,
    list_id: str,
    from_version: ListVersion | None,
    to_version: ListVersion | None,
) -> Delta:
    """Compare two versions of a list (either may be None, meaning an empty list)."""
    old = _members(conn, from_version.id if from_version else None)
    new = _members(conn, to_version.id if to_version else None)
    added = sorted(set(new) - set(old))
    removed = sorted(set(old) - set(new))
    # Same entity id, different content hash: compare the documents to name the fields.
    differing = sorted(eid for eid in set(old) & set(new) if old[eid][0] != new[eid][0])
    documents = _documents(conn, [old[e][1] for e in differing] + [new[e][1] for e in differing])
    changed = []
    for eid in differing:
        fields = changed_fields(documents[old[eid][1]], documents[new[eid][1]])
        # A hash difference with no visible field difference would mean the hash covers
        # something the JSON does not; report it rather than hide it.
        changed.append((eid, fields or ["<content hash>"]))
    return Delta(list_id, from_version, to_version, added, removed, changed)


__all__ = ["Delta", "DeltaSummary", "changed_fields", "compute_delta"]
